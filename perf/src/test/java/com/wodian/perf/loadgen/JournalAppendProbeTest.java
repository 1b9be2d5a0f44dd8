package com.wodian.perf.loadgen;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalAppendProbeTest
{
    @Test
    void theStallLogKeepsOnlyBatchesOverItsThresholdWithTheirPlaceInTheJournal()
    {
        final JournalAppendProbe.StallLog stalls = new JournalAppendProbe.StallLog(100_000);
        stalls.onBatch(10, 3, 99_999, 1_000_000_000L);
        stalls.onBatch(1_048_580, 2, 250_000, 2_500_000_000L);

        assertEquals(1, stalls.count());
        final String text = stalls.describe(1_048_576);
        assertTrue(text.contains("at    2.500 s: entry 1,048,580 (+2 in batch) 250.0 us, 4 after an index-array start"),
            text);
        assertFalse(text.contains("entry 10 "), text);
    }

    @Test
    void aThresholdOfZeroKeepsNothingAndThePastCapacityIsCountedNotKept()
    {
        final JournalAppendProbe.StallLog none = new JournalAppendProbe.StallLog(0);
        none.onBatch(1, 1, Long.MAX_VALUE, 0);
        assertEquals(0, none.count());

        final JournalAppendProbe.StallLog full = new JournalAppendProbe.StallLog(1);
        for (int i = 0; i < JournalAppendProbe.StallLog.CAPACITY + 5; i++)
        {
            full.onBatch(i, 1, 2, i);
        }
        assertEquals(JournalAppendProbe.StallLog.CAPACITY + 5, full.count());
        assertEquals(JournalAppendProbe.StallLog.CAPACITY + 1, full.describe(1024).split("\n").length);
    }
}
