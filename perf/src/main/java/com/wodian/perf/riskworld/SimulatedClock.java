package com.wodian.perf.riskworld;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Input time of a world: the week starts on Monday 2026-11-02 00:00 China Standard Time (UTC+8). */
final class SimulatedClock
{
    static final long MINUTE_MS = 60_000L;
    static final long HOUR_MS = 60 * MINUTE_MS;
    static final long DAY_MS = 24 * HOUR_MS;
    static final int DAYS = 7;
    static final long WEEK_START_MS =
        LocalDateTime.of(2026, 11, 2, 0, 0).toInstant(ZoneOffset.ofHours(8)).toEpochMilli();

    private SimulatedClock()
    {
    }

    static long dayStartMs(final int day)
    {
        return WEEK_START_MS + day * DAY_MS;
    }

    static long at(final int day, final int minuteOfDay, final Rng rng)
    {
        return dayStartMs(day) + minuteOfDay * MINUTE_MS + rng.nextInt(60_000);
    }

    /** Saturday and Sunday; a day before the week (negative, the warm-up's) by its day of the week too. */
    static boolean weekend(final int day)
    {
        return Math.floorMod(day, DAYS) >= 5;
    }
}
