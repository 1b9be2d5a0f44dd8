package com.wodian.net.client;

import java.util.concurrent.TimeUnit;

/**
 * Notices a connection that stopped answering without closing (a dead peer behind a silent network, where no RST
 * comes): requests in flight and no reply for longer than the reply timeout. Checked on the heartbeat thread;
 * {@link #startWaiting} is called by senders.
 */
final class ReplyProgress
{
    /**
     * When the in-flight queue last went from empty to non-empty; written by senders (under the send lock), read by
     * the heartbeat thread, hence volatile.
     */
    private volatile long waitingSinceNs;
    /** Heartbeat thread only: the oldest in-flight position last seen, and since when. */
    private long progressHead = -1;
    private long progressNs;

    /** Sender, under the send lock: a request goes in flight while none was. */
    void startWaiting(final long nowNs)
    {
        waitingSinceNs = nowNs;
    }

    /** Heartbeat thread: not connected, nothing to watch. */
    void reset()
    {
        progressHead = -1;
    }

    /**
     * Heartbeat thread: true when requests have been in flight with no reply for more than timeoutMs (then the wait
     * counts again from now).
     */
    boolean stalled(final InFlightRequests inFlight, final long nowNs, final long timeoutMs)
    {
        final long head = inFlight.head();
        if (head != progressHead || inFlight.isEmpty())
        {
            progressHead = head;
            progressNs = nowNs;
            return false;
        }
        if (nowNs - Math.max(progressNs, waitingSinceNs) > TimeUnit.MILLISECONDS.toNanos(timeoutMs))
        {
            progressNs = nowNs;
            return true;
        }
        return false;
    }
}
