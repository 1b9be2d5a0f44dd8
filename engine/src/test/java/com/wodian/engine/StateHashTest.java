package com.wodian.engine;

import com.wodian.engine.table.StateHash;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The hash function itself (hash version 2): a table folded in lanes gives the same value wherever a growth has split
 * it between its old and its new array, and any change of one value, anywhere in the range, changes the result.
 */
class StateHashTest
{
    @Test
    void foldRangeDoesNotDependOnWhereTheTableIsSplit()
    {
        final SplittableRandom random = new SplittableRandom(14);
        for (int round = 0; round < 200; round++)
        {
            final int from = random.nextInt(8);
            final int end = from + random.nextInt(70);
            final long[] values = new long[end + 3];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = random.nextLong();
            }
            final long whole = StateHash.foldRange(7, values, values, from, end, end);
            for (int split = from; split <= end; split++)
            {
                final long[] below = new long[values.length];
                final long[] above = new long[values.length];
                for (int i = 0; i < values.length; i++)
                {
                    below[i] = i < split ? values[i] : random.nextLong();   // what is not read is noise
                    above[i] = i >= split ? values[i] : random.nextLong();
                }
                assertEquals(whole, StateHash.foldRange(7, below, above, from, split, end),
                    "from " + from + " split " + split + " end " + end);
            }
        }
    }

    @Test
    void anyOneChangedValueChangesTheHash()
    {
        final SplittableRandom random = new SplittableRandom(15);
        final long[] values = new long[67];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = random.nextInt(3) == 0 ? 0 : random.nextLong();
        }
        values[1] = 1;
        values[2] = 2;
        final long before = StateHash.foldRows(3, values, 1, 11, 6);
        for (int i = 1; i < 67; i++)
        {
            for (final long delta : new long[]{1, 1L << 63, 1L << 31, -1})
            {
                values[i] += delta;
                assertNotEquals(before, StateHash.foldRows(3, values, 1, 11, 6), "value " + i + " + " + delta);
                values[i] -= delta;
            }
        }
        assertEquals(before, StateHash.foldRows(3, values, 1, 11, 6));
        assertNotEquals(before, StateHash.foldRows(3, values, 1, 10, 6), "the count is folded");
        final long swapped = values[1];
        values[1] = values[2];
        values[2] = swapped;
        assertNotEquals(before, StateHash.foldRows(3, values, 1, 11, 6), "neighbours swapped");
    }
}
