package com.wodian.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link FinishedFifo#reserveFor} keeps the entries and their order, also when the ring has wrapped (its oldest entry
 * not at position 0: the key table full and forgetting), and the grown ring goes on adding and forgetting in order.
 */
class FinishedFifoReserveTest
{
    @Test
    void aWrappedRingGrownAheadKeepsItsOrder()
    {
        final FinishedFifo fifo = new FinishedFifo(8, 1_000);
        int next = 0;
        int oldest = 0;
        for (; next < 8; next++)
        {
            fifo.add(next, 1_000L + next, 100 + next);
        }
        for (int i = 0; i < 5; i++)
        {
            fifo.removeOldest();
            oldest++;
        }
        for (; next < 13; next++)
        {
            fifo.add(next, 1_000L + next, 100 + next);   // wraps: the oldest now sits at position 5 of 8
        }
        fifo.reserveFor(40);
        assertEquals(64, fifo.length(), "grown to the power of two that holds 40");
        for (; next < 60; next++)
        {
            fifo.add(next, 1_000L + next, 100 + next);
        }
        assertEquals(64, fifo.length(), "no growth while adding what was reserved for");
        assertEquals(next - oldest, fifo.size());
        for (int ahead = 0; ahead < fifo.size(); ahead++)
        {
            assertEquals(oldest + ahead, fifo.record(ahead), "record " + ahead + " from the oldest");
            assertEquals(1_000L + oldest + ahead, fifo.finishedAtMs(ahead));
            assertEquals(100 + oldest + ahead, fifo.hash(ahead));
        }
    }
}
