package com.wodian.engine;

import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.*;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Differential fuzz of the engine over every inbound template, admin ones included, with extreme field values
 * ({@link FuzzedInputs}) and tables so small that every LIMIT_* refusal is reached. Engine A applies the inputs the
 * live way, in prefetch batches of random size (ids decoded and lines loaded before earlier inputs of the batch
 * apply); engine B applies them one by one, as a replay does. After every input: exactly one reply each, the same
 * reply bytes, the same state hash, and no reply names a time before the input's (an expiry that wrapped past
 * Long.MAX_VALUE would). At the end: the invariants, a snapshot round trip that restores the same hash and then
 * continues exactly like A, and a replay of the whole journal into a fresh engine that ends on A's hash.
 */
class EngineDifferentialFuzzTest
{
    private static final int INPUTS = 3_000;
    private static final int INPUTS_AFTER_SNAPSHOT = 300;
    private static final long START_MS = 1_700_000_000_000L;
    private static final Set<ResultCode> SEEN = EnumSet.noneOf(ResultCode.class);
    private static final java.util.concurrent.atomic.AtomicInteger TRIES_STARTED =
        new java.util.concurrent.atomic.AtomicInteger();

    /** Tables a few rows long: every LIMIT_* refusal is reached, and key retention matters. */
    static EngineConfig tinyTables()
    {
        return EngineConfig.small().consumersMax(4).merchantsMax(3).terminalsMax(3).holdsMax(3).keysMax(40)
            .vouchersMax(3).consumptionPairsMax(6).pointsLedgerEntriesMax(4).riskPairsMax(2).riskEventsMax(2)
            .riskOverridesMax(1).expiriesPerCommandMax(1).distributionSliceEntries(1).keyRetentionMs(5_000);
    }

    /** Room for every party the fuzz names and for many vouchers: payments, redemptions and refunds succeed. */
    static EngineConfig roomyTables()
    {
        return EngineConfig.small().keysMax(4_096).vouchersMax(256).holdsMax(64).pointsLedgerEntriesMax(256)
            .distributionSliceEntries(2).keyRetentionMs(60_000);
    }

    @Property(tries = 8, seed = "38")
    void liveBatchesAndReplayDecideAlikeOnFuzzedInput(@ForAll final long seed)
    {
        final Run run = new Run(seed);
        run.apply(run.inputs.setUp());
        run.apply(run.settings());
        run.apply(run.inputs.fourHolds());
        int applied = 0;
        while (applied < INPUTS)
        {
            final int size = 1 + run.random.nextInt(run.random.nextInt(4) == 0 ? Engine.PREFETCH_BATCH_MAX : 8);
            final List<byte[]> batch = new ArrayList<>();
            for (int k = 0; k < size; k++, applied++)
            {
                batch.add(run.inputs.next());
            }
            run.apply(batch);
        }
        run.live.verifyInvariants();
        run.replay.verifyInvariants();
        run.checkReplayOfTheJournal();
        run.checkSnapshotRoundTrip();
    }

    @AfterContainer
    static void everyLimitWasReached()
    {
        for (final ResultCode limit : new ResultCode[]{ResultCode.LIMIT_CONSUMERS, ResultCode.LIMIT_MERCHANTS,
            ResultCode.LIMIT_TERMINALS, ResultCode.LIMIT_HOLDS, ResultCode.LIMIT_KEYS, ResultCode.LIMIT_VOUCHERS,
            ResultCode.LIMIT_CONSUMPTION_PAIRS, ResultCode.LIMIT_MERCHANT_KEYS})
        {
            assertTrue(SEEN.contains(limit), limit + " reached by the fuzz; codes seen: " + SEEN);
        }
    }

    /** One fuzz run: the two engines, the journal so far, the clock. */
    private static final class Run
    {
        final SplittableRandom random;
        final FuzzedInputs inputs;
        final EngineConfig config;
        final Engine live;
        final Engine replay;
        final List<byte[]> journal = new ArrayList<>();
        final List<Long> journalTimes = new ArrayList<>();
        final Set<ByteBuffer> voucherReplies = new HashSet<>();
        final Reply liveReply = new Reply();
        final Reply replayReply = new Reply();
        long nowMs = START_MS;
        /** Time moves once per this many inputs on average: slowly in some runs, so that holds and keys pile up. */
        final int clockPace;

        Run(final long seed)
        {
            random = new SplittableRandom(seed);
            inputs = new FuzzedInputs(random);
            // The tries go round the four kinds of run, whatever their seeds.
            final int kind = TRIES_STARTED.getAndIncrement();
            clockPace = (kind & 2) == 0 ? 20 : 2_000;
            config = (kind & 1) == 0 ? tinyTables() : roomyTables();
            live = new Engine(config);
            replay = new Engine(config);
        }

        /** Vouchers of any validity expire at a time, never before they were issued (fuzz-review finding 3). */
        List<byte[]> settings()
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            return List.of(FuzzedInputs.copy(buffer, new com.wodian.protocol.CommandEncoder().setEngineSetting(buffer,
                0, EngineSetting.VOUCHER_EXPIRY_SATURATES, 1)));
        }

        /** Engine A prefetches the batch and applies it; B applies each input alone; both answer alike. */
        void apply(final List<byte[]> batch)
        {
            final UnsafeBuffer[] buffers = new UnsafeBuffer[batch.size()];
            for (int i = 0; i < batch.size(); i++)
            {
                buffers[i] = new UnsafeBuffer(Arrays.copyOf(batch.get(i), CommandCatalog.MAX_MESSAGE_LENGTH + 64));
                live.prefetchInput(buffers[i], 0, batch.get(i).length);
            }
            live.prefetchBatch();
            for (int i = 0; i < batch.size(); i++)
            {
                applyOne(buffers[i], keepSaturation(batch.get(i), buffers[i]));
                if (random.nextInt(clockPace) == 0)
                {
                    nowMs += random.nextInt(3) == 0 ? random.nextInt(4_000_000) : random.nextInt(2_000);
                }
            }
        }

        /** The fuzz never switches saturation off again: it checks the expiry oracle with it on. */
        private byte[] keepSaturation(final byte[] input, final UnsafeBuffer buffer)
        {
            final int valueAt = 8 + SetEngineSettingDecoder.valueEncodingOffset();
            if (input.length >= valueAt + 8 && CommandCatalog.templateId(buffer, 0) == SetEngineSettingDecoder.TEMPLATE_ID &&
                buffer.getByte(8 + SetEngineSettingDecoder.settingEncodingOffset()) ==
                EngineSetting.VOUCHER_EXPIRY_SATURATES.value())
            {
                buffer.putLong(valueAt, 1, java.nio.ByteOrder.LITTLE_ENDIAN);
                final byte[] kept = input.clone();
                buffer.getBytes(0, kept);
                return kept;
            }
            return input;
        }

        private void applyOne(final UnsafeBuffer liveBuffer, final byte[] input)
        {
            final int template = input.length >= 8 ? CommandCatalog.templateId(liveBuffer, 0) : 0;
            final String what = "input " + (journal.size() + 1) + " " + hex(input);
            liveReply.clear();
            replayReply.clear();
            if (CommandCatalog.isQuery(template) && random.nextBoolean())
            {
                live.onQuery(liveBuffer, 0, input.length, liveReply);
                replay.onQuery(new UnsafeBuffer(input.clone()), 0, input.length, replayReply);
            }
            else
            {
                journal.add(input);
                journalTimes.add(nowMs);
                live.onCommand(journal.size(), nowMs, liveBuffer, 0, input.length, liveReply);
                replay.onCommand(journal.size(), nowMs, new UnsafeBuffer(input.clone()), 0, input.length,
                    replayReply);
            }
            assertEquals(1, liveReply.count, "one reply from A to " + what);
            assertEquals(1, replayReply.count, "one reply from B to " + what);
            assertArrayEquals(liveReply.bytes, replayReply.bytes, "replies to " + what);
            assertEquals(live.stateHash(), replay.stateHash(), "state hash after " + what);
            final ResultCode code = ReplyCodes.resultCodeOf(new UnsafeBuffer(liveReply.bytes), 0, liveReply.bytes.length);
            if (code != null)
            {
                SEEN.add(code);
            }
            ReplyTimes.check(liveReply.bytes, live.nowMs(), START_MS, voucherReplies, what);
        }

        void checkReplayOfTheJournal()
        {
            final Engine fresh = new Engine(config);
            final Reply reply = new Reply();
            for (int i = 0; i < journal.size(); i++)
            {
                final byte[] input = journal.get(i);
                fresh.onCommand(i + 1, journalTimes.get(i), new UnsafeBuffer(input), 0, input.length, reply);
            }
            assertEquals(live.stateHash(), fresh.stateHash(), "a replay of the journal ends on the live hash");
        }

        void checkSnapshotRoundTrip()
        {
            final MemorySnapshot snapshot = new MemorySnapshot();
            live.writeSnapshot(snapshot);
            final Engine restored = new Engine(config);
            restored.readSnapshot(snapshot);
            assertEquals(live.stateHash(), restored.stateHash(), "restored from a snapshot");
            restored.verifyInvariants();
            final Reply a = new Reply();
            final Reply b = new Reply();
            for (int i = 0; i < INPUTS_AFTER_SNAPSHOT; i++)
            {
                final byte[] input = inputs.next();
                final long sequence = live.lastSequence() + 1;
                live.onCommand(sequence, nowMs, new UnsafeBuffer(input.clone()), 0, input.length, a);
                restored.onCommand(sequence, nowMs, new UnsafeBuffer(input.clone()), 0, input.length, b);
                assertArrayEquals(a.bytes, b.bytes, "after the snapshot, reply to " + hex(input));
                assertEquals(live.stateHash(), restored.stateHash(), "after the snapshot, hash after " + hex(input));
                nowMs += random.nextInt(20) == 0 ? random.nextInt(100_000) : 0;
            }
        }
    }

    /** Keeps a copy of the last reply. */
    private static final class Reply implements ReplySink
    {
        byte[] bytes = new byte[0];
        int count;

        void clear()
        {
            count = 0;
            bytes = new byte[0];
        }

        @Override
        public void onReply(final DirectBuffer buffer, final int offset, final int length)
        {
            bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            count++;
        }
    }

    static String hex(final byte[] bytes)
    {
        final StringBuilder s = new StringBuilder();
        for (final byte b : bytes)
        {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }
}
