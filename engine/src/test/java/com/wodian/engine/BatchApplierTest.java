package com.wodian.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The batch path gives the same results as one input at a time: the golden journal (a mixed workload with rewards,
 * distributions, risk declines, expiries and refunds) applied through {@link BatchApplier} at several batch sizes
 * answers every input with the same bytes, and the state hash agrees with a one-at-a-time twin at every check.
 */
class BatchApplierTest
{
    private static final int HASH_EVERY = 997;

    @Test
    void batchesGiveTheRepliesAndStateHashesOfOneAtATime() throws IOException
    {
        final UnsafeBuffer journal = new UnsafeBuffer(GoldenJournal.resource(GoldenJournal.JOURNAL));
        final Run alone = replay(journal, 0);
        for (final int batch : new int[] {1, 3, 64, Engine.PREFETCH_BATCH_MAX})
        {
            final Run batched = replay(journal, batch);
            assertEquals(alone.replies.size(), batched.replies.size(), "replies at batch " + batch);
            for (int i = 0; i < alone.replies.size(); i++)
            {
                assertArrayEquals(alone.replies.get(i), batched.replies.get(i), "reply " + (i + 1) + ", batch " + batch);
            }
            assertEquals(alone.hashes, batched.hashes, "state hashes, batch " + batch);
            assertNotEquals(0, batched.prefetched, "the prefetch loaded something, batch " + batch);
        }
    }

    /**
     * {@link BatchApplier#applyAll} (inputs applied straight from a caller's slots, as the replay pipeline does) gives
     * the replies and state of one at a time: the golden journal copied into slots (a buffer each) of 1,024 bytes in
     * groups of 256, each group applied at once, with a few inputs added one by one ({@link BatchApplier#apply})
     * between groups so that the pending ones are applied first.
     */
    @Test
    void inputsAppliedFromTheCallersSlotsGiveTheRepliesOfOneAtATime() throws IOException
    {
        final UnsafeBuffer journal = new UnsafeBuffer(GoldenJournal.resource(GoldenJournal.JOURNAL));
        final Run alone = replay(journal, 0);
        final int slotLength = 1024;
        final int group = 256;
        final Engine engine = new Engine(GoldenJournal.config());
        final List<byte[]> replies = new ArrayList<>();
        final ReplySink sink = (buffer, offset, length) ->
        {
            final byte[] reply = new byte[length];
            buffer.getBytes(offset, reply);
            replies.add(reply);
        };
        final BatchApplier applier = new BatchApplier(engine, 64, sink);
        final byte[] bytes = new byte[group * slotLength];
        final UnsafeBuffer[] slots = new UnsafeBuffer[group];
        for (int i = 0; i < group; i++)
        {
            slots[i] = new UnsafeBuffer(bytes, i * slotLength, slotLength);
        }
        final long[] sequences = new long[group];
        final long[] timestamps = new long[group];
        final int[] lengths = new int[group];
        int position = 0;
        int filled = 0;
        int groups = 0;
        while (position < journal.capacity())
        {
            final long sequence = journal.getLong(position, ByteOrder.LITTLE_ENDIAN);
            final long timestampMs = journal.getLong(position + 8, ByteOrder.LITTLE_ENDIAN);
            final int length = journal.getInt(position + 16, ByteOrder.LITTLE_ENDIAN);
            final int payload = position + GoldenJournal.HEADER_LENGTH;
            position = payload + length;
            if (groups % 5 == 4 && filled == 0 && applier.pending() < 3)
            {
                applier.apply(sequence, timestampMs, journal, payload, length);   // pending when the next group comes
                continue;
            }
            slots[filled].putBytes(0, journal, payload, length);
            sequences[filled] = sequence;
            timestamps[filled] = timestampMs;
            lengths[filled] = length;
            if (++filled == group || position >= journal.capacity())
            {
                applier.applyAll(slots, 0, filled, sequences, timestamps, lengths);
                filled = 0;
                groups++;
            }
        }
        applier.flush();
        assertEquals(alone.replies.size(), replies.size(), "replies");
        for (int i = 0; i < replies.size(); i++)
        {
            assertArrayEquals(alone.replies.get(i), replies.get(i), "reply " + (i + 1));
        }
        assertEquals(alone.hashes.get(alone.hashes.size() - 1), engine.stateHash(), "state hash at the end");
        assertNotEquals(0, applier.prefetched(), "the prefetch loaded something");
    }

    @Test
    void batchSizeIsBounded()
    {
        final Engine engine = new Engine(GoldenJournal.config());
        assertThrows(IllegalArgumentException.class, () -> new BatchApplier(engine, 0, ReplySink.NONE));
        assertThrows(IllegalArgumentException.class,
            () -> new BatchApplier(engine, Engine.PREFETCH_BATCH_MAX + 1, ReplySink.NONE));
    }

    private record Run(List<byte[]> replies, List<Long> hashes, long prefetched)
    {
    }

    /** Every journal entry applied (batch 0: straight to the engine), replies and periodic state hashes collected. */
    private static Run replay(final UnsafeBuffer journal, final int batch)
    {
        final Engine engine = new Engine(GoldenJournal.config());
        final List<byte[]> replies = new ArrayList<>();
        final List<Long> hashes = new ArrayList<>();
        final ReplySink sink = (buffer, offset, length) ->
        {
            final byte[] reply = new byte[length];
            buffer.getBytes(offset, reply);
            replies.add(reply);
        };
        final BatchApplier applier = batch > 0 ? new BatchApplier(engine, batch, sink) : null;
        int position = 0;
        int entries = 0;
        while (position < journal.capacity())
        {
            final long sequence = journal.getLong(position, ByteOrder.LITTLE_ENDIAN);
            final long timestampMs = journal.getLong(position + 8, ByteOrder.LITTLE_ENDIAN);
            final int length = journal.getInt(position + 16, ByteOrder.LITTLE_ENDIAN);
            final int payload = position + GoldenJournal.HEADER_LENGTH;
            if (applier == null)
            {
                engine.onCommand(sequence, timestampMs, journal, payload, length, sink);
            }
            else
            {
                applier.apply(sequence, timestampMs, journal, payload, length);
            }
            position = payload + length;
            if (++entries % HASH_EVERY == 0)
            {
                if (applier != null)
                {
                    applier.flush();
                }
                hashes.add(engine.stateHash());
            }
        }
        if (applier != null)
        {
            applier.flush();
            assertEquals(0, applier.pending(), "nothing left pending");
        }
        assertEquals(entries, engine.lastSequence(), "every entry applied");
        hashes.add(engine.stateHash());
        engine.verifyInvariants();
        return new Run(replies, hashes, applier == null ? 0 : applier.prefetched());
    }
}
