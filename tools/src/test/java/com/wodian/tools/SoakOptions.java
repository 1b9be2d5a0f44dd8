package com.wodian.tools;

import java.nio.file.Path;

/** The arguments of {@link GroupSoak}. */
record SoakOptions(long minutes, long seed, Path dir, long keysMax, long pauseMinMs, long pauseMaxMs,
    long installBehindEntries)
{
    private static final String USAGE = "GroupSoak --dir DIR [--minutes N] [--seed N] [--keys-max N] " +
        "[--pause-ms MIN-MAX] [--install-behind-entries N]";

    static SoakOptions parse(final String[] args)
    {
        long minutes = 30;
        long seed = System.nanoTime();
        Path dir = null;
        long keysMax = 0;
        long pauseMinMs = 5_000;
        long pauseMaxMs = 20_000;
        long installBehindEntries = 5_000;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            final String value = args[i + 1];
            switch (args[i])
            {
                case "--minutes" -> minutes = Long.parseLong(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--dir" -> dir = Path.of(value);
                case "--keys-max" -> keysMax = Long.parseLong(value);
                case "--install-behind-entries" -> installBehindEntries = Long.parseLong(value);
                case "--pause-ms" ->
                {
                    final String[] range = value.split("-", 2);
                    pauseMinMs = Long.parseLong(range[0]);
                    pauseMaxMs = Long.parseLong(range[range.length - 1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (null == dir || args.length % 2 != 0 || minutes < 1 || pauseMinMs < 0 || pauseMaxMs < pauseMinMs)
        {
            throw new IllegalArgumentException(USAGE);
        }
        if (keysMax == 0)
        {
            // Every payment keeps its idempotency key for a week: room for all of them, and retries, with margin.
            final long rate = Math.max(1, Long.getLong("wodian.replication.rate", 1_000));
            keysMax = Math.max(100_000, rate * 60 * minutes * 3 / 2);
        }
        return new SoakOptions(minutes, seed, dir, keysMax, pauseMinMs, pauseMaxMs, installBehindEntries);
    }
}
