package com.wodian.net.client;

import org.agrona.DirectBuffer;

/**
 * A pipelined request channel as a load generator uses it: send an SBE command, get its reply through a listener,
 * flush. {@link WodianClient} is one; the ISO 8583 load client (which speaks ISO on the wire) is another.
 */
public interface RequestChannel
{
    /** Buffers a request; returns its correlation id (consecutive per channel). */
    long send(DirectBuffer message, int offset, int length, ReplyListener listener);

    /** Writes every buffered request. */
    void flush();
}
