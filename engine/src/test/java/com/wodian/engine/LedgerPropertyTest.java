package com.wodian.engine;

import com.wodian.engine.risk.RiskRules;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.ResultCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.collections.Long2LongHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random command sequences over a small id space, so that duplicates, out-of-order Confirm/Cancel, expiries and
 * refunds collide often. After every command: conservation, no negative balance, live holds equal a model of the live
 * Tries (every 8th command also against a pass over all keys), a random earlier command re-applied returns its first
 * reply byte for byte and changes nothing, and a second engine fed the same inputs gives byte-identical replies and
 * the same state hash.
 */
class LedgerPropertyTest
{
    static final int COMMANDS_PER_SEQUENCE = Integer.getInteger("wodian.property.commands", 100_000);
    static final long[] MERCHANTS = {1, 2, 3};
    static final long[] TERMINALS = {11, 21, 31, 32};
    static final long[] TERMINAL_MERCHANT = {1, 2, 3, 3};
    static final int CONSUMERS = 12;
    static final long UNKNOWN_CONSUMER = 999;
    static final long TTL_MS_MAX = 2_000;

    /** One input and the reply the live engine gave it the first time. */
    record Input(long timestampMs, byte[] command, byte[] firstReply, ResultCode firstCode, int templateId)
    {
    }

    @Property(tries = 3, seed = "20261125")
    void ledgerInvariantsHoldUnderRandomCommands(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final EngineConfig config = EngineConfig.small().keysMax(16_384).pointsLedgerEntriesMax(4_096)
            .vouchersMax(4_096).distributionSliceEntries(1).ttlMsMax(TTL_MS_MAX)
            .expiriesPerCommandMax(100_000).amountFenMax(100_000);
        final EngineDriver live = new EngineDriver(config);
        final EngineDriver twin = new EngineDriver(config);
        final List<Input> history = new ArrayList<>();
        final Long2LongHashMap liveTryAmount = new Long2LongHashMap(-1);
        final Long2LongHashMap liveTryExpiry = new Long2LongHashMap(-1);

        final java.util.EnumMap<ResultCode, Integer> codes = new java.util.EnumMap<>(ResultCode.class);
        int paymentsWithVoucher = 0;
        long minPlatformFeesFen = 0;
        setUp(live, twin, history);
        for (int i = 0; i < COMMANDS_PER_SEQUENCE; i++)
        {
            live.advanceMs(random.nextInt(8) == 0 ? random.nextInt(600) : random.nextInt(3));
            twin.nowMs = live.nowMs;
            final int length = randomCommand(random, live, i / 200);
            final Input input = applyToBoth(live, twin, length, history);
            trackHolds(live, input, liveTryAmount, liveTryExpiry);
            codes.merge(input.firstCode(), 1, Integer::sum);
            if (input.firstCode() == ResultCode.OK && input.command().length >= 8 + 56 &&
                (input.templateId() == com.wodian.protocol.sbe.PayDecoder.TEMPLATE_ID ||
                input.templateId() == com.wodian.protocol.sbe.PaymentTryDecoder.TEMPLATE_ID) &&
                new org.agrona.concurrent.UnsafeBuffer(input.command()).getLong(input.command().length - 8) > 0)
            {
                paymentsWithVoucher++;
            }

            minPlatformFeesFen = Math.min(minPlatformFeesFen, live.engine.platformFeesFen());
            live.engine.verifyBalances();
            if ((i & 7) == 0)
            {
                live.engine.verifyInvariants();   // adds a pass over every key: every 8th command keeps the test fast
            }
            assertEquals(sumLive(liveTryAmount, liveTryExpiry, live.nowMs), live.engine.totalHeldFen(),
                "holds equal the sum of live Try amounts");

            // Any input advances a running distribution by one slice, so "changes nothing" is checked between runs.
            if (!history.isEmpty() && random.nextInt(16) == 0 && !live.engine.isDistributionRunning())
            {
                reapplyEarlier(live, twin, history.get(random.nextInt(history.size())));
            }
        }
        assertEquals(live.engine.stateHash(), twin.engine.stateHash());
        assertMoneyInAndOutAsTheInputsSay(history, live.engine);
        System.out.println("ledger property codes: " + codes + ", payments with a voucher " + paymentsWithVoucher);
        // The sequence must reach the interesting collisions, or the checks above prove little.
        for (final ResultCode expected : new ResultCode[]{ResultCode.OK, ResultCode.OK_EMPTY_ROLLBACK,
            ResultCode.HOLD_EXPIRED, ResultCode.ALREADY_CANCELLED, ResultCode.ALREADY_CONFIRMED,
            ResultCode.TRY_AFTER_CANCEL, ResultCode.PAYMENT_WAS_REJECTED, ResultCode.REFUND_EXCEEDS_PAID,
            ResultCode.PAYMENT_NOT_CONFIRMED, ResultCode.INSUFFICIENT_FUNDS, ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT,
            ResultCode.EXISTS_WITH_DIFFERENT_KIND, ResultCode.NOT_TWO_PHASE, ResultCode.INSUFFICIENT_SETTLEMENT,
            ResultCode.CONSUMER_BLOCKED, ResultCode.TERMINAL_NOT_OF_MERCHANT, ResultCode.VOUCHER_EXPIRED,
            ResultCode.VOUCHER_NOT_YOURS, ResultCode.INSUFFICIENT_POINTS, ResultCode.NOTHING_TO_DISTRIBUTE,
            ResultCode.INSUFFICIENT_POOL, ResultCode.INSUFFICIENT_ALLIANCE_EARNINGS,
            ResultCode.INSUFFICIENT_PLATFORM_FEES})
        {
            assertTrue(codes.getOrDefault(expected, 0) > 0, () -> expected + " never happened: " + codes);
        }
        assertTrue(paymentsWithVoucher >= 5, "vouchers were really spent: " + paymentsWithVoucher);
        // Fees were paid out and then reversed by refunds: the platform's fee income went below zero (a receivable).
        assertTrue(minPlatformFeesFen < 0, "platform fee income never went below zero: " + minPlatformFeesFen);
        // Risk takes part: each of these rules declined some commands (every rule has its own scenario test).
        for (final ResultCode expected : new ResultCode[]{ResultCode.RISK_CONSUMER_VELOCITY,
            ResultCode.RISK_PAIR_BURST, ResultCode.RISK_REFUND_CYCLE})
        {
            assertTrue(codes.getOrDefault(expected, 0) > 0, () -> expected + " never happened: " + codes);
        }
    }

    /**
     * Conservation's expected side computed here, not by the ledger's own counters: money came in by each TopUp and
     * left by each Withdraw that was answered OK and is the first OK of its (party, key) (a later OK on the same key is
     * the stored first result of a repeat, not a second application). With verifyBalances (balances inside equal the
     * counters) this makes a top-up applied twice, or a withdrawal counted as a top-up, fail.
     */
    private static void assertMoneyInAndOutAsTheInputsSay(final List<Input> history, final Engine engine)
    {
        final java.util.Set<String> applied = new java.util.HashSet<>();
        long topUpsFen = 0;
        long withdrawnFen = 0;
        final com.wodian.protocol.sbe.MessageHeaderDecoder header = new com.wodian.protocol.sbe.MessageHeaderDecoder();
        for (final Input input : history)
        {
            if (input.firstCode() != ResultCode.OK)
            {
                continue;
            }
            final org.agrona.concurrent.UnsafeBuffer command = new org.agrona.concurrent.UnsafeBuffer(input.command());
            if (input.templateId() == com.wodian.protocol.sbe.TopUpDecoder.TEMPLATE_ID)
            {
                final com.wodian.protocol.sbe.TopUpDecoder topUp =
                    new com.wodian.protocol.sbe.TopUpDecoder().wrapAndApplyHeader(command, 0, header);
                if (applied.add("topUp " + topUp.consumerId() + " " + topUp.externalRef()))
                {
                    topUpsFen += topUp.amountFen();
                }
            }
            else if (input.templateId() == com.wodian.protocol.sbe.WithdrawDecoder.TEMPLATE_ID)
            {
                final com.wodian.protocol.sbe.WithdrawDecoder withdraw =
                    new com.wodian.protocol.sbe.WithdrawDecoder().wrapAndApplyHeader(command, 0, header);
                if (applied.add("withdraw " + withdraw.merchantId() + " " + withdraw.withdrawalId()))
                {
                    withdrawnFen += withdraw.amountFen();
                }
            }
        }
        assertTrue(topUpsFen > 0 && withdrawnFen > 0, "money came in and left: " + topUpsFen + ", " + withdrawnFen);
        assertEquals(topUpsFen, engine.totalTopUpsFen(), "money in: the first OK of each top-up key");
        assertEquals(withdrawnFen, engine.totalWithdrawnFen(), "money out: the first OK of each withdrawal key");
    }

    static void setUp(final EngineDriver live, final EngineDriver twin, final List<Input> history)
    {
        final EngineDriver[] both = {live, twin};
        for (final EngineDriver d : both)
        {
            assertEquals(ResultCode.OK, d.merchant(1, 10, 500, 200, 100, true));
            assertEquals(ResultCode.OK, d.merchant(2, 3, 300, 500, 0, true));
            assertEquals(ResultCode.OK, d.merchant(3, 0, 0, 0, 50, false));
            assertEquals(ResultCode.OK, d.rules(1, 10, 500, 200, 100, true,
                com.wodian.protocol.sbe.DistributionMode.VOUCHER, 20, 100, 60_000));
            assertEquals(ResultCode.OK, d.rules(2, 3, 300, 500, 0, true,
                com.wodian.protocol.sbe.DistributionMode.WALLET_REBATE, 10, 50, 30_000));
            for (int t = 0; t < TERMINALS.length; t++)
            {
                assertEquals(ResultCode.OK, d.terminal(TERMINALS[t], TERMINAL_MERCHANT[t]));
            }
            for (int c = 1; c <= CONSUMERS; c++)
            {
                assertEquals(ResultCode.OK, d.consumer(c, MERCHANTS[c % 3] == 3 ? 0 : MERCHANTS[c % 3]));
            }
            enableRisk(d);
        }
        history.clear();
    }

    /**
     * Every risk rule on, with thresholds scaled to this dense workload (a dozen consumers paying many times a
     * second) so that each rule declines or flags now and then without starving the ledger paths; one merchant runs
     * some rules in shadow mode and one rule is its own.
     */
    static void enableRisk(final EngineDriver d)
    {
        final com.wodian.protocol.sbe.RiskMode enforce = com.wodian.protocol.sbe.RiskMode.ENFORCE;
        final com.wodian.protocol.sbe.RiskAction decline = com.wodian.protocol.sbe.RiskAction.DECLINE;
        final com.wodian.protocol.sbe.RiskAction flag = com.wodian.protocol.sbe.RiskAction.FLAG;
        final long[][] settings = {
            {RiskRules.CONSUMER_VELOCITY, 0, 4, 200, 0},
            {RiskRules.TERMINAL_VELOCITY, 0, 400, 0, 0},
            {RiskRules.AMOUNT_ANOMALY, 0, 250, 20, 10_000},
            {RiskRules.DAILY_LIMIT, 0, 40_000_000, 0, 0},
            {RiskRules.NEW_CONSUMER_LARGE, 0, 1, 15_000, 0},
            {RiskRules.PAIR_BURST, 0, 500, 1, 0},
            {RiskRules.REFUND_CYCLE, 0, 3, 0, 0},
            {RiskRules.CIRCULAR_FLOW, 0, 9_000, 200_000, 0},
            {RiskRules.VOLUME_SPIKE, 1, 150, 100_000, 0},
            {RiskRules.DISTINCT_PARTIES, 0, 100, 100, 0},
            {RiskRules.REDEMPTION, 0, 40, 9_000, 20},
            {RiskRules.TERMINAL_FAILURES, 0, 150, 0, 0},
        };
        for (final long[] rule : settings)
        {
            assertEquals(ResultCode.OK, d.riskRule(0, (int)rule[0], enforce, rule[1] == 1 ? flag : decline, rule[2],
                rule[3], rule[4]));
        }
        assertEquals(ResultCode.OK, d.riskRule(3, RiskRules.CONSUMER_VELOCITY,
            com.wodian.protocol.sbe.RiskMode.SHADOW, decline, 30, 1_000, 0));
        assertEquals(ResultCode.OK, d.riskRule(2, RiskRules.PAIR_BURST, enforce, decline, 200, 12, 0));
    }

    /**
     * Ids come from a window of 24 that slides forward slowly ({@code window}), so that new keys keep appearing while
     * repeats and out-of-order commands on the same key stay frequent.
     */
    static int randomCommand(final SplittableRandom random, final EngineDriver d, final int window)
    {
        int terminal = random.nextInt(TERMINALS.length);
        long consumerId = random.nextInt(50) == 0 ? UNKNOWN_CONSUMER : 1 + random.nextInt(CONSUMERS);
        final long lastVoucher = d.engine.lastVoucherId();
        final long voucherId = random.nextInt(4) != 0 ? 0 :
            Math.max(1, lastVoucher - random.nextInt(20) + random.nextInt(3));
        if (voucherId > 0 && random.nextInt(4) != 0)
        {
            // Mostly the voucher's owner at its merchant, so that vouchers are really used, reserved and redeemed.
            final com.wodian.protocol.sbe.VoucherStatusReplyDecoder voucher = d.voucher(voucherId);
            if (voucher.code() == ResultCode.OK)
            {
                consumerId = voucher.consumerId();
                terminal = voucher.merchantId() == 1 ? 0 : voucher.merchantId() == 2 ? 1 : 2;
            }
        }
        // Mostly a terminal of the right merchant; sometimes a foreign one.
        final long merchantId = random.nextInt(20) == 0 ? MERCHANTS[random.nextInt(3)] : TERMINAL_MERCHANT[terminal];
        final long terminalId = TERMINALS[terminal];
        final long paymentId = 1 + window + random.nextInt(24);
        final long amountFen = random.nextInt(30) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 500 : 20_000);
        final int pick = random.nextInt(100);
        if (pick < 3)
        {
            return d.encoder.redeemPoints(d.command, 0, consumerId, MERCHANTS[random.nextInt(2)],
                1 + window + random.nextInt(24));
        }
        if (pick < 4)
        {
            return d.encoder.adjustPoints(d.command, 0, consumerId, 1 + window + random.nextInt(24),
                random.nextInt(200) - 50);
        }
        if (pick < 5)
        {
            return d.encoder.distributePool(d.command, 0, MERCHANTS[random.nextInt(3)], 1 + window + random.nextInt(8),
                random.nextBoolean() ? 0 : random.nextInt(500));
        }
        if (pick < 12)
        {
            return d.encoder.topUp(d.command, 0, consumerId, 1 + window + random.nextInt(24),
                1 + random.nextInt(50_000));
        }
        if (pick < 30)
        {
            return d.encoder.pay(d.command, 0, merchantId, terminalId, paymentId, consumerId, amountFen, voucherId);
        }
        if (pick < 50)
        {
            final long ttlMs = random.nextInt(40) == 0 ? TTL_MS_MAX + 1 : 1 + random.nextInt((int)TTL_MS_MAX);
            return d.encoder.tryPayment(d.command, 0, merchantId, terminalId, paymentId, consumerId, amountFen, ttlMs,
                voucherId);
        }
        if (pick < 65)
        {
            return d.encoder.confirm(d.command, 0, merchantId, terminalId, paymentId);
        }
        if (pick < 75)
        {
            return d.encoder.cancel(d.command, 0, merchantId, terminalId, paymentId);
        }
        if (pick < 90)
        {
            return d.encoder.refund(d.command, 0, merchantId, terminalId, paymentId, 1 + window + random.nextInt(24),
                1 + random.nextInt(random.nextBoolean() ? 300 : 10_000));
        }
        if (pick < 95)
        {
            // Every source: the settlement balance, alliance earnings, and (merchant 0) the platform's fee income.
            final int source = random.nextInt(8);
            // Platform payouts are small, so that they often empty the fee income and a refund then reverses a fee
            // the platform no longer holds.
            return d.encoder.withdraw(d.command, 0, source == 7 ? 0 : merchantId, 1 + window + random.nextInt(24),
                1 + random.nextInt(source == 7 ? 100 : 5_000), source < 4 ? com.wodian.protocol.sbe.WithdrawSource.SETTLEMENT :
                source < 7 ? com.wodian.protocol.sbe.WithdrawSource.ALLIANCE_EARNINGS :
                com.wodian.protocol.sbe.WithdrawSource.PLATFORM_FEES);
        }
        if (pick < 99 && random.nextInt(16) == 0)
        {
            // Refunds switch between refusing a pool or alliance shortfall and taking it from the settlement.
            return d.encoder.setEngineSetting(d.command, 0,
                com.wodian.protocol.sbe.EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, random.nextInt(2));
        }
        if (pick < 99)
        {
            final PartyType type = PartyType.values()[random.nextInt(3)];
            final long id = type == PartyType.CONSUMER ? consumerId : type == PartyType.MERCHANT ? merchantId :
                terminalId;
            // Blocks are rare and short-lived so that most payments pass.
            return d.encoder.setBlocked(d.command, 0, type, id, random.nextInt(3) == 0);
        }
        return d.encoder.tick(d.command, 0);
    }

    private static Input applyToBoth(
        final EngineDriver live, final EngineDriver twin, final int length, final List<Input> history)
    {
        final byte[] command = new byte[length];
        live.command.getBytes(0, command);
        final ResultCode code = live.apply(length);
        final byte[] reply = live.replyBytes();
        twin.command.putBytes(0, command);
        twin.apply(length);
        assertArrayEquals(reply, twin.replyBytes(), "two engines, same inputs: byte-identical replies");
        final Input input = new Input(live.nowMs, command, reply, code, live.command.getShort(2) & 0xFFFF);
        history.add(input);
        return input;
    }

    /**
     * Re-applies an earlier input to both engines at the current time. Excluded, because nothing was decided and a
     * retry is meant to be re-evaluated: refusals for a full table (LIMIT_*) and a Confirm that found no payment.
     */
    private static void reapplyEarlier(final EngineDriver live, final EngineDriver twin, final Input earlier)
    {
        if (earlier.firstCode().name().startsWith("LIMIT_") ||
            (earlier.templateId() == PaymentConfirmDecoder.TEMPLATE_ID &&
            earlier.firstCode() == ResultCode.PAYMENT_NOT_FOUND) ||
            earlier.firstCode() == ResultCode.DISTRIBUTION_RUNNING ||
            earlier.templateId() == com.wodian.protocol.sbe.SetBlockedDecoder.TEMPLATE_ID ||
            earlier.templateId() == com.wodian.protocol.sbe.SetEngineSettingDecoder.TEMPLATE_ID ||
            earlier.templateId() == com.wodian.protocol.sbe.TickDecoder.TEMPLATE_ID)
        {
            return;
        }
        final long hashBefore = live.engine.stateHashIgnoringSequence();
        for (final EngineDriver d : new EngineDriver[]{live, twin})
        {
            d.command.putBytes(0, earlier.command());
            d.apply(earlier.command().length);
            assertArrayEquals(earlier.firstReply(), d.replyBytes(), () -> "re-applied " +
                com.wodian.protocol.MessageText.describe(d.command, 0, earlier.command().length) + " first got " +
                earlier.firstCode() + " now " + d.replyText());
        }
        assertEquals(hashBefore, live.engine.stateHashIgnoringSequence(), "a repeat changes nothing");
    }

    private static void trackHolds(
        final EngineDriver d, final Input input, final Long2LongHashMap amount, final Long2LongHashMap expiry)
    {
        final int templateId = input.templateId();
        final org.agrona.concurrent.UnsafeBuffer command = new org.agrona.concurrent.UnsafeBuffer(input.command());
        if (input.command().length < 8 + 24)
        {
            return;
        }
        final long key = command.getLong(8) * 1_000_000 + command.getLong(8 + 16);   // merchantId, paymentId
        if (templateId == com.wodian.protocol.sbe.PaymentTryDecoder.TEMPLATE_ID && input.firstCode() == ResultCode.OK &&
            !amount.containsKey(key) && !expiry.containsKey(-key))
        {
            final long voucherId = command.getLong(8 + 48);
            amount.put(key, command.getLong(8 + 32) - (voucherId > 0 ? d.voucher(voucherId).valueFen() : 0));
            expiry.put(key, d.nowMs + command.getLong(8 + 40));
            expiry.put(-key, 1);   // remembers that this key was used, so repeats are not counted twice
        }
        else if ((templateId == PaymentConfirmDecoder.TEMPLATE_ID ||
            templateId == com.wodian.protocol.sbe.PaymentCancelDecoder.TEMPLATE_ID) && amount.containsKey(key) &&
            expiry.get(key) > d.nowMs && (input.firstCode() == ResultCode.OK))
        {
            amount.remove(key);
        }
    }

    private static long sumLive(final Long2LongHashMap amount, final Long2LongHashMap expiry, final long nowMs)
    {
        long sum = 0;
        final long[] keys = new long[amount.size()];
        int n = 0;
        for (final Long2LongHashMap.EntryIterator it = amount.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            keys[n++] = it.getLongKey();
        }
        for (final long key : Arrays.copyOf(keys, n))
        {
            if (expiry.get(key) > nowMs)
            {
                sum += amount.get(key);
            }
            else
            {
                amount.remove(key);
            }
        }
        return sum;
    }
}
