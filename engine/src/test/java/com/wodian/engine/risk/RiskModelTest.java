package com.wodian.engine.risk;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;
import com.wodian.engine.MemorySnapshot;
import com.wodian.protocol.CommandCatalog;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.MerchantTrade;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskDecision;
import com.wodian.protocol.sbe.RiskEventsReplyDecoder;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelReplyDecoder;
import com.wodian.protocol.sbe.RiskModelSlot;
import com.wodian.protocol.sbe.RiskModelOp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Scoring models: loading in steps (BEGIN, TREES, COMMIT) with every step out of order refused, the active model
 * declining at its decline score and flagging at its flag score, the challenger recorded in shadow only, risk events
 * carrying the score, the model version and the reasons, and the merchant's trade and area at registration.
 */
class RiskModelTest
{
    private static final long VERSION = 7;
    private EngineDriver d;
    private long paymentId;

    // One tree: LOG_AMOUNT < log16(1000 yuan) ? (-100 | -100) : (FIRST_TIME_PAIR < 1 ? 500 : 1000).
    private static final long BIG = AmountStats.log16(100_000);
    // Twice the same tree, so that a load of two trees can be tested.
    private final int[] features = {RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT, RiskFeatures.FIRST_TIME_PAIR,
        RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT, RiskFeatures.FIRST_TIME_PAIR};
    private final long[] thresholds = {BIG, 0, 1, BIG, 0, 1};
    private final int[] leaves = {-100, -100, 500, 1_000, -100, -100, 500, 1_000};

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 1, 10, 500, 200, 0, true,
            MerchantTrade.ELECTRONICS, 310_000)));
        assertEquals(ResultCode.OK, d.terminal(11, 1));
        for (long c = 1; c <= 3; c++)
        {
            assertEquals(ResultCode.OK, d.consumer(c, 0));
            assertEquals(ResultCode.OK, d.topUp(c, 1000 + c, 10_000_000));
        }
    }

    private ResultCode model(final RiskModelSlot slot, final RiskModelOp op, final long version, final int trees,
        final int declineScore, final int flagScore)
    {
        return d.apply(d.encoder.setRiskModel(d.command, 0, slot, op, version, trees, declineScore, flagScore));
    }

    private ResultCode trees(final RiskModelSlot slot, final long version, final int from)
    {
        return d.apply(d.encoder.setRiskModelTrees(d.command, 0, slot, version, from, 1, features, thresholds,
            leaves));
    }

    private void load(final RiskModelSlot slot, final long version, final int declineScore, final int flagScore)
    {
        assertEquals(ResultCode.OK, model(slot, RiskModelOp.BEGIN, version, 1, declineScore, flagScore));
        assertEquals(ResultCode.OK, trees(slot, version, 0));
        assertEquals(ResultCode.OK, model(slot, RiskModelOp.COMMIT, version, 0, 0, 0));
    }

    private ResultCode pay(final long consumerId, final long amountFen)
    {
        d.advanceMs(1_000);
        return d.pay(1, 11, ++paymentId, consumerId, amountFen);
    }

    private RiskModelReplyDecoder query(final RiskModelSlot slot)
    {
        d.query(d.encoder.riskModelQuery(d.command, 0, slot));
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(d.reply, 0);
        return new RiskModelReplyDecoder().wrap(d.reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
    }

    @Test
    void activeModelDeclinesAtItsScoreWithReasons()
    {
        load(RiskModelSlot.ACTIVE, VERSION, 1_000, 500);
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        assertEquals(ResultCode.OK, pay(1, 50_000), "score -100: below both scores");
        final long before = d.engine.lastRiskEventId();
        assertEquals(before, d.engine.lastRiskEventId());
        assertEquals(ResultCode.RISK_MODEL_SCORE, pay(2, 100_000), "first time at the terminal: score 1000");
        final RiskEventsReplyDecoder.EventsDecoder event = d.riskEvents(before).events().next();
        assertEquals(RiskRules.MODEL, event.ruleId());
        assertEquals(RiskDecision.DECLINED, event.decision());
        assertEquals(1_000, event.observed());
        assertEquals(VERSION, event.modelVersion());
        assertEquals(RiskFeatures.LOG_AMOUNT, event.reasons() & 0xFF, "the root's feature carries the score");
        assertEquals(RiskFeatures.FIRST_TIME_PAIR, (event.reasons() >>> 8) & 0xFF);
        assertEquals(RiskModel.NO_REASON, (event.reasons() >>> 16) & 0xFF);

        assertEquals(ResultCode.OK, pay(1, 100_000), "seen at this terminal before: score 500 is a flag");
        final RiskEventsReplyDecoder.EventsDecoder flag = d.riskEvents(before + 1).events().next();
        assertEquals(RiskDecision.FLAGGED, flag.decision());
        assertEquals(500, flag.observed());

        final RiskModelReplyDecoder reply = query(RiskModelSlot.ACTIVE);
        assertEquals(VERSION, reply.version());
        assertEquals(3, reply.scored());
        assertEquals(1, reply.atDeclineScore());
        assertEquals(1, reply.atFlagScore());
    }

    /**
     * A two-stage model: tree 0 scores the payment itself (its individual score: flag and "suspicious"), tree 1 reads
     * what the model found suspicious at the merchant lately. Once enough big first-time payments were suspicious,
     * a small payment there is declined for the merchant's share alone; declines by the group tree are not suspicious
     * themselves, so the share decays and small payments pass again (no feedback loop).
     */
    @Test
    void groupTreesReadWhatTheIndividualScoreFoundSuspicious()
    {
        final int[] twoStage = {RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT, RiskFeatures.FIRST_TIME_PAIR,
            RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, RiskFeatures.MERCHANT_SUSPICIOUS_SHARE,
            RiskFeatures.MERCHANT_SUSPICIOUS_SHARE};
        final long[] twoStageThresholds = {BIG, 0, 1, 100, 0, 0};
        final int[] twoStageLeaves = {-100, -100, 500, 1_000, 0, 0, 3_000, 3_000};
        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.BEGIN, VERSION, 2, 2_500, 500));
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModelTrees(d.command, 0, RiskModelSlot.ACTIVE, VERSION,
            0, 2, twoStage, twoStageThresholds, twoStageLeaves)));
        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.COMMIT, VERSION, 0, 0, 0));
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        for (long c = 4; c <= 12; c++)
        {
            assertEquals(ResultCode.OK, d.consumer(c, 0));
            assertEquals(ResultCode.OK, d.topUp(c, 1000 + c, 10_000_000));
        }
        // Suspicious share (x1024, alpha 1/32): 32, 63, 93, 122 after four big first-time payments.
        for (long c = 4; c <= 7; c++)
        {
            assertEquals(ResultCode.OK, pay(c, 100_000), "individual score 1000: a flag, not a decline");
        }
        final long before = d.engine.lastRiskEventId();
        assertEquals(ResultCode.RISK_MODEL_SCORE, pay(8, 5_000), "-100 + 3000 for the merchant's share");
        final RiskEventsReplyDecoder.EventsDecoder event = d.riskEvents(before).events().next();
        assertEquals(RiskDecision.DECLINED, event.decision());
        assertEquals(2_900, event.observed());
        assertEquals(RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, event.reasons() & 0xFF);
        int declined = 1;
        while (pay(9, 5_000) == ResultCode.RISK_MODEL_SCORE)
        {
            declined++;
            assertTrue(declined < 20, "the share decays: declines by the group tree are not suspicious");
        }
        assertEquals(4, query(RiskModelSlot.ACTIVE).atFlagScore(), "the four big ones flagged, by individual score");
    }

    /**
     * Engine setting RISK_GROUP_SOURCE: at 1 the challenger's individual score says which payments were suspicious for
     * the group features, so an active model whose only tree reads the merchant's suspicious share (no individual
     * trees: its own individual score is 0, below its flag score) declines a small payment once the challenger found
     * four big first-time payments there suspicious. At 0 (the default) the same models decline nothing: the active
     * model's own individual score fills the share. The setting is in the state hash and survives a snapshot.
     */
    @Test
    void groupFeaturesComeFromTheChallengerWhenItIsTheGroupSource()
    {
        assertEquals(ResultCode.OK, smallPaymentAfterFourBigOnes(false), "default: nothing suspicious");
        setUp();
        paymentId = 0;
        assertEquals(ResultCode.RISK_MODEL_SCORE, smallPaymentAfterFourBigOnes(true),
            "the challenger found the four big ones suspicious: share 122 >= 100");
        assertEquals(4, query(RiskModelSlot.CHALLENGER).atFlagScore());
        assertEquals(0, query(RiskModelSlot.ACTIVE).atFlagScore(), "no individual trees: never flags");
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.RISK_GROUP_SOURCE, 2));
        final MemorySnapshot snapshot = new MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final Engine restored = new Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
        final long on = d.engine.stateHashIgnoringSequence();
        assertEquals(ResultCode.OK, d.setting(EngineSetting.RISK_GROUP_SOURCE, 0));
        assertNotEquals(on, d.engine.stateHashIgnoringSequence(), "the setting is in the state hash");
    }

    private ResultCode smallPaymentAfterFourBigOnes(final boolean challengerIsSource)
    {
        load(RiskModelSlot.CHALLENGER, VERSION + 1, 5_000, 500);
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.CHALLENGER, RiskMode.SHADOW, RiskAction.DECLINE, 0, 0, 0));
        final int[] share = {RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, RiskFeatures.MERCHANT_SUSPICIOUS_SHARE,
            RiskFeatures.MERCHANT_SUSPICIOUS_SHARE};
        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.BEGIN, VERSION, 1, 2_500, 500));
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModelTrees(d.command, 0, RiskModelSlot.ACTIVE, VERSION,
            0, 1, share, new long[]{100, 0, 0}, new int[]{0, 0, 3_000, 3_000})));
        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.COMMIT, VERSION, 0, 0, 0));
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        if (challengerIsSource)
        {
            assertEquals(ResultCode.OK, d.setting(EngineSetting.RISK_GROUP_SOURCE, 1));
        }
        for (long c = 4; c <= 8; c++)
        {
            assertEquals(ResultCode.OK, d.consumer(c, 0));
            assertEquals(ResultCode.OK, d.topUp(c, 1000 + c, 10_000_000));
        }
        for (long c = 4; c <= 7; c++)
        {
            assertEquals(ResultCode.OK, pay(c, 100_000), "share below 100 before this one");
        }
        return pay(8, 5_000);
    }

    @Test
    void challengerScoresInShadowOnly()
    {
        load(RiskModelSlot.CHALLENGER, VERSION + 1, 500, 500);
        assertEquals(ResultCode.OK,
            d.riskRule(0, RiskRules.CHALLENGER, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        final long before = d.engine.lastRiskEventId();
        assertEquals(ResultCode.OK, pay(2, 100_000), "a challenger never declines");
        final RiskEventsReplyDecoder.EventsDecoder event = d.riskEvents(before).events().next();
        assertEquals(RiskRules.CHALLENGER, event.ruleId());
        assertEquals(RiskDecision.SHADOW_DECLINE, event.decision());
        assertEquals(VERSION + 1, event.modelVersion());
        assertEquals(0, query(RiskModelSlot.ACTIVE).version(), "nothing loaded in the active slot");
    }

    @Test
    void loadStepsOutOfOrderAreRefusedAndChangeNothing()
    {
        final long hash = d.engine.stateHashIgnoringSequence();
        assertEquals(ResultCode.RISK_MODEL_INVALID, trees(RiskModelSlot.ACTIVE, VERSION, 0), "no BEGIN");
        assertEquals(ResultCode.RISK_MODEL_INVALID, model(RiskModelSlot.ACTIVE, RiskModelOp.COMMIT, VERSION, 0, 0, 0));
        assertEquals(ResultCode.RISK_MODEL_INVALID, model(RiskModelSlot.ACTIVE, RiskModelOp.BEGIN, VERSION, 0, 0, 0),
            "no trees");
        assertEquals(ResultCode.RISK_MODEL_INVALID,
            model(RiskModelSlot.ACTIVE, RiskModelOp.BEGIN, VERSION, RiskModel.TREES_MAX + 1, 0, 0));
        assertEquals(hash, d.engine.stateHashIgnoringSequence());

        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.BEGIN, VERSION, 2, 0, 0));
        assertEquals(ResultCode.RISK_MODEL_INVALID, trees(RiskModelSlot.ACTIVE, VERSION, 1), "a gap");
        assertEquals(ResultCode.RISK_MODEL_INVALID, trees(RiskModelSlot.ACTIVE, VERSION + 1, 0), "another version");
        assertEquals(ResultCode.RISK_MODEL_INVALID, trees(RiskModelSlot.CHALLENGER, VERSION, 0), "another slot");
        features[1] = RiskFeatures.COUNT;
        assertEquals(ResultCode.RISK_MODEL_INVALID, trees(RiskModelSlot.ACTIVE, VERSION, 0), "unknown feature");
        features[1] = RiskFeatures.LOG_AMOUNT;
        assertEquals(ResultCode.RISK_MODEL_INVALID, d.apply(d.encoder.setRiskModelTrees(d.command, 0,
            RiskModelSlot.ACTIVE, VERSION, 0, 2, new int[]{0, 0, 0, 0, RiskFeatures.COUNT, 0}, thresholds, leaves)),
            "a message with a bad second tree stages neither");
        assertEquals(ResultCode.OK, trees(RiskModelSlot.ACTIVE, VERSION, 0), "the refused tree was not staged");
        assertEquals(ResultCode.RISK_MODEL_INVALID, model(RiskModelSlot.ACTIVE, RiskModelOp.COMMIT, VERSION, 0, 0, 0),
            "one of two trees");
        assertEquals(0, query(RiskModelSlot.ACTIVE).treeCount());
        assertEquals(ResultCode.OK, trees(RiskModelSlot.ACTIVE, VERSION, 1));
        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.COMMIT, VERSION, 0, 0, 0));
        assertEquals(2, query(RiskModelSlot.ACTIVE).treeCount());
        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.CLEAR, 0, 0, 0, 0));
        assertEquals(0, query(RiskModelSlot.ACTIVE).treeCount());
    }

    @Test
    void aFeatureIsValidOnlyFromTheSchemaVersionThatAddedIt()
    {
        assertTrue(CommandCatalog.SCHEMA_VERSION >= 8, "feature 79 came with schema version 8");
        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.BEGIN, VERSION, 1, 0, 0));
        features[0] = RiskFeatures.TAKEOVER_TRACES;
        final int length = d.encoder.setRiskModelTrees(d.command, 0, RiskModelSlot.ACTIVE, VERSION, 0, 1, features,
            thresholds, leaves);
        final long hash = d.engine.stateHashIgnoringSequence();

        // The builds of version 7 before feature 79 refused such a tree: a journal of theirs replays the same.
        d.command.putShort(6, (short)7, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.RISK_MODEL_INVALID, d.apply(length), "feature 79 from a version-7 sender");
        assertEquals(hash, d.engine.stateHashIgnoringSequence());

        d.command.putShort(6, (short)8, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.OK, d.apply(length), "feature 79 from a version-8 sender");
        assertEquals(ResultCode.OK, model(RiskModelSlot.ACTIVE, RiskModelOp.COMMIT, VERSION, 0, 0, 0));
        assertEquals(1, query(RiskModelSlot.ACTIVE).treeCount());
    }

    @Test
    void modelsAndProfilesSurviveASnapshot()
    {
        load(RiskModelSlot.ACTIVE, VERSION, 1_000, 500);
        d.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0);
        pay(2, 100_000);
        pay(1, 100);
        final MemorySnapshot snapshot = new MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final Engine restored = new Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash(), "profiles and models survive a snapshot");
    }

    @Test
    void tradeAndAreaAreRegisteredAndPartOfIdempotency()
    {
        final int merchantIndex = 0;
        assertEquals(MerchantTrade.ELECTRONICS.value(), RiskAccess.of(d.engine).features.merchantProfiles
            .trade(merchantIndex));
        assertEquals(310_000, RiskAccess.of(d.engine).features.merchantProfiles.areaCode(merchantIndex));
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 1, 10, 500, 200, 0, true,
            MerchantTrade.ELECTRONICS, 310_000)), "the same registration again");
        assertEquals(ResultCode.MERCHANT_EXISTS_WITH_DIFFERENT_FIELDS, d.apply(d.encoder.registerMerchant(d.command,
            0, 1, 10, 500, 200, 0, true, MerchantTrade.CAFE, 310_000)));
        // A sender of schema version 3: shorter block, no trade nor area.
        final int length = d.encoder.registerMerchant(d.command, 0, 2, 10, 500, 200, 0, false,
            MerchantTrade.FASHION, 5);
        d.command.putShort(0, (short)(d.command.getShort(0) - 5), java.nio.ByteOrder.LITTLE_ENDIAN);
        d.command.putShort(6, (short)3, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.OK, d.apply(length - 5));
        assertEquals(MerchantTrade.UNSPECIFIED.value(), RiskAccess.of(d.engine).features.merchantProfiles.trade(1));
        assertEquals(0, RiskAccess.of(d.engine).features.merchantProfiles.areaCode(1));
        // An unknown trade value is malformed.
        d.apply(d.encoder.registerMerchant(d.command, 0, 3, 10, 500, 200, 0, false, MerchantTrade.CAFE, 0));
        final int tradeOffset = MessageHeaderDecoder.ENCODED_LENGTH +
            com.wodian.protocol.sbe.RegisterMerchantDecoder.tradeEncodingOffset();
        final int len = d.encoder.registerMerchant(d.command, 0, 4, 10, 500, 200, 0, false, MerchantTrade.CAFE, 0);
        d.command.putByte(tradeOffset, (byte)99);
        assertEquals(ResultCode.MALFORMED_MESSAGE, d.apply(len));
    }

    /** SetRiskModel and RegisterMerchant v4, mutated and truncated: every input gets a code, the engine stays sound. */
    @Test
    void mutatedModelCommandsNeverBreakTheEngine()
    {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(13);
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        for (int i = 0; i < 20_000; i++)
        {
            int length = switch (random.nextInt(4))
            {
                case 0 -> d.encoder.setRiskModel(d.command, 0, RiskModelSlot.ACTIVE, RiskModelOp.BEGIN,
                    1 + random.nextInt(3), 1 + random.nextInt(2), random.nextInt(2_000), random.nextInt(2_000));
                case 1 -> d.encoder.setRiskModelTrees(d.command, 0, RiskModelSlot.ACTIVE, 1 + random.nextInt(3),
                    random.nextInt(2), 1, features, thresholds, leaves);
                case 2 -> d.encoder.setRiskModel(d.command, 0, RiskModelSlot.ACTIVE, RiskModelOp.COMMIT,
                    1 + random.nextInt(3), 0, 0, 0);
                default -> d.encoder.registerMerchant(d.command, 0, 10 + random.nextInt(5), 10, 500, 200, 0, false,
                    MerchantTrade.CAFE, random.nextInt());
            };
            for (int flip = random.nextInt(3); flip > 0; flip--)
            {
                final int at = random.nextInt(length);
                d.command.putByte(at, (byte)(d.command.getByte(at) ^ (1 << random.nextInt(8))));
            }
            if (random.nextInt(8) == 0)
            {
                length = random.nextInt(length + 1);
            }
            assertNotNull(d.apply(length), "every input gets a reply with a code");
            if (random.nextInt(16) == 0)
            {
                assertNotNull(pay(1 + random.nextInt(3), 1 + random.nextInt(200_000)));
            }
        }
        d.engine.verifyInvariants();
        final MemorySnapshot snapshot = new MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final Engine restored = new Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
    }
}
