package com.wodian.net.server;

import com.wodian.net.FrameDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One slot of the output ring, preallocated and reused: a reply for a session, written by the engine stage and
 * read by the sender. Never keep a reference to a slot after the handler returns: the slot is reused.
 */
final class OutputEvent
{
    /** A reply frame to write to the session. */
    static final byte KIND_REPLY = 1;
    /** Last event of a session: write {@link #payload} if {@link #length} &gt; 0, flush, then close the socket. */
    static final byte KIND_CLOSE = 2;

    long sessionId;
    long correlationId;
    /** The stage stamps of the input this answers, copied by the engine stage (which reads no clock itself). */
    long receivedNs;
    long durableNs;
    byte kind;
    /** Length of the SBE message (header and body) in {@link #payload}. */
    int length;
    final byte[] payload = new byte[FrameDescriptor.REPLY_MESSAGE_LENGTH_MAX];
    final UnsafeBuffer buffer = new UnsafeBuffer(payload);

    static OutputEvent newInstance()
    {
        return new OutputEvent();
    }
}
