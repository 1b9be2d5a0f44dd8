package com.wodian.engine.risk;

import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;
import com.wodian.protocol.sbe.AccountEventKind;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Features 88 ({@link RiskFeatures#NEW_SHOP_EXACT}) and 89 ({@link RiskFeatures#EVENTED_EXACT_NEW_SHOP_TRACES}):
 * "never settled a sale at this shop" read from the engine's spend pairs, exact where feature 61's hashed set of the
 * shops ever paid saturates; the same on a restored engine; named by a model from schema 16 on.
 */
class ExactNewShopFeatureTest
{
    private static final long MINUTE_MS = 60_000L;
    private static final int VERSION = 78;
    private final long[] x = new long[RiskFeatures.COUNT];
    private long paymentId;

    /** Merchant 1 (terminal 11) from the capture set-up; merchants 2..{@code merchants} with terminal id*10+1. */
    private static EngineDriver engine(final EngineConfig config, final int merchants, final boolean capture)
    {
        final EngineDriver d = new EngineDriver(config);
        if (capture)
        {
            d.withRiskFeatureCapture();
        }
        else
        {
            assertEquals(ResultCode.OK, d.merchant(1, 10, 500, 200, 0, true));
            assertEquals(ResultCode.OK, d.terminal(11, 1));
        }
        for (long merchant = 2; merchant <= merchants; merchant++)
        {
            // Every third shop gives no points: a sale makes its pair whatever the points.
            assertEquals(ResultCode.OK, d.merchant(merchant, merchant % 3 == 0 ? 0 : 10, 500, 200, 0, true));
            assertEquals(ResultCode.OK, d.terminal(merchant * 10 + 1, merchant));
        }
        assertEquals(ResultCode.OK, d.consumer(1, 1));
        assertEquals(ResultCode.OK, d.topUp(1, 1, 100_000_000));
        return d;
    }

    private long[] pay(final EngineDriver d, final long merchant)
    {
        final long before = d.sequence;
        assertEquals(ResultCode.OK, d.pay(merchant, merchant * 10 + 1, ++paymentId, 1, 2_500));
        assertEquals(before + 1, d.engine.lastRiskFeatures(x), "features of this payment");
        return x;
    }

    /**
     * A consumer that paid 40 shops pays 60 more: each reads new (88 = 1) at its first payment and known (0) at its
     * second, where feature 61's 64-bit set, with most of its bits set, reads "paid here before" at some new shops.
     */
    @Test
    void exactWhereTheHashedMerchantSetIsNot()
    {
        final EngineDriver d = engine(EngineConfig.small(), 101, true);
        for (long merchant = 2; merchant <= 41; merchant++)
        {
            pay(d, merchant);
            assertEquals(1, x[RiskFeatures.NEW_SHOP_EXACT], "shop " + merchant + " first");
        }
        int hashedSaysPaid = 0;
        for (long merchant = 42; merchant <= 101; merchant++)
        {
            pay(d, merchant);
            assertEquals(1, x[RiskFeatures.NEW_SHOP_EXACT], "shop " + merchant + " after 40 others");
            hashedSaysPaid += x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER] == 0 ? 1 : 0;
            pay(d, merchant);
            assertEquals(0, x[RiskFeatures.NEW_SHOP_EXACT], "shop " + merchant + " again");
            assertEquals(0, x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER], "61 never says new for a shop paid");
        }
        assertTrue(hashedSaysPaid >= 10, "61 read 'paid before' at " + hashedSaysPaid + " of 60 new shops");
        for (long merchant = 2; merchant <= 101; merchant += 7)
        {
            pay(d, merchant);
            assertEquals(0, x[RiskFeatures.NEW_SHOP_EXACT], "shop " + merchant + " (in the pair map past 8)");
        }
    }

    /**
     * Which sales make a pair: a settled one (a Pay, a confirmed Try); not a Try held or cancelled. A refund, a pool
     * distribution and a restore do not take it back; a sale settled while the risk checks were off counts (feature
     * 61's set did not learn it); a redemption reads -1.
     */
    @Test
    void aSettledSaleMakesThePairAndNothingTakesItBack()
    {
        final EngineDriver d = engine(EngineConfig.small(), 8, false);
        assertEquals(ResultCode.OK, d.pay(2, 21, ++paymentId, 1, 2_500), "risk off: no features");
        final long paidAtTwo = paymentId;
        d.engine.captureRiskFeatures(true);
        assertEquals(ResultCode.OK, d.riskRule(0, RiskRules.DAILY_LIMIT, RiskMode.SHADOW, RiskAction.DECLINE,
            1_000_000_000, 0, 0));
        pay(d, 2);
        assertEquals(0, x[RiskFeatures.NEW_SHOP_EXACT], "paid while risk was off");
        assertEquals(1, x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER], "61's set did not learn it");

        assertEquals(ResultCode.OK, d.tryPay(3, 31, ++paymentId, 1, 2_500, 60_000));
        final long held = paymentId;
        pay(d, 3);
        assertEquals(1, x[RiskFeatures.NEW_SHOP_EXACT], "a Try held is not a sale");
        assertEquals(ResultCode.OK, d.tryPay(4, 41, ++paymentId, 1, 2_500, 60_000));
        assertEquals(ResultCode.OK, d.cancel(4, 41, paymentId));
        pay(d, 4);
        assertEquals(1, x[RiskFeatures.NEW_SHOP_EXACT], "a Try cancelled is not a sale");
        assertEquals(ResultCode.OK, d.tryPay(5, 51, ++paymentId, 1, 2_500, 60_000));
        assertEquals(ResultCode.OK, d.confirm(5, 51, paymentId));
        pay(d, 5);
        assertEquals(0, x[RiskFeatures.NEW_SHOP_EXACT], "a Try confirmed is");
        assertEquals(ResultCode.OK, d.confirm(3, 31, held));

        assertEquals(ResultCode.OK, d.refund(2, 21, paidAtTwo, 1, 2_500), "the first sale refunded in full");
        pay(d, 2);
        assertEquals(0, x[RiskFeatures.NEW_SHOP_EXACT], "a refund does not take the pair back");
        assertEquals(ResultCode.OK, d.distribute(2, 1, 100));
        for (int tick = 0; tick < 5; tick++)
        {
            d.advanceMs(MINUTE_MS);
            assertEquals(ResultCode.OK, d.tick());
        }
        pay(d, 2);
        assertEquals(0, x[RiskFeatures.NEW_SHOP_EXACT], "nor a pool distribution");
        final EngineDriver restored = d.restoredFromSnapshot(EngineConfig.small());
        restored.engine.captureRiskFeatures(true);
        for (final long merchant : new long[]{2, 3, 5})
        {
            pay(restored, merchant);
            assertEquals(0, x[RiskFeatures.NEW_SHOP_EXACT], "shop " + merchant + " after a restore");
        }
        pay(restored, 6);
        assertEquals(1, x[RiskFeatures.NEW_SHOP_EXACT], "shop 6 after a restore");

        assertEquals(ResultCode.OK, restored.rules(1, 10, 500, 200, 0, true, DistributionMode.VOUCHER, 10, 100,
            24 * 60 * MINUTE_MS));
        pay(restored, 1);
        final long before = restored.sequence;
        assertEquals(ResultCode.OK, restored.redeem(1, 1, 1));
        assertEquals(before + 1, restored.engine.lastRiskFeatures(x), "features of the redemption");
        assertEquals(-1, x[RiskFeatures.NEW_SHOP_EXACT], "a redemption");
        assertEquals(-1, x[RiskFeatures.EVENTED_EXACT_NEW_SHOP_TRACES], "a redemption");
    }

    /** A payment that needs a new pair when the pair book is full is refused before the risk checks see it. */
    @Test
    void aFullPairBookRefusesANewShopBeforeTheRiskChecks()
    {
        final EngineDriver d = engine(EngineConfig.small().consumptionPairsMax(3), 5, true);
        pay(d, 2);
        pay(d, 3);
        pay(d, 4);
        final long scored = d.engine.lastRiskFeatures(x);
        assertEquals(ResultCode.LIMIT_CONSUMPTION_PAIRS, d.pay(5, 51, ++paymentId, 1, 2_500));
        assertEquals(scored, d.engine.lastRiskFeatures(x), "not scored");
        pay(d, 3);
        assertEquals(0, x[RiskFeatures.NEW_SHOP_EXACT], "a known shop still pays and reads known");
    }

    @Test
    void feature89IsTheTracesOnlyWhenAnEventAndAnExactNewShopMeet()
    {
        final long[] features = new long[RiskFeatures.COUNT];
        for (long kinds = 0; kinds <= 4; kinds++)
        {
            for (long newShop = -1; newShop <= 1; newShop++)
            {
                for (long hashedNew = 0; hashedNew <= 1; hashedNew++)
                {
                    for (long traces = 0; traces <= 10; traces++)
                    {
                        features[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] = kinds;
                        features[RiskFeatures.NEW_SHOP_EXACT] = newShop;
                        features[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER] = hashedNew;
                        features[RiskFeatures.TAKEOVER_TRACES] = traces;
                        assertEquals(kinds >= 1 && newShop == 1 ? traces : -1,
                            RiskFeatures.eventedExactNewShopTraces(features),
                            kinds + " kinds, new shop " + newShop + "/" + hashedNew + ", traces " + traces);
                    }
                }
            }
        }
    }

    private static int treesMessage(final EngineDriver e, final long traces)
    {
        return e.encoder.setRiskModelTrees(e.command, 0, RiskModelSlot.ACTIVE, VERSION, 0, 1,
            new int[]{RiskFeatures.EVENTED_EXACT_NEW_SHOP_TRACES, RiskFeatures.NEW_SHOP_EXACT,
                RiskFeatures.NEW_SHOP_EXACT},
            new long[]{traces, 0, 0}, new int[]{0, 0, 5_000, 5_000});
    }

    /**
     * A build of schema 15 refused a tree naming feature 88 or 89 (RISK_MODEL_INVALID), so a journal of schema 15
     * naming one replays to the same refusal and state; from schema 16 it loads, and the model declines by it.
     */
    @Test
    void aModelNamesTheFeaturesFromSchema16AndDecidesByThem()
    {
        final EngineDriver d = engine(EngineConfig.small(), 4, true);
        EnforcedFeatureChecks.assertNamedFromSchema(d, VERSION, 16, e -> treesMessage(e, 0));

        assertEquals(ResultCode.OK, d.pay(2, 21, ++paymentId, 1, 2_500), "a new shop without an event");
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.PHONE_REBOUND));
        d.advanceMs(MINUTE_MS);
        assertEquals(ResultCode.OK, d.pay(2, 21, ++paymentId, 1, 2_500), "an event, then a shop it paid before");
        assertEquals(ResultCode.RISK_MODEL_SCORE, d.pay(3, 31, ++paymentId, 1, 2_500),
            "an event, then a shop new to the account");
        assertEquals(ResultCode.RISK_MODEL_SCORE, d.pay(3, 31, ++paymentId, 1, 2_500),
            "declined there: still no sale settled, still new");
    }

    /**
     * Determinism: consumers paying many shops each (most past their 8-pair line, so the pair map answers) and account
     * events, with a model enforcing feature 89: byte-identical replies on a twin and on an engine restored from a
     * snapshot half-way (its pair lines rebuilt in shop order), equal features and state hashes; 88 reads new and
     * known on a good share of payments and 89 decides on part of them.
     */
    @Test
    void aTwinAndARestoredEngineDecideAlike()
    {
        final int merchants = 30;
        final int consumers = 40;
        final AccountEventKind[] kinds = AccountEventKind.values();
        final int[] newAndKnown = new int[2];
        final int[] declined = new int[1];
        EnforcedFeatureChecks.assertTwinAndRestoredDecideAlike(88, e ->
        {
            for (long merchant = 1; merchant <= merchants; merchant++)
            {
                assertEquals(ResultCode.OK, e.merchant(merchant, 10, 500, 200, 0, true));
                assertEquals(ResultCode.OK, e.terminal(merchant * 10 + 1, merchant));
            }
            for (long consumer = 1; consumer <= consumers; consumer++)
            {
                assertEquals(ResultCode.OK, e.consumer(consumer, 1 + consumer % merchants));
                assertEquals(ResultCode.OK, e.topUp(consumer, consumer, 50_000_000));
            }
            EnforcedFeatureChecks.loadEnforcedModel(e, VERSION, m -> treesMessage(m, 4));
        }, (live, random, input) ->
        {
            live.advanceMs(random.nextInt(10 * 60_000));
            final long consumer = 1 + random.nextInt(consumers);
            if (random.nextInt(10) == 0)
            {
                return new EnforcedFeatureChecks.Input(
                    live.encoder.accountEvent(live.command, 0, consumer, kinds[random.nextInt(kinds.length)]), false);
            }
            final long merchant = 1 + random.nextInt(merchants);
            return new EnforcedFeatureChecks.Input(live.encoder.pay(live.command, 0, merchant, merchant * 10 + 1, input,
                consumer, 100 + random.nextInt(20_000)), true);
        }, (features, code) ->
        {
            newAndKnown[(int)features[RiskFeatures.NEW_SHOP_EXACT]]++;
            declined[0] += code == ResultCode.RISK_MODEL_SCORE ? 1 : 0;
        });
        assertTrue(newAndKnown[0] > 1_000 && newAndKnown[1] > 300 && declined[0] > 100 && declined[0] < newAndKnown[1],
            "known " + newAndKnown[0] + ", new " + newAndKnown[1] + ", declined by 89 " + declined[0]);
    }
}
