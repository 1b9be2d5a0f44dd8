package com.wodian.perf.riskmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's capture cache is keyed by what a world feeds the engine, not by its name and seed alone: a changed
 * generator under the same name and seed (here: another world's commands) is run again, never read from the old
 * capture (session 51, rev's finding: a stale capture reused silently).
 */
class CaptureCacheTest
{
    private static final LongFunction<LabelledWorld> WORKLOAD = Worlds.byName("workload", false, 300, 1);

    /** The same name and seed for the cache, but the commands of workload world {@code contentSeed}. */
    private static LongFunction<LabelledWorld> generatorAs(final long contentSeed)
    {
        return seed -> WORKLOAD.apply(contentSeed);
    }

    @Test
    void aWorldThatFeedsOtherCommandsIsRunAgainNotReadFromTheOldCapture(@TempDir final Path cache) throws Exception
    {
        final long[] seed = {7};
        final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        final RiskDataset before = ModelTraining.collect(generatorAs(1), seed, cache, "w", log);
        final RiskDataset changedUncached = ModelTraining.collect(generatorAs(2), seed, null, "w", log);
        assertNotEquals(before.size, changedUncached.size, "the two generators' worlds differ (precondition)");

        final RiskDataset changed = ModelTraining.collect(generatorAs(2), seed, cache, "w", log);
        assertEquals(changedUncached.size, changed.size, "the changed world's own decisions, not the old capture");
        assertEquals(ModelTraining.count(changedUncached), ModelTraining.count(changed));

        logBytes.reset();
        final RiskDataset again = ModelTraining.collect(generatorAs(1), seed, cache, "w", log);
        assertEquals(before.size, again.size);
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains(" from "),
            "the unchanged world is still read from its capture: " + logBytes.toString(StandardCharsets.UTF_8));
    }

    /** The same bytes at the same time with another label (kind, variant, group or look-alike) are another world. */
    @Test
    void theDigestFollowsTheLabels()
    {
        final org.agrona.concurrent.UnsafeBuffer bytes = new org.agrona.concurrent.UnsafeBuffer(new byte[]{1, 2, 3, 4});
        final String[] digests = {labelled(bytes, 0, 0, 0, 0), labelled(bytes, 5, 0, 0, 0), labelled(bytes, 0, 2, 0, 0),
            labelled(bytes, 0, 0, 9, 0), labelled(bytes, 0, 0, 0, 6)};
        assertEquals(digests[0], labelled(bytes, 0, 0, 0, 0), "deterministic");
        assertEquals(digests.length, new java.util.HashSet<>(java.util.List.of(digests)).size(),
            "every label changes the digest");
    }

    private static String labelled(final org.agrona.DirectBuffer bytes, final int kind, final int variant,
        final long group, final int lookAlike)
    {
        final WorldDigest digest = new WorldDigest();
        digest.add(1_000, bytes, 0, 4, kind, variant, group, lookAlike);
        return digest.hex();
    }

    @Test
    void theDigestFollowsTheCommandsFedRangeKnobsAndSlowingIncluded()
    {
        final String plain = Worlds.byName("riskworld", false, 0, 0).apply(11).digest();
        assertEquals(plain, Worlds.byName("riskworld", false, 0, 0).apply(11).digest(), "deterministic");
        assertEquals(64, plain.length());
        assertNotEquals(plain, Worlds.byName("riskworld", true, 0, 0).apply(11).digest(), "the held-out range");
        assertNotEquals(plain, Worlds.byName("riskworld-slower", false, 0, 0).apply(11).digest(), "slowed");
        assertNotEquals(plain, Worlds.byName("riskworld", false, 0, 0).apply(12).digest(), "another seed");
        assertNotEquals(WORKLOAD.apply(1).digest(), WORKLOAD.apply(2).digest());
    }
}
