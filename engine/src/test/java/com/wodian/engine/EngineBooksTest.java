package com.wodian.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The per-input growth steps ({@link EngineBooks#stepGrowth}): a growth that begins while no book moves is found by
 * them within {@link EngineBooks#LOOK_EVERY} inputs and then stepped on every input until it has moved, with no
 * insert into that book meanwhile.
 */
class EngineBooksTest
{
    @Test
    void aGrowthBegunWhileNothingMovedIsMovedByThePerInputStepsAlone()
    {
        final EngineBooks books = new EngineBooks(new EngineConfig());
        for (int input = 0; input < 3 * EngineBooks.LOOK_EVERY; input++)
        {
            books.stepGrowth();   // nothing moves: the looks find nothing
        }
        final PointsLedger ledger = books.pointsLedger;
        long position = 0;
        while (!ledger.moving())
        {
            assertTrue(position < 1_000_000, "no growth of the points ledger began");
            ledger.append(TestLedgerKey.KEY, 1, 1, 1, position, position, 7, position, position - 1);
            position++;
        }
        // Each step moves STEP_LONGS / STRIDE entries; the growth began at the ledger's old length, `position` - 1.
        final long stepsToMove = (position - 1 + PointsLedger.STEP_LONGS / PointsLedger.STRIDE - 1) /
            (PointsLedger.STEP_LONGS / PointsLedger.STRIDE);
        int inputs = 0;
        while (ledger.moving())
        {
            assertTrue(inputs < EngineBooks.LOOK_EVERY + stepsToMove, "still moving after " + inputs +
                " inputs (a growth of " + (position - 1) + " entries, " + stepsToMove + " steps)");
            books.stepGrowth();
            inputs++;
        }
        assertTrue(inputs > 0 && position > 2 * PointsLedger.STEP_LONGS / PointsLedger.STRIDE,
            "a growth left to the per-input steps: " + inputs + " inputs, ledger of " + position);
    }
}
