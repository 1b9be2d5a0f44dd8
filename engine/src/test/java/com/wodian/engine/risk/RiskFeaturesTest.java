package com.wodian.engine.risk;

import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;

import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.MerchantTrade;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The scoring model's features as the engine computes them for a payment, from the profiles before the payment:
 * exact values for a small scripted history (a rule in shadow keeps the profiles learning; the features are
 * captured as a training tool would).
 */
class RiskFeaturesTest
{
    private static final long HOUR_MS = 3_600_000L;
    private EngineDriver d;
    private final long[] x = new long[RiskFeatures.COUNT];
    private long paymentId;

    @BeforeEach
    void setUp()
    {
        // Merchant 1: cafe in area 310101, alliance member (home of consumer 1), terminal 11; merchant 2: electronics in
        // 440300, terminal 21.
        d = new EngineDriver(EngineConfig.small()).withRiskFeatureCapture();
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 2, 10, 500, 200, 0, true,
            MerchantTrade.ELECTRONICS, 440_300)));
        assertEquals(ResultCode.OK, d.terminal(21, 2));
        d.advanceMs(10 * HOUR_MS);
        assertEquals(ResultCode.OK, d.consumer(1, 1));
        assertEquals(ResultCode.OK, d.consumer(2, 0));
    }

    private long[] pay(final long merchantId, final long terminalId, final long consumerId, final long amountFen)
    {
        final long before = d.sequence;
        assertEquals(ResultCode.OK, d.pay(merchantId, terminalId, ++paymentId, consumerId, amountFen));
        assertEquals(before + 1, d.engine.lastRiskFeatures(x), "features of this payment");
        return x;
    }

    @Test
    void consumerMerchantTerminalAndTradeFeatures()
    {
        assertEquals(ResultCode.OK, d.topUp(1, 1, 1_000_000));
        d.advanceMs(30 * 60_000);
        pay(1, 11, 1, 2_500);
        assertEquals(AmountStats.log16(2_500), x[RiskFeatures.LOG_AMOUNT]);
        assertEquals(AmountStats.NO_HISTORY, x[RiskFeatures.AMOUNT_VS_CONSUMER], "no history yet");
        assertEquals(1, x[RiskFeatures.FIRST_TIME_PAIR]);
        assertEquals(0, x[RiskFeatures.ACCOUNT_AGE_HOURS]);
        assertEquals(10, x[RiskFeatures.MERCHANT_AGE_HOURS]);
        assertEquals(30, x[RiskFeatures.MINUTES_SINCE_TOP_UP]);
        assertEquals(2, x[RiskFeatures.WALLET_SHARE_PERMILLE], "25 yuan of 10,000: 2.5 per mille");
        assertEquals(1, x[RiskFeatures.AREA_MATCHES_HOME], "the home merchant's area");
        assertEquals(-1, x[RiskFeatures.AREA_MATCHES_LAST], "no payment before");
        assertEquals(1, x[RiskFeatures.NEW_TRADE_FOR_CONSUMER]);
        assertEquals(1, x[RiskFeatures.OWN_RECRUIT]);
        assertEquals(MerchantTrade.CAFE.value(), x[RiskFeatures.TRADE]);
        assertEquals(1, x[RiskFeatures.AMOUNT_ROUNDNESS], "25 yuan: whole yuan");
        assertEquals(-1, x[RiskFeatures.MINUTES_SINCE_LAST_PAYMENT]);

        d.advanceMs(2 * HOUR_MS);
        pay(1, 11, 1, 2_500);
        assertEquals(0, x[RiskFeatures.FIRST_TIME_PAIR], "seen at this terminal");
        assertEquals(0, x[RiskFeatures.AMOUNT_VS_CONSUMER], "the same amount as the mean");
        assertEquals(0, x[RiskFeatures.AMOUNT_VS_MERCHANT]);
        assertEquals(0, x[RiskFeatures.NEW_TRADE_FOR_CONSUMER]);
        assertEquals(1, x[RiskFeatures.AREA_MATCHES_LAST]);
        assertEquals(120, x[RiskFeatures.MINUTES_SINCE_LAST_PAYMENT]);
        assertEquals(2, x[RiskFeatures.ACCOUNT_AGE_HOURS]);
        assertEquals(1, x[RiskFeatures.AT_LAST_PAYMENT_SHOP]);
        assertEquals(1, x[RiskFeatures.CONSUMER_TRADES_EVER]);
        assertEquals(1, x[RiskFeatures.CONSUMER_MERCHANTS_EVER]);
        assertEquals(32, x[RiskFeatures.MERCHANT_NARROW_CUSTOMER_SHARE], "1024 / 32: one narrow customer's payment");

        // Forty times the usual at an electronics shop in another city, 100,000 yuan... of 10,000 in the wallet.
        d.advanceMs(60_000);
        d.pay(2, 21, ++paymentId, 1, 100_000_00L);
        d.engine.lastRiskFeatures(x);
        assertEquals(4, x[RiskFeatures.AMOUNT_ROUNDNESS], "100,000 yuan: thousands");
        assertEquals((AmountStats.log16(100_000_00L) - AmountStats.log16(2_500)) * 16 -
            (AmountStats.log16(2_500) * 16 - AmountStats.log16(2_500) * 16), x[RiskFeatures.AMOUNT_VS_CONSUMER]);
        assertEquals(0, x[RiskFeatures.AREA_MATCHES_HOME]);
        assertEquals(0, x[RiskFeatures.AREA_MATCHES_LAST]);
        assertEquals(1, x[RiskFeatures.NEW_TRADE_FOR_CONSUMER]);
        assertEquals(2_000, x[RiskFeatures.WALLET_SHARE_PERMILLE], "more than the wallet: capped");
        assertEquals(1, x[RiskFeatures.RECRUITED_BY_OTHER]);
    }

    @Test
    void terminalSharesOfNewPairsYoungAccountsAndOtherAreas()
    {
        for (long c = 10; c < 40; c++)
        {
            assertEquals(ResultCode.OK, d.consumer(c, 2));
            assertEquals(ResultCode.OK, d.topUp(c, 100 + c, 100_000));
        }
        long newPairShare = 0;
        for (long c = 10; c < 40; c++)
        {
            d.advanceMs(20_000);
            pay(1, 11, c, 1_000);
            assertTrue(x[RiskFeatures.TERMINAL_NEW_PAIR_SHARE] >= newPairShare, "only new pairs so far");
            newPairShare = x[RiskFeatures.TERMINAL_NEW_PAIR_SHARE];
        }
        assertTrue(newPairShare > 800, "thirty first-time consumers in a row: " + newPairShare);
        assertTrue(x[RiskFeatures.TERMINAL_YOUNG_SHARE] > 800, "all accounts hours old");
        assertTrue(x[RiskFeatures.TERMINAL_OTHER_AREA_SHARE] > 800, "all brought in by the Shenzhen shop");
        assertTrue(x[RiskFeatures.MERCHANT_YOUNG_SHARE] > 500, "slower (alpha 1/32), over all tills");
        assertTrue(x[RiskFeatures.MERCHANT_OTHER_AREA_SHARE] > 500);
        assertTrue(x[RiskFeatures.MERCHANT_NARROW_CUSTOMER_SHARE] > 500, "every customer new to all shops");
        assertTrue(x[RiskFeatures.TERMINAL_DISTINCT_CONSUMERS] >= 15, "many distinct consumers in 10-20 min");
        assertEquals(x[RiskFeatures.AMOUNT_VS_TERMINAL], 0, "the terminal's usual amount");
    }

    /**
     * A fence: consumers with money in the wallet and no top-up for days spend most of it at a shop they never paid
     * (features 57, 58 and the group features without a model: 0).
     */
    @Test
    void merchantDrainAndOwnRecruitShares()
    {
        assertEquals(ResultCode.OK, d.topUp(2, 1, 100_000));
        d.advanceMs(30 * HOUR_MS);
        pay(2, 21, 2, 50_000);
        assertEquals(0, x[RiskFeatures.MERCHANT_DRAIN_SHARE], "nothing learnt before the first payment");
        pay(2, 21, 2, 10_000);
        assertEquals(64, x[RiskFeatures.MERCHANT_DRAIN_SHARE], "half the wallet, new shop, top-up 30 h ago: 1024/16");
        assertEquals(0, x[RiskFeatures.MERCHANT_OWN_RECRUIT_SHARE], "consumer 2 has no home shop");
        assertEquals(0, x[RiskFeatures.MERCHANT_SUSPICIOUS_SHARE], "no model: nothing is suspicious");
        assertEquals(-1, x[RiskFeatures.HOME_RECRUITS_SUSPICIOUS_SHARE], "no home shop");
        pay(2, 21, 2, 10_000);
        assertEquals(60, x[RiskFeatures.MERCHANT_DRAIN_SHARE], "a fifth of the rest at a shop it paid before: decays");

        assertEquals(ResultCode.OK, d.topUp(1, 2, 100_000));
        pay(1, 11, 1, 50_000);
        pay(1, 11, 1, 1_000);
        assertEquals(0, x[RiskFeatures.MERCHANT_DRAIN_SHARE], "half the wallet, but topped up just before");
        assertEquals(16, x[RiskFeatures.MERCHANT_OWN_RECRUIT_SHARE], "its own recruit: 1024/64");
        assertEquals(0, x[RiskFeatures.HOME_RECRUITS_SUSPICIOUS_SHARE], "a home shop, nothing suspicious");
    }

    @Test
    void walletShareOfTheShopsNewCustomersSurvivesASnapshot()
    {
        assertEquals(ResultCode.OK, d.topUp(2, 1, 100_000));
        assertEquals(ResultCode.OK, d.topUp(1, 2, 100_000));
        pay(2, 21, 2, 50_000);
        assertEquals(0, x[RiskFeatures.MERCHANT_NEW_PAYER_WALLET_SHARE], "nothing learnt before the first payment");
        pay(2, 21, 2, 10_000);
        assertEquals(31, x[RiskFeatures.MERCHANT_NEW_PAYER_WALLET_SHARE], "a new customer spent 500 per mille: /16");
        pay(2, 21, 1, 25_000);
        assertEquals(31, x[RiskFeatures.MERCHANT_NEW_PAYER_WALLET_SHARE], "consumer 2 had paid here: not learnt");
        pay(2, 21, 1, 1_000);
        assertEquals(44, x[RiskFeatures.MERCHANT_NEW_PAYER_WALLET_SHARE], "(2000 + (16000 - 2000) / 16) / 64");
        pay(1, 11, 2, 1_000);
        assertEquals(0, x[RiskFeatures.MERCHANT_NEW_PAYER_WALLET_SHARE], "another shop learnt nothing yet");

        final com.wodian.engine.MemorySnapshot snapshot = new com.wodian.engine.MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final com.wodian.engine.Engine restored = new com.wodian.engine.Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
        final MerchantProfileBook merchants = RiskAccess.of(restored).features.merchantProfiles;
        assertEquals(44, merchants.newPayerWalletPerMille(1), "restored: merchant 2 (index 1)");
        final long hash = restored.stateHash();
        merchants.recordNewPayerWallet(1, 1_000);
        assertNotEquals(hash, restored.stateHash(), "the share is in the state hash");
        final String problem = com.wodian.engine.Engine.snapshotFormatProblem(com.wodian.engine.Engine.SNAPSHOT_MAGIC,
            11);
        assertTrue(problem != null && problem.contains("format 11"), "a format-11 snapshot is refused: " + problem);
    }

    @Test
    void newCustomersWalletShareIsCappedAndDecays()
    {
        final MerchantProfileBook merchants = new MerchantProfileBook(4);
        merchants.ensure(1);
        for (int i = 0; i < 300; i++)
        {
            merchants.recordNewPayerWallet(0, 5_000);
        }
        assertEquals(999, merchants.newPayerWalletPerMille(0), "capped at 1,000 per mille; the EWMA settles under");
        merchants.recordNewPayerWallet(0, 0);
        assertEquals(937, merchants.newPayerWalletPerMille(0), "an empty-handed new customer pulls it down by 1/16");
        for (int i = 0; i < 300; i++)
        {
            merchants.recordNewPayerWallet(0, -5);
        }
        assertEquals(0, merchants.newPayerWalletPerMille(0), "never below 0");
    }

    @Test
    void placeDayPartAndLocalFeatures()
    {
        // Merchant 3: another district of the same city (Shanghai 3101xx); merchant 4: another shop of the home area.
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 3, 10, 500, 200, 0, true,
            MerchantTrade.FASHION, 310_102)));
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 4, 10, 500, 200, 0, true,
            MerchantTrade.GROCERY, 310_101)));
        assertEquals(ResultCode.OK, d.terminal(31, 3));
        assertEquals(ResultCode.OK, d.terminal(41, 4));
        assertEquals(ResultCode.OK, d.topUp(1, 1, 10_000_000));
        pay(1, 11, 1, 2_500);
        assertEquals(-1, x[RiskFeatures.AREA_DISTANCE_USUAL], "no usual area before the first payment");
        assertEquals(0, x[RiskFeatures.AREA_DISTANCE_HOME], "at the home shop");
        assertEquals(1, x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER]);
        assertEquals(1, x[RiskFeatures.NEW_DAY_PART_FOR_CONSUMER]);
        assertEquals(AmountStats.NO_HISTORY, x[RiskFeatures.MERCHANT_AMOUNT_SPREAD]);
        d.advanceMs(60_000);
        pay(1, 11, 1, 2_500);
        assertEquals(0, x[RiskFeatures.AREA_DISTANCE_USUAL]);
        assertEquals(0, x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER], "paid here before");
        assertEquals(0, x[RiskFeatures.NEW_DAY_PART_FOR_CONSUMER], "paid in this part of the day before");
        assertEquals(16 * 16, x[RiskFeatures.MERCHANT_AMOUNT_SPREAD], "the first amount sets a deviation of 16 x16");
        d.advanceMs(60_000);
        pay(1, 11, 1, 2_500);
        d.advanceMs(60_000);
        pay(2, 21, 1, 100_000);
        assertEquals(2, x[RiskFeatures.AREA_DISTANCE_USUAL], "another city");
        assertEquals(2, x[RiskFeatures.AREA_DISTANCE_HOME]);
        d.advanceMs(6 * HOUR_MS);
        pay(3, 31, 1, 30_000);
        assertEquals(1, x[RiskFeatures.AREA_DISTANCE_USUAL], "usual area still the home district (3 votes to 1)");
        assertEquals(1, x[RiskFeatures.AREA_DISTANCE_HOME], "another district of the home city");
        assertEquals(1, x[RiskFeatures.NEW_DAY_PART_FOR_CONSUMER], "six hours later: a new part of the day");
        assertEquals(0, x[RiskFeatures.CONSUMER_LOCAL_OTHER_SHARE], "no payment at another shop of the home area");
        // Five payments at another shop of the home area: the local share 512 x (1 - (3/4)^5) x2 = 780 >= 768.
        final long[] expected = {0, 256, 448, 592, 700, 780};
        for (int i = 0; i < 6; i++)
        {
            d.advanceMs(60_000);
            pay(4, 41, 1, 1_000 + i);
            assertEquals(expected[i], x[RiskFeatures.CONSUMER_LOCAL_OTHER_SHARE], "payment " + i);
            assertEquals(0, x[RiskFeatures.MERCHANT_LOCALS_SHARE], "payment " + i);
        }
        d.advanceMs(60_000);
        pay(4, 41, 1, 1_000);
        assertEquals(1024 / 32, x[RiskFeatures.MERCHANT_LOCALS_SHARE], "one payment by a local");
        assertEquals(-1, RiskFeatures.areaDistance(0, 310_101));
    }

    @Test
    void homeShopAndLocalOtherPaymentsAndTheHomeAvoidersShare()
    {
        // Merchants 4 and 5: other shops of consumer 3's home district (its home shop is merchant 1, area 310101).
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 4, 10, 500, 200, 0, true,
            MerchantTrade.GROCERY, 310_101)));
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 5, 10, 500, 200, 0, true,
            MerchantTrade.RESTAURANT, 310_101)));
        assertEquals(ResultCode.OK, d.terminal(41, 4));
        assertEquals(ResultCode.OK, d.terminal(51, 5));
        assertEquals(ResultCode.OK, d.consumer(3, 1));
        assertEquals(ResultCode.OK, d.topUp(3, 1, 10_000_000));
        assertEquals(ResultCode.OK, d.topUp(2, 2, 10_000_000));
        pay(4, 41, 2, 1_000);
        assertEquals(-1, x[RiskFeatures.CONSUMER_HOME_SHOP_PAYMENTS], "no home shop");
        assertEquals(-1, x[RiskFeatures.CONSUMER_LOCAL_OTHER_PAYMENTS], "no home shop");
        for (int i = 0; i < 3; i++)
        {
            d.advanceMs(60_000);
            pay(4, 41, 3, 1_000);
            assertEquals(0, x[RiskFeatures.CONSUMER_HOME_SHOP_PAYMENTS], "payment " + i);
            assertEquals(i, x[RiskFeatures.CONSUMER_LOCAL_OTHER_PAYMENTS], "payment " + i);
        }
        d.advanceMs(60_000);
        pay(5, 51, 3, 1_000);
        assertEquals(3, x[RiskFeatures.CONSUMER_LOCAL_OTHER_PAYMENTS]);
        assertEquals(0, x[RiskFeatures.MERCHANT_HOME_AVOIDERS_SHARE], "the share learns after the payment");
        d.advanceMs(60_000);
        pay(5, 51, 3, 1_000);
        assertEquals(1024 / 32, x[RiskFeatures.MERCHANT_HOME_AVOIDERS_SHARE], "one payment by a home avoider");
        d.advanceMs(60_000);
        pay(1, 11, 3, 1_000);
        assertEquals(0, x[RiskFeatures.CONSUMER_HOME_SHOP_PAYMENTS], "first payment at the home shop");
        assertEquals(5, x[RiskFeatures.CONSUMER_LOCAL_OTHER_PAYMENTS], "the home shop is not another shop");
        d.advanceMs(60_000);
        pay(5, 51, 3, 1_000);
        assertEquals(1, x[RiskFeatures.CONSUMER_HOME_SHOP_PAYMENTS]);
        assertEquals(32 + (1024 - 32 >> 5), x[RiskFeatures.MERCHANT_HOME_AVOIDERS_SHARE], "two avoiders' payments");
        d.advanceMs(60_000);
        pay(5, 51, 3, 1_000);
        assertEquals(63 + (-63 >> 5), x[RiskFeatures.MERCHANT_HOME_AVOIDERS_SHARE], "paid at home: no longer one");
        for (int i = 0; i < 12; i++)
        {
            d.advanceMs(60_000);
            pay(4, 41, 3, 1_000);
        }
        assertEquals(ConsumerProfileBook.PAYMENTS_CAP, x[RiskFeatures.CONSUMER_LOCAL_OTHER_PAYMENTS], "saturates");
        assertEquals(1, x[RiskFeatures.CONSUMER_HOME_SHOP_PAYMENTS], "the other count's saturation stays apart");
        assertEquals(0, x[RiskFeatures.ACCOUNT_AGE_HOURS], "the counts share the registration time's word");
        d.advanceMs(5 * HOUR_MS);
        pay(4, 41, 3, 1_000);
        assertEquals(5, x[RiskFeatures.ACCOUNT_AGE_HOURS]);
    }

    @Test
    void paymentsPerMerchantAgainstTheShopsUsualPayers()
    {
        assertEquals(ResultCode.OK, d.topUp(2, 2, 10_000_000));
        pay(1, 11, 2, 1_000);
        assertEquals(-1, x[RiskFeatures.CONSUMER_PAYMENTS_PER_MERCHANT_X16], "no payment yet");
        assertEquals(0, x[RiskFeatures.MERCHANT_PAYER_REPEAT_X16]);
        assertEquals(AmountStats.NO_HISTORY, x[RiskFeatures.REPEAT_VS_MERCHANT_X16]);
        d.advanceMs(60_000);
        pay(1, 11, 2, 1_000);
        assertEquals(16, x[RiskFeatures.CONSUMER_PAYMENTS_PER_MERCHANT_X16], "one payment at one merchant");
        assertEquals(0, x[RiskFeatures.MERCHANT_PAYER_REPEAT_X16], "its first payer had no payment before");
        assertEquals(16, x[RiskFeatures.REPEAT_VS_MERCHANT_X16]);
        d.advanceMs(60_000);
        pay(1, 11, 2, 1_000);
        assertEquals(32, x[RiskFeatures.CONSUMER_PAYMENTS_PER_MERCHANT_X16]);
        assertEquals(0, x[RiskFeatures.MERCHANT_PAYER_REPEAT_X16], "16 x64 >> 5 = 32, below one unit (64)");
        d.advanceMs(60_000);
        pay(2, 21, 2, 1_000);
        assertEquals(48, x[RiskFeatures.CONSUMER_PAYMENTS_PER_MERCHANT_X16], "three payments, one merchant");
        assertEquals(0, x[RiskFeatures.MERCHANT_PAYER_REPEAT_X16], "merchant 2 has no payer yet");
        d.advanceMs(60_000);
        pay(1, 11, 2, 1_000);
        assertEquals(32, x[RiskFeatures.CONSUMER_PAYMENTS_PER_MERCHANT_X16], "four payments at two merchants");
        assertEquals(1, x[RiskFeatures.MERCHANT_PAYER_REPEAT_X16], "32 + (32 x64 - 32 >> 5) = 95, x64");
        assertEquals(31, x[RiskFeatures.REPEAT_VS_MERCHANT_X16]);
        assertEquals(10, x[RiskFeatures.MERCHANT_AGE_HOURS], "the average shares the registration time's word");
        for (int i = 0; i < 400; i++)
        {
            d.advanceMs(60_000);
            pay(1, 11, 2, 1_000);
        }
        assertEquals(16 * 404 / 2, x[RiskFeatures.CONSUMER_PAYMENTS_PER_MERCHANT_X16], "not capped itself");
        assertEquals(MerchantProfileBook.REPEAT_CAP_X16 - 1, x[RiskFeatures.MERCHANT_PAYER_REPEAT_X16],
            "the average learns at most the cap (and settles within 31/64 of it: x64, >> 5 truncates)");
        assertEquals(16, x[RiskFeatures.MERCHANT_AGE_HOURS], "the registration time is intact");
    }

    @Test
    void routesWalkedByAccountsOfTheSameHomeShop()
    {
        assertEquals(ResultCode.OK, d.consumer(3, 1));
        assertEquals(ResultCode.OK, d.topUp(1, 1, 10_000_000));
        assertEquals(ResultCode.OK, d.topUp(2, 2, 10_000_000));
        assertEquals(ResultCode.OK, d.topUp(3, 3, 10_000_000));
        pay(1, 11, 1, 1_000);
        assertEquals(-1, x[RiskFeatures.HOME_ROUTE_FLOW], "no previous shop");
        d.advanceMs(60_000);
        pay(2, 21, 1, 1_000);
        assertEquals(0, x[RiskFeatures.HOME_ROUTE_FLOW], "nobody of home shop 1 went from 1 to 2 yet");
        pay(1, 11, 2, 1_000);
        d.advanceMs(60_000);
        pay(2, 21, 2, 1_000);
        assertEquals(-1, x[RiskFeatures.HOME_ROUTE_FLOW], "no home shop");
        pay(1, 11, 3, 1_000);
        d.advanceMs(60_000);
        pay(2, 21, 3, 1_000);
        assertEquals(1, x[RiskFeatures.HOME_ROUTE_FLOW], "consumer 1 (same home shop) went 1 -> 2; consumer 2 has none");
        d.advanceMs(60_000);
        pay(1, 11, 3, 1_000);
        assertEquals(0, x[RiskFeatures.HOME_ROUTE_FLOW], "2 -> 1 is another route");
        d.advanceMs(60_000);
        pay(2, 21, 3, 1_000);
        assertEquals(2, x[RiskFeatures.HOME_ROUTE_FLOW], "its own earlier walk counts too");
        d.advanceMs(60_000);
        pay(2, 21, 3, 1_000);
        assertEquals(0, x[RiskFeatures.HOME_ROUTE_FLOW], "2 -> 2 (again at the same shop) is a route of its own");
        pay(1, 11, 1, 1_000);
        d.advanceMs(HomeRoutes.WEEK_MS);
        pay(2, 21, 1, 1_000);
        assertEquals(1, x[RiskFeatures.HOME_ROUTE_FLOW], "3 walks, one week later: halved (3 >> 1)");
        pay(1, 11, 1, 1_000);
        d.advanceMs(8 * HomeRoutes.WEEK_MS);
        pay(2, 21, 1, 1_000);
        assertEquals(0, x[RiskFeatures.HOME_ROUTE_FLOW], "eight weeks later: forgotten");
    }

    @Test
    void pointsHeldBeforeTheFirstPaymentAreKeptAndSurviveASnapshot()
    {
        assertEquals(ResultCode.OK, d.rules(1, 10, 500, 200, 0, true, DistributionMode.VOUCHER, 100, 500,
            24 * HOUR_MS));
        assertEquals(ResultCode.OK, d.adjust(1, 1, 5_000));   // consumer 1: migrated points
        assertEquals(ResultCode.OK, d.topUp(1, 1, 10_000_000));
        assertEquals(ResultCode.OK, d.topUp(2, 2, 10_000_000));     // consumer 2: never held a point
        pay(1, 11, 1, 100_000);
        assertEquals(AmountStats.log16(5_000), x[RiskFeatures.CONSUMER_START_POINTS_LOG16], "its balance now");
        pay(1, 11, 2, 100_000);
        assertEquals(0, x[RiskFeatures.CONSUMER_START_POINTS_LOG16], "no points before its first payment");
        d.advanceMs(60_000);
        assertEquals(ResultCode.OK, d.redeem(2, 1, 1));
        d.advanceMs(60_000);
        pay(1, 11, 2, 100_000);
        assertEquals(0, x[RiskFeatures.CONSUMER_START_POINTS_LOG16], "points earned since do not count");
        assertEquals(1, x[RiskFeatures.MINUTES_SINCE_REDEMPTION], "the redemption time shares the word");
        assertEquals(ResultCode.OK, d.adjust(1, 2, 1_000_000));
        pay(1, 11, 1, 1_000);
        assertEquals(AmountStats.log16(5_000), x[RiskFeatures.CONSUMER_START_POINTS_LOG16], "kept from the first");
        final com.wodian.engine.MemorySnapshot snapshot = new com.wodian.engine.MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final com.wodian.engine.Engine restored = new com.wodian.engine.Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
        assertEquals(AmountStats.log16(5_000), RiskAccess.of(restored).features.consumerProfiles.startPointsLog16(0),
            "restored");
    }

    @Test
    void accountsRegisteredTogetherAtOneHomeShopAreMarkedAndSurviveASnapshot()
    {
        // setUp registered consumer 1 (home 1) and 2 (no home) at the same time.
        d.advanceMs(RiskFeatures.REGISTERED_TOGETHER_SECONDS * 1000);
        assertEquals(ResultCode.OK, d.consumer(3, 1));        // 60 s after consumer 1: together
        assertEquals(ResultCode.OK, d.consumer(4, 2));        // first account of home 2
        d.advanceMs(RiskFeatures.REGISTERED_TOGETHER_SECONDS * 1000 + 1_000);
        assertEquals(ResultCode.OK, d.consumer(5, 1));        // 61 s after consumer 3: not together
        assertEquals(ResultCode.OK, d.consumer(6, 2));        // 61 s after consumer 4: not together
        assertEquals(ResultCode.OK, d.consumer(7, 0));        // no home shop
        assertEquals(ResultCode.OK, d.consumer(8, 0));
        final ConsumerProfileBook profiles = RiskAccess.of(d.engine).features.consumerProfiles;
        final long[] expected = {0, 0, 1, 0, 0, 0, 0, 0};
        for (int index = 0; index < expected.length; index++)
        {
            assertEquals(expected[index], profiles.registeredTogether(index), "consumer " + (index + 1));
        }
        assertEquals(ResultCode.OK, d.consumer(9, 2));        // right after consumer 6: together, but held points
        assertEquals(ResultCode.OK, d.adjust(9, 1, 5_000));
        for (long c = 3; c <= 9; c += 2)
        {
            assertEquals(ResultCode.OK, d.topUp(c, c, 10_000_000));
        }
        d.advanceMs(2 * HOUR_MS - 61_000);
        pay(2, 21, 3, 100_000);
        assertEquals(0, x[RiskFeatures.DORMANT_BATCH_ACCOUNT], "together, but 2 hours old");
        assertEquals(2, x[RiskFeatures.ACCOUNT_AGE_HOURS], "the registration time shares the word, unchanged");
        d.advanceMs(30 * 24 * HOUR_MS);
        pay(2, 21, 3, 100_000);
        assertEquals(1, x[RiskFeatures.DORMANT_BATCH_ACCOUNT], "together, 30 days old, no point before paying");
        pay(2, 21, 5, 100_000);
        assertEquals(0, x[RiskFeatures.DORMANT_BATCH_ACCOUNT], "registered 61 s after the previous one");
        pay(1, 11, 9, 100_000);
        assertEquals(0, x[RiskFeatures.DORMANT_BATCH_ACCOUNT], "held points before its first payment");
        final com.wodian.engine.MemorySnapshot snapshot = new com.wodian.engine.MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final com.wodian.engine.Engine restored = new com.wodian.engine.Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
        assertEquals(1, RiskAccess.of(restored).features.consumerProfiles.registeredTogether(2), "restored");
        final long hash = restored.stateHash();
        RiskAccess.of(restored).features.consumerProfiles.registered(3, d.nowMs, true);
        assertNotEquals(hash, restored.stateHash(), "the mark is in the state hash");
    }

    @Test
    void aMerchantsRecruitRegistrationTimeLeavesItsPeriodsAlone()
    {
        final MerchantRiskBook book = new MerchantRiskBook(4);
        book.ensure(1);
        final long t = 1_700_000_000_000L;
        book.advance(0, t);
        book.advance(0, t + 3 * MerchantRiskBook.BUCKET_MS);
        assertEquals(3, book.periodsSeen(0));
        assertFalse(book.recruitRegistered(0, t, 60), "the first recruit");
        assertTrue(book.recruitRegistered(0, t + 60_000, 60), "60 s later");
        assertFalse(book.recruitRegistered(0, t + 121_000, 60), "61 s later");
        assertFalse(book.recruitRegistered(0, t + 60_000, 60), "earlier than the last (time went back)");
        assertEquals(3, book.periodsSeen(0), "periods kept");
        book.advance(0, t + 4 * MerchantRiskBook.BUCKET_MS);
        assertEquals(4, book.periodsSeen(0), "periods count on");
        assertTrue(book.recruitRegistered(0, t + 61_000, 60), "the registration time kept by advance");
    }

    @Test
    void walkedRoutesSurviveASnapshotAndAreInTheStateHash()
    {
        assertEquals(ResultCode.OK, d.topUp(1, 1, 10_000_000));
        pay(1, 11, 1, 1_000);
        d.advanceMs(60_000);
        pay(2, 21, 1, 1_000);
        d.advanceMs(60_000);
        pay(1, 11, 1, 1_000);
        d.advanceMs(60_000);
        pay(2, 21, 1, 1_000);
        assertEquals(1, x[RiskFeatures.HOME_ROUTE_FLOW]);
        final long nowMs = d.nowMs;
        final HomeRoutes routes = RiskAccess.of(d.engine).features.homeRoutes;
        assertEquals(2, routes.count(0, 0, 1, nowMs), "route 1 -> 2 of home shop 1, walked twice");
        final com.wodian.engine.MemorySnapshot snapshot = new com.wodian.engine.MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final com.wodian.engine.Engine restored = new com.wodian.engine.Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
        assertEquals(2, RiskAccess.of(restored).features.homeRoutes.count(0, 0, 1, nowMs), "restored");
        final long hash = restored.stateHash();
        RiskAccess.of(restored).features.homeRoutes.add(0, 0, 1, nowMs);
        assertNotEquals(hash, restored.stateHash(), "the routes are in the state hash");
    }

    @Test
    void routeCountsSaturateAndDecayPerWeek()
    {
        final HomeRoutes routes = new HomeRoutes(1);
        final long t = 10 * HomeRoutes.WEEK_MS + 5;
        assertEquals(-1, routes.count(-1, 2, 3, t), "no home shop");
        assertEquals(-1, routes.count(1, -1, 3, t), "no previous shop");
        for (int i = 0; i < 300; i++)
        {
            routes.add(1, 2, 3, t);
        }
        assertEquals(HomeRoutes.COUNT_CAP, routes.count(1, 2, 3, t));
        assertEquals(HomeRoutes.COUNT_CAP, routes.count(1, 2, 3, t + HomeRoutes.WEEK_MS - 6), "same week");
        assertEquals(HomeRoutes.COUNT_CAP >> 1, routes.count(1, 2, 3, t + HomeRoutes.WEEK_MS));
        assertEquals(HomeRoutes.COUNT_CAP >> 7, routes.count(1, 2, 3, t + 7 * HomeRoutes.WEEK_MS));
        assertEquals(0, routes.count(1, 2, 3, t + 8 * HomeRoutes.WEEK_MS));
        routes.add(1, 2, 3, t + 2 * HomeRoutes.WEEK_MS);
        assertEquals((HomeRoutes.COUNT_CAP >> 2) + 1, routes.count(1, 2, 3, t + 2 * HomeRoutes.WEEK_MS),
            "an add first decays what was there");
        assertEquals(0, routes.count(1, 3, 2, t), "the reverse route is another counter");
    }

    @Test
    void homeCohortLiftSetsNewConsumerShopPairsAgainstTheirMargins()
    {
        assertEquals(ResultCode.OK, d.consumer(3, 1));
        assertEquals(ResultCode.OK, d.topUp(1, 1, 10_000_000));
        assertEquals(ResultCode.OK, d.topUp(2, 2, 10_000_000));
        assertEquals(ResultCode.OK, d.topUp(3, 3, 10_000_000));
        pay(2, 21, 1, 1_000);
        assertEquals(0, x[RiskFeatures.HOME_COHORT_LIFT], "no account of home shop 1 found shop 2 yet");
        d.advanceMs(60_000);
        pay(2, 21, 3, 1_000);
        assertEquals(4, x[RiskFeatures.HOME_COHORT_LIFT], "1 pair x 1 in total x16 / ((1 + 1) x (1 + 1))");
        d.advanceMs(60_000);
        pay(2, 21, 2, 1_000);
        assertEquals(-1, x[RiskFeatures.HOME_COHORT_LIFT], "no home shop (its new pair still counts in the margins)");
        d.advanceMs(60_000);
        pay(2, 21, 1, 1_000);
        assertEquals(4, x[RiskFeatures.HOME_COHORT_LIFT], "its own pair left out: 1 x 3 x16 / ((2 + 1) x (3 + 1))");
        d.advanceMs(60_000);
        pay(1, 11, 3, 1_000);
        assertEquals(0, x[RiskFeatures.HOME_COHORT_LIFT], "nobody of home shop 1 paid at shop 1 yet");
        d.advanceMs(60_000);
        pay(1, 11, 1, 1_000);
        assertEquals(8, x[RiskFeatures.HOME_COHORT_LIFT], "1 x 4 x16 / ((3 + 1) x (1 + 1)); a repeat payment adds nothing");
        d.advanceMs(HomeRoutes.WEEK_MS);
        assertEquals(ResultCode.OK, d.consumer(4, 1));
        assertEquals(ResultCode.OK, d.topUp(4, 4, 10_000_000));
        pay(1, 11, 4, 1_000);
        assertEquals(5, x[RiskFeatures.HOME_COHORT_LIFT], "a week later every count halved: 1 x 2 x16 / (3 x 2)");
    }

    @Test
    void homeCohortsSurviveASnapshotAndAreInTheStateHash()
    {
        assertEquals(ResultCode.OK, d.consumer(3, 1));
        assertEquals(ResultCode.OK, d.topUp(1, 1, 10_000_000));
        assertEquals(ResultCode.OK, d.topUp(3, 3, 10_000_000));
        pay(2, 21, 1, 1_000);
        d.advanceMs(60_000);
        pay(2, 21, 3, 1_000);
        assertEquals(4, x[RiskFeatures.HOME_COHORT_LIFT]);
        final long nowMs = d.nowMs;
        final HomeCohorts cohorts = RiskAccess.of(d.engine).features.homeCohorts;
        final long lift = cohorts.liftX16(0, 1, false, nowMs);
        assertEquals(16 * 2 * 2 / (3 * 3), lift, "two pairs of home shop 1 at shop 2, two in total");
        final com.wodian.engine.MemorySnapshot snapshot = new com.wodian.engine.MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final com.wodian.engine.Engine restored = new com.wodian.engine.Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
        assertEquals(lift, RiskAccess.of(restored).features.homeCohorts.liftX16(0, 1, false, nowMs), "restored");
        final long hash = restored.stateHash();
        RiskAccess.of(restored).features.homeCohorts.addNewPair(-1, 0, nowMs);
        assertNotEquals(hash, restored.stateHash(), "the margins and the total are in the state hash");
        final long again = restored.stateHash();
        RiskAccess.of(restored).features.homeCohorts.addNewPair(0, 0, nowMs);
        assertNotEquals(again, restored.stateHash(), "the pair counters are in the state hash");
    }

    @Test
    void homeCohortCountsSaturateAndDecayPerWeek()
    {
        final HomeCohorts cohorts = new HomeCohorts(1, 4);
        final long t = 10 * HomeRoutes.WEEK_MS + 5;
        assertEquals(-1, cohorts.liftX16(-1, 2, false, t), "no home shop");
        assertEquals(0, cohorts.liftX16(1, 2, false, t), "an empty table");
        for (int i = 0; i < 300; i++)
        {
            cohorts.addNewPair(1, 2, t);
        }
        assertEquals(16 * HomeCohorts.PAIR_CAP * 300 / (301 * 301), cohorts.liftX16(1, 2, false, t),
            "the pair saturates at 255, the margins and the total do not");
        assertEquals(16 * (HomeCohorts.PAIR_CAP >> 1) * 150 / (151 * 151),
            cohorts.liftX16(1, 2, false, t + HomeRoutes.WEEK_MS), "a week later everything halved");
        assertEquals(0, cohorts.liftX16(1, 2, false, t + 8 * HomeRoutes.WEEK_MS), "the pair forgotten after 8 weeks");
        assertEquals(0, cohorts.liftX16(1, 3, false, t), "another shop is another counter");
        assertEquals(0, cohorts.liftX16(2, 2, false, t), "another home shop is another counter");
        final HomeCohorts busy = new HomeCohorts(1, 4);
        for (int i = 0; i < 2_000; i++)
        {
            busy.addNewPair(-1, 3, t);
        }
        busy.addNewPair(0, 1, t);
        assertEquals(HomeCohorts.LIFT_CAP_X16, busy.liftX16(0, 1, false, t), "1 x 2,001 x16 / (2 x 2), capped");
        assertEquals(0, busy.liftX16(0, 1, true, t), "the consumer's own pair left out");
    }

    @Test
    void dormantAccountsOfTheShopThatPaidAtThePayersHomeShop()
    {
        assertEquals(ResultCode.OK, d.consumer(3, 2));   // dormant: old, never held a point
        assertEquals(ResultCode.OK, d.consumer(4, 2));   // old, but held points before paying
        assertEquals(ResultCode.OK, d.consumer(6, 1));   // the payer, home shop 1
        d.advanceMs(31 * 24 * HOUR_MS);
        assertEquals(ResultCode.OK, d.consumer(5, 2));   // never held a point, but new
        assertEquals(ResultCode.OK, d.adjust(4, 1, 5_000));
        for (long c = 1; c <= 6; c++)
        {
            assertEquals(ResultCode.OK, d.topUp(c, 100 + c, 10_000_000));
        }
        pay(2, 21, 6, 1_000);
        assertEquals(0, x[RiskFeatures.RECIPROCAL_DORMANT_PAIRS], "no account of shop 2 paid at shop 1 yet");
        for (long c = 3; c <= 5; c++)
        {
            d.advanceMs(60_000);
            pay(1, 11, c, 1_000);
            d.advanceMs(60_000);
            pay(1, 11, c, 1_000);
        }
        d.advanceMs(60_000);
        pay(2, 21, 6, 1_000);
        assertEquals(1, x[RiskFeatures.RECIPROCAL_DORMANT_PAIRS],
            "consumer 3 counted once (its first payment at shop 1); 4 held points, 5 is 0 hours old");
        pay(1, 11, 1, 1_000);
        assertEquals(-1, x[RiskFeatures.RECIPROCAL_DORMANT_PAIRS], "at its own home shop");
        pay(1, 11, 2, 1_000);
        assertEquals(-1, x[RiskFeatures.RECIPROCAL_DORMANT_PAIRS], "no home shop");
        final long nowMs = d.nowMs;
        final com.wodian.engine.MemorySnapshot snapshot = new com.wodian.engine.MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final com.wodian.engine.Engine restored = new com.wodian.engine.Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
        final DormantPairs pairs = RiskAccess.of(restored).features.dormantPairs;
        assertEquals(1, pairs.reciprocal(0, 1, nowMs), "restored: home shop 1 (index 0) paying at shop 2 (index 1)");
        final long hash = restored.stateHash();
        pairs.addFirstPayment(1, 0, nowMs);
        assertNotEquals(hash, restored.stateHash(), "the dormant pairs are in the state hash");
        assertEquals(2, pairs.reciprocal(0, 1, nowMs));
    }

    @Test
    void leastReciprocalCountOfTheConsumersPaymentsSurvivesASnapshot()
    {
        assertEquals(ResultCode.OK, d.apply(d.encoder.registerMerchant(d.command, 0, 3, 10, 500, 200, 0, true,
            MerchantTrade.GROCERY, 310_101)));
        assertEquals(ResultCode.OK, d.terminal(31, 3));
        assertEquals(ResultCode.OK, d.consumer(3, 2));   // dormant accounts of shop 2 (index 2 and 3)
        assertEquals(ResultCode.OK, d.consumer(4, 2));
        assertEquals(ResultCode.OK, d.consumer(6, 1));   // payers of home shop 1 (index 4 and 5)
        assertEquals(ResultCode.OK, d.consumer(7, 1));
        d.advanceMs(31 * 24 * HOUR_MS);
        for (final long c : new long[]{1, 2, 3, 4, 6, 7})
        {
            assertEquals(ResultCode.OK, d.topUp(c, 100 + c, 10_000_000));
        }
        pay(1, 11, 3, 1_000);
        pay(1, 11, 4, 1_000);
        pay(2, 21, 6, 1_000);
        assertEquals(2, x[RiskFeatures.RECIPROCAL_DORMANT_PAIRS], "two dormant accounts of shop 2 paid at shop 1");
        assertEquals(-1, x[RiskFeatures.CONSUMER_RECIPROCAL_MIN], "no approved payment before");
        pay(2, 21, 6, 1_000);
        assertEquals(2, x[RiskFeatures.CONSUMER_RECIPROCAL_MIN], "its only payment read 2");
        pay(3, 31, 6, 1_000);
        assertEquals(0, x[RiskFeatures.RECIPROCAL_DORMANT_PAIRS], "no account of shop 3 paid at shop 1");
        assertEquals(2, x[RiskFeatures.CONSUMER_RECIPROCAL_MIN], "features come before the payment is learnt");
        pay(2, 21, 6, 1_000);
        assertEquals(0, x[RiskFeatures.CONSUMER_RECIPROCAL_MIN], "one payment off a reciprocal road");
        pay(1, 11, 7, 1_000);
        assertEquals(-1, x[RiskFeatures.CONSUMER_RECIPROCAL_MIN]);
        pay(2, 21, 7, 1_000);
        assertEquals(2, x[RiskFeatures.RECIPROCAL_DORMANT_PAIRS]);
        assertEquals(0, x[RiskFeatures.CONSUMER_RECIPROCAL_MIN], "a payment at its own home shop counts as 0");
        pay(1, 11, 2, 1_000);
        pay(1, 11, 2, 1_000);
        assertEquals(-1, x[RiskFeatures.CONSUMER_RECIPROCAL_MIN], "no home shop");

        final com.wodian.engine.MemorySnapshot snapshot = new com.wodian.engine.MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final com.wodian.engine.Engine restored = new com.wodian.engine.Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash());
        final ConsumerProfileBook consumers = RiskAccess.of(restored).features.consumerProfiles;
        assertEquals(0, consumers.reciprocalMin(4), "restored: consumer 6");
        assertEquals(-1, consumers.reciprocalMin(6), "restored: a consumer never registered");
        final long hash = restored.stateHash();
        final com.wodian.engine.table.ConsumerBook records = RiskAccess.of(restored).consumers.records;
        records.setRiskWord(4, ConsumerRiskBook.STRIDE, records.riskWord(4, ConsumerRiskBook.STRIDE) + (2L << 57));
        assertEquals(2, consumers.reciprocalMin(4), "the registration word's bits 57..60, plus one");
        assertNotEquals(hash, restored.stateHash(), "the least reciprocal count is in the state hash");
        final String problem = com.wodian.engine.Engine.snapshotFormatProblem(com.wodian.engine.Engine.SNAPSHOT_MAGIC,
            12);
        assertTrue(problem != null && problem.contains("format 12"), "a format-12 snapshot is refused: " + problem);
    }

    @Test
    void leastReciprocalCountKeepsTheMinimumAndSaturates()
    {
        long word = 0x1234L;
        word = ConsumerProfileBook.withReciprocal(word, 300);
        assertEquals(ConsumerProfileBook.RECIPROCAL_MIN_CAP + 1, (word >>> 57) & 0xF, "capped at 14, stored plus one");
        word = ConsumerProfileBook.withReciprocal(word, 3);
        assertEquals(4, (word >>> 57) & 0xF);
        word = ConsumerProfileBook.withReciprocal(word, 9);
        assertEquals(4, (word >>> 57) & 0xF, "the least so far");
        word = ConsumerProfileBook.withReciprocal(word, -1);
        assertEquals(1, (word >>> 57) & 0xF, "-1 (at home, no home shop) counts as 0");
        assertEquals(0x1234L, word & ~(0xFL << 57), "the other bits of the word are kept");
    }

    @Test
    void dormantPairCountsSaturateDecayPerWeekAndRefuseAnotherTableSize()
    {
        final DormantPairs pairs = new DormantPairs(1);
        final long t = 10 * HomeRoutes.WEEK_MS + 5;
        assertEquals(-1, pairs.reciprocal(-1, 2, t), "no home shop");
        assertEquals(-1, pairs.reciprocal(2, 2, t), "at the home shop");
        assertEquals(0, pairs.reciprocal(1, 2, t), "an empty table");
        for (int i = 0; i < 300; i++)
        {
            pairs.addFirstPayment(2, 1, t);
        }
        assertEquals(DormantPairs.COUNT_CAP, pairs.reciprocal(1, 2, t), "saturates at 255");
        assertEquals(0, pairs.reciprocal(2, 1, t), "the other direction is another counter");
        assertEquals(DormantPairs.COUNT_CAP >> 1, pairs.reciprocal(1, 2, t + HomeRoutes.WEEK_MS), "halved a week on");
        assertEquals(0, pairs.reciprocal(1, 2, t + 8 * HomeRoutes.WEEK_MS), "forgotten after 8 weeks");
        assertTrue(DormantPairs.dormant(30 * 24, 0));
        assertFalse(DormantPairs.dormant(30 * 24 - 1, 0), "younger than 30 days");
        assertFalse(DormantPairs.dormant(400 * 24, 1), "held points");
        final com.wodian.engine.MemorySnapshot snapshot = new com.wodian.engine.MemorySnapshot();
        pairs.writeTo(snapshot);
        final DormantPairs larger = new DormantPairs(1 << 16);
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> larger.readFrom(snapshot));
        assertTrue(refused.getMessage().contains("riskPairsMax differs"), refused.getMessage());
    }

    @Test
    void takeoverTracesCountEachTraceAtItsThresholdAndNotJustBelow()
    {
        final long[] at = new long[RiskFeatures.COUNT];
        at[RiskFeatures.AREA_DISTANCE_HOME] = 1;
        at[RiskFeatures.AREA_DISTANCE_USUAL] = 1;
        at[RiskFeatures.FIRST_TIME_PAIR] = 1;
        at[RiskFeatures.NEW_TRADE_FOR_CONSUMER] = 1;
        at[RiskFeatures.NEW_DAY_PART_FOR_CONSUMER] = 1;
        at[RiskFeatures.AMOUNT_VS_CONSUMER] = RiskFeatures.TRACE_ABOVE_OWN_X16;
        at[RiskFeatures.WALLET_SHARE_PERMILLE] = RiskFeatures.TRACE_WALLET_PERMILLE;
        at[RiskFeatures.MINUTES_SINCE_TOP_UP] = RiskFeatures.TRACE_NO_TOP_UP_MINUTES;
        at[RiskFeatures.HOME_COHORT_LIFT] = 0;
        at[RiskFeatures.MERCHANT_NEW_PAYER_WALLET_SHARE] = RiskFeatures.TRACE_FENCE_NEW_PAYER_PERMILLE;
        assertEquals(10, RiskFeatures.takeoverTraces(at), "every trace at its threshold");

        final long[] below = new long[RiskFeatures.COUNT];
        below[RiskFeatures.AREA_DISTANCE_HOME] = 0;
        below[RiskFeatures.AREA_DISTANCE_USUAL] = -1;
        below[RiskFeatures.AMOUNT_VS_CONSUMER] = RiskFeatures.TRACE_ABOVE_OWN_X16 - 1;
        below[RiskFeatures.WALLET_SHARE_PERMILLE] = RiskFeatures.TRACE_WALLET_PERMILLE - 1;
        below[RiskFeatures.MINUTES_SINCE_TOP_UP] = RiskFeatures.TRACE_NO_TOP_UP_MINUTES - 1;
        below[RiskFeatures.HOME_COHORT_LIFT] = 1;
        below[RiskFeatures.MERCHANT_NEW_PAYER_WALLET_SHARE] = RiskFeatures.TRACE_FENCE_NEW_PAYER_PERMILLE - 1;
        assertEquals(0, RiskFeatures.takeoverTraces(below), "every trace just below its threshold");
        below[RiskFeatures.MINUTES_SINCE_TOP_UP] = -1;
        assertEquals(1, RiskFeatures.takeoverTraces(below), "never topped up: it spends what is there");
    }

    @Test
    void aPaymentCarriesItsTakeoverTracesAndARedemptionNone()
    {
        assertEquals(ResultCode.OK, d.topUp(1, 1, 1_000_000));
        d.advanceMs(30 * 60_000);
        pay(1, 11, 1, 2_500);
        assertEquals(RiskFeatures.takeoverTraces(x), x[RiskFeatures.TAKEOVER_TRACES]);
        d.advanceMs(2 * HOUR_MS);
        pay(1, 11, 1, 2_500);
        assertEquals(RiskFeatures.takeoverTraces(x), x[RiskFeatures.TAKEOVER_TRACES]);
        final long atHome = x[RiskFeatures.TAKEOVER_TRACES];
        assertTrue(atHome <= 2, "a regular at its home cafe: at most a new part of the day and its cohort, " + atHome);

        // 3,000 yuan of 10,000 at an electronics shop in another city, new to it: away from home and its usual district,
        // a new till, a new trade, far above its usual 25 yuan, 30% of the wallet (six traces at least).
        d.advanceMs(60_000);
        pay(2, 21, 1, 300_000);
        assertEquals(RiskFeatures.takeoverTraces(x), x[RiskFeatures.TAKEOVER_TRACES]);
        assertTrue(x[RiskFeatures.TAKEOVER_TRACES] >= 6, "traces " + x[RiskFeatures.TAKEOVER_TRACES]);
    }

    @Test
    void roundness()
    {
        assertEquals(0, RiskFeatures.roundness(2_599));
        assertEquals(1, RiskFeatures.roundness(2_500));
        assertEquals(2, RiskFeatures.roundness(5_000));
        assertEquals(3, RiskFeatures.roundness(20_000));
        assertEquals(4, RiskFeatures.roundness(100_000));
        assertEquals(4, RiskFeatures.roundness(1_000_000_00L));
    }
}
