package com.wodian.engine.risk;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;

import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskDecision;
import com.wodian.protocol.sbe.RiskEventsReplyDecoder;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskRuleReplyDecoder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One scenario per risk rule: just below its threshold the payment passes, just above it is declined with the rule's
 * code (or, for a FLAG rule, approved and recorded). Each scenario switches on only the rule under test.
 *
 * <p>Parties: merchants 1..8 (1 and 2 alliance members), terminals 11, 12 of merchant 1 and 21 of merchant 2,
 * consumers 1..9 brought in by merchant 1 (odd) or by nobody (even), each topped up with 10,000 yuan.
 */
class RiskScenarioTest
{
    private static final RiskAction DECLINE = RiskAction.DECLINE;
    private EngineDriver d;
    private long paymentId;
    private long refundId;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small());
        for (long m = 1; m <= 8; m++)
        {
            assertEquals(ResultCode.OK, d.merchant(m, 10, 500, 200, 0, m <= 2));
            assertEquals(ResultCode.OK, d.terminal(m * 10 + 1, m));
        }
        assertEquals(ResultCode.OK, d.terminal(12, 1));
        for (long c = 1; c <= 9; c++)
        {
            assertEquals(ResultCode.OK, d.consumer(c, c % 2 == 1 ? 1 : 0));
            assertEquals(ResultCode.OK, d.topUp(c, 1000 + c, 1_000_000));
        }
    }

    private ResultCode pay(final long merchantId, final long terminalId, final long consumerId, final long amountFen)
    {
        d.advanceMs(1);
        return d.pay(merchantId, terminalId, ++paymentId, consumerId, amountFen);
    }

    private void enforce(final int rule, final long t1, final long t2, final long t3)
    {
        assertEquals(ResultCode.OK, d.riskRule(0, rule, RiskMode.ENFORCE, DECLINE, t1, t2, t3));
    }

    @Test
    void consumerVelocityPerMinute()
    {
        enforce(RiskRules.CONSUMER_VELOCITY, 3, 100, 0);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(ResultCode.OK, pay(1, 11, 1, 100), "payment " + (i + 1) + " of 3 allowed per minute");
        }
        assertEquals(ResultCode.RISK_CONSUMER_VELOCITY, pay(1, 11, 1, 100));
        assertEquals(ResultCode.OK, pay(1, 11, 2, 100), "another consumer is not affected");
        d.advanceMs(61_000);
        assertEquals(ResultCode.OK, pay(1, 11, 1, 100), "the window slid");
    }

    @Test
    void consumerVelocityPerHour()
    {
        enforce(RiskRules.CONSUMER_VELOCITY, 100, 4, 0);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(ResultCode.OK, pay(1, 11, 1, 100));
            d.advanceMs(5 * 60_000);
        }
        assertEquals(ResultCode.RISK_CONSUMER_VELOCITY, pay(1, 11, 1, 100));
    }

    @Test
    void terminalVelocity()
    {
        enforce(RiskRules.TERMINAL_VELOCITY, 3, 0, 0);
        for (long c = 1; c <= 3; c++)
        {
            assertEquals(ResultCode.OK, pay(1, 11, c, 100));
        }
        assertEquals(ResultCode.RISK_TERMINAL_VELOCITY, pay(1, 11, 4, 100));
        assertEquals(ResultCode.OK, pay(1, 12, 4, 100), "the merchant's other terminal is not affected");
    }

    @Test
    void amountAnomalyAgainstTheProfile()
    {
        enforce(RiskRules.AMOUNT_ANOMALY, 600, 5, 1_000);
        for (int i = 0; i < 5; i++)
        {
            assertEquals(ResultCode.OK, pay(1, 11, 1, 1_000));
            assertEquals(ResultCode.OK, pay(1, 11, 3, 1_000));
        }
        // Mean 1,000 fen, deviation 292.75 fen after five equal payments (EWMA from half the first amount): a score
        // above 6.00 (score 601, rounded down) is first reached at 2,760 fen.
        assertEquals(ResultCode.OK, pay(1, 11, 1, 2_759));
        assertEquals(ResultCode.RISK_AMOUNT_ANOMALY, pay(1, 11, 3, 2_760));
        assertEquals(ResultCode.OK, pay(1, 11, 5, 50_000), "no history, no anomaly");
    }

    @Test
    void dailyLimit()
    {
        enforce(RiskRules.DAILY_LIMIT, 10_000, 0, 0);
        assertEquals(ResultCode.OK, pay(1, 11, 1, 5_000));
        assertEquals(ResultCode.OK, pay(1, 11, 1, 5_000));
        assertEquals(ResultCode.RISK_DAILY_LIMIT, pay(1, 11, 1, 1));
        d.advanceMs(24 * 3_600_000L);
        assertEquals(ResultCode.OK, pay(1, 11, 1, 1), "a day later the window is empty");
    }

    @Test
    void newConsumerLargeAmount()
    {
        enforce(RiskRules.NEW_CONSUMER_LARGE, 2, 5_000, 0);
        assertEquals(ResultCode.OK, pay(1, 11, 1, 5_000));
        assertEquals(ResultCode.RISK_NEW_CONSUMER_LARGE, pay(1, 11, 2, 5_001));
        assertEquals(ResultCode.OK, pay(1, 11, 1, 100));
        assertEquals(ResultCode.OK, pay(1, 11, 1, 9_000), "two payments of history: no longer new");
    }

    @Test
    void burstOfSmallPaymentsOnOnePair()
    {
        enforce(RiskRules.PAIR_BURST, 500, 3, 0);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(ResultCode.OK, pay(1, 11, 1, 500));
        }
        assertEquals(ResultCode.OK, pay(1, 11, 1, 501), "not a small payment");
        assertEquals(ResultCode.RISK_PAIR_BURST, pay(1, 11, 1, 500));
        assertEquals(ResultCode.OK, pay(2, 21, 1, 500), "same consumer, another merchant");
    }

    @Test
    void payThenRefundCycles()
    {
        enforce(RiskRules.REFUND_CYCLE, 2, 0, 0);
        for (int cycle = 0; cycle < 2; cycle++)
        {
            assertEquals(ResultCode.OK, pay(1, 11, 1, 1_000));
            assertEquals(ResultCode.OK, d.refund(1, 11, paymentId, ++refundId, 1_000));
        }
        assertEquals(ResultCode.RISK_REFUND_CYCLE, pay(1, 11, 1, 1_000));
        assertEquals(ResultCode.OK, pay(2, 21, 1, 1_000), "another pair");
        assertEquals(ResultCode.OK, d.refund(2, 21, paymentId, ++refundId, 1_000));
        assertEquals(ResultCode.OK, pay(2, 21, 1, 1_000), "one refund on that pair is below the limit");
    }

    @Test
    void refundsAreCheckedToo()
    {
        enforce(RiskRules.REFUND_CYCLE, 2, 0, 0);
        final long first = paymentId + 1;
        for (int i = 0; i < 3; i++)
        {
            assertEquals(ResultCode.OK, pay(1, 11, 1, 1_000));
        }
        assertEquals(ResultCode.OK, d.refund(1, 11, first, ++refundId, 1_000));
        assertEquals(ResultCode.OK, d.refund(1, 11, first + 1, ++refundId, 1_000));
        assertEquals(ResultCode.RISK_REFUND_CYCLE, d.refund(1, 11, first + 2, ++refundId, 1_000));
    }

    @Test
    void circularFlowThroughConsumersTheMerchantBroughtIn()
    {
        enforce(RiskRules.CIRCULAR_FLOW, 5_000, 1_000, 0);
        assertEquals(ResultCode.OK, pay(1, 11, 2, 2_000), "consumer 2 has no home merchant");
        assertEquals(ResultCode.OK, pay(1, 11, 1, 1_999), "own share 49.98%");
        assertEquals(ResultCode.OK, pay(1, 11, 3, 1), "own share exactly 50%");
        assertEquals(ResultCode.RISK_CIRCULAR_FLOW, pay(1, 11, 3, 2), "own share 50.02%");
        assertEquals(ResultCode.OK, pay(1, 11, 4, 5_000), "strangers still pay");
        assertEquals(ResultCode.OK, pay(2, 21, 1, 5_000), "at other merchants the own share is 0");
    }

    @Test
    void volumeSpikeIsFlagged()
    {
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.VOLUME_SPIKE, RiskMode.ENFORCE, RiskAction.FLAG, 300, 0,
            0));
        for (int period = 0; period < 12; period++)
        {
            assertEquals(ResultCode.OK, pay(2, 21, 2, 1_000));
            d.advanceMs(15 * 60_000);
        }
        assertArrayEquals(new long[]{0, 0, 0}, d.riskStats(2, RiskRules.VOLUME_SPIKE), "steady sales: no spike");
        final RiskControl risk = RiskAccess.of(d.engine);
        risk.merchants.advance(1, d.nowMs + 1);
        final long average = risk.merchants.hourlyAverage(1);
        final long hour = risk.merchants.hourSales(1);
        final long below = 3 * average - hour;
        final long eventsBefore = d.engine.lastRiskEventId();
        assertEquals(ResultCode.OK, pay(2, 21, 4, below));
        assertEquals(eventsBefore, d.engine.lastRiskEventId(), "exactly 3x the hourly average is not a spike");
        assertEquals(ResultCode.OK, pay(2, 21, 6, average / 100 + 1));
        assertEquals(eventsBefore + 1, d.engine.lastRiskEventId(), "above 3x: flagged, still approved");
        final RiskEventsReplyDecoder events = d.riskEvents(eventsBefore);
        final RiskEventsReplyDecoder.EventsDecoder event = events.events().next();
        assertEquals(RiskRules.VOLUME_SPIKE, event.ruleId());
        assertEquals(RiskDecision.FLAGGED, event.decision());
        assertArrayEquals(new long[]{0, 1, 0}, d.riskStats(2, RiskRules.VOLUME_SPIKE));
    }

    @Test
    void distinctMerchantsRecently()
    {
        enforce(RiskRules.DISTINCT_PARTIES, 3, 100, 0);
        // Merchants whose hashed bits differ, so the estimate counts each (index = merchantId - 1).
        final long[] distinct = new long[4];
        int found = 0;
        long seen = 0;
        for (int index = 0; index < 8 && found < 4; index++)
        {
            final long bit = ConsumerRiskBook.merchantBit(index);
            if ((seen & bit) == 0)
            {
                seen |= bit;
                distinct[found++] = index + 1;
            }
        }
        assertEquals(4, found);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(ResultCode.OK, pay(distinct[i], distinct[i] * 10 + 1, 1, 100));
        }
        assertEquals(ResultCode.RISK_DISTINCT_PARTIES, pay(distinct[3], distinct[3] * 10 + 1, 1, 100));
        assertEquals(ResultCode.OK, pay(distinct[0], distinct[0] * 10 + 1, 1, 100), "a merchant already seen");
    }

    /**
     * Rule 10 at its tuned thresholds (more than 4 merchants, more than 6 terminals): four merchants and six terminals
     * pass, the fifth merchant and the seventh terminal are declined. The estimate once read 4 merchants as 5.
     */
    @Test
    void distinctMerchantsJustBelowAndAboveTheDefault()
    {
        enforce(RiskRules.DISTINCT_PARTIES, 4, 100, 0);
        // Merchants 101..116 (indices 8..23), one terminal each; keep five whose hashed bits differ.
        final long[] distinct = new long[5];
        int found = 0;
        long seen = 0;
        for (long m = 101; m <= 116; m++)
        {
            assertEquals(ResultCode.OK, d.merchant(m, 10, 500, 200, 0, false));
            assertEquals(ResultCode.OK, d.terminal(m * 10, m));
            final long bit = ConsumerRiskBook.merchantBit((int)(m - 101 + 8));
            if (found < distinct.length && (seen & bit) == 0)
            {
                seen |= bit;
                distinct[found++] = m;
            }
        }
        assertEquals(5, found);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(ResultCode.OK, pay(distinct[i], distinct[i] * 10, 1, 100), "merchant " + (i + 1) + " of 4");
        }
        assertEquals(ResultCode.RISK_DISTINCT_PARTIES, pay(distinct[4], distinct[4] * 10, 1, 100), "the fifth");
    }

    @Test
    void distinctTerminalsJustBelowAndAboveTheDefault()
    {
        enforce(RiskRules.DISTINCT_PARTIES, 100, 6, 0);
        // Terminals 1001..1016 of merchant 1 (indices 9..24); keep seven whose hashed bits differ.
        final long[] distinct = new long[7];
        int found = 0;
        long seen = 0;
        for (long t = 1001; t <= 1016; t++)
        {
            assertEquals(ResultCode.OK, d.terminal(t, 1));
            final long bit = ConsumerRiskBook.terminalBit((int)(t - 1001 + 9));
            if (found < distinct.length && (seen & bit) == 0)
            {
                seen |= bit;
                distinct[found++] = t;
            }
        }
        assertEquals(7, found);
        for (int i = 0; i < 6; i++)
        {
            assertEquals(ResultCode.OK, pay(1, distinct[i], 1, 100), "terminal " + (i + 1) + " of 6");
        }
        assertEquals(ResultCode.RISK_DISTINCT_PARTIES, pay(1, distinct[6], 1, 100), "the seventh");
    }

    @Test
    void redemptionAfterRiskStrikes()
    {
        for (final long m : new long[]{1, 2})
        {
            assertEquals(ResultCode.OK, d.rules(m, 10, 500, 200, 0, true, DistributionMode.VOUCHER, 20, 100,
                60_000));
        }
        enforce(RiskRules.REDEMPTION, 1, 10_000, 1_000);
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.PAIR_BURST, RiskMode.ENFORCE, RiskAction.FLAG, 500, 1,
            0));
        assertEquals(ResultCode.OK, pay(1, 11, 1, 10_000));
        assertEquals(ResultCode.OK, pay(1, 11, 3, 400));
        assertEquals(ResultCode.OK, pay(1, 11, 3, 400), "second small payment on the pair: flagged");
        assertEquals(ResultCode.OK, pay(2, 21, 3, 10_000));
        assertEquals(ResultCode.OK, d.redeem(1, 1, 1), "no strikes");
        assertEquals(ResultCode.RISK_REDEMPTION, d.redeem(3, 2, 1), "one strike");
    }

    @Test
    void redemptionAfterMostlyRefundedPayments()
    {
        assertEquals(ResultCode.OK, d.rules(1, 10, 500, 200, 0, true, DistributionMode.VOUCHER, 20, 100, 60_000));
        enforce(RiskRules.REDEMPTION, 0, 5_000, 4);
        for (long c : new long[]{1, 3})
        {
            for (int i = 0; i < 4; i++)
            {
                assertEquals(ResultCode.OK, pay(1, 11, c, 1_000));
            }
        }
        assertEquals(ResultCode.OK, d.refund(1, 11, 1, ++refundId, 1_000));
        assertEquals(ResultCode.OK, d.redeem(1, 1, 1), "1 refund in 4 payments");
        assertEquals(ResultCode.OK, d.refund(1, 11, 5, ++refundId, 1_000));
        assertEquals(ResultCode.OK, d.refund(1, 11, 6, ++refundId, 1_000));
        assertEquals(ResultCode.RISK_REDEMPTION, d.redeem(3, 1, 1), "2 refunds in 4 payments: 50%");
    }

    @Test
    void terminalFailures()
    {
        enforce(RiskRules.TERMINAL_FAILURES, 2, 0, 0);
        assertEquals(ResultCode.OK, d.consumer(20, 0));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, pay(1, 11, 20, 100));
        assertEquals(ResultCode.OK, pay(1, 11, 1, 100), "one failure");
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, pay(1, 11, 20, 100));
        assertEquals(ResultCode.RISK_TERMINAL_FAILURES, pay(1, 11, 1, 100), "two failures in the last minute");
        assertEquals(ResultCode.OK, pay(1, 12, 1, 100), "other terminal");
    }

    @Test
    void blockedPartiesAreLoggedAndCounted()
    {
        assertEquals(ResultCode.OK, d.block(PartyType.CONSUMER, 1, true));
        assertEquals(ResultCode.CONSUMER_BLOCKED, pay(1, 11, 1, 100));
        assertArrayEquals(new long[]{1, 0, 0}, d.riskStats(1, RiskRules.BLOCKED_PARTY));
        final RiskEventsReplyDecoder.EventsDecoder event = d.riskEvents(0).events().next();
        assertEquals(RiskRules.BLOCKED_PARTY, event.ruleId());
        assertEquals(1, event.consumerId());
    }

    @Test
    void declinesAreVisibleInEventsAndStatsAndRepeatsGiveTheSameAnswer()
    {
        enforce(RiskRules.PAIR_BURST, 500, 1, 0);
        assertEquals(ResultCode.OK, pay(1, 11, 1, 100));
        assertEquals(ResultCode.RISK_PAIR_BURST, pay(1, 11, 1, 100));
        final long declinedId = paymentId;
        final long hash = d.engine.stateHashIgnoringSequence();
        assertEquals(ResultCode.RISK_PAIR_BURST, d.pay(1, 11, declinedId, 1, 100), "a repeat: the first answer");
        assertEquals(hash, d.engine.stateHashIgnoringSequence(), "a repeat changes nothing");

        final RiskEventsReplyDecoder events = d.riskEvents(0);
        assertEquals(1, events.lastEventId());
        final RiskEventsReplyDecoder.EventsDecoder event = events.events().next();
        assertEquals(RiskRules.PAIR_BURST, event.ruleId());
        assertEquals(RiskDecision.DECLINED, event.decision());
        assertEquals(declinedId, event.referenceId());
        assertEquals(2, event.observed());
        assertArrayEquals(new long[]{1, 0, 0}, d.riskStats(0, RiskRules.PAIR_BURST));
        assertArrayEquals(new long[]{1, 0, 0}, d.riskStats(1, RiskRules.PAIR_BURST));
        assertArrayEquals(new long[]{0, 0, 0}, d.riskStats(2, RiskRules.PAIR_BURST));
    }

    @Test
    void perMerchantOverrides()
    {
        assertEquals(ResultCode.OK, d.riskRule(1, RiskRules.PAIR_BURST, RiskMode.ENFORCE, DECLINE, 500, 1, 0));
        final RiskRuleReplyDecoder rule = d.riskRuleOf(1, RiskRules.PAIR_BURST);
        assertEquals(RiskMode.ENFORCE, rule.mode());
        assertEquals(1, rule.threshold2());
        assertEquals(RiskMode.OFF, d.riskRuleOf(2, RiskRules.PAIR_BURST).mode());
        assertEquals(ResultCode.OK, pay(1, 11, 1, 100));
        assertEquals(ResultCode.RISK_PAIR_BURST, pay(1, 11, 1, 100));
        assertEquals(ResultCode.OK, pay(2, 21, 1, 100));
        assertEquals(ResultCode.OK, pay(2, 21, 1, 100), "merchant 2 follows the global rule: off");
        assertEquals(ResultCode.OK, d.riskRule(1, RiskRules.PAIR_BURST, RiskMode.INHERIT, DECLINE, 0, 0, 0));
        assertEquals(ResultCode.OK, pay(1, 11, 1, 100), "override dropped");
    }

    @Test
    void invalidRuleSettingsAreRefused()
    {
        assertEquals(ResultCode.RISK_RULE_INVALID, d.riskRule(0, 0, RiskMode.ENFORCE, DECLINE, 1, 1, 1));
        assertEquals(ResultCode.RISK_RULE_INVALID, d.riskRule(0, 13, RiskMode.ENFORCE, DECLINE, 1, 1, 1));
        assertEquals(ResultCode.RISK_RULE_INVALID, d.riskRule(0, 1, RiskMode.INHERIT, DECLINE, 1, 1, 1));
        assertEquals(ResultCode.RISK_RULE_INVALID, d.riskRule(0, 1, RiskMode.ENFORCE, DECLINE, -1, 1, 1));
        assertEquals(ResultCode.UNKNOWN_MERCHANT, d.riskRule(99, 1, RiskMode.ENFORCE, DECLINE, 1, 1, 1));
    }

    @Test
    void riskQueriesAnswerOddQuestionsWithACode()
    {
        assertEquals(ResultCode.UNKNOWN_MERCHANT, d.riskRuleOf(99, 1).code());
        assertEquals(ResultCode.RISK_RULE_INVALID, d.riskRuleOf(0, 99).code());
        assertEquals(ResultCode.OK, d.riskRuleOf(0, RiskRules.BLOCKED_PARTY).code());
        assertEquals(RiskMode.OFF, d.riskRuleOf(1, RiskRules.PAIR_BURST).mode(), "rules start off");
        final RiskEventsReplyDecoder events = d.riskEvents(Long.MAX_VALUE - 1);
        assertEquals(ResultCode.OK, events.code());
        assertEquals(0, events.events().count());
        assertArrayEquals(new long[]{-1, -1, -1}, d.riskStats(99, 1), "unknown merchant: no rows");
        assertEquals(ResultCode.UNKNOWN_MERCHANT, d.code());
    }

    @Test
    void shadowModeDeclinesNothing()
    {
        d.allRiskRules(RiskMode.SHADOW);
        // Tight thresholds, all rules in shadow: a burst that enforcing rules would stop.
        for (int rule = 1; rule <= Engine.RISK_RULES_CONFIGURABLE; rule++)
        {
            assertEquals(ResultCode.OK, d.riskRule(0, rule, RiskMode.SHADOW, DECLINE, 1, 1, 1));
        }
        for (int i = 0; i < 50; i++)
        {
            assertEquals(ResultCode.OK, pay(1, 11, 1 + i % 3, 100 + i * 997));
            if (i % 5 == 0)
            {
                assertEquals(ResultCode.OK, d.refund(1, 11, paymentId, ++refundId, 100));
            }
        }
        long shadowHits = 0;
        for (int rule = 1; rule <= Engine.RISK_RULES_CONFIGURABLE; rule++)
        {
            final long[] stats = d.riskStats(0, rule);
            assertEquals(0, stats[0], "rule " + rule + " declined nothing");
            assertEquals(0, stats[1], "rule " + rule + " flagged nothing");
            shadowHits += stats[2];
        }
        assertTrue(shadowHits > 50, "shadow rules were evaluated and recorded: " + shadowHits);
        assertEquals(0, d.engine.riskDecisions());
    }
}
