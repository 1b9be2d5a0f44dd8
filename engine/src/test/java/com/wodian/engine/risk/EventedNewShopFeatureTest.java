package com.wodian.engine.risk;

import com.wodian.engine.AllocationPhases;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;
import com.wodian.protocol.sbe.AccountEventKind;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feature 87, {@link RiskFeatures#EVENTED_NEW_SHOP_TRACES} (docs/risk.md "Account events"): an account event of the
 * last 7 days counted only at a shop new to the account, valued by the payment's takeover traces; named by a model
 * from schema 14 on; deciding alike on a twin, a restored engine and a replay; scored without allocating.
 */
class EventedNewShopFeatureTest
{
    private static final long MINUTE_MS = 60_000L;
    private static final long WEEK_MS = 7 * 24 * 60 * MINUTE_MS;
    private static final int VERSION = 47;
    private EngineDriver d;
    private final long[] x = new long[RiskFeatures.COUNT];
    private long paymentId;

    @BeforeEach
    void setUp()
    {
        // Merchant 1 (terminal 11) from the capture set-up; merchants 2-6 with terminals 21-61, all new to consumer 1.
        d = new EngineDriver(EngineConfig.small()).withRiskFeatureCapture();
        for (long merchant = 2; merchant <= 6; merchant++)
        {
            assertEquals(ResultCode.OK, d.merchant(merchant, 10, 500, 200, 0, true));
            assertEquals(ResultCode.OK, d.terminal(merchant * 10 + 1, merchant));
        }
        assertEquals(ResultCode.OK, d.consumer(1, 1));
        assertEquals(ResultCode.OK, d.topUp(1, 1, 10_000_000));
    }

    private long[] pay(final long merchant)
    {
        final long before = d.sequence;
        assertEquals(ResultCode.OK, d.pay(merchant, merchant * 10 + 1, ++paymentId, 1, 2_500));
        assertEquals(before + 1, d.engine.lastRiskFeatures(x), "features of this payment");
        return x;
    }

    @Test
    void anEventCountsOnlyAtAShopNewToTheAccountAndCarriesItsTraces()
    {
        pay(1);
        assertEquals(-1, x[RiskFeatures.EVENTED_NEW_SHOP_TRACES], "no event");
        pay(2);
        assertEquals(1, x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER]);
        assertEquals(-1, x[RiskFeatures.EVENTED_NEW_SHOP_TRACES], "a new shop, but no event");

        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.DEVICE_BOUND));
        d.advanceMs(60 * MINUTE_MS);
        pay(1);
        assertEquals(1, x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D]);
        assertEquals(0, x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER]);
        assertEquals(-1, x[RiskFeatures.EVENTED_NEW_SHOP_TRACES], "a new phone, then the usual shop: not lit");

        pay(3);
        assertEquals(1, x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER]);
        assertTrue(x[RiskFeatures.TAKEOVER_TRACES] >= 1, "a new shop is a new till: " + x[RiskFeatures.TAKEOVER_TRACES]);
        assertEquals(x[RiskFeatures.TAKEOVER_TRACES], x[RiskFeatures.EVENTED_NEW_SHOP_TRACES],
            "an event this week at a shop new to the account: its traces");
        pay(3);
        assertEquals(-1, x[RiskFeatures.EVENTED_NEW_SHOP_TRACES], "the same shop again: no longer new");

        // The event was 60 minutes before the payment at shop 3; 7 days after the event less a minute it still counts.
        d.advanceMs(WEEK_MS - 61 * MINUTE_MS);
        pay(4);
        assertEquals(1, x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D]);
        assertEquals(x[RiskFeatures.TAKEOVER_TRACES], x[RiskFeatures.EVENTED_NEW_SHOP_TRACES], "6 days 23:59 after");
        d.advanceMs(MINUTE_MS);
        pay(5);
        assertEquals(1, x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER]);
        assertEquals(0, x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D]);
        assertEquals(-1, x[RiskFeatures.EVENTED_NEW_SHOP_TRACES], "7 days after the event: not lit");

        // A redemption has no payment to trace: -1, whatever the events.
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.CREDENTIAL_RESET));
        assertEquals(ResultCode.OK, d.rules(1, 10, 500, 200, 0, true, DistributionMode.VOUCHER, 10, 100,
            24 * 60 * MINUTE_MS));
        pay(1);
        d.advanceMs(MINUTE_MS);
        final long before = d.sequence;
        assertEquals(ResultCode.OK, d.redeem(1, 1, 1));
        assertEquals(before + 1, d.engine.lastRiskFeatures(x), "features of the redemption");
        assertEquals(1, x[RiskFeatures.IS_REDEMPTION]);
        assertEquals(-1, x[RiskFeatures.EVENTED_NEW_SHOP_TRACES], "a redemption");
    }

    @Test
    void theFeatureIsTheTracesOnlyWhenBothGatesAreOpen()
    {
        final long[] features = new long[RiskFeatures.COUNT];
        for (long kinds = 0; kinds <= 4; kinds++)
        {
            for (long newShop = 0; newShop <= 1; newShop++)
            {
                for (long traces = 0; traces <= 10; traces++)
                {
                    features[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] = kinds;
                    features[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER] = newShop;
                    features[RiskFeatures.TAKEOVER_TRACES] = traces;
                    final long expected = kinds >= 1 && newShop == 1 ? traces : -1;
                    assertEquals(expected, RiskFeatures.eventedNewShopTraces(features),
                        kinds + " kinds, new shop " + newShop + ", traces " + traces);
                }
            }
        }
    }

    private static int treesMessage(final EngineDriver e, final long traces)
    {
        return e.encoder.setRiskModelTrees(e.command, 0, RiskModelSlot.ACTIVE, VERSION, 0, 1,
            new int[]{RiskFeatures.EVENTED_NEW_SHOP_TRACES, RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT},
            new long[]{traces, 0, 0}, new int[]{0, 0, 5_000, 5_000});
    }

    /**
     * A build of schema 13 refused a tree naming feature 87 (RISK_MODEL_INVALID), so a journal of schema 13 naming it
     * replays to the same refusal and the same state; from schema 14 it loads, and the model declines by it.
     */
    @Test
    void aModelNamesTheFeatureFromSchema14AndDecidesByIt()
    {
        EnforcedFeatureChecks.assertNamedFromSchema(d, VERSION, 14, e -> treesMessage(e, 0));

        assertEquals(ResultCode.OK, d.pay(2, 21, ++paymentId, 1, 2_500), "a new shop without an event");
        assertEquals(ResultCode.OK, d.accountEvent(1, AccountEventKind.PHONE_REBOUND));
        d.advanceMs(MINUTE_MS);
        assertEquals(ResultCode.OK, d.pay(2, 21, ++paymentId, 1, 2_500), "an event, then a shop it paid before");
        assertEquals(ResultCode.RISK_MODEL_SCORE, d.pay(3, 31, ++paymentId, 1, 2_500),
            "an event, then a shop new to the account");
    }

    /**
     * Determinism: a stream of payments at shops old and new and account events, with a model enforcing feature 87,
     * gives byte-identical replies on a twin (the journal replayed) and on an engine restored from a snapshot taken
     * half-way, and the same state hash at the end; the feature is lit, and decides, on part of the payments.
     */
    @Test
    void aTwinAndARestoredEngineDecideAlike()
    {
        final AccountEventKind[] kinds = AccountEventKind.values();
        final int[] litAndDeclined = new int[2];
        EnforcedFeatureChecks.assertTwinAndRestoredDecideAlike(87, e ->
        {
            for (long merchant = 1; merchant <= 12; merchant++)
            {
                assertEquals(ResultCode.OK, e.merchant(merchant, 10, 500, 200, 0, true));
                assertEquals(ResultCode.OK, e.terminal(merchant * 10 + 1, merchant));
            }
            for (long consumer = 1; consumer <= 100; consumer++)
            {
                assertEquals(ResultCode.OK, e.consumer(consumer, 1 + consumer % 12));
                assertEquals(ResultCode.OK, e.topUp(consumer, consumer, 50_000_000));
            }
            EnforcedFeatureChecks.loadEnforcedModel(e, VERSION, m -> treesMessage(m, 4));
        }, (live, random, input) ->
        {
            live.advanceMs(random.nextInt(20 * 60_000));
            final long consumer = 1 + random.nextInt(100);
            if (random.nextInt(8) == 0)
            {
                return new EnforcedFeatureChecks.Input(
                    live.encoder.accountEvent(live.command, 0, consumer, kinds[random.nextInt(kinds.length)]), false);
            }
            final long merchant = 1 + random.nextInt(12);
            return new EnforcedFeatureChecks.Input(live.encoder.pay(live.command, 0, merchant, merchant * 10 + 1, input,
                consumer, 100 + random.nextInt(200_000)), true);
        }, (features, code) ->
        {
            litAndDeclined[0] += features[RiskFeatures.EVENTED_NEW_SHOP_TRACES] >= 0 ? 1 : 0;
            litAndDeclined[1] += code == ResultCode.RISK_MODEL_SCORE ? 1 : 0;
        });
        final int lit = litAndDeclined[0];
        final int declined = litAndDeclined[1];
        assertTrue(lit > 50 && declined > 10 && declined < lit,
            "lit on " + lit + " payments, " + declined + " declined by it");
    }

    /**
     * The engine thread allocates nothing per command (README): Pays of consumers with account events, at shops new
     * to them (lit) and known, scored by a model that reads feature 87, and further AccountEvents; after a warm
     * stretch, phases of {@value #PHASE_COMMANDS} commands are measured on this thread (at most 8) and one must
     * allocate under one byte per command (as AccountEventFeaturesTest: a real allocation per command shows in every
     * phase).
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 300, unit = java.util.concurrent.TimeUnit.SECONDS)
    void scoringFeature87AllocatesNothing()
    {
        final EngineDriver e = new EngineDriver(EngineConfig.small().keysMax(4_096).keyRetentionMs(0)
            .consumptionPairsMax(400_000));
        final int merchants = 64;
        final int consumers = 4_096;
        for (long m = 1; m <= merchants; m++)
        {
            assertEquals(ResultCode.OK, e.merchant(m, 10, 500, 200, 100, true));
            assertEquals(ResultCode.OK, e.terminal(m * 10 + 1, m));
        }
        for (long c = 1; c <= consumers; c++)
        {
            assertEquals(ResultCode.OK, e.consumer(c, 1 + c % merchants));
            assertEquals(ResultCode.OK, e.topUp(c, c, 100_000_000));
            assertEquals(ResultCode.OK, e.accountEvent(c, AccountEventKind.DEVICE_BOUND));
        }
        e.engine.captureRiskFeatures(true);
        EnforcedFeatureChecks.loadEnforcedModel(e, VERSION, m -> treesMessage(m, 6));
        final AccountEventKind[] kinds = AccountEventKind.values();
        final long[] features = new long[RiskFeatures.COUNT];
        final long[] next = {0};
        final long[] lit = {0};
        final Runnable command = () ->
        {
            final long n = ++next[0];
            // Every consumer meets every shop in turn: a pair's first payment is at a shop new to the account.
            final long consumer = 1 + n % consumers;
            final long merchant = 1 + (n / consumers) % merchants;
            e.advanceMs(1_000);
            if (n % 5 == 0)
            {
                e.accountEvent(consumer, kinds[(int)(n % AccountEventBook.KINDS)]);
            }
            else
            {
                e.pay(merchant, merchant * 10 + 1, n, consumer, 100 + n % 1_000);
                e.engine.lastRiskFeatures(features);
                lit[0] += features[RiskFeatures.EVENTED_NEW_SHOP_TRACES] >= 0 ? 1 : 0;
            }
        };
        AllocationPhases.warm(command, 3 * PHASE_COMMANDS);
        final AllocationPhases measured = AllocationPhases.measure(command, PHASE_COMMANDS, () -> lit[0]);
        assertTrue(measured.underOneBytePer(PHASE_COMMANDS), measured.describe(PHASE_COMMANDS, "commands"));
        assertTrue(measured.countedInLastPhase > PHASE_COMMANDS / 10, "feature 87 lit on " +
            measured.countedInLastPhase + " payments of that phase");
        assertTrue(RiskAccess.of(e.engine).models.active.scored() > 3L * PHASE_COMMANDS, "the model scored them");
    }

    private static final int PHASE_COMMANDS = 20_000;
}
