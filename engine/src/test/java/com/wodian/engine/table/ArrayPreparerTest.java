package com.wodian.engine.table;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The arrays a growing table asks for ahead of need ({@link ArrayPreparer}): zeroed, of the length asked for, and never
 * allocated by the worker once the table has taken (or given up on) them. The tables themselves are tested against
 * models in the engine's GrowingTablesTest.
 */
class ArrayPreparerTest
{
    @Test
    void aPreparedArrayIsZeroedAndOfTheLengthAskedForWhetherReadyOrNot()
    {
        final ArrayPreparer.Prepared prepared = ArrayPreparer.longs(1 << 20);
        assertNotNull(prepared, "8 MiB goes through the worker");
        assertNull(ArrayPreparer.longs(16), "a small array is allocated on demand");
        final long[] taken = ArrayPreparer.takeLongs(prepared, 1 << 20);
        assertEquals(1 << 20, taken.length);
        assertEquals(0, java.util.Arrays.stream(taken).filter((v) -> v != 0).count());
        final int[] ints = ArrayPreparer.takeInts(ArrayPreparer.ints(1 << 19), 1 << 18);
        assertEquals(1 << 18, ints.length, "a prepared array of another length is not used");
    }

    @Test
    void theWorkerDoesNotAllocateAnArrayTheTableHasTakenAlready()
    {
        // Driven by hand (not through the worker thread): the two orders of take and allocate.
        final ArrayPreparer.Prepared givenUp = new ArrayPreparer.Prepared(1 << 17, false);
        assertNull(givenUp.take(), "taken before it was allocated: nothing ready");
        assertFalse(givenUp.allocateUnlessTaken(), "a request already taken is not allocated");
        assertNull(givenUp.take(), "and nothing is published later");

        final ArrayPreparer.Prepared ready = new ArrayPreparer.Prepared(1 << 17, true);
        assertTrue(ready.allocateUnlessTaken());
        assertFalse(ready.allocateUnlessTaken(), "allocated once");
        assertEquals(1 << 17, ((int[])ready.take()).length, "the table gets the array allocated ahead");
        assertNull(ready.take(), "taken at most once");
    }
}
