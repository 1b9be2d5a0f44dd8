package com.wodian.engine.risk;

import com.wodian.engine.table.Growth;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * The most recent risk events (declines, flags and shadow hits) in a ring of fixed capacity (grown to it with use):
 * the oldest is overwritten. Event ids are assigned in sequence from 1, so a reader pages with "events after id N"
 * and sees from {@link #oldestId()} whether it missed any.
 */
public final class RiskEventLog
{
    public static final int EVENT_ID = 0;
    public static final int SEQUENCE = 1;
    public static final int TIMESTAMP_MS = 2;
    /** Bits 0..7 rule id, 8..15 decision, 16..31 command template id. */
    public static final int RULE_DECISION_TEMPLATE = 3;
    public static final int MERCHANT_ID = 4;
    public static final int CONSUMER_ID = 5;
    public static final int TERMINAL_ID = 6;
    public static final int REFERENCE_ID = 7;
    public static final int AMOUNT_FEN = 8;
    public static final int OBSERVED = 9;
    public static final int MODEL_VERSION = 10;           // rules 14, 15: the model that scored; else 0
    /** Rules 14, 15: top feature ids, one per byte; else NO_REASONS. */
    public static final int REASONS = 11;
    static final int STRIDE = 12;
    static final long NO_REASONS = 0xFF_FFFFL;

    // Grows with the events logged until the ring first fills (Growth), so ids below its size sit at their own slot.
    private long[] events;
    private final int mask;
    private long lastId;

    RiskEventLog(final int capacity)
    {
        final int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.events = new long[Growth.initialRows(size) * STRIDE];
        this.mask = size - 1;
    }

    /** Slots in use: every id so far and slot 0 until the ring first fills, then all. */
    private int slotsUsed()
    {
        return (int)Math.min(lastId + 1, mask + 1L);
    }

    void append(final long sequence, final long timestampMs, final int ruleId, final int decision, final int template,
        final long merchantId, final long consumerId, final long terminalId, final long referenceId,
        final long amountFen, final long observed, final long modelVersion, final long reasons)
    {
        final long id = ++lastId;
        events = Growth.ensureRows(events, slotsUsed(), STRIDE, mask + 1);
        final int base = (int)(id & mask) * STRIDE;
        events[base + EVENT_ID] = id;
        events[base + SEQUENCE] = sequence;
        events[base + TIMESTAMP_MS] = timestampMs;
        events[base + RULE_DECISION_TEMPLATE] = ruleId | (decision << 8) | ((long)template << 16);
        events[base + MERCHANT_ID] = merchantId;
        events[base + CONSUMER_ID] = consumerId;
        events[base + TERMINAL_ID] = terminalId;
        events[base + REFERENCE_ID] = referenceId;
        events[base + AMOUNT_FEN] = amountFen;
        events[base + OBSERVED] = observed;
        events[base + MODEL_VERSION] = modelVersion;
        events[base + REASONS] = reasons;
    }

    public long lastId()
    {
        return lastId;
    }

    /** Oldest id still kept (1 until the ring wraps; lastId + 1 when empty). */
    public long oldestId()
    {
        return Math.max(1, lastId - mask);
    }

    public long get(final long eventId, final int field)
    {
        return events[(int)(eventId & mask) * STRIDE + field];
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(lastId);
        writer.writeLongs(events, slotsUsed() * STRIDE);
    }

    void readFrom(final SnapshotReader reader)
    {
        lastId = reader.readLong();
        if (lastId < 0)
        {
            throw new IllegalStateException("risk event log id " + lastId);
        }
        events = Growth.ensureRows(events, slotsUsed(), STRIDE, mask + 1);
        if (reader.readLongs(events) != slotsUsed() * STRIDE)
        {
            throw new IllegalStateException("risk event log of another capacity");
        }
    }

    long hash(final long seed)
    {
        final long kept = Math.min(lastId, mask + 1);
        long hash = StateHash.fold(seed, lastId);
        for (long id = lastId - kept + 1; id <= lastId; id++)
        {
            final int base = (int)(id & mask) * STRIDE;
            for (int field = 0; field < STRIDE; field++)
            {
                hash = StateHash.fold(hash, events[base + field]);
            }
        }
        return hash;
    }
}
