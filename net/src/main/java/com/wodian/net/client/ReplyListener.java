package com.wodian.net.client;

import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * Receives the outcome of one request sent with {@link WodianClient#send}: exactly one call per request, either
 * {@link #onReply} or, when the client fails or is closed before the reply came, {@link #onFailure}. Called on the
 * client's receiver thread, in the order the requests were sent. The buffer holds the reply's SBE message (header and
 * body) and is valid only during the call: copy what you keep. Do not block in it; it holds up every later reply, and
 * {@link WodianClient#close()} waits for the failure calls: never close the client while holding a lock a listener
 * takes, and do work such as a resend on a thread of your own. {@link WodianClient#call} from a listener is refused.
 */
@FunctionalInterface
public interface ReplyListener
{
    void onReply(long correlationId, DirectBuffer buffer, int offset, int length);

    /**
     * The client failed (connection lost without reconnect, reconnect given up, protocol error) or was closed while
     * this request was unanswered: its <b>outcome is unknown</b>. The server may have applied it or not; do not take
     * it as declined. Send the same command with the same idempotency key on a new client to learn the outcome (the
     * server answers an applied command with its first result), or void it (docs/protocol.md, "Lost replies").
     * The default does nothing, for listeners that only read replies (queries, load generators).
     *
     * @param correlationId the id {@link WodianClient#send} returned for the request.
     * @param cause         why the client failed.
     */
    default void onFailure(final long correlationId, final IOException cause)
    {
    }
}
