package com.wodian.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The key table against a model (a map of remembered keys and a FIFO of finished ones), with the table full and
 * churning: forgotten keys leave stale index entries that inserts reuse and the sweep deletes, keys come back after
 * they were forgotten, and a table restored from a snapshot, one reserved at start and the live one answer alike.
 */
class RecordTableTest
{
    private static final int CAPACITY = 3_000;

    private record Key(int namespace, long a, long b)
    {
    }

    @Test
    void answersAsTheModelWhileFullAndChurningAndAfterASnapshot()
    {
        final SplittableRandom random = new SplittableRandom(20261203);
        final RecordTable live = new RecordTable(CAPACITY, 0, false);
        final RecordTable reserved = new RecordTable(CAPACITY, 0, true);
        RecordTable restored = null;
        final Map<Key, Integer> remembered = new HashMap<>();
        final Map<Key, Boolean> unfinished = new HashMap<>();
        final ArrayDeque<Key> finished = new ArrayDeque<>();
        final java.util.List<Key> unfinishedList = new java.util.ArrayList<>();
        for (int step = 0; step < 120_000; step++)
        {
            if (step == 60_000)
            {
                final MemorySnapshot snapshot = new MemorySnapshot();
                live.writeTo(snapshot);
                restored = new RecordTable(CAPACITY, 0, step % 2 == 0);
                restored.readFrom(snapshot);
                assertEquals(live.hash(7), restored.hash(7));
            }
            final Key key = new Key(1 + random.nextInt(2), random.nextInt(40), random.nextInt(500));
            final Integer expected = remembered.get(key);
            final int found = live.find(key.namespace, key.a, key.b);
            assertEquals(expected == null ? -1 : expected, found, "find " + key + " at step " + step);
            assertEquals(found, reserved.find(key.namespace, key.a, key.b));
            if (restored != null)
            {
                assertEquals(found, restored.find(key.namespace, key.a, key.b));
            }
            if (expected == null)
            {
                final int record = live.insert(key.namespace, key.a, key.b, step);
                assertEquals(record, reserved.insert(key.namespace, key.a, key.b, step));
                if (restored != null)
                {
                    assertEquals(record, restored.insert(key.namespace, key.a, key.b, step));
                }
                if (remembered.size() == CAPACITY)
                {
                    if (finished.isEmpty())
                    {
                        assertEquals(-1, record, "full of unfinished keys");
                        continue;
                    }
                    remembered.remove(finished.removeFirst());
                }
                assertTrue(record >= 0, "insert at step " + step);
                assertEquals(key.a, live.get(record, RecordTable.KEY_A));
                remembered.put(key, record);
                unfinished.put(key, true);
                unfinishedList.add(key);
            }
            // Finish an unfinished key most of the time, so that the FIFO has keys to forget.
            if (!unfinishedList.isEmpty() && random.nextInt(10) < 9)
            {
                final Key done = unfinishedList.remove(random.nextInt(unfinishedList.size()));
                unfinished.remove(done);
                final int record = remembered.get(done);
                live.finish(record, step);
                reserved.finish(record, step);
                if (restored != null)
                {
                    restored.finish(record, step);
                }
                finished.addLast(done);
            }
        }
        assertEquals(CAPACITY, live.size(), "the table is full and churning");
        assertEquals(remembered.size(), live.size());
        assertEquals(live.hash(3), reserved.hash(3));
        assertNotNull(restored);
        assertEquals(live.hash(3), restored.hash(3));
        assertEquals(live.sumAmountInState(0, new long[1]), restored.sumAmountInState(0, new long[1]));
        final long payments = remembered.keySet().stream().filter((k) -> k.namespace == RecordTable.NAMESPACE_PAYMENT)
            .count();
        assertEquals(payments, countPayments(live), "every remembered payment is counted once by a pass");
    }

    private static long countPayments(final RecordTable table)
    {
        final long[] count = new long[1];
        long total = 0;
        for (int state = 0; state < 256; state++)
        {
            table.sumAmountInState(state, count);
            total += count[0];
        }
        return total;
    }
}
