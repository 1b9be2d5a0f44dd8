package com.wodian.engine;

import org.agrona.DirectBuffer;

/**
 * Where the engine sends each encoded reply. The buffer is only valid during the call: copy what you keep.
 */
@FunctionalInterface
public interface ReplySink
{
    /** A sink that drops replies, used when replaying the journal. */
    ReplySink NONE = (buffer, offset, length) -> {};

    void onReply(DirectBuffer buffer, int offset, int length);
}
