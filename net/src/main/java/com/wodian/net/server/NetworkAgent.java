package com.wodian.net.server;

import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.LockSupport;

/**
 * COMPACT mode's network thread: one duty cycle that receives and then sends, so that the replies a batch produced
 * are written in the same cycle that read the next requests, without waking a second thread.
 */
final class NetworkAgent implements Agent, SelectIdleStrategy.Waiter
{
    static final String ROLE_NAME = "wodian-net";

    private final ReceiverAgent receiver;
    private final SenderAgent sender;
    private final SelectorWaker waker;

    /**
     * @param waker the engine stage's handle on the receiver's selector, for the {@code select} idle strategy; null
     *              with any other idle strategy.
     */
    NetworkAgent(final ReceiverAgent receiver, final SenderAgent sender, final SelectorWaker waker)
    {
        this.receiver = receiver;
        this.sender = sender;
        this.waker = waker;
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

    /**
     * The {@code select} idle strategy: one selector waits for both directions, sockets through the kernel and
     * replies through the engine stage's {@link SelectorWaker}.
     */
    @Override
    public void awaitWork()
    {
        if (receiver.mustPoll() || sender.mustPoll())
        {
            LockSupport.parkNanos(ReceiverAgent.POLL_PARK_NS);
            return;
        }
        waker.prepareToSleep();
        try
        {
            if (!sender.hasOutput())
            {
                receiver.selectUntilTickDue();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            waker.awake();
        }
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
