package com.wodian.net.client;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** The listener behind {@link WodianClient#call}: copies the reply and completes a future, or fails it. */
final class PendingCall implements ReplyListener
{
    final CompletableFuture<byte[]> reply = new CompletableFuture<>();

    @Override
    public void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        reply.complete(copy);
    }

    @Override
    public void onFailure(final long correlationId, final IOException cause)
    {
        reply.completeExceptionally(cause);
    }

    /**
     * Waits for the outcome.
     *
     * @param failure the client's failure, or null while it works.
     * @throws OutcomeUnknownException when the client failed before the reply came.
     * @throws TimeoutException        when neither came in time (the request may still be applied).
     */
    byte[] await(final long timeoutMs, final Supplier<IOException> failure) throws IOException, TimeoutException
    {
        try
        {
            return reply.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new OutcomeUnknownException(ex.getCause() instanceof IOException cause ? cause :
                new IOException(ex.getCause()));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a reply");
        }
        catch (final TimeoutException ex)
        {
            final IOException cause = failure.get();
            if (null != cause)
            {
                throw new OutcomeUnknownException(cause);
            }
            throw ex;
        }
    }
}
