package com.wodian.engine.risk;

import com.wodian.engine.AllocationPhases;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;
import com.wodian.engine.MemorySnapshot;
import com.wodian.protocol.sbe.AccountEventKind;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Features 80-86 (docs/risk.md "Account events"): what a payment reads of its consumer's AccountEvents, kept across a
 * snapshot; a model may name them from schema 13 on and decides by them; and a model that does not name them (every
 * shipped model file) decides byte for byte alike whether account events arrive or not.
 */
class AccountEventFeaturesTest
{
    private static final long MINUTE_MS = 60_000L;
    private static final long CAP = RiskFeatures.ACCOUNT_EVENT_CAP_MINUTES;
    private EngineDriver d;
    private final long[] x = new long[RiskFeatures.COUNT];
    private long paymentId;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small()).withRiskFeatureCapture();
        assertEquals(ResultCode.OK, d.consumer(1, 1));
        assertEquals(ResultCode.OK, d.consumer(2, 0));
        assertEquals(ResultCode.OK, d.topUp(1, 1, 10_000_000));
        assertEquals(ResultCode.OK, d.topUp(2, 2, 10_000_000));
    }

    private long[] pay(final EngineDriver driver, final long consumerId)
    {
        final long before = driver.sequence;
        assertEquals(ResultCode.OK, driver.pay(1, 11, ++paymentId, consumerId, 2_500));
        assertEquals(before + 1, driver.engine.lastRiskFeatures(x), "features of this payment");
        return x;
    }

    /** Features 80-86 of the last payment: minutes since each kind, since any, kinds in 24 h and in 7 days. */
    private long[] accountFeatures()
    {
        return java.util.Arrays.copyOfRange(x, RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET,
            RiskFeatures.ACCOUNT_EVENT_KINDS_7D + 1);
    }

    @Test
    void aPaymentReadsTheLastEventOfEachKind()
    {
        pay(d, 1);
        assertArrayEquals(new long[]{CAP, CAP, CAP, CAP, CAP, 0, 0}, accountFeatures(), "no event: the cap");

        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.CREDENTIAL_RESET));
        d.advanceMs(30 * MINUTE_MS);
        pay(d, 1);
        assertArrayEquals(new long[]{30, CAP, CAP, CAP, 30, 1, 1}, accountFeatures());

        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.DEVICE_BOUND));
        d.advanceMs(24 * 60 * MINUTE_MS - 1);
        pay(d, 1);
        assertArrayEquals(new long[]{30 + 1439, 1439, CAP, CAP, 1439, 1, 2}, accountFeatures(),
            "the device 23 h 59 min ago: in the last 24 hours; the reset not");
        d.advanceMs(1);
        pay(d, 1);
        assertArrayEquals(new long[]{30 + 1440, 1440, CAP, CAP, 1440, 0, 2}, accountFeatures(),
            "24 hours exactly: no longer in the last 24 hours");

        // Another consumer's payment reads nothing of consumer 1's events.
        pay(d, 2);
        assertArrayEquals(new long[]{CAP, CAP, CAP, CAP, CAP, 0, 0}, accountFeatures());

        // A repeat of a kind moves its time; the others keep theirs.
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.CREDENTIAL_RESET));
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.PHONE_REBOUND));
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.NEW_NETWORK_LOGIN));
        d.advanceMs(5 * MINUTE_MS);
        pay(d, 1);
        assertArrayEquals(new long[]{5, 1445, 5, 5, 5, 3, 4}, accountFeatures());

        // A snapshot keeps them (format 21), and an engine restored from it reads the same.
        final EngineDriver restored = d.restoredFromSnapshot(EngineConfig.small());
        restored.engine.captureRiskFeatures(true);
        assertEquals(d.engine.stateHash(), restored.engine.stateHash());
        d.advanceMs(7 * 24 * 60 * MINUTE_MS - 6 * MINUTE_MS);
        restored.advanceMs(7 * 24 * 60 * MINUTE_MS - 6 * MINUTE_MS);
        pay(d, 1);
        final long[] live = accountFeatures();
        pay(restored, 1);
        assertArrayEquals(live, accountFeatures(), "restored from the snapshot");
        assertArrayEquals(new long[]{10_079, 11_519, 10_079, 10_079, 10_079, 0, 3}, live, "a minute short of 7 days");

        // 30 days on, every kind reads the cap again.
        d.advanceMs(30 * 24 * 60 * MINUTE_MS);
        pay(d, 1);
        assertArrayEquals(new long[]{CAP, CAP, CAP, CAP, CAP, 0, 0}, accountFeatures());
    }

    @Test
    void anEventChangesTheStateHashAndARefusedOneNothing()
    {
        final long before = d.engine.stateHashIgnoringSequence();
        assertEquals(ResultCode.UNKNOWN_CONSUMER, d.accountEvent(99, AccountEventKind.DEVICE_BOUND));
        assertEquals(before, d.engine.stateHashIgnoringSequence(), "a refused event changes nothing");
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.DEVICE_BOUND));
        final long withDevice = d.engine.stateHashIgnoringSequence();
        assertNotEquals(before, withDevice);
        // The consumer is already marked as having events: the times table itself is hashed.
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.PHONE_REBOUND));
        assertNotEquals(withDevice, d.engine.stateHashIgnoringSequence());
    }

    /**
     * The times table grows by doubling as consumers of higher indexes get events, or is reserved whole at start
     * ({@code --engine-tables reserve}): both answer alike, hash alike, and a snapshot of either restores into either.
     */
    @Test
    void aReservedTableAnswersAsAGrowingOne()
    {
        final EngineDriver growing = new EngineDriver(EngineConfig.small());
        final EngineDriver reserved = new EngineDriver(EngineConfig.small().reserveTables(true));
        for (final EngineDriver e : new EngineDriver[]{growing, reserved})
        {
            e.engine.captureRiskFeatures(true);
            assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.DAILY_LIMIT, RiskMode.SHADOW, RiskAction.DECLINE,
                1_000_000_000, 0, 0));
            assertEquals(ResultCode.OK, e.merchant(1, 10, 500, 200, 0, true));
            assertEquals(ResultCode.OK, e.terminal(11, 1));
            for (long c = 1; c <= 5_000; c++)
            {
                assertEquals(ResultCode.OK, e.consumer(c, 1));
            }
            for (long c = 1; c <= 5_000; c += 997)
            {
                e.advanceMs(MINUTE_MS);
                assertEquals(ResultCode.OK, e.accountEvent(c, AccountEventKind.values()[(int)(c % 4)]));
            }
            assertEquals(ResultCode.OK, e.topUp(4_986, 1, 100_000));
            e.advanceMs(MINUTE_MS);
        }
        assertEquals(growing.engine.stateHash(), reserved.engine.stateHash());
        for (final EngineDriver[] fromTo : new EngineDriver[][]{{growing, reserved}, {reserved, growing}})
        {
            final EngineDriver restored = fromTo[0].restoredFromSnapshot(fromTo[1].engine.config());
            restored.engine.captureRiskFeatures(true);
            assertEquals(growing.engine.stateHash(), restored.engine.stateHash());
            pay(restored, 4_986);
            assertArrayEquals(new long[]{CAP, CAP, 1, CAP, 1, 1, 1}, accountFeatures(), "consumer 4,986's phone number changed a minute ago");
        }
    }

    /**
     * A model may name features 80-86 only in a SetRiskModel of schema 13 or later (a build of schema 12 refused
     * them, so a journal of schema 12 naming one replays to the same refusal); loaded, it decides by them.
     */
    @Test
    void aModelNamesTheFeaturesFromSchema13AndDecidesByThem()
    {
        final int[] features = {RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET, RiskFeatures.LOG_AMOUNT,
            RiskFeatures.LOG_AMOUNT};
        final long[] thresholds = {60, 0, 0};
        final int[] leaves = {5_000, 5_000, 0, 0};
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModel(d.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.BEGIN, 35, 1, 1_000, 900)));
        final int length = d.encoder.setRiskModelTrees(d.command, 0, RiskModelSlot.ACTIVE, 35, 0, 1, features,
            thresholds, leaves);
        d.command.putShort(6, (short)12, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.RISK_MODEL_INVALID, d.apply(length), "feature 80 in a schema-12 message");
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModelTrees(d.command, 0, RiskModelSlot.ACTIVE, 35, 0, 1,
            features, thresholds, leaves)));
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModel(d.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.COMMIT, 35, 0, 0, 0)));
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));

        assertEquals(ResultCode.OK, d.pay(1, 11, ++paymentId, 1, 2_500), "no reset: approved");
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.CREDENTIAL_RESET));
        d.advanceMs(59 * MINUTE_MS);
        assertEquals(ResultCode.RISK_MODEL_SCORE, d.pay(1, 11, ++paymentId, 1, 2_500), "59 minutes after a reset");
        assertEquals(ResultCode.OK, d.pay(1, 11, ++paymentId, 2, 2_500), "another consumer");
        d.advanceMs(MINUTE_MS);
        assertEquals(ResultCode.OK, d.pay(1, 11, ++paymentId, 1, 2_500), "an hour after it");
    }

    /**
     * The shipped pair (v31 ACTIVE enforced, v24 CHALLENGER sampled 1 in 8 filling the group features) and then every
     * shipped model file alone as the active model: a stream with account events (engine B) and the same stream with
     * a Tick in each event's place (engine A, so that every sequence, and with it the challenger's sample, is the
     * same) get byte-identical replies and the same features 0-79 at every payment, while B's features 80-86 do move.
     * Each model file that names no feature above 79 (all but those trained on the events, v35 on) scores as before
     * the events existed.
     */
    @Test
    void modelsThatDoNotNameTheFeaturesDecideAlikeWithOrWithoutEvents() throws IOException
    {
        final EngineDriver[] pair = {ChallengerSampleTest.shippedPair(8), ChallengerSampleTest.shippedPair(8)};
        final int moved = runAlike("v31 + v24", pair[0], pair[1], 3_000);
        assertTrue(moved > 100, "the events reached features 80-86 of B: " + moved);

        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(RiskModelEvaluationTest.SHIPPED_MODELS,
            "model-v*.txt"))
        {
            dir.forEach(files::add);
        }
        final List<String> namingEvents = new ArrayList<>();
        for (final Path file : files)
        {
            final RiskModelEvaluationTest.Trees trees = RiskModelEvaluationTest.read(file);
            // A model trained on the events (v35 on) decides otherwise with them: that is its point, not this test's.
            if (namesAnAccountEventFeature(trees))
            {
                namingEvents.add(file.getFileName().toString());
                continue;
            }
            final EngineDriver a = ChallengerSampleTest.shippedPair(-1);
            final EngineDriver b = ChallengerSampleTest.shippedPair(-1);
            for (final EngineDriver driver : new EngineDriver[]{a, b})
            {
                RiskModelEvaluationTest.commit(RiskAccess.of(driver.engine).models, RiskModels.SLOT_ACTIVE, trees);
                assertEquals(ResultCode.OK, driver.setting(com.wodian.protocol.sbe.EngineSetting.RISK_GROUP_SOURCE, 0));
            }
            runAlike(file.getFileName().toString(), a, b, 400);
        }
        assertTrue(files.size() - namingEvents.size() >= 20, "the model files that name no feature above 79: " +
            files + " less " + namingEvents);
        assertTrue(namingEvents.contains("model-v35.txt"), "v35 reads the account events: " + namingEvents);
    }

    /** Whether a model's trees test any of features 80-87 (the exit marker is not a feature). */
    private static boolean namesAnAccountEventFeature(final RiskModelEvaluationTest.Trees trees)
    {
        for (final int feature : trees.features())
        {
            if (feature != RiskModel.EXIT_MARKER && feature >= RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The engine thread allocates nothing per command (README): Pays scored by a model that reads feature 80, of
     * consumers that all had account events, and further AccountEvents for them, over a key table that is full and
     * forgets its oldest keys; after a warm stretch, phases of {@value #PHASE_COMMANDS} commands are measured on this
     * thread (at most 8) and one must allocate under one byte per command (as EngineBenchmarkSetupTest: which code C2
     * has compiled depends on the compiler threads' share of the cores; a real allocation per command shows in every
     * phase).
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 300, unit = java.util.concurrent.TimeUnit.SECONDS)
    void scoringWithAccountEventsAllocatesNothing()
    {
        final EngineDriver e = new EngineDriver(EngineConfig.small().keysMax(4_096).keyRetentionMs(0));
        assertEquals(ResultCode.OK, e.merchant(1, 10, 500, 200, 100, true));
        assertEquals(ResultCode.OK, e.terminal(11, 1));
        final int consumers = 64;
        for (long c = 1; c <= consumers; c++)
        {
            assertEquals(ResultCode.OK, e.consumer(c, 1));
            assertEquals(ResultCode.OK, e.topUp(c, c, 100_000_000));
            assertEquals(ResultCode.OK, e.accountEvent(c, AccountEventKind.DEVICE_BOUND));
        }
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.BEGIN, 35, 1, 1_000_000, 900_000)));
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModelTrees(e.command, 0, RiskModelSlot.ACTIVE, 35, 0, 1,
            new int[]{RiskFeatures.MINUTES_SINCE_DEVICE_BOUND, RiskFeatures.ACCOUNT_EVENT_KINDS_7D,
                RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET}, new long[]{60, 2, 60}, new int[]{1, 2, 3, 4})));
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.COMMIT, 35, 0, 0, 0)));
        assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        final AccountEventKind[] kinds = AccountEventKind.values();
        final long[] next = {0};
        final Runnable command = () ->
        {
            final long n = ++next[0];
            final long consumer = 1 + (n * 7) % consumers;
            e.advanceMs(1_000);
            if (n % 5 == 0)
            {
                e.accountEvent(consumer, kinds[(int)(n % AccountEventBook.KINDS)]);
            }
            else
            {
                e.pay(1, 11, n, consumer, 100 + n % 1_000);
            }
        };
        AllocationPhases.warm(command, 5 * PHASE_COMMANDS);
        assertEquals(ResultCode.OK, e.pay(1, 11, ++next[0], 1, 100), "scored and approved");
        final AllocationPhases measured = AllocationPhases.measure(command, PHASE_COMMANDS, () -> 0);
        assertTrue(measured.underOneBytePer(PHASE_COMMANDS), measured.describe(PHASE_COMMANDS, "commands"));
        assertTrue(RiskAccess.of(e.engine).models.active.scored() > 5L * PHASE_COMMANDS / 2, "the model scored them");
    }

    private static final int PHASE_COMMANDS = 20_000;

    /** Runs {@code payments} random payments on both, B with an account event where A has a Tick; returns how often B's
     * features 80-86 differed from A's. */
    private static int runAlike(final String what, final EngineDriver a, final EngineDriver b, final int payments)
    {
        a.engine.captureRiskFeatures(true);
        b.engine.captureRiskFeatures(true);
        final SplittableRandom random = new SplittableRandom(13);
        final AccountEventKind[] kinds = AccountEventKind.values();
        final long[] featuresA = new long[RiskFeatures.COUNT];
        final long[] featuresB = new long[RiskFeatures.COUNT];
        int moved = 0;
        for (int payment = 1; payment <= payments; payment++)
        {
            if (random.nextInt(3) == 0)
            {
                assertEquals(ResultCode.OK, a.tick());
                assertEquals(ResultCode.OK, b.accountEvent(1 + random.nextInt(200),
                    kinds[random.nextInt(AccountEventBook.KINDS)]));
            }
            final long merchant = 1 + random.nextInt(4);
            final long terminal = merchant * 10 + random.nextInt(2);
            final long consumer = 1 + random.nextInt(200);
            final long amountFen = random.nextInt(4) == 0 ? 50_000 + random.nextInt(400_000) :
                100 + random.nextInt(10_000);
            final long elapsedMs = random.nextInt(600_000);
            a.advanceMs(elapsedMs);
            b.advanceMs(elapsedMs);
            a.pay(merchant, terminal, payment, consumer, amountFen);
            b.pay(merchant, terminal, payment, consumer, amountFen);
            assertArrayEquals(a.replyBytes(), b.replyBytes(), what + ": reply to payment " + payment);
            assertEquals(a.engine.lastRiskFeatures(featuresA), b.engine.lastRiskFeatures(featuresB));
            assertArrayEquals(java.util.Arrays.copyOf(featuresA, RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET),
                java.util.Arrays.copyOf(featuresB, RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET),
                what + ": features 0-79 of payment " + payment);
            moved += java.util.Arrays.equals(featuresA, featuresB) ? 0 : 1;
        }
        return moved;
    }
}
