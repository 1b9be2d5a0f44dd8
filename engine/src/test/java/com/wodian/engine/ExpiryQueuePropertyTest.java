package com.wodian.engine;

import com.wodian.engine.table.Growth;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ExpiryQueue} against a reference, a list kept sorted by the same order: random sequences of Try-like adds
 * (one ttl mostly, ties within a millisecond, now and then a shorter or longer ttl), Confirm/Cancel-like removes of
 * any queued id, expiries of what is due, and snapshots written and read into a fresh queue. After every step the
 * queue's size and first id are the reference's; every snapshot is a valid heap of the reference's entries. Ids range
 * past the queue's first arrays, and the entries past the heap's (grown in steps, not reserved), so growth runs in the
 * middle of it all. Written in session 58 for a list that would replace the heap in the common case (measured, not
 * kept): any structure must keep this order. Since session 59 the queue compares the expiries it keeps beside its
 * entries and reads the order's tie-break only on equal ones; a {@link RowComparedHeap} (the heap as it was, every
 * compare through {@link ExpiryQueue.Order#before}) runs the same steps, and the queue's written heap must be its
 * heap, position by position: snapshots and the expiry order stay what they were.
 */
class ExpiryQueuePropertyTest
{
    private static final int IDS_MAX = 5_000;
    private static final int ENTRIES_MAX = 3_000;
    private static final long TTL_MS = 20_000;

    /** Expiry then a tie-break key per id, as RecordTable and VoucherBook order theirs. */
    private static final class Keys implements ExpiryQueue.Order
    {
        final long[] expiresAtMs = new long[IDS_MAX];
        final long[] tieKey = new long[IDS_MAX];
        /** The reference's membership, so that an add finds an unqueued id without a scan. */
        final boolean[] queued = new boolean[IDS_MAX];

        @Override
        public long expiresAtMs(final int id)
        {
            return expiresAtMs[id];
        }

        @Override
        public boolean before(final int a, final int b)
        {
            return expiresAtMs[a] != expiresAtMs[b] ? expiresAtMs[a] < expiresAtMs[b] : tieKey[a] < tieKey[b];
        }
    }

    @Property(tries = 20, seed = "20261207")
    void expiresInTheReferenceOrder(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Keys keys = new Keys();
        final List<Integer> reference = new ArrayList<>();
        final RowComparedHeap rowCompared = new RowComparedHeap(keys);
        ExpiryQueue queue = new ExpiryQueue(keys, ENTRIES_MAX, IDS_MAX, false);
        long nowMs = 0;
        int sizeMax = 0;
        for (int i = 0; i < 20_000; i++)
        {
            nowMs += random.nextInt(6) == 0 ? random.nextInt(40) : 0;
            final int draw = random.nextInt(100);
            if (draw < 55 && reference.size() < ENTRIES_MAX)
            {
                rowCompared.add(add(queue, keys, reference, random, nowMs));
            }
            else if (draw < 88 && !reference.isEmpty())
            {
                final int id = reference.remove(random.nextInt(reference.size()));
                keys.queued[id] = false;
                queue.remove(id);
                rowCompared.remove(id);
            }
            else if (draw < 99)
            {
                expireDue(queue, keys, reference, nowMs, 1 + random.nextInt(8), rowCompared);
            }
            else
            {
                queue = reloaded(queue, keys, reference);
                assertArrayEquals(rowCompared.entries(), written(queue), "the heap reloaded at step " + i);
            }
            assertEquals(reference.size(), queue.size(), "size at step " + i);
            assertEquals(reference.isEmpty() ? -1 : reference.get(0), queue.peek(), "first at step " + i);
            queue.step();
            sizeMax = Math.max(sizeMax, reference.size());
        }
        assertSnapshotHolds(reference, keys, written(queue), "the last snapshot");
        assertArrayEquals(rowCompared.entries(), written(queue), "the last heap");
        assertTrue(sizeMax > Growth.INITIAL_ROWS, "the sequence fills the heap past its first array: " + sizeMax);
    }

    @Test
    void readsASnapshotsHeapAndEndsEntriesInOrder()
    {
        final Keys keys = new Keys();
        for (int id = 0; id < 6; id++)
        {
            keys.expiresAtMs[id] = 10 * id;
        }
        final MemorySnapshot snapshot = new MemorySnapshot();
        snapshot.writeInts(new int[]{0, 2, 1, 5, 3, 4}, 6);   // a valid heap, not sorted
        final ExpiryQueue queue = new ExpiryQueue(keys, 8, 8, false);
        queue.readFrom(snapshot);
        final int[] popped = new int[6];
        for (int i = 0; i < popped.length; i++)
        {
            popped[i] = queue.peek();
            queue.remove(popped[i]);
        }
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5}, popped);
        assertEquals(-1, queue.peek());
    }

    @Test
    void refusesAnIdTwiceAndAnIdNotQueued()
    {
        final Keys keys = new Keys();
        final ExpiryQueue queue = new ExpiryQueue(keys, 8, 8, false);
        queue.add(3);
        assertThrows(IllegalStateException.class, () -> queue.add(3));
        assertThrows(IllegalStateException.class, () -> queue.remove(4));
        queue.remove(3);
        assertThrows(IllegalStateException.class, () -> queue.remove(3));
    }

    /** A Try: an unqueued id, expiring one ttl from now (now and then another ttl), its tie key random. @return it */
    private static int add(final ExpiryQueue queue, final Keys keys, final List<Integer> reference,
        final SplittableRandom random, final long nowMs)
    {
        int id = random.nextInt(IDS_MAX);
        while (keys.queued[id])
        {
            id = (id + 1) % IDS_MAX;
        }
        keys.queued[id] = true;
        final int ttlDraw = random.nextInt(20);
        keys.expiresAtMs[id] = nowMs + (ttlDraw == 0 ? TTL_MS / 3 : ttlDraw == 1 ? 3 * TTL_MS : TTL_MS);
        keys.tieKey[id] = random.nextLong();
        queue.add(id);
        final int at = Collections.binarySearch(reference, id, (a, b) -> keys.before(a, b) ? -1 : a.equals(b) ? 0 : 1);
        reference.add(-at - 1, id);
        return id;
    }

    /** Expiry housekeeping: the first entries while due, at most {@code max}, checked against the reference's. */
    private static void expireDue(final ExpiryQueue queue, final Keys keys, final List<Integer> reference,
        final long nowMs, final int max, final RowComparedHeap rowCompared)
    {
        for (int i = 0; i < max && !reference.isEmpty() && keys.expiresAtMs[reference.get(0)] <= nowMs; i++)
        {
            final int first = reference.remove(0);
            keys.queued[first] = false;
            assertEquals(first, queue.peek(), "the first due entry");
            queue.remove(first);
            rowCompared.remove(first);
        }
    }

    /** Writes the queue, checks the snapshot holds the reference as a heap, and reads it into a fresh queue. */
    private static ExpiryQueue reloaded(final ExpiryQueue queue, final Keys keys, final List<Integer> reference)
    {
        final MemorySnapshot snapshot = new MemorySnapshot();
        queue.writeTo(snapshot);
        final ExpiryQueue fresh = new ExpiryQueue(keys, ENTRIES_MAX, IDS_MAX, false);
        fresh.readFrom(snapshot);
        assertSnapshotHolds(reference, keys, written(fresh), "a snapshot of the reloaded queue");
        return fresh;
    }

    private static int[] written(final ExpiryQueue queue)
    {
        final MemorySnapshot snapshot = new MemorySnapshot();
        queue.writeTo(snapshot);
        final int[] entries = new int[ENTRIES_MAX];
        final int count = snapshot.readInts(entries);
        return Arrays.copyOf(entries, count);
    }

    /** The snapshot holds the reference's entries, each not before its heap parent (what a reader relies on). */
    private static void assertSnapshotHolds(final List<Integer> reference, final Keys keys, final int[] written,
        final String what)
    {
        final int[] sorted = written.clone();
        Arrays.sort(sorted);
        final int[] expected = ids(reference);
        Arrays.sort(expected);
        assertArrayEquals(expected, sorted, what + ": its entries");
        for (int position = 1; position < written.length; position++)
        {
            assertFalse(keys.before(written[position], written[(position - 1) / 2]),
                what + ": entry " + position + " before its parent");
        }
    }

    private static int[] ids(final List<Integer> reference)
    {
        return reference.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The heap as ExpiryQueue kept it before session 59: every compare reads both ids' keys through the order. */
    private static final class RowComparedHeap
    {
        private final Keys keys;
        private final int[] heap = new int[ENTRIES_MAX];
        private final int[] positions = new int[IDS_MAX];
        private int size;

        RowComparedHeap(final Keys keys)
        {
            this.keys = keys;
        }

        void add(final int id)
        {
            place(size, id);
            size++;
            siftUp(size - 1);
        }

        void remove(final int id)
        {
            final int position = positions[id];
            size--;
            if (position != size)
            {
                final int last = heap[size];
                place(position, last);
                siftDown(position);
                siftUp(positions[last]);
            }
        }

        int[] entries()
        {
            return Arrays.copyOf(heap, size);
        }

        private void place(final int position, final int id)
        {
            heap[position] = id;
            positions[id] = position;
        }

        private void siftUp(final int start)
        {
            int position = start;
            final int id = heap[position];
            while (position > 0 && keys.before(id, heap[(position - 1) >>> 1]))
            {
                place(position, heap[(position - 1) >>> 1]);
                position = (position - 1) >>> 1;
            }
            place(position, id);
        }

        private void siftDown(final int start)
        {
            int position = start;
            final int id = heap[position];
            while (2 * position + 1 < size)
            {
                final int left = 2 * position + 1;
                final int child = left + 1 < size && keys.before(heap[left + 1], heap[left]) ? left + 1 : left;
                if (!keys.before(heap[child], id))
                {
                    break;
                }
                place(position, heap[child]);
                position = child;
            }
            place(position, id);
        }
    }
}
