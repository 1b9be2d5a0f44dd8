package com.wodian.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The key table against a model (a map of remembered keys and a FIFO of finished ones): full and churning (forgotten
 * keys leave the index, keys come back after they were forgotten), and growing in steps (lookups, forgetting and a
 * snapshot while a growth's old pool, index and FIFO are still moving); a table restored from a snapshot, one
 * reserved at start, one grown ahead now and then ({@link RecordTable#reserveFor}: empty, growing, mid-move, full and
 * churning) and the live one answer alike throughout.
 */
class RecordTableTest
{
    private record Key(int namespace, long a, long b)
    {
    }

    @Test
    void answersAsTheModelWhileFullAndChurningAndAfterASnapshot()
    {
        final Run run = new Run(3_000, 40, 500, 20261203);
        run.steps(120_000, 60_000);
        assertEquals(3_000, run.live.size(), "the table is full and churning");
        run.checkEnd();
    }

    @Test
    void answersAsTheModelWhileGrowthsMoveInStepsAndAfterASnapshotMidMove()
    {
        // 100 rows past a power of two: the last growth's moving is still going on when the table is full, so keys
        // are forgotten (deleted from the new index and tombstoned in the old) while lookups use both indexes.
        final int capacity = (1 << 16) + 100;
        final Run run = new Run(capacity, 1_000, 200, 20261204);
        run.snapshotOnlyWhileMoving = true;
        run.steps(160_000, 20_000);
        assertEquals(capacity, run.live.size(), "the table is full and churning");
        assertTrue(run.stepsWhileMoving > 500, "lookups while moving: " + run.stepsWhileMoving);
        assertTrue(run.forgottenWhileMoving > 10, "keys forgotten while moving: " + run.forgottenWhileMoving);
        assertTrue(run.snapshotTakenWhileMoving, "the snapshot was taken while a growth was moving");
        run.checkEnd();
    }

    @Test
    void ordersHoldsByTheirRowsWhileAGrowthMoves()
    {
        // RecordTable.before reads the old pool for records below the moving mark: a wrong array reads a zeroed row.
        final int capacity = 40_000;
        final RecordTable table = new RecordTable(capacity, 0, false);
        final long[] expires = new long[capacity];
        final long[] merchants = new long[capacity];
        final long[] payments = new long[capacity];
        final SplittableRandom random = new SplittableRandom(20261207);
        int checkedWhileMoving = 0;
        for (int i = 0; i < capacity; i++)
        {
            // Few expiry times and merchants, so that every tie-break is taken.
            final long merchant = 1 + random.nextInt(3);
            final int record = table.insert(1, merchant, 1 + random.nextInt(1_000_000), i);
            assertTrue(record >= 0, "insert " + i);
            merchants[record] = merchant;
            payments[record] = table.get(record, RecordFields.Payment.PAYMENT_ID);
            expires[record] = 1 + random.nextInt(4);
            table.set(record, RecordFields.Payment.EXPIRES_AT_MS, expires[record]);
            for (int pair = 0; pair < 16 && table.moving(); pair++)
            {
                final int a = pair < 8 ? random.nextInt(Math.min(1_024, i + 1)) : random.nextInt(i + 1);
                final int b = random.nextInt(i + 1);
                final boolean expected = expires[a] != expires[b] ? expires[a] < expires[b] :
                    merchants[a] != merchants[b] ? merchants[a] < merchants[b] : payments[a] < payments[b];
                assertEquals(expected, table.before(a, b), "before(" + a + ", " + b + ") at insert " + i);
                checkedWhileMoving++;
            }
        }
        assertTrue(checkedWhileMoving > 1_000, "pairs checked while moving: " + checkedWhileMoving);
    }

    /** A live table, a reserved twin and (after the snapshot) a restored one, checked against the model each step. */
    private static final class Run
    {
        final SplittableRandom random;
        final int capacity;
        final int keysA;
        final int keysB;
        final RecordTable live;
        final RecordTable reserved;
        /** Grown ahead by {@link RecordTable#reserveFor} at random steps (its own random source). */
        final RecordTable grownAhead;
        final SplittableRandom aheadRandom;
        int growsAhead;
        RecordTable restored;
        final Map<Key, Integer> remembered = new HashMap<>();
        final ArrayDeque<Key> finished = new ArrayDeque<>();
        final List<Key> unfinished = new ArrayList<>();
        boolean snapshotOnlyWhileMoving;
        boolean snapshotTakenWhileMoving;
        int stepsWhileMoving;
        int forgottenWhileMoving;

        Run(final int capacity, final int keysA, final int keysB, final long seed)
        {
            this.random = new SplittableRandom(seed);
            this.capacity = capacity;
            this.keysA = keysA;
            this.keysB = keysB;
            this.live = new RecordTable(capacity, 0, false);
            this.reserved = new RecordTable(capacity, 0, true);
            this.grownAhead = new RecordTable(capacity, 0, false);
            this.aheadRandom = new SplittableRandom(seed + 1);
        }

        void steps(final int count, final int snapshotFrom)
        {
            for (int step = 0; step < count; step++)
            {
                if (restored == null && step >= snapshotFrom && (!snapshotOnlyWhileMoving || live.moving()))
                {
                    snapshotTakenWhileMoving = live.moving();
                    final MemorySnapshot snapshot = new MemorySnapshot();
                    live.writeTo(snapshot);
                    restored = new RecordTable(capacity, 0, step % 2 == 0);
                    restored.readFrom(snapshot);
                    assertEquals(live.hash(7), restored.hash(7));
                }
                if (live.moving())
                {
                    stepsWhileMoving++;
                }
                step(step);
                if (random.nextInt(4) == 0)
                {
                    live.step(); // as the engine does once per command
                }
            }
        }

        private void step(final int step)
        {
            if (aheadRandom.nextInt(2_000) == 0)
            {
                grownAhead.reserveFor(aheadRandom.nextInt(capacity / 4));
                growsAhead++;
            }
            final Key key = new Key(1 + random.nextInt(2), random.nextInt(keysA), random.nextInt(keysB));
            final Integer expected = remembered.get(key);
            final int found = live.find(key.namespace, key.a, key.b);
            assertEquals(expected == null ? -1 : expected, found, "find " + key + " at step " + step);
            assertEquals(found, reserved.find(key.namespace, key.a, key.b));
            assertEquals(found, grownAhead.find(key.namespace, key.a, key.b), "grown ahead: find " + key);
            if (restored != null)
            {
                assertEquals(found, restored.find(key.namespace, key.a, key.b));
            }
            if (expected == null)
            {
                final boolean moving = live.moving();
                final int record = live.insert(key.namespace, key.a, key.b, step);
                assertEquals(record, reserved.insert(key.namespace, key.a, key.b, step));
                assertEquals(record, grownAhead.insert(key.namespace, key.a, key.b, step), "grown ahead: insert");
                if (restored != null)
                {
                    assertEquals(record, restored.insert(key.namespace, key.a, key.b, step));
                }
                if (remembered.size() == capacity)
                {
                    if (finished.isEmpty())
                    {
                        assertEquals(-1, record, "full of unfinished keys");
                        return;
                    }
                    remembered.remove(finished.removeFirst());
                    forgottenWhileMoving += moving ? 1 : 0;
                }
                assertTrue(record >= 0, "insert at step " + step);
                assertEquals(key.a, live.get(record, RecordFields.KEY_OWNER_ID));
                live.set(record, RecordFields.Payment.AMOUNT_FEN, key.b);
                reserved.set(record, RecordFields.Payment.AMOUNT_FEN, key.b);
                grownAhead.set(record, RecordFields.Payment.AMOUNT_FEN, key.b);
                if (restored != null)
                {
                    restored.set(record, RecordFields.Payment.AMOUNT_FEN, key.b);
                }
                remembered.put(key, record);
                unfinished.add(key);
            }
            // Finish an unfinished key most of the time, so that the FIFO has keys to forget.
            if (!unfinished.isEmpty() && random.nextInt(10) < 9)
            {
                final Key done = unfinished.remove(random.nextInt(unfinished.size()));
                final int record = remembered.get(done);
                assertEquals(done.b, live.get(record, RecordFields.Payment.AMOUNT_FEN), "row of " + done);
                live.finish(record, step);
                reserved.finish(record, step);
                grownAhead.finish(record, step);
                if (restored != null)
                {
                    restored.finish(record, step);
                }
                finished.addLast(done);
            }
        }

        void checkEnd()
        {
            assertEquals(remembered.size(), live.size());
            assertEquals(live.hash(3), reserved.hash(3));
            assertEquals(live.hash(3), grownAhead.hash(3));
            assertTrue(growsAhead > 10, "grown ahead " + growsAhead + " times");
            assertNotNull(restored);
            assertEquals(live.hash(3), restored.hash(3));
            assertEquals(live.sumAmountInState(0, new long[1]), restored.sumAmountInState(0, new long[1]));
            final long payments = remembered.keySet().stream()
                .filter((k) -> k.namespace == RecordFields.Payment.NAMESPACE).count();
            assertEquals(payments, countPayments(live), "every remembered payment is counted once by a pass");
            for (final Map.Entry<Key, Integer> entry : remembered.entrySet())
            {
                final Key key = entry.getKey();
                assertEquals((int)entry.getValue(), live.find(key.namespace, key.a, key.b));
                assertEquals(key.b, live.get(entry.getValue(), RecordFields.Payment.AMOUNT_FEN));
            }
        }
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
