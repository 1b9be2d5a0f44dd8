package com.wodian.net.server;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

/**
 * The input ring's {@code blocking} wait strategy. Like the Disruptor's {@code BlockingWaitStrategy} a consumer
 * waits on a lock until the producer signals, but here a consumer that follows another consumer (the engine behind
 * the journal in DEDICATED mode) also waits on the lock, where the Disruptor's strategy spins on the leader's
 * sequence. On two cores that spin takes the CPU from the very journal thread it waits for, for a whole scheduler
 * time slice per batch. The leader therefore signals too, after it has advanced its sequence
 * ({@link JournalHandler}).
 *
 * <p>No wake-up is lost: a waiter checks the sequence it waits for while holding the lock, and every signaller
 * stores its sequence before it takes the lock to notify.
 */
final class FollowerBlockingWaitStrategy implements WaitStrategy
{
    private final Object mutex = new Object();

    @Override
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException, InterruptedException
    {
        // For the first consumer the dependent sequence is the ring's cursor; for a follower, its leader's sequence.
        long availableSequence = dependentSequence.get();
        if (availableSequence < sequence)
        {
            synchronized (mutex)
            {
                while ((availableSequence = dependentSequence.get()) < sequence)
                {
                    barrier.checkAlert();
                    mutex.wait();
                }
            }
        }
        return availableSequence;
    }

    @Override
    public void signalAllWhenBlocking()
    {
        synchronized (mutex)
        {
            mutex.notifyAll();
        }
    }
}
