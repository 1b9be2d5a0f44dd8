package com.wodian.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JMH benchmarks' own set-up and checks, run once without JMH: population, ring, the warm pass that must be all
 * OK, a stretch of measured operations, the per-iteration all-OK check and the final invariants. Keeps a broken
 * benchmark (one that would measure refusals) from reaching a measurement run.
 *
 * <p>Also the standard "the engine never allocates in steady state" (README: no allocation after start-up), which
 * JMH's {@code -prof gc} shows only when someone runs it: after the warm stretch, phases of
 * {@value #PHASE_OPERATIONS} operations are measured on this thread, at most {@value #PHASES_MAX}, and one must
 * allocate under one byte per operation (which code C2 has compiled by a given operation depends on the compiler
 * threads' share of two cores; a real per-command allocation, 16 bytes or more, shows in every phase).
 */
class EngineBenchmarkSetupTest
{
    private static final String BLACKHOLE_CHALLENGE =
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.";
    private static final int OPERATIONS = 200_000;
    private static final int PHASE_OPERATIONS = 50_000;
    private static final int PHASES_MAX = 8;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void payBenchmarkMeasuresSuccessfulPayments()
    {
        final EnginePayBenchmark benchmark = new EnginePayBenchmark();
        benchmark.setUp(new Blackhole(BLACKHOLE_CHALLENGE));
        measureAndCheck(benchmark::pay, "Pay", benchmark::checkIteration, benchmark::tearDown);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void mixBenchmarkMeasuresSuccessfulCommands()
    {
        final EngineMixBenchmark benchmark = new EngineMixBenchmark();
        benchmark.setUp(new Blackhole(BLACKHOLE_CHALLENGE));
        measureAndCheck(benchmark::mix, "the mix", benchmark::checkIteration, benchmark::tearDown);
    }

    /**
     * The recommended risk configuration (steps 1-5, docs/risk.md) as RiskOverheadHarness and JMH time it: its warm
     * pass and every measured Pay must be approved (a decline would time a refusal, not a Pay), and it allocates
     * nothing in steady state.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void riskPayBenchmarkMeasuresSuccessfulPaymentsWithTheRecommendedConfiguration()
    {
        final EngineRiskPayBenchmark benchmark = new EngineRiskPayBenchmark();
        benchmark.rules = EngineRiskPayBenchmark.RECOMMENDED;
        benchmark.setUp(new Blackhole(BLACKHOLE_CHALLENGE));
        measureAndCheck(benchmark::pay, "Pay with the recommended risk configuration", benchmark::checkIteration,
            benchmark::tearDown);
    }

    /**
     * The recommended configuration's step 3 in the ACTIVE slot is v68 and its step 5 in the SECOND slot v80
     * (docs/risk.md "The shipped configuration and the recommended one"); {@code recommended=FILE} puts FILE in the
     * ACTIVE slot instead (v31, step 3 before), {@code recommended+second=FILE} in the SECOND (v55, an earlier step 5),
     * {@code recommended+source=FILE} in the CHALLENGER slot as the group source instead of v24; the forms combine.
     */
    @Test
    void theRecommendedVariantLoadsStepsThreeAndFiveAndTheFileFormsTheirFiles()
    {
        final String v31 = java.nio.file.Path.of("src/main/resources/com/wodian/perf/riskmodel/model-v31.txt")
            .toAbsolutePath().toString();
        assertEquals(68, EngineRiskPayBenchmark.recommendedActiveModel(EngineRiskPayBenchmark.RECOMMENDED).version);
        assertEquals(68, EngineRiskPayBenchmark.recommendedActiveModel("recommended+second=second.txt").version);
        assertEquals(31, EngineRiskPayBenchmark.recommendedActiveModel("recommended=" + v31).version);
        assertEquals(80, EngineRiskPayBenchmark.recommendedSecondModel(EngineRiskPayBenchmark.RECOMMENDED).version);
        assertEquals(80, EngineRiskPayBenchmark.recommendedSecondModel("recommended=active.txt").version);
        final String v55 = java.nio.file.Path.of("src/main/resources/com/wodian/perf/riskmodel/model-v55.txt")
            .toAbsolutePath().toString();
        assertEquals(55, EngineRiskPayBenchmark.recommendedSecondModel(EngineRiskPayBenchmark.RECOMMENDED +
            EngineRiskPayBenchmark.SECOND_FILE + v55).version);
        assertEquals(24, EngineRiskPayBenchmark.recommendedSourceModel(EngineRiskPayBenchmark.RECOMMENDED).version);
        assertEquals(24, EngineRiskPayBenchmark.recommendedSourceModel("recommended=" + v31).version);
        final String v66 = java.nio.file.Path.of("src/main/resources/com/wodian/perf/riskmodel/model-v66.txt")
            .toAbsolutePath().toString();
        final String combined = "recommended=" + v31 + EngineRiskPayBenchmark.SOURCE_FILE + v55 +
            EngineRiskPayBenchmark.SECOND_FILE + v66;
        assertEquals(31, EngineRiskPayBenchmark.recommendedActiveModel(combined).version);
        assertEquals(55, EngineRiskPayBenchmark.recommendedSourceModel(combined).version);
        assertEquals(66, EngineRiskPayBenchmark.recommendedSecondModel(combined).version);
    }

    /**
     * What a JMH run of a set-up benchmark does, once: a stretch of measured operations, the steady-state allocation
     * check, the per-iteration all-OK check, then the tear-down's final invariants.
     */
    private static void measureAndCheck(
        final Runnable operation, final String what, final Runnable checkIteration, final Runnable tearDown)
    {
        for (int i = 0; i < OPERATIONS; i++)
        {
            operation.run();
        }
        assertSteadyStateAllocatesNothing(operation, what);
        checkIteration.run();
        tearDown.run();
    }

    private static void assertSteadyStateAllocatesNothing(final Runnable operation, final String what)
    {
        long allocatedBytes = Long.MAX_VALUE;
        int phases = 0;
        while (phases < PHASES_MAX && allocatedBytes >= PHASE_OPERATIONS)
        {
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < PHASE_OPERATIONS; i++)
            {
                operation.run();
            }
            allocatedBytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            phases++;
        }
        System.out.println("EngineBenchmarkSetupTest: " + what + ": " + allocatedBytes + " bytes allocated by " +
            PHASE_OPERATIONS + " operations in the last of " + phases + " phases");
        org.junit.jupiter.api.Assertions.assertTrue(allocatedBytes < PHASE_OPERATIONS, what + ": " + allocatedBytes +
            " bytes allocated by " + PHASE_OPERATIONS + " operations in the last of " + phases + " phases");
    }
}
