package com.wodian.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The points ledger grows in steps (its entries move to the larger array per append and per command): every entry
 * reads as in a ledger reserved at start while it moves, past the first fill of the ring too, the hash is the reserved
 * twin's at every point, and a snapshot taken mid-move restores to the same entries and hash.
 */
class PointsLedgerGrowthTest
{
    @Test
    void entriesReadAsInAReservedLedgerWhileTheyMoveAndASnapshotMidMoveRestoresThem()
    {
        final int capacity = 1 << 18;   // 2 MiB at the end: the last growths go through the preparer
        final SplittableRandom random = new SplittableRandom(11);
        final PointsLedger growing = new PointsLedger(capacity, false);
        final PointsLedger reserved = new PointsLedger(capacity, true);
        int snapshotsMidMove = 0;
        for (long position = 0; position < capacity + capacity / 2; position++)
        {
            final int consumer = random.nextInt(1_000);
            final long delta = random.nextLong(1, 1_000);
            assertEquals(position, growing.append(TestLedgerKey.KEY, consumer, 1, delta, position, position + 1, 7,
                position, position - 1));
            reserved.append(TestLedgerKey.KEY, consumer, 1, delta, position, position + 1, 7, position, position - 1);
            if (random.nextInt(4) == 0)
            {
                growing.step();   // as the engine does once per command
            }
            final long probe = Math.max(0, position - random.nextInt(capacity));
            assertEquals(reserved.isAvailable(probe), growing.isAvailable(probe));
            if (growing.isAvailable(probe))
            {
                for (int field = 0; field < PointsLedger.STRIDE; field++)
                {
                    assertEquals(reserved.get(probe, field), growing.get(probe, field), "entry " + probe);
                }
            }
            if (Long.bitCount(position) == 1 || position % 49_999 == 0)
            {
                final boolean moving = growing.step();
                assertEquals(reserved.hash(3), growing.hash(3), "hash after " + position);
                if (moving)
                {
                    final MemorySnapshot snapshot = new MemorySnapshot();
                    growing.writeTo(snapshot);
                    final PointsLedger restored = new PointsLedger(capacity, false);
                    restored.readFrom(snapshot);
                    assertEquals(reserved.hash(3), restored.hash(3), "restored at " + position);
                    snapshotsMidMove++;
                }
            }
        }
        assertTrue(snapshotsMidMove > 0, "no snapshot was taken while entries moved");
        assertEquals(reserved.hash(5), growing.hash(5));
    }
}
