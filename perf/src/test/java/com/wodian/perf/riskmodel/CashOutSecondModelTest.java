package com.wodian.perf.riskmodel;

import com.wodian.engine.risk.RiskFeatures;
import com.wodian.engine.risk.RiskModel;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * model-v75.txt (docs/risk.md's model table) declines exactly where v66 does or where K holds: K is a careful
 * cash-out seller's payment, a payment of 60-95% of the account's last top-up (feature 40 in [-192, -16]) made 1-13
 * hours after it (39 in [60, 780]), of at least about 700 yuan (0 at least 257), with at most one other payment in the
 * last 24 hours (22 at most 1), outside the home shop's area (41 at most 0), on an account with at least 16 approved
 * payments (2) and fewer than two kinds of account event in 7 days (86 at most 1). The file is read with perf's
 * {@link TreeModel#read} (what {@code wodian pos risk-model} sends) and staged into the engine's SECOND slot as
 * SetRiskModel does; every combination of C's, D's, W's and K's features around their thresholds is scored by the
 * engine's model with every other feature drawn at random.
 */
class CashOutSecondModelTest
{
    private static final long[] KINDS_7D = {0, 1, 2, 3, 4};
    private static final long[] TRACES_AT_NEW_SHOP = {-1, 6, 7, 8};
    private static final long[] AREA_MATCHES_LAST = {0, 1};
    private static final long[] MINUTES_SINCE_NEW_NETWORK = {359, 360};
    private static final long[] AGE_HOURS = {719, 720};
    private static final long[] PAYMENTS_EVER = {0, 15, 16, 500};
    private static final long[] CONSUMER_SUSPICIOUS = {399, 400};
    private static final long[] MERCHANT_SUSPICIOUS = {6, 7};
    private static final long[] AMOUNT_VS_TOP_UP = {-208, -192, -16, 0};
    private static final long[] MINUTES_SINCE_TOP_UP = {-1, 59, 60, 780, 781};
    private static final long[] LOG_AMOUNT = {256, 257};
    private static final long[] PAYMENTS_24H = {1, 2};
    private static final long[] AREA_MATCHES_HOME = {-1, 0, 1};

    private static boolean c(final long[] x)
    {
        return x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] >= 3 && x[RiskFeatures.EVENTED_NEW_SHOP_TRACES] >= 7;
    }

    private static boolean d(final long[] x)
    {
        return x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] >= 2 && x[RiskFeatures.EVENTED_NEW_SHOP_TRACES] >= 8 &&
            x[RiskFeatures.AREA_MATCHES_LAST] <= 0 && x[RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN] >= 360;
    }

    private static boolean w(final long[] x)
    {
        return x[RiskFeatures.ACCOUNT_AGE_HOURS] >= 720 && x[CONSUMER_HISTORY] < 16 &&
            x[RiskFeatures.CONSUMER_SUSPICIOUS_SHARE] >= 400 && x[RiskFeatures.MERCHANT_SUSPICIOUS_SHARE] >= 7;
    }

    /** K: a points or credit seller's cash-out payment (docs/risk-threats.md 2.3, careful). */
    private static boolean k(final long[] x)
    {
        final long toTopUp = x[AMOUNT_VS_LAST_TOP_UP];
        final long sinceTopUp = x[RiskFeatures.MINUTES_SINCE_TOP_UP];
        return toTopUp >= -192 && toTopUp <= -16 && sinceTopUp >= 60 && sinceTopUp <= 780 &&
            x[RiskFeatures.LOG_AMOUNT] >= 257 && x[PAYMENTS_24H_ID] <= 1 && x[RiskFeatures.AREA_MATCHES_HOME] <= 0 &&
            x[CONSUMER_HISTORY] >= 16 && x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] <= 1;
    }

    /** Feature ids the engine keeps package-private, by their names in Engine.riskFeatureNames(). */
    private static final int AMOUNT_VS_LAST_TOP_UP = id("AMOUNT_VS_LAST_TOP_UP");
    private static final int PAYMENTS_24H_ID = id("CONSUMER_PAYMENTS_24H");
    private static final int CONSUMER_HISTORY = id("CONSUMER_HISTORY");
    private static final int STRIKES_24H_ID = id("CONSUMER_STRIKES_24H");

    private static int id(final String name)
    {
        final String[] names = com.wodian.engine.Engine.riskFeatureNames();
        for (int id = 0; id < names.length; id++)
        {
            if (names[id].equals(name))
            {
                return id;
            }
        }
        throw new AssertionError("no feature " + name);
    }

    @Test
    void v75DeclinesExactlyCOrDOrWOrK() throws IOException
    {
        final TreeModel file = ModelFiles.resource("model-v75.txt");
        assertEquals(75, file.version);
        final RiskModel model = ModelFiles.loaded(RiskModelSlot.SECOND, file, file.version);
        final SplittableRandom random = new SplittableRandom(75);
        final long[] x = new long[RiskFeatures.COUNT];
        final int[] counts = new int[4];
        for (final long kinds : KINDS_7D)
        {
            for (final long traces : TRACES_AT_NEW_SHOP)
            {
                for (final long area : AREA_MATCHES_LAST)
                {
                    for (final long network : MINUTES_SINCE_NEW_NETWORK)
                    {
                        for (final long payments : PAYMENTS_EVER)
                        {
                            final long[] cd = {kinds, traces, area, network, payments};
                            walkWAndK(model, random, x, cd, counts);
                        }
                    }
                }
            }
        }
        // counts: scored, declined, declined where K holds (never with C, D or W: K needs 86 <= 1 and 2 >= 16),
        // declined where W holds and C and D do not.
        final int cdGrid = KINDS_7D.length * TRACES_AT_NEW_SHOP.length * AREA_MATCHES_LAST.length *
            MINUTES_SINCE_NEW_NETWORK.length;
        final int kGrid = AMOUNT_VS_TOP_UP.length * MINUTES_SINCE_TOP_UP.length * LOG_AMOUNT.length *
            PAYMENTS_24H.length * AREA_MATCHES_HOME.length;
        final int wGrid = AGE_HOURS.length * CONSUMER_SUSPICIOUS.length * MERCHANT_SUSPICIOUS.length;
        assertEquals(cdGrid * PAYMENTS_EVER.length * wGrid * kGrid, counts[0], "every combination scored");
        // C or D: 86 in {3, 4} with 87 in {7, 8} (16 with 42 and 83), or 86 = 2, 87 = 8, 42 = 0, 83 = 360 (1).
        final int cOrD = 2 * 2 * 2 * 2 + 1;
        // K: 40 in {-192, -16}, 39 in {60, 780}, 0 = 257, 22 = 1, 41 in {-1, 0}, 2 in {16, 500}, 86 in {0, 1};
        // 87, 42, 83 and W's three features free.
        final int k = 2 * 2 * 2 * 2 * 2 * TRACES_AT_NEW_SHOP.length * AREA_MATCHES_LAST.length *
            MINUTES_SINCE_NEW_NETWORK.length * wGrid;
        assertEquals(k, counts[2], "K's combinations");
        // W: 18 = 720, 55 = 400, 53 = 7, 2 in {0, 15}, wherever C and D do not hold, over K's whole grid.
        final int w = 2 * (cdGrid - cOrD) * kGrid;
        assertEquals(w, counts[3], "W's combinations beyond C and D");
        assertEquals(cOrD * PAYMENTS_EVER.length * wGrid * kGrid + w + k, counts[1], "C or D or W or K, no more");
    }

    private static void walkWAndK(final RiskModel model, final SplittableRandom random, final long[] x,
        final long[] cd, final int[] counts)
    {
        for (final long age : AGE_HOURS)
        {
            for (final long consumer : CONSUMER_SUSPICIOUS)
            {
                for (final long merchant : MERCHANT_SUSPICIOUS)
                {
                    for (final long toTopUp : AMOUNT_VS_TOP_UP)
                    {
                        for (final long sinceTopUp : MINUTES_SINCE_TOP_UP)
                        {
                            for (final long amount : LOG_AMOUNT)
                            {
                                for (final long day : PAYMENTS_24H)
                                {
                                    for (final long home : AREA_MATCHES_HOME)
                                    {
                                        final long[] wk = {age, consumer, merchant, toTopUp, sinceTopUp, amount, day,
                                            home};
                                        score(model, random, x, cd, wk, counts);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void score(final RiskModel model, final SplittableRandom random, final long[] x, final long[] cd,
        final long[] wk, final int[] counts)
    {
        for (int f = 0; f < x.length; f++)
        {
            x[f] = random.nextLong(-1_000, 50_000);
        }
        x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] = cd[0];
        x[RiskFeatures.EVENTED_NEW_SHOP_TRACES] = cd[1];
        x[RiskFeatures.AREA_MATCHES_LAST] = cd[2];
        x[RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN] = cd[3];
        x[CONSUMER_HISTORY] = cd[4];
        x[RiskFeatures.ACCOUNT_AGE_HOURS] = wk[0];
        x[RiskFeatures.CONSUMER_SUSPICIOUS_SHARE] = wk[1];
        x[RiskFeatures.MERCHANT_SUSPICIOUS_SHARE] = wk[2];
        x[AMOUNT_VS_LAST_TOP_UP] = wk[3];
        x[RiskFeatures.MINUTES_SINCE_TOP_UP] = wk[4];
        x[RiskFeatures.LOG_AMOUNT] = wk[5];
        x[PAYMENTS_24H_ID] = wk[6];
        x[RiskFeatures.AREA_MATCHES_HOME] = wk[7];
        final boolean cOrD = c(x) || d(x);
        final boolean expected = cOrD || w(x) || k(x);
        final boolean decided = model.score(x.clone()) >= model.declineScore();
        assertEquals(expected, decided, () -> describe(x));
        counts[0]++;
        counts[1] += decided ? 1 : 0;
        counts[2] += decided && k(x) && !cOrD && !w(x) ? 1 : 0;
        counts[3] += decided && w(x) && !cOrD && !k(x) ? 1 : 0;
    }

    private static String describe(final long[] x)
    {
        final int[] shown = {RiskFeatures.ACCOUNT_EVENT_KINDS_7D, RiskFeatures.EVENTED_NEW_SHOP_TRACES,
            RiskFeatures.AREA_MATCHES_LAST, RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN, CONSUMER_HISTORY,
            RiskFeatures.ACCOUNT_AGE_HOURS, RiskFeatures.CONSUMER_SUSPICIOUS_SHARE,
            RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, AMOUNT_VS_LAST_TOP_UP, RiskFeatures.MINUTES_SINCE_TOP_UP,
            RiskFeatures.LOG_AMOUNT, PAYMENTS_24H_ID, RiskFeatures.AREA_MATCHES_HOME};
        final StringBuilder text = new StringBuilder("model-v75.txt at");
        for (final int id : shown)
        {
            text.append(' ').append(id).append('=').append(x[id]);
        }
        return text.toString();
    }

    /**
     * model-v77.txt: C and D with the gate "a shop new to the account (61) or a till new to it (16)" in place of
     * feature 87's shop alone, the traces read from feature 79 (C' = 86 >= 3 and 79 >= 7, D' = 86 >= 2 and 79 >= 8 and
     * 42 <= 0 and 83 >= 360, both behind the gate; a superset of C or D, since 87 is 79 where 61 = 1 and 86 >= 1), or
     * W, or K.
     */
    @Test
    void v77DeclinesExactlyTillGatedCOrDOrWOrK() throws IOException
    {
        final TreeModel file = ModelFiles.resource("model-v77.txt");
        assertEquals(77, file.version);
        final int[] ids = {RiskFeatures.ACCOUNT_EVENT_KINDS_7D, RiskFeatures.TAKEOVER_TRACES,
            RiskFeatures.NEW_MERCHANT_FOR_CONSUMER, RiskFeatures.FIRST_TIME_PAIR, RiskFeatures.AREA_MATCHES_LAST,
            RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN, CONSUMER_HISTORY, RiskFeatures.ACCOUNT_AGE_HOURS,
            RiskFeatures.CONSUMER_SUSPICIOUS_SHARE, RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, AMOUNT_VS_LAST_TOP_UP,
            RiskFeatures.MINUTES_SINCE_TOP_UP, RiskFeatures.LOG_AMOUNT, PAYMENTS_24H_ID,
            RiskFeatures.AREA_MATCHES_HOME};
        final long[][] values = {KINDS_7D, {5, 6, 7, 8}, {0, 1}, {0, 1}, AREA_MATCHES_LAST, MINUTES_SINCE_NEW_NETWORK,
            {15, 16}, AGE_HOURS, CONSUMER_SUSPICIOUS, MERCHANT_SUSPICIOUS, AMOUNT_VS_TOP_UP, {59, 60, 780, 781},
            LOG_AMOUNT, PAYMENTS_24H, AREA_MATCHES_HOME};
        final int[] counts = walk(ModelFiles.loaded(RiskModelSlot.SECOND, file, file.version), "model-v77.txt",
            new SplittableRandom(77), ids, values, x -> tillGatedCOrD(x) || w(x) || k(x), x -> tillGatedCOrD(x),
            x -> k(x));
        assertEquals(640 * 8 * 192, counts[0], "every combination scored");
        // C' or D' over (86, 79, 61, 16, 42, 83): the gate holds at 3 of 61 and 16's 4 pairs; C' at 86 in {3, 4}, 79 in
        // {7, 8}, 42 and 83 free (48); D' beyond C' at 86 = 2, 79 = 8, 42 = 0, 83 = 360 (3): 51 of 320.
        assertEquals(51 * 2 * 8 * 192, counts[1], "C' or D'");
        // K: 40 in {-192, -16}, 39 in {60, 780}, 0 = 257, 22 = 1, 41 in {-1, 0}, 2 = 16, 86 in {0, 1}; the rest free.
        assertEquals(2 * 2 * 2 * 2 * (4 * 2 * 2 * 2 * 2) * 8, counts[2], "K");
        // W: 18 = 720, 55 = 400, 53 = 7, 2 = 15, beyond C' and D' (269 of 320), over K's whole grid (192).
        assertEquals(51 * 2 * 8 * 192 + 269 * 192 + 2 * 2 * 2 * 2 * 64 * 8, counts[3], "declined: C', D', W, K");
    }

    /**
     * model-v78.txt: v77 with the gate "the account never settled a sale at this shop" (feature 88 = 1, the engine's
     * spend pairs) in place of "61 or 16": C' = 86 >= 3 and 79 >= 7, D' = 86 >= 2 and 79 >= 8 and 42 <= 0 and
     * 83 >= 360, both only where 88 = 1 (0 or a redemption's -1 shut it, whatever 61 and 16 read), or W, or K.
     */
    @Test
    void v78DeclinesExactlyExactShopGatedCOrDOrWOrK() throws IOException
    {
        final TreeModel file = ModelFiles.resource("model-v78.txt");
        assertEquals(78, file.version);
        final int[] ids = {RiskFeatures.ACCOUNT_EVENT_KINDS_7D, RiskFeatures.TAKEOVER_TRACES,
            RiskFeatures.NEW_SHOP_EXACT, RiskFeatures.NEW_MERCHANT_FOR_CONSUMER, RiskFeatures.FIRST_TIME_PAIR,
            RiskFeatures.AREA_MATCHES_LAST, RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN, CONSUMER_HISTORY,
            RiskFeatures.ACCOUNT_AGE_HOURS,
            RiskFeatures.CONSUMER_SUSPICIOUS_SHARE, RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, AMOUNT_VS_LAST_TOP_UP,
            RiskFeatures.MINUTES_SINCE_TOP_UP, RiskFeatures.LOG_AMOUNT, PAYMENTS_24H_ID,
            RiskFeatures.AREA_MATCHES_HOME};
        final long[][] values = {KINDS_7D, {5, 6, 7, 8}, {-1, 0, 1}, {0, 1}, {0, 1}, AREA_MATCHES_LAST,
            MINUTES_SINCE_NEW_NETWORK, {15, 16}, AGE_HOURS, CONSUMER_SUSPICIOUS, MERCHANT_SUSPICIOUS, AMOUNT_VS_TOP_UP,
            {59, 60, 780, 781}, LOG_AMOUNT, PAYMENTS_24H, AREA_MATCHES_HOME};
        final int[] counts = walk(ModelFiles.loaded(RiskModelSlot.SECOND, file, file.version), "model-v78.txt",
            new SplittableRandom(78), ids, values, x -> exactShopGatedCOrD(x) || w(x) || k(x),
            x -> exactShopGatedCOrD(x), x -> k(x));
        assertEquals(960 * 2 * 8 * 192, counts[0], "every combination scored");
        // C' or D' over (86, 79, 88, 61, 16, 42, 83): 17 of (86, 79, 42, 83)'s 80 as in v77, at 88 = 1 only, 61 and 16
        // free: 68 of 960.
        assertEquals(68 * 2 * 8 * 192, counts[1], "C' or D'");
        // K: 40 in {-192, -16}, 39 in {60, 780}, 0 = 257, 22 = 1, 41 in {-1, 0}, 2 = 16, 86 in {0, 1}; the rest free.
        assertEquals(2 * 2 * 2 * 2 * (4 * 3 * 2 * 2 * 2 * 2) * 8, counts[2], "K");
        // W: 18 = 720, 55 = 400, 53 = 7, 2 = 15, beyond C' and D' (892 of 960), over K's whole grid (192).
        assertEquals(68 * 2 * 8 * 192 + 892 * 192 + 2 * 2 * 2 * 2 * 192 * 8, counts[3], "declined: C', D', W, K");
    }

    /**
     * model-v80.txt: v78 OR P, where P is a careful takeover's payment as the account events tell it (history
     * "Fifty-ninth session", h13m's subsection): a phone rebound (82) and a device bound (81) in the last 7 days, at a
     * shop the account never settled a sale at (88 = 1), with at least 6 takeover traces (79). An honest account
     * rebinds its phone rarely (0.3-0.5% of honest new-shop payments on warm profiles); a thief who took the account
     * binds its own phone and device before spending. P also reads 86 >= 2, which phone and device in 7 days imply in
     * the engine, so the file decides exactly P on every combination, real or not.
     */
    @Test
    void v80DeclinesExactlyV78OrPhoneAndDeviceAtAnExactNewShop() throws IOException
    {
        final TreeModel file = ModelFiles.resource("model-v80.txt");
        assertEquals(80, file.version);
        final int[] ids = {RiskFeatures.ACCOUNT_EVENT_KINDS_7D, RiskFeatures.TAKEOVER_TRACES,
            RiskFeatures.NEW_SHOP_EXACT, RiskFeatures.MINUTES_SINCE_DEVICE_BOUND,
            RiskFeatures.MINUTES_SINCE_PHONE_REBOUND, RiskFeatures.AREA_MATCHES_LAST,
            RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN, CONSUMER_HISTORY, RiskFeatures.ACCOUNT_AGE_HOURS,
            RiskFeatures.CONSUMER_SUSPICIOUS_SHARE, RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, AMOUNT_VS_LAST_TOP_UP,
            RiskFeatures.MINUTES_SINCE_TOP_UP, RiskFeatures.LOG_AMOUNT, PAYMENTS_24H_ID,
            RiskFeatures.AREA_MATCHES_HOME};
        final long[] weekEdge = {WEEK_MINUTES - 1, WEEK_MINUTES};
        final long[][] values = {KINDS_7D, {5, 6, 7, 8}, {-1, 0, 1}, weekEdge, weekEdge, AREA_MATCHES_LAST,
            MINUTES_SINCE_NEW_NETWORK, {15, 16}, AGE_HOURS, CONSUMER_SUSPICIOUS, MERCHANT_SUSPICIOUS, AMOUNT_VS_TOP_UP,
            {59, 60, 780, 781}, LOG_AMOUNT, PAYMENTS_24H, AREA_MATCHES_HOME};
        final int[] counts = walk(ModelFiles.loaded(RiskModelSlot.SECOND, file, file.version), "model-v80.txt",
            new SplittableRandom(80), ids, values, x -> exactShopGatedCOrD(x) || phoneAndDevice(x) || w(x) || k(x),
            x -> exactShopGatedCOrD(x) || phoneAndDevice(x), x -> k(x));
        assertEquals(960 * 2 * 8 * 192, counts[0], "every combination scored");
        // Over (86, 79, 88, 81, 82, 42, 83), 960: C' or D' 17 of (86, 79, 42, 83)'s 80 at 88 = 1, 81 and 82 free (68);
        // P at 88 = 1, 86 in {2, 3, 4}, 79 in {6, 7, 8}, 81 = 82 = 10079, 42 and 83 free (36); both: C' or D' at
        // 81 = 82 = 10079 (17, all with 86 >= 2 and 79 >= 7): 68 + 36 - 17 = 87.
        assertEquals(87 * 2 * 8 * 192, counts[1], "C' or D' or P");
        // K: 40 in {-192, -16}, 39 in {60, 780}, 41 in {-1, 0}, 86 in {0, 1}, 0 = 257, 22 = 1, 2 = 16; the rest free.
        assertEquals(2 * 2 * 2 * 2 * (4 * 3 * 2 * 2 * 2 * 2) * 8, counts[2], "K");
        // W: 18 = 720, 55 = 400, 53 = 7, 2 = 15, beyond C', D' and P (873 of 960), over K's whole grid (192).
        assertEquals(87 * 2 * 8 * 192 + 873 * 192 + 2 * 2 * 2 * 2 * 192 * 8, counts[3], "declined: C', D', P, W, K");
    }

    /**
     * model-v81.txt: v80 OR Q, where Q is a careful circular-flow account's payment before its first approved one
     * (history "Sixtieth session", h13m's subsection): no approved payment yet (feature 2 at 0), no start points
     * (74 at 0: a ring's fresh accounts hold none, most honest new accounts start with migrated or welcome points) and
     * its own earlier scored payments flagged by the group source (55 at least 204). Q needs three features and a tree
     * tests two on a path, and 55 is a group feature, which only trees after the exit marker may test: the tree before
     * the marker adds 3,000,000 where 2 and 74 hold (so the payment goes on past the marker), one after it takes that
     * back where 55 is below 204, and a last one gives back the 1,000,000 that W's last tree takes from such a payment
     * on an account younger than 30 days (18 below 720), which W's first tree did not lift (K's payments past the
     * marker get it too where 18 and 55 are that low, and decide as in v80: K holds or fails by millions). One region
     * is left out of the OR: a first payment of an account 30 days old or more (W's first tree lifts it) with start
     * points and 55 below 204 (R) loses v80's C', D' and P declines there (W and K cannot hold there); the file decides
     * exactly "Q or (v80 and not R)" on every combination.
     */
    @Test
    void v81DeclinesExactlyV80OrAFirstPaymentWithoutStartPointsFlagged() throws IOException
    {
        // First walk, 2 in {0, 1}: 960 * 64 combinations (the 960 of C', D' and P, 2, cold, 18, 55 (4), 53). Q: 2 = 0,
        // cold = 0, 55 in {204, 399, 400}; 18, 53 and the 960 free (960 * 12). v80's declines left out in R: 2 = 0,
        // cold = 1, 18 = 720, 55 = 203, where C', D' or P hold (87 of the 960; 87 * 2). Declined: v80 (C', D' or P
        // 87 * 64; W beyond them 873 * 4: 2 and cold free, 18 = 720, 55 = 400, 53 = 7), plus Q beyond v80 (Q less
        // where C', D' or P hold, 87 * 12, or W does, 873), less R's.
        firstPaymentClause("model-v81.txt", 81, new Clause(RiskFeatures.CONSUMER_START_POINTS_LOG16, 1, 204),
            new long[]{0, 1}, new int[]{960 * 64, 960 * 12, 87 * 2, 87 * 64 + 873 * 4 + 960 * 12 - (87 * 12 + 873) -
            87 * 2});
    }

    /**
     * model-v82.txt: v81's trees with feature 30 (CONSUMER_STRIKES_24H: the account's enforced declines and flags in
     * the last 12-24 hours) in place of 74: Q' = no approved payment yet, no strike in the last 12-24 hours and the
     * account's own scored payments flagged (55 at least 204). Through the engine v81's Q sustains itself (a declined
     * payment leaves feature 2 at 0 and the group source's flag of it keeps 55 up), where Q' declines an account once:
     * its own decline is a strike, so the next payment is judged as by v80. The trees and the region left out (R: 2 at
     * 0, a strike, 30 days old or more, 55 below 204) are v81's with 30 for 74.
     */
    @Test
    void v82DeclinesExactlyV80OrAFirstPaymentFlaggedWithoutAStrike() throws IOException
    {
        // The same counts as v81's, cold = 30.
        firstPaymentClause("model-v82.txt", 82, new Clause(STRIKES_24H_ID, 1, 204), new long[]{0, 1},
            new int[]{960 * 64, 960 * 12, 87 * 2, 87 * 64 + 873 * 4 + 960 * 12 - (87 * 12 + 873) - 87 * 2});
    }

    /**
     * model-v83.txt: v82's trees at "at most one approved payment" (2 < 2) and W's share (55 at least 400): Q'' = at
     * most one approved payment, no strike in the last 12-24 hours, 55 at least 400. R: 2 at most 1, a strike, 30 days
     * old or more, 55 below 400.
     */
    @Test
    void v83DeclinesExactlyV80OrASecondPaymentFlaggedTwiceWithoutAStrike() throws IOException
    {
        // First walk, 2 in {0, 1, 2}: 960 * 96. Q'': 2 in {0, 1}, 30 = 0, 55 = 400; 18, 53 and the 960 free
        // (960 * 8). R with a v80 decline: 2 in {0, 1}, 30 = 1, 18 = 720, 55 in {203, 204, 399}, C', D' or P (87 * 12).
        // Declined: v80 (C', D' or P 87 * 96; W beyond them 873 * 6: 2 and 30 free, 18 = 720, 55 = 400, 53 = 7), plus
        // Q'' beyond v80 (Q'' less where C', D' or P hold, 87 * 8, or W does, 873 * 2), less R's.
        firstPaymentClause("model-v83.txt", 83, new Clause(STRIKES_24H_ID, 2, 400), new long[]{0, 1, 2},
            new int[]{960 * 96, 960 * 8, 87 * 12, 87 * 96 + 873 * 6 + 960 * 8 - (87 * 8 + 873 * 2) - 87 * 12});
    }

    /**
     * Q = 2 below {@code approvedBelow}, {@code cold} at 0 and 55 at least {@code share}; R = 2 below
     * {@code approvedBelow}, {@code cold} at least 1, 18 at least 720 and 55 below {@code share}.
     */
    private record Clause(int cold, int approvedBelow, int share)
    {
        boolean q(final long[] x)
        {
            return x[CONSUMER_HISTORY] < approvedBelow && x[cold] <= 0 &&
                x[RiskFeatures.CONSUMER_SUSPICIOUS_SHARE] >= share;
        }

        boolean r(final long[] x)
        {
            return x[CONSUMER_HISTORY] < approvedBelow && x[cold] >= 1 && x[RiskFeatures.ACCOUNT_AGE_HOURS] >= 720 &&
                x[RiskFeatures.CONSUMER_SUSPICIOUS_SHARE] < share;
        }
    }

    /**
     * Q or (v80 and not R) on every combination of two walks: accounts with few approved payments ({@code history}),
     * where every tree K adds reads 2 >= 16 first, so K's five features are left at random (the counts of the first
     * walk: {@code expected}, as {@link #walk} returns them); accounts with 15 or 16, where the tree before the marker
     * reads 2 first, so {@code cold} is left at random.
     */
    private static void firstPaymentClause(final String name, final int version, final Clause clause,
        final long[] history, final int[] expected) throws IOException
    {
        final TreeModel file = ModelFiles.resource(name);
        assertEquals(version, file.version);
        // v80's 17 trees and its marker, one tree more before the marker (now after ten) and two after v80's last.
        assertEquals(21, file.treeCount(), name + ": 20 trees and the exit marker");
        assertEquals(RiskModel.EXIT_MARKER, file.features[10 * 3], name + ": the exit marker after ten trees");
        final RiskModel model = ModelFiles.loaded(RiskModelSlot.SECOND, file, file.version);
        final int[] cdp = {RiskFeatures.ACCOUNT_EVENT_KINDS_7D, RiskFeatures.TAKEOVER_TRACES,
            RiskFeatures.NEW_SHOP_EXACT, RiskFeatures.MINUTES_SINCE_DEVICE_BOUND,
            RiskFeatures.MINUTES_SINCE_PHONE_REBOUND, RiskFeatures.AREA_MATCHES_LAST,
            RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN};
        final long[] weekEdge = {WEEK_MINUTES - 1, WEEK_MINUTES};
        final long[][] cdpValues = {KINDS_7D, {5, 6, 7, 8}, {-1, 0, 1}, weekEdge, weekEdge, AREA_MATCHES_LAST,
            MINUTES_SINCE_NEW_NETWORK};
        final long[] suspicious = {203, 204, 399, 400};
        final java.util.function.Predicate<long[]> rule = x -> clause.q(x) || v80(x) && !clause.r(x);
        final int[] first = walk(model, name, new SplittableRandom(version), concat(cdp, CONSUMER_HISTORY,
            clause.cold(), RiskFeatures.ACCOUNT_AGE_HOURS, RiskFeatures.CONSUMER_SUSPICIOUS_SHARE,
            RiskFeatures.MERCHANT_SUSPICIOUS_SHARE), concat(cdpValues, history, new long[]{0, 1}, AGE_HOURS,
            suspicious, MERCHANT_SUSPICIOUS), rule, x -> clause.q(x), x -> v80(x) && clause.r(x));
        assertEquals(expected[0], first[0], "every combination scored");
        assertEquals(expected[1], first[1], "Q");
        assertEquals(expected[2], first[2], "v80's declines left out in R");
        assertEquals(expected[3], first[3], "declined: Q or (v80 and not R)");
        // The last tree gives 1,000,000 to K's payments past the marker where 18 < 720 and 55 is below the share,
        // which W's last tree took (v80 decides the same there: K still holds or fails). Grid: the 960, 2, 18, 55 (4),
        // 53 and K's 192.
        final int[] established = walk(model, name, new SplittableRandom(version * 10L), concat(cdp,
            CONSUMER_HISTORY, RiskFeatures.ACCOUNT_AGE_HOURS, RiskFeatures.CONSUMER_SUSPICIOUS_SHARE,
            RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, AMOUNT_VS_LAST_TOP_UP, RiskFeatures.MINUTES_SINCE_TOP_UP,
            RiskFeatures.LOG_AMOUNT, PAYMENTS_24H_ID, RiskFeatures.AREA_MATCHES_HOME), concat(cdpValues,
            new long[]{15, 16}, AGE_HOURS, suspicious, MERCHANT_SUSPICIOUS, AMOUNT_VS_TOP_UP, new long[]{59, 60, 780,
            781}, LOG_AMOUNT, PAYMENTS_24H, AREA_MATCHES_HOME), rule,
            x -> x[CONSUMER_HISTORY] >= 16 && x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] <= 1 &&
                x[RiskFeatures.ACCOUNT_AGE_HOURS] < 720 && x[RiskFeatures.CONSUMER_SUSPICIOUS_SHARE] < clause.share(),
            x -> k(x));
        assertEquals(960 * 32 * 192, established[0], "every combination scored");
        // Past the marker through K's first tree with the last tree's 1,000,000: 86 <= 1 (384 of the 960), 2 = 16,
        // 18 = 719, 55 below the share (1 of the 4 values at 204, 3 at 400), 53 and K's 192 free.
        final int below = clause.share() == 204 ? 1 : 3;
        assertEquals(384 * below * 2 * 192, established[1], "K's payments the last tree reaches");
        assertEquals(384 * 16 * 8, established[2], "K");
        // v80 (no Q or R here): C', D' or P 87 * 32 * 192; W beyond them 873 * 192 (2 = 15, 18 = 720, 55 = 400,
        // 53 = 7); K beyond both 384 * 16 * 8.
        assertEquals(87 * 32 * 192 + 873 * 192 + 384 * 16 * 8, established[3], "v80");
    }

    private static int[] concat(final int[] head, final int... tail)
    {
        final int[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static long[][] concat(final long[][] head, final long[]... tail)
    {
        final long[][] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static boolean v80(final long[] x)
    {
        return exactShopGatedCOrD(x) || phoneAndDevice(x) || w(x) || k(x);
    }

    /** Features 80-83 read minutes; 86 counts the kinds under this. */
    private static final long WEEK_MINUTES = 7 * 24 * 60;

    private static boolean phoneAndDevice(final long[] x)
    {
        return x[RiskFeatures.NEW_SHOP_EXACT] == 1 && x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] >= 2 &&
            x[RiskFeatures.MINUTES_SINCE_PHONE_REBOUND] < WEEK_MINUTES &&
            x[RiskFeatures.MINUTES_SINCE_DEVICE_BOUND] < WEEK_MINUTES && x[RiskFeatures.TAKEOVER_TRACES] >= 6;
    }

    private static boolean exactShopGatedCOrD(final long[] x)
    {
        final long kinds = x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D];
        final long traces = x[RiskFeatures.TAKEOVER_TRACES];
        return x[RiskFeatures.NEW_SHOP_EXACT] == 1 && (kinds >= 3 && traces >= 7 || kinds >= 2 && traces >= 8 &&
            x[RiskFeatures.AREA_MATCHES_LAST] <= 0 && x[RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN] >= 360);
    }

    private static boolean tillGatedCOrD(final long[] x)
    {
        final boolean gate = x[RiskFeatures.NEW_MERCHANT_FOR_CONSUMER] == 1 || x[RiskFeatures.FIRST_TIME_PAIR] == 1;
        final long kinds = x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D];
        final long traces = x[RiskFeatures.TAKEOVER_TRACES];
        return gate && (kinds >= 3 && traces >= 7 || kinds >= 2 && traces >= 8 &&
            x[RiskFeatures.AREA_MATCHES_LAST] <= 0 && x[RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN] >= 360);
    }

    /**
     * Scores every combination of {@code values} (feature {@code ids[i]} over {@code values[i]}), every other feature
     * drawn at random, and asserts the model's decision is {@code rule}'s; returns {scored, where {@code first} held,
     * where {@code second} held, declined}.
     */
    private static int[] walk(final RiskModel model, final String file, final SplittableRandom random, final int[] ids,
        final long[][] values, final java.util.function.Predicate<long[]> rule,
        final java.util.function.Predicate<long[]> first, final java.util.function.Predicate<long[]> second)
    {
        final int[] counts = new int[4];
        final int[] at = new int[ids.length];
        final long[] x = new long[RiskFeatures.COUNT];
        do
        {
            for (int f = 0; f < x.length; f++)
            {
                x[f] = random.nextLong(-1_000, 50_000);
            }
            for (int i = 0; i < ids.length; i++)
            {
                x[ids[i]] = values[i][at[i]];
            }
            final boolean decided = model.score(x.clone()) >= model.declineScore();
            assertEquals(rule.test(x), decided, () -> file + " at " + java.util.Arrays.toString(ids) + " = " +
                java.util.stream.IntStream.of(ids).mapToObj(id -> Long.toString(x[id])).toList());
            counts[0]++;
            counts[1] += first.test(x) ? 1 : 0;
            counts[2] += second.test(x) ? 1 : 0;
            counts[3] += decided ? 1 : 0;
        }
        while (next(at, values));
        return counts;
    }

    /** The next combination in mixed radix (the last index fastest); false after the last. */
    private static boolean next(final int[] at, final long[][] values)
    {
        for (int i = at.length - 1; i >= 0; i--)
        {
            if (++at[i] < values[i].length)
            {
                return true;
            }
            at[i] = 0;
        }
        return false;
    }
}
