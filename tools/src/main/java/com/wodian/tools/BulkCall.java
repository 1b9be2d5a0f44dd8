package com.wodian.tools;

import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends many commands or queries pipelined on one connection, at most {@link #WINDOW} unanswered, and waits for
 * every reply: set-up, statements and balance sweeps of the demo. Not for measuring (see perf's LoadGenerator).
 */
final class BulkCall
{
    static final int WINDOW = 512;

    /** Encodes message {@code index} into the buffer and returns its length. */
    @FunctionalInterface
    interface Encoder
    {
        int encode(int index, CommandEncoder encoder, MutableDirectBuffer buffer, int offset);
    }

    /** Sees each reply on the client's receiving thread. */
    @FunctionalInterface
    interface ReplyHandler
    {
        void onReply(DirectBuffer buffer, int offset, int length);
    }

    private BulkCall()
    {
    }

    /**
     * @return the number of replies whose code was not in the OK family; the first such reply is described in
     * {@code firstRefusal} when given.
     * @throws TimeoutException    when replies are missing at the deadline.
     * @throws UncheckedIOException when the client failed or was closed before every reply came: the requests
     *                              without one have an unknown outcome (concurrency review 14: their permits were
     *                              never given back, and the run waited out its whole timeout to report a timeout).
     */
    static long run(
        final WodianClient client,
        final int count,
        final Encoder encoder,
        final ReplyHandler handler,
        final long timeoutMs,
        final AtomicReference<String> firstRefusal) throws TimeoutException
    {
        final Replies replies = new Replies(handler, firstRefusal);
        final CommandEncoder commandEncoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int sent = 0;
        try
        {
            for (; sent < count && null == replies.failure.get(); sent++)
            {
                if (!replies.window.tryAcquire())
                {
                    client.flush();
                    if (!replies.window.tryAcquire(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS))
                    {
                        throw new TimeoutException("no reply within " + timeoutMs + " ms (" + sent + " of " + count +
                            " sent)");
                    }
                }
                final int length = encoder.encode(sent, commandEncoder, buffer, 0);
                client.send(buffer, 0, length, replies);
            }
            client.flush();
            if (!replies.window.tryAcquire(WINDOW, Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                throw new TimeoutException("not every reply arrived within " + timeoutMs + " ms");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
        catch (final UncheckedIOException | IllegalStateException ex)
        {
            // The client failed or was closed while sending: the requests it had are failed to their listener.
            replies.failure.compareAndSet(null, ex instanceof UncheckedIOException ?
                ((UncheckedIOException)ex).getCause() : new IOException(ex.getMessage(), ex));
            awaitFailures(replies, deadlineNs);
        }
        replies.throwIfUnknown(sent, count);
        return replies.refused.get();
    }

    /** Waits (to the deadline) until every request sent was answered or failed to its listener. */
    private static void awaitFailures(final Replies replies, final long deadlineNs) throws TimeoutException
    {
        try
        {
            if (!replies.window.tryAcquire(WINDOW, Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                throw new TimeoutException("the client failed (" + replies.failure.get().getMessage() +
                    ") and not every request sent was answered or failed by the deadline");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }

    /** The listener of every request: counts refusals, and requests whose outcome the client's failure left unknown. */
    private static final class Replies implements ReplyListener
    {
        final Semaphore window = new Semaphore(WINDOW);
        final AtomicLong refused = new AtomicLong();
        final AtomicLong unknown = new AtomicLong();
        final AtomicReference<IOException> failure = new AtomicReference<>();
        private final ReplyHandler handler;
        private final AtomicReference<String> firstRefusal;

        Replies(final ReplyHandler handler, final AtomicReference<String> firstRefusal)
        {
            this.handler = handler;
            this.firstRefusal = firstRefusal;
        }

        @Override
        public void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            try
            {
                handler.onReply(buffer, offset, length);
                final ResultCode code = ReplyCodes.resultCodeOf(buffer, offset, length);
                if (code != ResultCode.OK && code != ResultCode.OK_EMPTY_ROLLBACK && refused.getAndIncrement() == 0 &&
                    firstRefusal != null)
                {
                    firstRefusal.set(MessageText.describe(buffer, offset, length));
                }
            }
            finally
            {
                window.release();
            }
        }

        @Override
        public void onFailure(final long correlationId, final IOException cause)
        {
            unknown.incrementAndGet();
            failure.compareAndSet(null, cause);
            window.release();
        }

        /** After the run: the requests with no reply are named, with what was never sent. */
        void throwIfUnknown(final int sent, final int count)
        {
            final IOException cause = failure.get();
            if (null != cause)
            {
                throw new UncheckedIOException("the client failed (" + cause.getMessage() + "): outcome unknown for " +
                    unknown.get() + " of the " + sent + " requests sent, " + (count - sent) + " not sent; the " +
                    "commands are keyed: send them again with the same keys to learn their outcome", cause);
            }
        }
    }
}
