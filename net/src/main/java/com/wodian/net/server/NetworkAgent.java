package com.wodian.net.server;

import org.agrona.concurrent.Agent;

/**
 * COMPACT mode's network thread: one duty cycle that receives and then sends, so that the replies a batch produced
 * are written in the same cycle that read the next requests, without waking a second thread.
 */
final class NetworkAgent implements Agent
{
    static final String ROLE_NAME = "wodian-net";

    private final ReceiverAgent receiver;
    private final SenderAgent sender;

    NetworkAgent(final ReceiverAgent receiver, final SenderAgent sender)
    {
        this.receiver = receiver;
        this.sender = sender;
    }

    @Override
    public String roleName()
    {
        return ROLE_NAME;
    }

    @Override
    public void onStart()
    {
        receiver.onStart();
        sender.onStart();
    }

    @Override
    public int doWork() throws Exception
    {
        return receiver.doWork() + sender.doWork();
    }

    @Override
    public void onClose()
    {
        try
        {
            sender.onClose();
        }
        finally
        {
            receiver.onClose();
        }
    }
}
