package com.wodian.engine;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A record table's snapshot whose index, free list or finished-key FIFO (none of them in the state hash) was damaged
 * is refused with an {@link IllegalStateException} naming the structure ({@link RecordTableLoadChecks}, fuzz review
 * finding 4), where it used to load and misbehave later (a key forgotten twice, a row reused while live, a key never
 * forgotten) or throw from deep inside the table. One damage per check.
 */
class RecordTableLoadChecksTest
{
    private static final int CAPACITY = 64;
    private static final long RETENTION_MS = 10;

    private long[] stream;
    private int highWater;
    private int indexAt;
    private int indexLength;
    private int freeAt;
    private int fifoRecordsAt;
    private int fifoTimesAt;
    private int fifoHashesAt;
    private int fifoSize;

    /**
     * A full table that has forgotten keys (so the FIFO's head has moved), with eight records never finished (live
     * holds), written to a stream whose sections are located here.
     */
    @BeforeEach
    void writeATableThatHasForgottenKeys()
    {
        final RecordTable table = new RecordTable(CAPACITY, RETENTION_MS, false);
        long nowMs = 1_000;
        for (int i = 0; i < CAPACITY + 20; i++)
        {
            if (i == CAPACITY)
            {
                nowMs += 100;
            }
            final int record = table.insert(RecordFields.Payment.NAMESPACE, 7, i, nowMs);
            assertTrue(record >= 0);
            if (i % 8 != 3)
            {
                table.finish(record, nowMs);
            }
            nowMs++;
        }
        final MemorySnapshot snapshot = new MemorySnapshot();
        table.writeTo(snapshot);
        stream = Arrays.copyOf(snapshot.values(), snapshot.size());
        highWater = (int)stream[0];
        fifoSize = (int)stream[2];
        indexAt = 4 + (int)stream[3] + 1;
        indexLength = (int)stream[indexAt - 1];
        freeAt = indexAt + indexLength + 1;
        fifoRecordsAt = freeAt + (int)stream[freeAt - 1] + 1;
        fifoTimesAt = fifoRecordsAt + fifoSize + 1;
        fifoHashesAt = fifoTimesAt + fifoSize + 1;
        assertEquals(CAPACITY, highWater);
        assertEquals(0, stream[freeAt - 1], "the free list is empty");
        assertEquals(fifoHashesAt + fifoSize, stream.length, "sections located");
    }

    @Test
    void theUndamagedStreamLoads()
    {
        final RecordTable loaded = load(stream);
        assertEquals(CAPACITY, loaded.size());
        assertEquals(fifoSize, loaded.finished().size());
    }

    @Test
    void aFreeListNamingARecordNotHandedOutIsRefused()
    {
        assertRefused(insertAt(stream, freeAt - 1, 1, highWater), "snapshot record free list");
    }

    @Test
    void aFreeListNamingARememberedRecordIsRefused()
    {
        assertRefused(insertAt(stream, freeAt - 1, 1, stream[fifoRecordsAt]), "snapshot record index");
    }

    @Test
    void anIndexSlotNamingARecordNotHandedOutIsRefused()
    {
        final int slot = usedSlot(0);
        stream[slot] = (stream[slot] & ~0xFFFF_FFFFL) | (highWater + 1);
        assertRefused(stream, "snapshot record index");
    }

    @Test
    void anIndexSlotNamingAnotherSlotsRecordIsRefused()
    {
        final int slot = usedSlot(0);
        stream[slot] = (stream[slot] & ~0xFFFF_FFFFL) | (stream[usedSlot(1)] & 0xFFFF_FFFFL);
        assertRefused(stream, "snapshot record index");
    }

    @Test
    void anIndexThatLostASlotIsRefused()
    {
        stream[usedSlot(0)] = 0;
        assertRefused(stream, "snapshot record index");
    }

    @Test
    void aFifoEntryNamingARecordNotHandedOutIsRefused()
    {
        stream[fifoRecordsAt + 5] = highWater;
        assertRefused(stream, "snapshot finished-key FIFO");
    }

    @Test
    void aFifoEntryNamingAnotherFinishedRecordIsRefused()
    {
        stream[fifoRecordsAt + 5] = stream[fifoRecordsAt + 6];
        assertRefused(stream, "snapshot finished-key FIFO");
    }

    @Test
    void aFifoEntryNamingALiveRecordIsRefused()
    {
        stream[fifoRecordsAt + 5] = liveRecord();
        assertRefused(stream, "snapshot finished-key FIFO");
    }

    @Test
    void aFifoEntryWithAnotherFinishTimeIsRefused()
    {
        stream[fifoTimesAt + 5] += 1;
        assertRefused(stream, "snapshot finished-key FIFO");
    }

    @Test
    void aFifoEntryWithAnotherKeyHashIsRefused()
    {
        stream[fifoHashesAt + 5] ^= 1;
        assertRefused(stream, "snapshot finished-key FIFO");
    }

    @Test
    void fifoEntriesOutOfFinishOrderAreRefused()
    {
        for (final int at : new int[] {fifoRecordsAt, fifoTimesAt, fifoHashesAt})
        {
            final long fifth = stream[at + 5];
            stream[at + 5] = stream[at + 6];
            stream[at + 6] = fifth;
        }
        assertRefused(stream, "snapshot finished-key FIFO");
    }

    @Test
    void aFifoMissingAFinishedRecordIsRefused()
    {
        // The last entry dropped from each of the three arrays, and the counts with it: a consistent stream.
        final long[] shorter = new long[stream.length - 3];
        int to = 0;
        for (int from = 0; from < stream.length; from++)
        {
            if (from == fifoRecordsAt + fifoSize - 1 || from == fifoTimesAt + fifoSize - 1 ||
                from == fifoHashesAt + fifoSize - 1)
            {
                continue;
            }
            final boolean count = from == 2 || from == fifoRecordsAt - 1 || from == fifoTimesAt - 1 ||
                from == fifoHashesAt - 1;
            shorter[to++] = count ? stream[from] - 1 : stream[from];
        }
        assertRefused(shorter, "snapshot finished-key FIFO");
    }

    private static RecordTable load(final long[] values)
    {
        final RecordTable table = new RecordTable(CAPACITY, RETENTION_MS, false);
        table.readFrom(MemorySnapshot.of(values, values.length));
        return table;
    }

    private static void assertRefused(final long[] values, final String structure)
    {
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> load(values));
        assertTrue(refused.getMessage().startsWith(structure), refused.getMessage());
    }

    /** The stream with {@code count} replaced by {@code count + 1} at {@code countAt} and {@code value} after it. */
    private static long[] insertAt(final long[] values, final int countAt, final int added, final long value)
    {
        final long[] longer = new long[values.length + 1];
        System.arraycopy(values, 0, longer, 0, countAt + 1);
        longer[countAt] = values[countAt] + added;
        longer[countAt + 1] = value;
        System.arraycopy(values, countAt + 1, longer, countAt + 2, values.length - countAt - 1);
        return longer;
    }

    /** The stream position of the {@code nth} index slot in use. */
    private int usedSlot(final int nth)
    {
        int seen = 0;
        for (int at = indexAt; at < indexAt + indexLength; at++)
        {
            if (stream[at] != 0 && seen++ == nth)
            {
                return at;
            }
        }
        throw new AssertionError("fewer than " + (nth + 1) + " slots in use");
    }

    /** A remembered record not in the FIFO: one never finished. */
    private long liveRecord()
    {
        final long[] fifo = Arrays.copyOfRange(stream, fifoRecordsAt, fifoRecordsAt + fifoSize);
        Arrays.sort(fifo);
        for (int record = 0; record < highWater; record++)
        {
            if (Arrays.binarySearch(fifo, record) < 0)
            {
                return record;
            }
        }
        throw new AssertionError("every record is finished");
    }
}
