package com.wodian.journal.consensus;

import org.agrona.DirectBuffer;

/**
 * A reusable view of one journal entry's content (not its index or term): the command's timestamp, its payload
 * encoding version and its bytes. Only valid until the next call that fills it.
 */
public final class EntryView
{
    public long timestampMs;
    public int payloadVersion;
    public DirectBuffer buffer;
    public int offset;
    public int length;

    public EntryView set(
        final long timestampMs, final int payloadVersion, final DirectBuffer buffer, final int offset, final int length)
    {
        this.timestampMs = timestampMs;
        this.payloadVersion = payloadVersion;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }
}
