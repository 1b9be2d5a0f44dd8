package com.wodian.net.client;

import org.agrona.DirectBuffer;

/**
 * Receives the reply to one request sent with {@link WodianClient#send}. Called on the client's receiver thread,
 * once per request, in the order the requests were sent. The buffer holds the reply's SBE message (header and body)
 * and is valid only during the call: copy what you keep. Do not block in it; it holds up every later reply.
 */
@FunctionalInterface
public interface ReplyListener
{
    void onReply(long correlationId, DirectBuffer buffer, int offset, int length);
}
