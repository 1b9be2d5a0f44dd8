package com.wodian.net.durability;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay pipeline (read on the caller's thread, applied on its own) ends in the state of applying the same inputs
 * one at a time, whatever the input count against its chunks and ring (empty, one, a chunk less one, a chunk, a chunk
 * plus one, several times round the ring), an input longer than the engine accepts included; an engine failure on
 * the apply thread reaches the caller; a caller that stops reading can stop it.
 */
class ReplayPipelineTest
{
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void endsInTheStateOfOneAtATime()
    {
        final int chunk = ReplayPipeline.CHUNK_ENTRIES;
        for (final int count : new int[] {0, 1, chunk - 1, chunk, chunk + 1, ReplayPipeline.CHUNKS * chunk * 3 + 17})
        {
            assertTimeoutPreemptively(DEADLINE, () -> checkAgainstOneAtATime(count), "inputs: " + count);
        }
    }

    @Test
    void anEngineFailureOnTheApplyThreadReachesTheCaller()
    {
        assertTimeoutPreemptively(DEADLINE, () ->
        {
            final Engine engine = new Engine(EngineConfig.small());
            final RandomWorkload workload = new RandomWorkload(7);
            final ReplayPipeline pipeline = new ReplayPipeline(engine, EngineRecovery.REPLAY_BATCH);
            final IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
            {
                // Sequence 3 is missing: the engine refuses the gap on the apply thread.
                for (long sequence = 1; sequence <= 20 * ReplayPipeline.CHUNK_ENTRIES; sequence++)
                {
                    final int length = workload.next();
                    if (sequence != 3)
                    {
                        pipeline.onEntry(sequence, workload.nextTimestampMs(), 1, workload.buffer, 0, length);
                    }
                }
                pipeline.finish();
            });
            pipeline.close();
            assertTrue(thrown.getMessage().contains("sequence gap"), thrown.getMessage());
            assertEquals(2, engine.lastSequence(), "applied up to the gap");
        });
    }

    @Test
    void aReaderThatStopsCanStopTheApplyThread()
    {
        assertTimeoutPreemptively(DEADLINE, () ->
        {
            final Engine engine = new Engine(EngineConfig.small());
            final RandomWorkload workload = new RandomWorkload(11);
            final ReplayPipeline pipeline = new ReplayPipeline(engine, EngineRecovery.REPLAY_BATCH);
            for (long sequence = 1; sequence <= ReplayPipeline.CHUNK_ENTRIES + 5; sequence++)
            {
                pipeline.onEntry(sequence, workload.nextTimestampMs(), 1, workload.buffer, 0, workload.next());
            }
            pipeline.close();   // as after the journal threw: no finish
            assertTrue(engine.lastSequence() <= ReplayPipeline.CHUNK_ENTRIES, "only handed-over chunks applied");
        });
    }

    private static void checkAgainstOneAtATime(final int count)
    {
        final Engine alone = new Engine(EngineConfig.small());
        final Engine piped = new Engine(EngineConfig.small());
        final RandomWorkload workload = new RandomWorkload(count);
        final UnsafeBuffer tooLong = new UnsafeBuffer(new byte[600]);
        try (ReplayPipeline pipeline = new ReplayPipeline(piped, EngineRecovery.REPLAY_BATCH))
        {
            for (long sequence = 1; sequence <= count; sequence++)
            {
                final long timestampMs = workload.nextTimestampMs();
                if (sequence == count / 2 + 1 && count > 2)
                {
                    // Longer than any command: the engine refuses it (an error reply), in its place in the order.
                    workload.next();
                    tooLong.putBytes(0, workload.buffer, 0, 8);
                    alone.onCommand(sequence, timestampMs, tooLong, 0, tooLong.capacity(), ReplySink.NONE);
                    pipeline.onEntry(sequence, timestampMs, 1, tooLong, 0, tooLong.capacity());
                    continue;
                }
                final int length = workload.next();
                alone.onCommand(sequence, timestampMs, workload.buffer, 0, length, ReplySink.NONE);
                pipeline.onEntry(sequence, timestampMs, 1, workload.buffer, 0, length);
            }
            pipeline.finish();
            // The apply thread ran (CPU time is counted in nanoseconds on Linux): never 0 once it applied inputs.
            assertTrue(count == 0 || pipeline.applyCpuNs() > 0, "apply thread's CPU time: " + pipeline.applyCpuNs());
        }
        assertEquals(count, piped.lastSequence(), "every input applied");
        assertEquals(alone.stateHash(), piped.stateHash(), "state hash after " + count + " inputs");
        piped.verifyInvariants();
    }
}
