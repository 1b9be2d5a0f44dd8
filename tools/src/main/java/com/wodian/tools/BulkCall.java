package com.wodian.tools;

import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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
     */
    static long run(
        final WodianClient client,
        final int count,
        final Encoder encoder,
        final ReplyHandler handler,
        final long timeoutMs,
        final AtomicReference<String> firstRefusal) throws TimeoutException
    {
        final Semaphore window = new Semaphore(WINDOW);
        final AtomicLong refused = new AtomicLong();
        final ReplyListener listener = (correlationId, buffer, offset, length) ->
        {
            try
            {
                handler.onReply(buffer, offset, length);
                final ResultCode code = MessageText.resultCode(buffer, offset, length);
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
        };
        final CommandEncoder commandEncoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (!window.tryAcquire())
                {
                    client.flush();
                    if (!window.tryAcquire(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS))
                    {
                        throw new TimeoutException("no reply within " + timeoutMs + " ms (" + i + " of " + count +
                            " sent)");
                    }
                }
                final int length = encoder.encode(i, commandEncoder, buffer, 0);
                client.send(buffer, 0, length, listener);
            }
            client.flush();
            if (!window.tryAcquire(WINDOW, Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                throw new TimeoutException("not every reply arrived within " + timeoutMs + " ms");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
        return refused.get();
    }
}
