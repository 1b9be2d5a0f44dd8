package com.wodian.net.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SelectIdleStrategyTest
{
    private long nowNs;
    private int sleeps;

    @Test
    void selectSleepsAtTheFirstCycleWithoutWork()
    {
        final SelectIdleStrategy strategy = new SelectIdleStrategy(() -> sleeps++);
        strategy.idle(1);
        assertEquals(0, sleeps);
        strategy.idle(0);
        assertEquals(1, sleeps);
        assertEquals(StrategyFactory.IDLE_SELECT, strategy.alias());
    }

    @Test
    void spinSelectPollsForTheSpinPeriodAfterWorkThenSleeps()
    {
        final SelectIdleStrategy strategy = new SelectIdleStrategy(() -> sleeps++, 50, () -> nowNs);
        strategy.idle(3);
        for (int cycle = 0; cycle < 5; cycle++, nowNs += 10)
        {
            strategy.idle(0); // idle since 0 ns: 0, 10, 20, 30, 40 < 50
        }
        assertEquals(0, sleeps);
        strategy.idle(0); // 50 ns idle: sleeps
        assertEquals(1, sleeps);

        nowNs += 1_000; // woken: a fresh spin before the next sleep
        strategy.idle(0);
        assertEquals(1, sleeps);
        nowNs += 60;
        strategy.idle(0);
        assertEquals(2, sleeps);

        strategy.idle(1); // work restarts the period
        nowNs += 49;
        strategy.idle(0);
        nowNs += 49;
        strategy.idle(0);
        assertEquals(2, sleeps);
        nowNs += 1;
        strategy.idle(0);
        assertEquals(3, sleeps);
        assertEquals(StrategyFactory.IDLE_SPIN_SELECT, strategy.alias());
    }
}
