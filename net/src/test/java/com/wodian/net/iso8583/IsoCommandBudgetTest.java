package com.wodian.net.iso8583;

import org.agrona.collections.Long2ObjectHashMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ISO port's per-terminal budget on its own: refills, wall-clock steps, key-file reloads. */
class IsoCommandBudgetTest
{
    private static final long START_MS = 1_765_000_000_000L;

    @Test
    void aBackwardClockStepDoesNotStopTheRefill()
    {
        final IsoCommandBudget budget = new IsoCommandBudget(50, 200, (limit) -> { });
        final IsoKeyStore.TerminalKey key = new IsoKeyStore.TerminalKey(101, 1, null);
        assertEquals(200, takenOf(budget, key, START_MS, 300));

        // The gateway's wall clock steps back 10 s, then runs on for 1 s: one second's refill, not a 10-s wait.
        assertFalse(budget.tryTake(key, START_MS - 10_000));
        assertEquals(50, takenOf(budget, key, START_MS - 9_000, 100));
        assertEquals(100 + 1 + 50, budget.refusedCount());
    }

    @Test
    void aReloadKeepsTheBudgetAndTheNewestTransmissionTime()
    {
        final IsoCommandBudget budget = new IsoCommandBudget(50, 200, (limit) -> { });
        final IsoKeyStore.TerminalKey before = new IsoKeyStore.TerminalKey(101, 1, null);
        assertEquals(200, takenOf(budget, before, START_MS, 200));
        before.newestTransmittedAtMs = START_MS - 500;

        final Long2ObjectHashMap<IsoKeyStore.TerminalKey> old = new Long2ObjectHashMap<>();
        old.put(101, before);
        final Long2ObjectHashMap<IsoKeyStore.TerminalKey> reloaded = new Long2ObjectHashMap<>();
        final IsoKeyStore.TerminalKey after = new IsoKeyStore.TerminalKey(101, 1, null);
        reloaded.put(101, after);
        IsoCommandBudget.carryOver(old, reloaded);

        assertFalse(budget.tryTake(after, START_MS), "a reload must not refill the bucket");
        assertEquals(START_MS - 500, after.newestTransmittedAtMs, "a reload must not forget the replay fence");
    }

    private static int takenOf(
        final IsoCommandBudget budget, final IsoKeyStore.TerminalKey key, final long nowMs, final int requests)
    {
        int taken = 0;
        for (int i = 0; i < requests; i++)
        {
            taken += budget.tryTake(key, nowMs) ? 1 : 0;
        }
        return taken;
    }
}
