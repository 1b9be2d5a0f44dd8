package com.wodian.engine;

import com.wodian.engine.table.ConsumerBook;
import com.wodian.engine.table.IdIndex;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tables that grow in steps (IdIndex, RowBook, on ArrayPreparer's arrays: see table.ArrayPreparerTest) against
 * models: every lookup, read and write answers as a HashMap and a table reserved at start do, while a growth's old
 * arrays are still being moved from, and a snapshot taken mid-move restores to the same content and hash.
 */
class GrowingTablesTest
{
    @Test
    void idIndexAnswersAsAMapWhileItGrowsInSteps()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final IdIndex index = new IdIndex(8, 100_000);
        final Map<Long, Integer> model = new HashMap<>();
        final List<Long> ids = new ArrayList<>();
        int lookupsWhileMoving = 0;
        for (int i = 0; i < 100_000; i++)
        {
            final long id = random.nextLong();
            if (model.containsKey(id))
            {
                continue;
            }
            assertEquals(-1, index.get(id), "an id not added yet");
            index.put(id, model.size());
            model.put(id, model.size());
            ids.add(id);
            for (int k = 0; k < 2; k++)
            {
                final long known = ids.get(random.nextInt(ids.size()));
                lookupsWhileMoving += index.moving() ? 1 : 0;
                assertEquals((int)model.get(known), index.get(known), "id " + known + " after " + i + " adds");
            }
            if (random.nextInt(3) == 0)
            {
                index.step();
            }
        }
        assertTrue(lookupsWhileMoving > 200, "lookups while moving: " + lookupsWhileMoving);
        assertEquals(model.size(), index.size());
        for (final Map.Entry<Long, Integer> entry : model.entrySet())
        {
            assertEquals((int)entry.getValue(), index.get(entry.getKey()));
        }
    }

    /**
     * A full map whose ids are replaced one by one (a voucher slot reused): backward-shift deletion keeps every probe
     * run whole, so every id left is still found, every replaced one is gone, and the new ones are found, with ids
     * chosen so that runs are long (sequential ids and random ones, in a map at its half-full limit).
     */
    @Test
    void idIndexAnswersAsAMapWhileIdsAreReplaced()
    {
        final SplittableRandom random = new SplittableRandom(14);
        final int entries = 20_000;
        final IdIndex index = new IdIndex(8, entries);
        final Map<Long, Integer> model = new HashMap<>();
        final long[] idByIndex = new long[entries];
        for (int i = 0; i < entries; i++)
        {
            final long id = i % 2 == 0 ? i + 1 : random.nextLong();
            if (model.containsKey(id))
            {
                continue;
            }
            index.put(id, i);
            model.put(id, i);
            idByIndex[i] = id;
        }
        long nextId = 1L << 40;
        for (int round = 0; round < 100_000; round++)
        {
            final int at = random.nextInt(entries);
            if (idByIndex[at] == 0)
            {
                continue;
            }
            final long newId = random.nextInt(4) == 0 ? random.nextLong() : nextId++;
            if (model.containsKey(newId))
            {
                continue;
            }
            index.replace(idByIndex[at], newId, at);
            model.remove(idByIndex[at]);
            assertEquals(-1, index.get(idByIndex[at]), "a replaced id is gone");
            model.put(newId, at);
            idByIndex[at] = newId;
            for (int k = 0; k < 4; k++)
            {
                final int probe = random.nextInt(entries);
                if (idByIndex[probe] != 0)
                {
                    assertEquals(probe, index.get(idByIndex[probe]), "id at " + probe + " in round " + round);
                }
            }
        }
        assertEquals(model.size(), index.size());
        for (final Map.Entry<Long, Integer> entry : model.entrySet())
        {
            assertEquals((int)entry.getValue(), index.get(entry.getKey()));
        }
        assertThrows(IllegalStateException.class, () -> index.replace(-12345L, 7L, 0), "an id not in the map");
    }

    @Test
    void aRowBookReadsAndWritesRowsWhileTheyMoveAndASnapshotMidMoveRestoresThem()
    {
        final int capacity = 80_000;
        final SplittableRandom random = new SplittableRandom(7);
        final ConsumerBook growing = new ConsumerBook(capacity, false);
        final ConsumerBook reserved = new ConsumerBook(capacity, true);
        ConsumerBook restored = null;
        ConsumerBook.MoneyKey restoredKey = null;
        final ConsumerBook.MoneyKey growingKey = growing.takeMoneyKey();
        final ConsumerBook.MoneyKey reservedKey = reserved.takeMoneyKey();
        int writesWhileMoving = 0;
        for (int i = 0; i < capacity; i++)
        {
            final long id = 1_000_000L + 3L * i;
            assertEquals(-1, growing.indexOf(id));
            final int index = growing.add(id, i % 100);
            assertEquals(index, reserved.add(id, i % 100));
            if (restored != null)
            {
                assertEquals(index, restored.add(id, i % 100));
            }
            for (int k = 0; k < 3; k++)
            {
                final int row = random.nextInt(index + 1);
                final long amount = random.nextLong(1_000_000);
                final int riskWord = random.nextInt(ConsumerBook.RISK_LONGS);
                writesWhileMoving += growing.moving() ? 1 : 0;
                final ConsumerBook[] books = restored == null ?
                    new ConsumerBook[]{growing, reserved} : new ConsumerBook[]{growing, reserved, restored};
                final ConsumerBook.MoneyKey[] keys = {growingKey, reservedKey, restoredKey};
                for (int b = 0; b < books.length; b++)
                {
                    final ConsumerBook book = books[b];
                    assertEquals(row, book.indexOf(1_000_000L + 3L * row));
                    // Each book's own key, as a Ledger would hold it.
                    book.add(keys[b], row, ConsumerBook.WALLET_FEN, amount);
                    book.setRiskWord(row, riskWord, book.riskWord(row, riskWord) + amount);
                }
                assertEquals(reserved.get(row, ConsumerBook.WALLET_FEN), growing.get(row, ConsumerBook.WALLET_FEN));
                assertEquals(reserved.riskWord(row, riskWord), growing.riskWord(row, riskWord));
            }
            if (random.nextInt(2) == 0)
            {
                growing.step();
            }
            if (i % 997 == 0)
            {
                assertEquals(reserved.hash(5), growing.hash(5), "hash after " + i + " adds (moving " +
                    growing.moving() + ")");
            }
            if (restored == null && i > 40_000 && growing.moving())
            {
                final MemorySnapshot snapshot = new MemorySnapshot();
                growing.writeTo(snapshot);
                restored = new ConsumerBook(capacity, false);
                restoredKey = restored.takeMoneyKey();
                restored.readFrom(snapshot);
                assertEquals(growing.hash(9), restored.hash(9));
            }
        }
        assertTrue(writesWhileMoving > 2_000, "writes while moving: " + writesWhileMoving);
        assertNotNull(restored, "a snapshot was taken while the rows moved");
        assertEquals(reserved.hash(1), growing.hash(1));
        assertEquals(reserved.hash(1), restored.hash(1));
    }

    @Test
    void spendPairsAnswerAsAReservedBookWhileTheyMoveAndASnapshotMidMoveRestoresThem()
    {
        // About 0.6 pairs per consumer: nearly every pair is found in its consumer's pair line.
        spendPairsAnswerAsTheModel(100_000);
    }

    @Test
    void spendPairsOfConsumersWithMorePairsThanTheirLineHoldsAreFoundInTheMap()
    {
        // About 30 pairs per consumer: each line fills with the first 8, the others are found in the map.
        spendPairsAnswerAsTheModel(2_000);
    }

    /** Each book gets its own consumers: their records hold the books' pair lines. */
    private static ConsumerBook consumers(final int count)
    {
        final ConsumerBook consumers = new ConsumerBook(count, true);
        for (int i = 0; i < count; i++)
        {
            consumers.add(i + 1, -1);
        }
        return consumers;
    }

    private static void spendPairsAnswerAsTheModel(final int consumerCount)
    {
        final int capacity = 60_000;
        final SplittableRandom random = new SplittableRandom(11);
        final ConsumptionBook growing = new ConsumptionBook(capacity, 500, consumers(consumerCount), false);
        final ConsumptionBook reserved = new ConsumptionBook(capacity, 500, consumers(consumerCount), true);
        ConsumptionBook restored = null;
        final java.util.Map<Long, Long> openByPair = new java.util.HashMap<>();
        int addsWhileMoving = 0;
        while (growing.count() < capacity)
        {
            final int consumer = random.nextInt(consumerCount);
            final int merchant = random.nextInt(500);
            final long delta = random.nextLong(-50, 1_000);
            addsWhileMoving += growing.moving() ? 1 : 0;
            final long applied = growing.add(TestLedgerKey.KEY, consumer, merchant, delta, 0);
            final Long open = openByPair.get(((long)consumer << 32) | merchant);
            final long expected = open == null ? Math.max(0, delta) : Math.max(delta, -open);
            assertEquals(expected, applied, "model: pair " + consumer + "/" + merchant);
            if (open != null || delta > 0)
            {
                openByPair.put(((long)consumer << 32) | merchant, (open == null ? 0 : open) + applied);
            }
            assertEquals(applied, reserved.add(TestLedgerKey.KEY, consumer, merchant, delta, 0),
                "pair " + consumer + "/" + merchant);
            if (restored != null)
            {
                assertEquals(applied, restored.add(TestLedgerKey.KEY, consumer, merchant, delta, 0));
            }
            if (random.nextInt(2) == 0)
            {
                growing.step();
            }
            if (restored == null && growing.count() > 20_000 && growing.moving())
            {
                final MemorySnapshot snapshot = new MemorySnapshot();
                growing.writeTo(snapshot);
                restored = new ConsumptionBook(capacity, 500, consumers(consumerCount), false);
                restored.readFrom(snapshot);
                assertEquals(growing.hash(9), restored.hash(9));
            }
            if (random.nextInt(5_000) == 0)
            {
                assertEquals(reserved.hash(5), growing.hash(5), "hash at " + growing.count() + " pairs");
            }
        }
        assertTrue(addsWhileMoving > 100, "adds while moving: " + addsWhileMoving);
        assertNotNull(restored, "a snapshot was taken while the pairs moved");
        assertEquals(reserved.hash(1), growing.hash(1));
        assertEquals(reserved.hash(1), restored.hash(1));
        for (int entry = 0; entry < capacity; entry += 7)
        {
            assertEquals(reserved.get(entry, ConsumptionBook.OPEN_FEN), growing.get(entry, ConsumptionBook.OPEN_FEN));
        }
        // The map holds only the pairs beyond the 8 of each consumer's line, in each book however it was filled.
        final int[] pairsByConsumer = new int[consumerCount];
        openByPair.keySet().forEach((pair) -> pairsByConsumer[(int)(pair >>> 32)]++);
        final int beyondLines = java.util.Arrays.stream(pairsByConsumer)
            .map((pairs) -> Math.max(0, pairs - ConsumerBook.PAIR_SLOTS)).sum();
        assertEquals(beyondLines, growing.pairsInMap(), "pairs in the map");
        assertEquals(beyondLines, reserved.pairsInMap(), "pairs in the reserved book's map");
        assertEquals(beyondLines, restored.pairsInMap(), "pairs in the restored book's map");
    }
}
