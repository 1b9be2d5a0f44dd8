package com.wodian.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Engine#reserveForInputs} changes where rows sit, never what the engine answers: the golden journal (keys full
 * and churning, distributions over spend pairs, expiries, refunds) applied with the tables grown ahead at its start,
 * again while full and churning and once more near its end gives every reply byte for byte and the state hash of an
 * engine that grew by doublings; a snapshot of it restores to the same hash and goes on alike. So does an engine whose
 * key table and consumer book were grown for the whole journal at its start ({@link Engine#reserveKeysForInputs},
 * {@link Engine#reserveConsumersFor}: a full replay's).
 */
class ReserveForInputsTest
{
    private static final int HASH_EVERY = 499;

    @Test
    void tablesGrownAheadGiveTheRepliesAndStateOfGrowthByDoublings() throws IOException
    {
        final UnsafeBuffer journal = new UnsafeBuffer(GoldenJournal.resource(GoldenJournal.JOURNAL));
        final int entries = count(journal);
        final Engine doubling = new Engine(GoldenJournal.config());
        final Engine ahead = new Engine(GoldenJournal.config());
        final List<byte[]> doublingReplies = new ArrayList<>();
        final List<byte[]> aheadReplies = new ArrayList<>();
        final Engine keysAhead = new Engine(GoldenJournal.config());
        final List<byte[]> keysAheadReplies = new ArrayList<>();
        ahead.reserveForInputs(entries / 4);
        keysAhead.reserveKeysForInputs(entries);   // a full replay's: the key table for the whole journal
        keysAhead.reserveConsumersFor(entries);    // and the consumer book
        int position = 0;
        int applied = 0;
        while (position < journal.capacity())
        {
            final long sequence = journal.getLong(position, ByteOrder.LITTLE_ENDIAN);
            final long timestampMs = journal.getLong(position + 8, ByteOrder.LITTLE_ENDIAN);
            final int length = journal.getInt(position + 16, ByteOrder.LITTLE_ENDIAN);
            final int payload = position + GoldenJournal.HEADER_LENGTH;
            doubling.onCommand(sequence, timestampMs, journal, payload, length, collect(doublingReplies));
            ahead.onCommand(sequence, timestampMs, journal, payload, length, collect(aheadReplies));
            keysAhead.onCommand(sequence, timestampMs, journal, payload, length, collect(keysAheadReplies));
            position = payload + length;
            applied++;
            if (applied == entries / 3 || applied == 2 * entries / 3)
            {
                ahead.reserveForInputs(entries);   // past the limits: capped at them
            }
            if (applied % HASH_EVERY == 0)
            {
                assertEquals(doubling.stateHash(), ahead.stateHash(), "state hash after input " + applied);
                assertEquals(doubling.stateHash(), keysAhead.stateHash(), "keys ahead: state hash after " + applied);
            }
        }
        assertEquals(doublingReplies.size(), aheadReplies.size(), "replies");
        assertEquals(doublingReplies.size(), keysAheadReplies.size(), "replies, keys ahead");
        for (int i = 0; i < doublingReplies.size(); i++)
        {
            assertArrayEquals(doublingReplies.get(i), aheadReplies.get(i), "reply " + (i + 1));
            assertArrayEquals(doublingReplies.get(i), keysAheadReplies.get(i), "reply " + (i + 1) + ", keys ahead");
        }
        assertEquals(doubling.stateHash(), ahead.stateHash(), "state hash at the end");
        assertEquals(doubling.stateHash(), keysAhead.stateHash(), "state hash at the end, keys ahead");
        ahead.verifyInvariants();
        keysAhead.verifyInvariants();

        final MemorySnapshot snapshot = new MemorySnapshot();
        ahead.writeSnapshot(snapshot);
        final Engine restored = new Engine(GoldenJournal.config());
        restored.readSnapshot(snapshot);
        restored.reserveForInputs(entries);
        assertEquals(doubling.stateHash(), restored.stateHash(), "restored from a snapshot of tables grown ahead");
        restored.verifyInvariants();
    }

    private static ReplySink collect(final List<byte[]> replies)
    {
        return (buffer, offset, length) ->
        {
            final byte[] reply = new byte[length];
            buffer.getBytes(offset, reply);
            replies.add(reply);
        };
    }

    private static int count(final UnsafeBuffer journal)
    {
        int position = 0;
        int entries = 0;
        while (position < journal.capacity())
        {
            position += GoldenJournal.HEADER_LENGTH + journal.getInt(position + 16, ByteOrder.LITTLE_ENDIAN);
            entries++;
        }
        return entries;
    }
}
