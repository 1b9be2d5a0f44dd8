package com.wodian.engine.risk;

import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.MerchantTrade;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskEventsReplyDecoder;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The challenger's shadow sample (a sample marker tree in the challenger model, docs/risk.md "The
 * challenger's shadow sample"): twin engines fed one command stream, one scoring the challenger on every command, the
 * other on a 1-in-4 sample. The replies, the active model's records and the group features must be the same (the
 * challenger's individual score still fills them on every command when it is the group source); the challenger's
 * records must be exactly the every-command engine's records of the sampled sequences; its counters count the sample.
 */
class ChallengerSampleTest
{
    private static final int PERIOD = 4;
    private static final long BIG = AmountStats.log16(100_000);
    private static final int PAYMENTS = 400;
    private static final int CONSUMERS = 20;

    @Test
    void theSampleChangesOnlyTheChallengersRecords()
    {
        for (final int groupSource : new int[]{1, 0})
        {
            final EngineDriver every = engine(-1, groupSource);
            final EngineDriver everyByOne = engine(1, groupSource);
            final EngineDriver sampled = engine(PERIOD, groupSource);
            final Events everyRead = new Events();
            final Events everyByOneRead = new Events();
            final Events sampledRead = new Events();
            final SplittableRandom random = new SplittableRandom(46);
            EngineDriver restored = null;
            int declined = 0;
            for (int payment = 1; payment <= PAYMENTS; payment++)
            {
                final long consumer = 1 + random.nextInt(CONSUMERS);
                final long terminal = 11 + random.nextInt(3);
                final long amountFen = random.nextInt(3) == 0 ? 100_000 + random.nextInt(50_000) :
                    100 + random.nextInt(20_000);
                final String at = "group source " + groupSource + ", payment " + payment;
                final ResultCode code = pay(every, payment, consumer, terminal, amountFen);
                assertEquals(code, pay(everyByOne, payment, consumer, terminal, amountFen), at);
                assertEquals(code, pay(sampled, payment, consumer, terminal, amountFen), at);
                if (restored != null)
                {
                    assertEquals(code, pay(restored, payment, consumer, terminal, amountFen), at + " (restored)");
                }
                declined += code == ResultCode.RISK_MODEL_SCORE ? 1 : 0;
                everyRead.read(every);
                everyByOneRead.read(everyByOne);
                sampledRead.read(sampled);
                if (payment == PAYMENTS / 2)
                {
                    // The period is in the challenger's trees: in the snapshot, so a restored engine samples alike.
                    restored = sampled.restoredFromSnapshot(EngineConfig.small());
                }
            }
            final String what = "group source " + groupSource;
            final List<String> everyEvents = everyRead.lines;
            final List<String> sampledEvents = sampledRead.lines;
            assertEquals(everyEvents, everyByOneRead.lines, what + ": a marker of period 1 is every command");
            final List<String> expected = new ArrayList<>();
            int challengerEvents = 0;
            for (final String event : everyEvents)
            {
                final long sequence = Long.parseLong(event.substring(0, event.indexOf(' ')));
                final boolean challenger = event.contains(" rule " + RiskRules.CHALLENGER + " ");
                challengerEvents += challenger ? 1 : 0;
                if (!challenger || RiskModels.inShadowSample(PERIOD, sequence))
                {
                    expected.add(event);
                }
            }
            assertEquals(expected, sampledEvents, what + ": the challenger's records of the sampled sequences only");
            final int sampledChallengerEvents = challengerEvents - (everyEvents.size() - sampledEvents.size());
            assertTrue(challengerEvents > 40 && sampledChallengerEvents > 0 &&
                sampledChallengerEvents < challengerEvents,
                what + ": the scenario records in shadow and the sample drops some (" + sampledChallengerEvents +
                    " of " + challengerEvents + ")");
            final RiskModel everyModel = RiskAccess.of(every.engine).models.challenger;
            final RiskModel sampledModel = RiskAccess.of(sampled.engine).models.challenger;
            assertEquals(PAYMENTS, everyModel.scored(), what);
            assertTrue(sampledModel.scored() > PAYMENTS / PERIOD / 2 && sampledModel.scored() < PAYMENTS / 2,
                what + ": the sample's scored count " + sampledModel.scored());
            assertEquals(sampledChallengerEvents, sampledModel.atDeclineScore() + sampledModel.atFlagScore(), what);
            assertEquals(sampled.engine.stateHash(), restored.engine.stateHash(), what + ": restored and replayed");
            if (groupSource == 1)
            {
                assertTrue(declined > 20 && declined < PAYMENTS / 2,
                    "the active model declines by the challenger's suspicion: " + declined);
            }
        }
    }

    @Test
    void theShippedPairDecidesAlikeWhateverThePeriod() throws java.io.IOException
    {
        // v31 ACTIVE reading v24's suspicion (RISK_GROUP_SOURCE 1) at their trained scores: every reply and every
        // feature (53-56 included) the same with the challenger sampled 1 in 8 as with every command.
        final EngineDriver every = shippedPair(-1);
        final EngineDriver sampled = shippedPair(8);
        final SplittableRandom random = new SplittableRandom(31);
        final long[] everyFeatures = new long[RiskFeatures.COUNT];
        final long[] sampledFeatures = new long[RiskFeatures.COUNT];
        final java.util.Map<ResultCode, Integer> codes = new java.util.EnumMap<>(ResultCode.class);
        long suspiciousShareMax = 0;
        for (int payment = 1; payment <= 3_000; payment++)
        {
            final long merchant = 1 + random.nextInt(4);
            final long terminal = merchant * 10 + random.nextInt(2);
            final long consumer = 1 + random.nextInt(200);
            final long amountFen = random.nextInt(4) == 0 ? 50_000 + random.nextInt(400_000) :
                100 + random.nextInt(10_000);
            final long elapsedMs = random.nextInt(60_000);
            every.advanceMs(elapsedMs);
            sampled.advanceMs(elapsedMs);
            final ResultCode code = every.pay(merchant, terminal, payment, consumer, amountFen);
            assertEquals(code, sampled.pay(merchant, terminal, payment, consumer, amountFen), "payment " + payment);
            assertEquals(every.engine.lastRiskFeatures(everyFeatures),
                sampled.engine.lastRiskFeatures(sampledFeatures));
            assertArrayEquals(everyFeatures, sampledFeatures, "features of payment " + payment);
            codes.merge(code, 1, Integer::sum);
            suspiciousShareMax = Math.max(suspiciousShareMax, everyFeatures[RiskFeatures.MERCHANT_SUSPICIOUS_SHARE]);
        }
        assertTrue(codes.getOrDefault(ResultCode.RISK_MODEL_SCORE, 0) > 10 && codes.getOrDefault(ResultCode.OK, 0) > 10,
            "v31 declines some and approves some: " + codes);
        final RiskModel everyChallenger = RiskAccess.of(every.engine).models.challenger;
        final RiskModel sampledChallenger = RiskAccess.of(sampled.engine).models.challenger;
        assertTrue(suspiciousShareMax > 0, "v24's suspicion reaches the group features");
        assertTrue(sampledChallenger.scored() < everyChallenger.scored() / 4, "sampled: " + sampledChallenger.scored());
    }

    static EngineDriver shippedPair(final long period) throws java.io.IOException
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        for (long merchant = 1; merchant <= 4; merchant++)
        {
            assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, merchant, 10, 500, 200, 0,
                true, merchant % 2 == 0 ? MerchantTrade.ELECTRONICS : MerchantTrade.GROCERY, 310_000 + (int)merchant)));
            assertEquals(ResultCode.OK, d.terminal(merchant * 10, merchant));
            assertEquals(ResultCode.OK, d.terminal(merchant * 10 + 1, merchant));
        }
        for (long c = 1; c <= 200; c++)
        {
            assertEquals(ResultCode.OK, d.consumer(c, c % 5));
            assertEquals(ResultCode.OK, d.topUp(c, 1000 + c, 100_000_000));
        }
        d.advanceMs(30L * 24 * 3_600_000);
        final RiskModels models = RiskAccess.of(d.engine).models;
        final Path dir = RiskModelEvaluationTest.SHIPPED_MODELS;
        final RiskModelEvaluationTest.Trees v24 = RiskModelEvaluationTest.read(dir.resolve("model-v24.txt"));
        RiskModelEvaluationTest.commit(models, RiskModels.SLOT_CHALLENGER, period < 0 ? v24 : v24.withPeriod(period));
        RiskModelEvaluationTest.commit(models, RiskModels.SLOT_ACTIVE,
            RiskModelEvaluationTest.read(dir.resolve("model-v31.txt")));
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.CHALLENGER, RiskMode.SHADOW, RiskAction.DECLINE, 0, 0, 0));
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.RISK_GROUP_SOURCE, 1));
        return d;
    }

    @Test
    void theSampleIsAFunctionOfTheSequenceAndThePeriod()
    {
        for (long sequence = 0; sequence < 1_000; sequence++)
        {
            assertTrue(RiskModels.inShadowSample(0, sequence));
            assertTrue(RiskModels.inShadowSample(1, sequence));
            assertEquals(RiskModels.inShadowSample(4, sequence), RiskModels.inShadowSample(7, sequence),
                "rounded down to a power of two");
        }
        for (final int period : new int[]{2, 8, 64})
        {
            int in = 0;
            for (long sequence = 1; sequence <= 64_000; sequence++)
            {
                in += RiskModels.inShadowSample(period, sequence) ? 1 : 0;
            }
            assertTrue(Math.abs(in - 64_000 / period) < 64_000 / period / 10, "period " + period + ": " + in);
        }
    }

    /**
     * One merchant, three terminals, {@link #CONSUMERS} consumers with money; the challenger (group source when
     * {@code groupSource} is 1) flags big payments (individual tree) and declines in shadow at a suspicious shop (group
     * tree), with a sample marker of {@code period} (none when negative); the active model declines a consumer whose
     * own suspicious share is high (feature 55).
     */
    private static EngineDriver engine(final long period, final int groupSource)
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 1, 10, 500, 200, 0, true,
            MerchantTrade.ELECTRONICS, 310_000)));
        for (long terminal = 11; terminal <= 13; terminal++)
        {
            assertEquals(ResultCode.OK, d.terminal(terminal, 1));
        }
        for (long c = 1; c <= CONSUMERS; c++)
        {
            assertEquals(ResultCode.OK, d.consumer(c, 0));
            assertEquals(ResultCode.OK, d.topUp(c, 1000 + c, 100_000_000));
        }
        // Two trees (individual, then group) and, for period >= 0, the sample marker (node 0 SAMPLE_MARKER).
        final int marker = period >= 0 ? 1 : 0;
        load(d, RiskModelSlot.CHALLENGER, 2, 1_500, 500,
            java.util.Arrays.copyOf(new int[]{RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT,
                RiskFeatures.FIRST_TIME_PAIR, RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, RiskFeatures.LOG_AMOUNT,
                RiskFeatures.LOG_AMOUNT, RiskModel.SAMPLE_MARKER, RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT},
                6 + 3 * marker),
            java.util.Arrays.copyOf(new long[]{BIG, 0, 1, 300, 0, 0, period, 0, 0}, 6 + 3 * marker),
            java.util.Arrays.copyOf(new int[]{-100, -100, 500, 1_000, 0, 0, 1_200, 1_200, 0, 0, 0, 0}, 8 + 4 * marker));
        // Rule 15's thresholds mean nothing (code before the marker accepted and ignored them): 8 here changes nothing.
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.CHALLENGER, RiskMode.SHADOW, RiskAction.DECLINE, 8, 8,
            8));
        load(d, RiskModelSlot.ACTIVE, 1, 2_500, 500,
            new int[]{RiskFeatures.CONSUMER_SUSPICIOUS_SHARE, RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT},
            new long[]{400, 0, 0}, new int[]{0, 0, 3_000, 3_000});
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.RISK_GROUP_SOURCE, groupSource));
        return d;
    }

    private static void load(final EngineDriver d, final RiskModelSlot slot, final long version,
        final int declineScore, final int flagScore, final int[] features, final long[] thresholds, final int[] leaves)
    {
        final int trees = features.length / 3;
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModel(d.command, 0, slot, RiskModelOp.BEGIN, version,
            trees, declineScore, flagScore)));
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModelTrees(d.command, 0, slot, version, 0, trees,
            features, thresholds, leaves)));
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModel(d.command, 0, slot, RiskModelOp.COMMIT, version,
            0, 0, 0)));
    }

    private static ResultCode pay(final EngineDriver d, final long paymentId, final long consumerId,
        final long terminalId, final long amountFen)
    {
        d.advanceMs(20_000);
        return d.pay(1, terminalId, paymentId, consumerId, amountFen);
    }

    /** The events read so far from one engine, each as one line of what a merchant or operator sees. */
    private static final class Events
    {
        final List<String> lines = new ArrayList<>();
        long lastId;

        void read(final EngineDriver d)
        {
            final long newest = d.engine.lastRiskEventId();
            for (int page = 0; page < 100 && lastId < newest; page++)
            {
                for (final RiskEventsReplyDecoder.EventsDecoder event : d.riskEvents(lastId).events())
                {
                    lines.add(event.sequence() + " rule " + event.ruleId() + " " + event.decision() + " " +
                        event.observed() + " " + event.reasons() + " v" + event.modelVersion());
                    lastId = event.eventId();
                }
            }
            assertEquals(newest, lastId, "every event read");
        }
    }
}
