package com.wodian.engine.risk;

import com.wodian.engine.AllocationPhases;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskDecision;
import com.wodian.protocol.sbe.RiskEventsReplyDecoder;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelReplyDecoder;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The second deciding model (RiskModelSlot.SECOND, payload schema 15; docs/risk.md "The second deciding model"):
 * rule 14 declines exactly the payments whose active score OR whose second score reaches its own model's decline
 * score; a decline by the second model alone is recorded with its version, score and reasons; a schema-14 message
 * cannot name the slot; a twin, a replay and a restored engine decide alike; scoring it allocates nothing.
 */
class SecondModelTest
{
    private static final long ACTIVE_VERSION = 31;
    private static final long SECOND_VERSION = 48;
    private static final int ACTIVE_DECLINE = 1_000;
    private static final int SECOND_DECLINE = 700;
    private static final int MERCHANTS = 4;
    private static final int CONSUMERS = 50;

    // ACTIVE: LOG_AMOUNT < log16(500 yuan) ? 0 : (LOG_AMOUNT < log16(1,500 yuan) ? 1000 : 0).
    private static final int[] ACTIVE_FEATURES = {RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT,
        RiskFeatures.LOG_AMOUNT};
    private static final long[] ACTIVE_THRESHOLDS = {AmountStats.log16(50_000), 0, AmountStats.log16(150_000)};
    private static final int[] ACTIVE_LEAVES = {0, 0, 1_000, 0};
    // SECOND: LOG_AMOUNT < log16(1,000 yuan) ? 0 : (FIRST_TIME_PAIR < 1 ? 300 : 700): big, at a terminal new to it.
    private static final int[] SECOND_FEATURES = {RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT,
        RiskFeatures.FIRST_TIME_PAIR};
    private static final long[] SECOND_THRESHOLDS = {AmountStats.log16(100_000), 0, 1};
    private static final int[] SECOND_LEAVES = {0, 0, 300, 700};

    /** A depth-2 tree's leaf as docs/risk.md "Scoring model" defines it: the test's own walk, not the engine's. */
    private static int walk(final int[] f, final long[] t, final int[] leaves, final long[] x)
    {
        if (x[f[0]] < t[0])
        {
            return x[f[1]] < t[1] ? leaves[0] : leaves[1];
        }
        return x[f[2]] < t[2] ? leaves[2] : leaves[3];
    }

    private static void load(final EngineDriver e, final RiskModelSlot slot, final long version, final int decline,
        final int[] f, final long[] t, final int[] leaves)
    {
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, slot, RiskModelOp.BEGIN, version, 1,
            decline, Integer.MAX_VALUE)));
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModelTrees(e.command, 0, slot, version, 0, 1, f, t,
            leaves)));
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, slot, RiskModelOp.COMMIT, version, 0,
            0, 0)));
    }

    private static void loadBoth(final EngineDriver e)
    {
        load(e, RiskModelSlot.ACTIVE, ACTIVE_VERSION, ACTIVE_DECLINE, ACTIVE_FEATURES, ACTIVE_THRESHOLDS,
            ACTIVE_LEAVES);
        load(e, RiskModelSlot.SECOND, SECOND_VERSION, SECOND_DECLINE, SECOND_FEATURES, SECOND_THRESHOLDS,
            SECOND_LEAVES);
    }

    /** Merchants 1-4 with terminals m1 and m2, consumers 1-50 (home shops 1-4) with large wallets. */
    private static EngineDriver world()
    {
        final EngineDriver e = new EngineDriver(EngineConfig.small());
        for (long m = 1; m <= MERCHANTS; m++)
        {
            assertEquals(ResultCode.OK, e.merchant(m, 10, 500, 200, 0, true));
            assertEquals(ResultCode.OK, e.terminal(m * 10 + 1, m));
            assertEquals(ResultCode.OK, e.terminal(m * 10 + 2, m));
        }
        for (long c = 1; c <= CONSUMERS; c++)
        {
            assertEquals(ResultCode.OK, e.consumer(c, 1 + c % MERCHANTS));
            assertEquals(ResultCode.OK, e.topUp(c, c, 100_000_000));
        }
        return e;
    }

    private static int randomPay(final EngineDriver e, final SplittableRandom random, final long paymentId)
    {
        e.advanceMs(1 + random.nextInt(600_000));
        final long merchant = 1 + random.nextInt(MERCHANTS);
        return e.encoder.pay(e.command, 0, merchant, merchant * 10 + 1 + random.nextInt(2), paymentId,
            1 + random.nextInt(CONSUMERS), 10_000 + random.nextInt(290_000));
    }

    private static RiskModelReplyDecoder query(final EngineDriver e, final RiskModelSlot slot)
    {
        e.query(e.encoder.riskModelQuery(e.command, 0, slot));
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(e.reply, 0);
        return new RiskModelReplyDecoder().wrap(e.reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
    }

    /**
     * Over 3,000 random Pays, each payment's reply against the two models' scores of its own captured features (the
     * test's walk): declined exactly when either reaches its decline score; one rule-14 event per decline, the active
     * model's when it reached its score, else the second model's with its version, score and reasons; none otherwise.
     * Every case (neither, active only, second only, both) occurs.
     */
    @Test
    void ruleFourteenDeclinesExactlyWhenEitherModelReachesItsOwnScore()
    {
        final EngineDriver e = world();
        e.engine.captureRiskFeatures(true);
        loadBoth(e);
        assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        final SplittableRandom random = new SplittableRandom(15);
        final long[] x = new long[RiskFeatures.COUNT];
        final int[] cases = new int[4];
        for (int i = 1; i <= 3_000; i++)
        {
            final long eventsBefore = e.engine.lastRiskEventId();
            final ResultCode code = e.apply(randomPay(e, random, i));
            assertEquals(e.sequence, e.engine.lastRiskFeatures(x), "features of payment " + i);
            final int activeScore = walk(ACTIVE_FEATURES, ACTIVE_THRESHOLDS, ACTIVE_LEAVES, x);
            final int secondScore = walk(SECOND_FEATURES, SECOND_THRESHOLDS, SECOND_LEAVES, x);
            final boolean active = activeScore >= ACTIVE_DECLINE;
            final boolean second = secondScore >= SECOND_DECLINE;
            cases[(active ? 1 : 0) + (second ? 2 : 0)]++;
            assertEquals(active || second ? ResultCode.RISK_MODEL_SCORE : ResultCode.OK, code,
                "payment " + i + ": active " + activeScore + ", second " + secondScore);
            if (!active && !second)
            {
                assertEquals(eventsBefore, e.engine.lastRiskEventId(), "no event for payment " + i);
                continue;
            }
            assertEquals(eventsBefore + 1, e.engine.lastRiskEventId(), "one event for payment " + i);
            final RiskEventsReplyDecoder.EventsDecoder event = e.riskEvents(eventsBefore).events().next();
            assertEquals(RiskRules.MODEL, event.ruleId());
            assertEquals(RiskDecision.DECLINED, event.decision());
            assertEquals(active ? ACTIVE_VERSION : SECOND_VERSION, event.modelVersion(), "the model that declined");
            assertEquals(active ? activeScore : secondScore, event.observed(), "its score");
            final long reasons = active ? reasons(RiskFeatures.LOG_AMOUNT, RiskModel.NO_REASON) :
                reasons(RiskFeatures.LOG_AMOUNT, RiskFeatures.FIRST_TIME_PAIR);
            assertEquals(reasons, event.reasons(), "its reasons");
        }
        for (int c = 0; c < cases.length; c++)
        {
            assertTrue(cases[c] >= 100, "case " + c + " (bit 0 active, bit 1 second) on " + cases[c] + " payments");
        }
        final RiskModelReplyDecoder reply = query(e, RiskModelSlot.SECOND);
        assertEquals(ResultCode.OK, reply.code());
        assertEquals(SECOND_VERSION, reply.version());
        assertEquals(3_000, reply.scored(), "scored wherever the active model is");
        assertEquals(cases[2] + cases[3], reply.atDeclineScore());
        final long[] stats = e.riskStats(0, RiskRules.MODEL);
        assertEquals(cases[1] + cases[2] + cases[3], stats[0], "rule 14's declines: the OR");
    }

    private static long reasons(final int first, final int second)
    {
        return first | (long)second << 8 | (long)RiskModel.NO_REASON << 16;
    }

    /**
     * A command the active model only flags (its flag score reached, not its decline score) and the second model
     * declines gives one rule-14 event, the second model's decline, and no flag (one decision, one strike); a command
     * the active model flags and the second model does not reach is the active model's flag, as without a second model.
     */
    @Test
    void aSecondModelDeclineTakesThePlaceOfTheActiveModelsFlag()
    {
        final EngineDriver e = world();
        // The active model as above, flagging at 1,000 and declining at 5,000: it flags 500-1,500 yuan, never declines.
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.BEGIN, ACTIVE_VERSION, 1, 5_000, 1_000)));
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModelTrees(e.command, 0, RiskModelSlot.ACTIVE,
            ACTIVE_VERSION, 0, 1, ACTIVE_FEATURES, ACTIVE_THRESHOLDS, ACTIVE_LEAVES)));
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.COMMIT, ACTIVE_VERSION, 0, 0, 0)));
        load(e, RiskModelSlot.SECOND, SECOND_VERSION, SECOND_DECLINE, SECOND_FEATURES, SECOND_THRESHOLDS,
            SECOND_LEAVES);
        assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));

        final long before = e.engine.lastRiskEventId();
        assertEquals(ResultCode.RISK_MODEL_SCORE, e.pay(1, 11, 1, 1, 120_000), "1,200 yuan at a new terminal");
        assertEquals(before + 1, e.engine.lastRiskEventId(), "one event");
        final RiskEventsReplyDecoder.EventsDecoder declined = e.riskEvents(before).events().next();
        assertEquals(RiskDecision.DECLINED, declined.decision());
        assertEquals(SECOND_VERSION, declined.modelVersion());
        assertEquals(SECOND_DECLINE, declined.observed());
        assertArrayEquals(new long[]{1, 0}, java.util.Arrays.copyOf(e.riskStats(0, RiskRules.MODEL), 2),
            "rule 14: one decline, no flag");

        assertEquals(ResultCode.OK, e.pay(1, 11, 2, 2, 60_000), "600 yuan: the active model's flag alone");
        assertEquals(before + 2, e.engine.lastRiskEventId());
        final RiskEventsReplyDecoder.EventsDecoder flagged = e.riskEvents(before + 1).events().next();
        assertEquals(RiskDecision.FLAGGED, flagged.decision());
        assertEquals(ACTIVE_VERSION, flagged.modelVersion());
        assertArrayEquals(new long[]{1, 1}, java.util.Arrays.copyOf(e.riskStats(0, RiskRules.MODEL), 2));
    }

    /**
     * The second model alone (nothing in the active slot) declines under rule 14; in SHADOW its hits are shadow
     * declines and nothing is refused; with rule 14 OFF it is not scored at all.
     */
    @Test
    void secondModelAloneFollowsRuleFourteensMode()
    {
        final EngineDriver e = world();
        load(e, RiskModelSlot.SECOND, SECOND_VERSION, SECOND_DECLINE, SECOND_FEATURES, SECOND_THRESHOLDS,
            SECOND_LEAVES);
        long paymentId = 0;
        assertEquals(ResultCode.OK, e.pay(1, 11, ++paymentId, 1, 200_000), "rule 14 OFF: not scored");
        assertEquals(0, query(e, RiskModelSlot.SECOND).scored());

        assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.MODEL, RiskMode.SHADOW, RiskAction.DECLINE, 0, 0, 0));
        final long before = e.engine.lastRiskEventId();
        assertEquals(ResultCode.OK, e.pay(1, 11, ++paymentId, 2, 200_000), "SHADOW: recorded, not refused");
        final RiskEventsReplyDecoder.EventsDecoder shadow = e.riskEvents(before).events().next();
        assertEquals(RiskDecision.SHADOW_DECLINE, shadow.decision());
        assertEquals(SECOND_VERSION, shadow.modelVersion());
        assertEquals(SECOND_DECLINE, shadow.observed());

        assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        assertEquals(ResultCode.RISK_MODEL_SCORE, e.pay(1, 11, ++paymentId, 3, 200_000), "new terminal, big");
        assertEquals(ResultCode.OK, e.pay(1, 11, ++paymentId, 3, 50_000), "small: learnt");
        assertEquals(ResultCode.OK, e.pay(1, 11, ++paymentId, 3, 200_000), "seen terminal: 300, below 700");
        assertEquals(4, query(e, RiskModelSlot.SECOND).scored(), "one in SHADOW, three in ENFORCE");
        assertEquals(0, query(e, RiskModelSlot.ACTIVE).scored(), "the active slot is empty");

        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, RiskModelSlot.SECOND,
            RiskModelOp.CLEAR, SECOND_VERSION, 0, 0, 0)));
        assertEquals(ResultCode.OK, e.pay(1, 12, ++paymentId, 5, 200_000), "cleared: declines nothing");
    }

    /**
     * SECOND is a value of payload schema 15: a schema-14 SetRiskModel naming it is refused and changes nothing, as a
     * schema-14 build refused it, so an older journal replays as before; the same bytes with version 15 load it. A
     * loaded second model is in the state hash.
     */
    @Test
    void aSchemaFourteenMessageCannotNameTheSecondSlot()
    {
        final EngineDriver e = world();
        final long hash = e.engine.stateHashIgnoringSequence();
        final int length = e.encoder.setRiskModel(e.command, 0, RiskModelSlot.SECOND, RiskModelOp.BEGIN,
            SECOND_VERSION, 1, SECOND_DECLINE, Integer.MAX_VALUE);
        e.command.putShort(6, (short)14, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.MALFORMED_MESSAGE, e.apply(length), "SECOND in a schema-14 message");
        assertEquals(hash, e.engine.stateHashIgnoringSequence(), "the refusal changed nothing");
        e.command.putShort(6, (short)15, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.OK, e.apply(length), "SECOND in a schema-15 message");
        load(e, RiskModelSlot.SECOND, SECOND_VERSION, SECOND_DECLINE, SECOND_FEATURES, SECOND_THRESHOLDS,
            SECOND_LEAVES);
        final RiskModels models = RiskAccess.of(e.engine).models;
        final long loaded = models.hash(1);
        final long[] x = new long[RiskFeatures.COUNT];
        models.clampFeatures(x);
        models.score(models.second, x);
        assertEquals(1, models.second.scored());
        assertNotEquals(loaded, models.hash(1), "a loaded second model (its counters too) is in the state hash");
    }

    /**
     * 4,000 inputs (random Pays, the second model cleared and reloaded with another decline score half-way, rule 14
     * switched between ENFORCE and SHADOW) give byte-identical replies on a twin and on an engine restored from a
     * snapshot taken after 1,500 inputs, with the second model's query and the state hash equal at the end; the second
     * model declined some payments the active one did not.
     */
    @Test
    void aTwinAndARestoredEngineDecideAlike()
    {
        final EngineDriver live = world();
        final EngineDriver twin = world();
        EngineDriver restored = null;
        for (final EngineDriver e : new EngineDriver[]{live, twin})
        {
            loadBoth(e);
            assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0,
                0));
        }
        final SplittableRandom random = new SplittableRandom(22);
        for (int input = 1; input <= 4_000; input++)
        {
            final int length;
            if (input == 2_500)
            {
                length = live.encoder.setRiskModel(live.command, 0, RiskModelSlot.SECOND, RiskModelOp.CLEAR,
                    SECOND_VERSION, 0, 0, 0);
            }
            else if (input == 2_600)
            {
                both(live, live.encoder.setRiskModel(live.command, 0, RiskModelSlot.SECOND, RiskModelOp.BEGIN,
                    SECOND_VERSION + 1, 1, 300, Integer.MAX_VALUE), twin, restored);
                both(live, live.encoder.setRiskModelTrees(live.command, 0, RiskModelSlot.SECOND, SECOND_VERSION + 1,
                    0, 1, SECOND_FEATURES, SECOND_THRESHOLDS, SECOND_LEAVES), twin, restored);
                length = live.encoder.setRiskModel(live.command, 0, RiskModelSlot.SECOND, RiskModelOp.COMMIT,
                    SECOND_VERSION + 1, 0, 0, 0);
            }
            else if (input % 1_000 == 700)
            {
                length = live.encoder.setRiskRule(live.command, 0, 0, RiskRules.MODEL,
                    input % 2_000 == 700 ? RiskMode.SHADOW : RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0);
            }
            else
            {
                length = randomPay(live, random, input);
            }
            live.apply(length);
            live.applyLastInputTo(length, twin, restored);
            if (input == 1_500)
            {
                restored = live.restoredFromSnapshot(EngineConfig.small());
                assertEquals(live.engine.stateHash(), restored.engine.stateHash(), "restored");
            }
        }
        assertEquals(live.engine.stateHash(), twin.engine.stateHash(), "the twin");
        assertEquals(live.engine.stateHash(), restored.engine.stateHash(), "restored after 1,500 inputs");
        final RiskModelReplyDecoder liveSecond = query(live, RiskModelSlot.SECOND);
        final long[] expected = {liveSecond.version(), liveSecond.declineScore(), liveSecond.scored(),
            liveSecond.atDeclineScore()};
        final RiskModelReplyDecoder restoredSecond = query(restored, RiskModelSlot.SECOND);
        assertArrayEquals(expected, new long[]{restoredSecond.version(), restoredSecond.declineScore(),
            restoredSecond.scored(), restoredSecond.atDeclineScore()});
        assertEquals(SECOND_VERSION + 1, expected[0]);
        assertTrue(expected[3] > 50, "the reloaded second model reached its score " + expected[3] + " times");
    }

    /** Applies {@code length} bytes of {@code live}'s command buffer to it and to each follower, alike. */
    private static void both(final EngineDriver live, final int length, final EngineDriver... followers)
    {
        assertEquals(ResultCode.OK, live.apply(length));
        live.applyLastInputTo(length, followers);
    }

    /**
     * The engine thread allocates nothing per command with a second model loaded and deciding (README): after a warm
     * stretch, phases of {@value #PHASE_COMMANDS} Pays are measured on this thread (at most 8), and one must allocate
     * under one byte per command (a real allocation per command shows in every phase).
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 300, unit = java.util.concurrent.TimeUnit.SECONDS)
    void scoringTheSecondModelAllocatesNothing()
    {
        final EngineDriver e = new EngineDriver(EngineConfig.small().keysMax(4_096).keyRetentionMs(0));
        for (long m = 1; m <= MERCHANTS; m++)
        {
            assertEquals(ResultCode.OK, e.merchant(m, 10, 500, 200, 0, true));
            assertEquals(ResultCode.OK, e.terminal(m * 10 + 1, m));
            assertEquals(ResultCode.OK, e.terminal(m * 10 + 2, m));
        }
        for (long c = 1; c <= 1_000; c++)
        {
            assertEquals(ResultCode.OK, e.consumer(c, 1 + c % MERCHANTS));
            assertEquals(ResultCode.OK, e.topUp(c, c, 100_000_000));
        }
        // Here the second model declines by amount alone (from 1,500 yuan, where the active one does not), so that it
        // goes on declining once every consumer-terminal pair is known.
        load(e, RiskModelSlot.ACTIVE, ACTIVE_VERSION, ACTIVE_DECLINE, ACTIVE_FEATURES, ACTIVE_THRESHOLDS,
            ACTIVE_LEAVES);
        load(e, RiskModelSlot.SECOND, SECOND_VERSION, SECOND_DECLINE, ACTIVE_FEATURES,
            new long[]{AmountStats.log16(150_000), 0, 0}, new int[]{0, 0, 700, 700});
        assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        final SplittableRandom random = new SplittableRandom(53);
        final long[] next = {0};
        final Runnable command = () -> e.apply(randomPay(e, random, ++next[0]));
        AllocationPhases.warm(command, 3 * PHASE_COMMANDS);
        final AllocationPhases measured = AllocationPhases.measure(command, PHASE_COMMANDS,
            () -> RiskAccess.of(e.engine).models.second.atDeclineScore());
        assertTrue(measured.underOneBytePer(PHASE_COMMANDS), measured.describe(PHASE_COMMANDS, "commands"));
        assertTrue(measured.countedInLastPhase > PHASE_COMMANDS / 100, "the second model reached its score " +
            measured.countedInLastPhase + " times in that phase");
    }

    private static final int PHASE_COMMANDS = 20_000;
}
