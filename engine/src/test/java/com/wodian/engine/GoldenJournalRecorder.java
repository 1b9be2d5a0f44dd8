package com.wodian.engine;

import com.wodian.engine.risk.AmountStats;
import com.wodian.engine.risk.RiskFeatures;
import com.wodian.engine.risk.RiskRules;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records the golden journal ({@link GoldenJournal}) from the engine as it is. It ran once, on the engine of main
 * f7c2f9a, and its output is committed; it runs only when asked, because recording again from a changed engine would
 * pin the change instead of catching it:
 * {@code mvn -B -pl engine -am test -Dtest=GoldenJournalRecorder -Dsurefire.failIfNoSpecifiedTests=false
 * -Dwodian.golden.record=$PWD/engine/src/test/resources/golden}.
 *
 * <p>The workload is the ledger property test's (payments, Try/Confirm/Cancel with expiries, refunds, top-ups,
 * withdrawals, blocks, points, vouchers, pool distributions, every risk rule on), plus a scoring model that declines
 * at one merchant and a challenger in shadow, a model reload half way, a few malformed inputs, and every 500 commands
 * a round of every query, a TakeSnapshot marker and a state-hash checkpoint. The first {@link #DENSE_COMMANDS} keep
 * ids in a slowly sliding window of 24 (repeats and out-of-order commands collide often); the rest slide fast.
 */
@EnabledIfSystemProperty(named = "wodian.golden.record", matches = ".+")
class GoldenJournalRecorder
{
    static final int COMMANDS = 60_000;
    /** After this many commands the payment ids slide fast, so that most keys are new and most payments succeed. */
    static final int DENSE_COMMANDS = 40_000;
    static final long SEED = 20261203;

    private final ByteArrayOutputStream journal = new ByteArrayOutputStream();
    private final ByteArrayOutputStream replies = new ByteArrayOutputStream();
    private final EnumMap<ResultCode, Integer> codes = new EnumMap<>(ResultCode.class);

    @Test
    void record() throws IOException
    {
        final EngineDriver d = new EngineDriver(GoldenJournal.config());
        d.tap = (sequence, timestampMs, input, inputLength, reply, replyLength) ->
        {
            if (sequence > 0)
            {
                journal.writeBytes(GoldenJournal.entry(sequence, timestampMs, input, inputLength));
                replies.write(GoldenJournal.KIND_REPLY);
                codes.merge(ReplyCodes.resultCodeOf(reply, 0, replyLength), 1, Integer::sum);
            }
            else
            {
                replies.write(GoldenJournal.KIND_QUERY);
                GoldenJournal.writeBytes(replies, input, inputLength);
            }
            GoldenJournal.writeBytes(replies, reply, replyLength);
        };
        LedgerPropertyTest.setUp(d, new EngineDriver(GoldenJournal.config()), new ArrayList<>());
        loadModel(d, RiskModelSlot.ACTIVE, 7);
        loadModel(d, RiskModelSlot.CHALLENGER, 8);
        assertEquals(ResultCode.OK, d.riskRule(2, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.CHALLENGER, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0,
            0));

        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < COMMANDS; i++)
        {
            d.advanceMs(random.nextInt(8) == 0 ? random.nextInt(600) : random.nextInt(3));
            final int window = i < DENSE_COMMANDS ? i / 200 : DENSE_COMMANDS / 200 + (i - DENSE_COMMANDS) / 3;
            d.apply(LedgerPropertyTest.randomCommand(random, d, window));
            if (i == COMMANDS / 2)
            {
                loadModel(d, RiskModelSlot.ACTIVE, 9);
            }
            if (i % 5_000 == 2_500)
            {
                malformed(d);
            }
            if (i % 500 == 499)
            {
                queries(d, random, window);
                d.apply(d.encoder.takeSnapshot(d.command, 0, i));
                checkpoint(d);
            }
        }
        checkpoint(d);
        d.engine.verifyInvariants();
        System.out.println("golden journal codes: " + codes);
        for (final ResultCode expected : new ResultCode[]{ResultCode.HOLD_EXPIRED, ResultCode.REFUND_EXCEEDS_PAID,
            ResultCode.INSUFFICIENT_FUNDS, ResultCode.NOTHING_TO_DISTRIBUTE, ResultCode.DISTRIBUTION_RUNNING,
            ResultCode.VOUCHER_EXPIRED, ResultCode.INSUFFICIENT_POINTS, ResultCode.RISK_CONSUMER_VELOCITY,
            ResultCode.RISK_PAIR_BURST, ResultCode.RISK_REFUND_CYCLE, ResultCode.RISK_MODEL_SCORE})
        {
            assertTrue(codes.getOrDefault(expected, 0) > 0, () -> expected + " never happened: " + codes);
        }
        final Path directory = Path.of(System.getProperty("wodian.golden.record"));
        Files.createDirectories(directory);
        write(directory.resolve(GoldenJournal.JOURNAL.substring(GoldenJournal.JOURNAL.lastIndexOf('/') + 1)),
            journal);
        write(directory.resolve(GoldenJournal.REPLIES.substring(GoldenJournal.REPLIES.lastIndexOf('/') + 1)),
            replies);
    }

    private void checkpoint(final EngineDriver d)
    {
        replies.write(GoldenJournal.KIND_CHECKPOINT);
        GoldenJournal.writeLong(replies, d.engine.lastSequence());
        GoldenJournal.writeLong(replies, d.engine.stateHash());
    }

    /** One tree: amounts of 150 yuan and more at a first-time pair score 1000 (decline), later pairs 500 (flag). */
    private static void loadModel(final EngineDriver d, final RiskModelSlot slot, final long version)
    {
        final long big = AmountStats.log16(15_000);
        final int[] features = {RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT, RiskFeatures.FIRST_TIME_PAIR};
        final long[] thresholds = {big, 0, 1};
        final int[] leaves = {-100, -100, 500, 1_000};
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModel(d.command, 0, slot, RiskModelOp.BEGIN, version, 1,
            1_000, 500)));
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModelTrees(d.command, 0, slot, version, 0, 1, features,
            thresholds, leaves)));
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModel(d.command, 0, slot, RiskModelOp.COMMIT, version, 0,
            0, 0)));
    }

    /** Inputs that fail the catalog's checks: a truncated Pay and an unknown template id. */
    private static void malformed(final EngineDriver d)
    {
        final int payLength = d.encoder.pay(d.command, 0, 1, 11, 1, 1, 100);
        d.apply(payLength - 9);
        final UnsafeBuffer unknown = d.command;
        unknown.putShort(2, (short)250);
        d.apply(payLength);
    }

    private static void queries(final EngineDriver d, final SplittableRandom random, final int window)
    {
        final long consumerId = 1 + random.nextInt(LedgerPropertyTest.CONSUMERS);
        final long merchantId = LedgerPropertyTest.MERCHANTS[random.nextInt(3)];
        d.query(d.encoder.balanceQuery(d.command, 0, consumerId));
        d.query(d.encoder.balanceQuery(d.command, 0, LedgerPropertyTest.UNKNOWN_CONSUMER));
        d.query(d.encoder.paymentStatusQuery(d.command, 0, merchantId, 1 + window + random.nextInt(24)));
        d.query(d.encoder.merchantStatementQuery(d.command, 0, merchantId));
        d.query(d.encoder.consumerStatementQuery(d.command, 0, consumerId));
        d.query(d.encoder.voucherStatusQuery(d.command, 0, d.engine.lastVoucherId()));
        d.query(d.encoder.voucherStatusQuery(d.command, 0, Math.max(1, d.engine.lastVoucherId() - 3)));
        d.query(d.encoder.distributionStatusQuery(d.command, 0, merchantId, 1 + window + random.nextInt(8)));
        d.query(d.encoder.riskRuleQuery(d.command, 0, merchantId, RiskRules.CONSUMER_VELOCITY));
        d.query(d.encoder.riskRuleQuery(d.command, 0, 2, RiskRules.PAIR_BURST));
        d.query(d.encoder.riskEventsQuery(d.command, 0, Math.max(0, d.engine.lastRiskEventId() - 4)));
        d.query(d.encoder.riskStatsQuery(d.command, 0, merchantId));
        d.query(d.encoder.riskModelQuery(d.command, 0, RiskModelSlot.ACTIVE));
        d.query(d.encoder.riskModelQuery(d.command, 0, RiskModelSlot.CHALLENGER));
    }

    private static void write(final Path file, final ByteArrayOutputStream bytes) throws IOException
    {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file)))
        {
            bytes.writeTo(out);
        }
    }
}
