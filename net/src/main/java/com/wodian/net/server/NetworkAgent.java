package com.wodian.net.server;

import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.LockSupport;

/**
 * COMPACT mode's network thread: one duty cycle that receives and then sends, so that the replies a batch produced
 * are written in the same cycle that read the next requests, without waking a second thread. In SHARED mode the
 * pipeline runs between the two ({@link InlinePipeline}): the replies of what was just read go out in the same cycle.
 */
final class NetworkAgent implements Agent, SelectIdleStrategy.Waiter
{
    static final String ROLE_NAME = "wodian-net";

    private final ReceiverAgent receiver;
    private final InlinePipeline pipeline;
    private final SenderAgent sender;
    private final SelectorWaker waker;

    /**
     * @param pipeline the journal and engine stages to run in this duty cycle (SHARED), or null (COMPACT).
     * @param waker    the engine stage's handle on the receiver's selector, for the {@code select} idle strategy;
     *                 null with any other idle strategy.
     */
    NetworkAgent(
        final ReceiverAgent receiver,
        final InlinePipeline pipeline,
        final SenderAgent sender,
        final SelectorWaker waker)
    {
        this.receiver = receiver;
        this.pipeline = pipeline;
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
        int workCount = receiver.doWork();
        if (null != pipeline)
        {
            workCount += pipeline.doWork();
        }
        return workCount + sender.doWork();
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
        if (null != pipeline)
        {
            pipeline.onIdle();
        }
        waker.prepareToSleep();
        try
        {
            if (!sender.hasOutput() && (null == pipeline || !pipeline.hasInput()))
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
            if (null != pipeline)
            {
                pipeline.onShutdown(); // on this thread: the journal's writer belongs to it
            }
        }
        finally
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
}
