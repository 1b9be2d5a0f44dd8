package com.wodian.net.client;

import org.agrona.DirectBuffer;

import java.util.concurrent.CompletableFuture;

/** The listener behind {@link WodianClient#call}: copies the reply and completes a future. */
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
}
