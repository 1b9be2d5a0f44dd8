package com.wodian.engine.risk;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written second models of the recommended configuration decide exactly as docs/risk.md's model table says
 * ("The shipped configuration and the recommended one"): v50 declines where C = (86 >= 3 and 87 >= 7); v55 where C or
 * D = (86 >= 2 and 87 >= 8 and 42 <= 0 and 83 >= 360); v59 where C or D or E = (82 < 43,200 and 49 <= 3 and
 * 80 >= 43,200 and 74 <= 0), E written as a tree before an exit marker and one after it; v57 where C or D or E or
 * S = (30 >= 7: the account was declined at least seven times in the last 12-24 hours), S a tree before the marker;
 * v65 where C or D or S (v55's three trees and S's, no marker); v66 where C or D or W = (18 >= 720 and 2 < 16 and 55 >=
 * 400 and 53 >= 7: a woken dormant account whose own payments and whose shop's the group source flagged), W written as
 * a tree before an exit marker and one after it.
 * Every combination of the named features' values around their
 * thresholds is scored by the engine's own model (loaded from perf's model file), with every other feature drawn at
 * random, so a change to a file's trees or decline score that the table does not say fails here.
 */
class HandWrittenSecondModelsTest
{
    private static final long[] KINDS_7D = {0, 1, 2, 3, 4};
    private static final long[] TRACES_AT_NEW_SHOP = {-1, 0, 5, 6, 7, 8, 9, 10};
    private static final long[] AREA_MATCHES_LAST = {-1, 0, 1};
    private static final long[] MINUTES_SINCE_NEW_NETWORK =
        {0, 1, 359, 360, 361, 1_440, RiskFeatures.ACCOUNT_EVENT_CAP_MINUTES};

    private static final long[] MINUTES_SINCE_REBOUND = {0, 43_199, RiskFeatures.ACCOUNT_EVENT_CAP_MINUTES};
    private static final long[] MERCHANTS_EVER = {0, 3, 4, 9};
    private static final long[] MINUTES_SINCE_RESET = {0, 43_199, RiskFeatures.ACCOUNT_EVENT_CAP_MINUTES};
    private static final long[] START_POINTS_LOG16 = {0, 1, 5};
    private static final long[] STRIKES_24H = {0, 1, 6, 7, 8, 255};

    private static boolean c(final long[] x)
    {
        return x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] >= 3 && x[RiskFeatures.EVENTED_NEW_SHOP_TRACES] >= 7;
    }

    private static boolean d(final long[] x)
    {
        return x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] >= 2 && x[RiskFeatures.EVENTED_NEW_SHOP_TRACES] >= 8 &&
            x[RiskFeatures.AREA_MATCHES_LAST] <= 0 && x[RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN] >= 360;
    }

    /** E: a bought aged account's hand-over, a new phone number without a credential reset on an account that never
     * held a point and paid at no more than three merchants. */
    private static boolean e(final long[] x)
    {
        return x[RiskFeatures.MINUTES_SINCE_PHONE_REBOUND] < 43_200 && x[RiskFeatures.CONSUMER_MERCHANTS_EVER] <= 3 &&
            x[RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET] >= 43_200 && x[RiskFeatures.CONSUMER_START_POINTS_LOG16] <= 0;
    }

    @Test
    void v50DeclinesExactlyC() throws IOException
    {
        final int declined = decidesAs("model-v50.txt", HandWrittenSecondModelsTest::c);
        assertEquals(2 * 4 * AREA_MATCHES_LAST.length * MINUTES_SINCE_NEW_NETWORK.length, declined,
            "v50 declines 86 in {3, 4} and 87 in {7..10}, whatever 42 and 83 read");
    }

    @Test
    void v55DeclinesExactlyCOrD() throws IOException
    {
        final int declined = decidesAs("model-v55.txt", x -> c(x) || d(x));
        // C's 168 combinations, and D's where 86 = 2 (the rest of D lies inside C): 3 traces x 2 areas x 4 times.
        assertEquals(2 * 4 * AREA_MATCHES_LAST.length * MINUTES_SINCE_NEW_NETWORK.length + 3 * 2 * 4, declined,
            "v55 declines C's combinations and D's beyond them");
    }

    @Test
    void v59DeclinesExactlyCOrDOrE() throws IOException
    {
        final int wholeGrid = combinationsDecliningWholeGrid("model-v59.txt", 59, new long[] {-1},
            y -> c(y) || d(y) || e(y), strikes -> false);
        assertEquals(2 * 2 * 1 * 1, wholeGrid, "E holds at 82 in {0, 43199}, 49 in {0, 3}, 80 = 43200, 74 = 0");
    }

    @Test
    void v57DeclinesExactlyCOrDOrEOrS() throws IOException
    {
        final int wholeGrid = combinationsDecliningWholeGrid("model-v57.txt", 57, STRIKES_24H,
            y -> c(y) || d(y) || e(y) || y[RiskFeatures.CONSUMER_STRIKES_24H] >= 7, strikes -> strikes >= 7);
        final int eGrid = MINUTES_SINCE_REBOUND.length * MERCHANTS_EVER.length * MINUTES_SINCE_RESET.length *
            START_POINTS_LOG16.length;
        assertEquals(3 * eGrid + 3 * 2 * 2 * 1 * 1, wholeGrid, "S holds at 30 in {7, 8, 255}; elsewhere E's four");
    }

    @Test
    void v65DeclinesExactlyCOrDOrS() throws IOException
    {
        final String file = "model-v65.txt";
        final RiskModel model =
            RiskModelEvaluationTest.read(RiskModelEvaluationTest.SHIPPED_MODELS.resolve(file)).load();
        final SplittableRandom random = new SplittableRandom(65);
        final int grid = KINDS_7D.length * TRACES_AT_NEW_SHOP.length * AREA_MATCHES_LAST.length *
            MINUTES_SINCE_NEW_NETWORK.length;
        final int cOrD = 2 * 4 * AREA_MATCHES_LAST.length * MINUTES_SINCE_NEW_NETWORK.length + 3 * 2 * 4;
        for (final long strikes : STRIKES_24H)
        {
            for (final long rebound : MINUTES_SINCE_REBOUND)
            {
                // E's features at a hand-over's values or not: v65 has no E, so they change nothing.
                final int declined = decidesAs(model, file, random, new long[RiskFeatures.COUNT],
                    y -> c(y) || d(y) || y[RiskFeatures.CONSUMER_STRIKES_24H] >= 7, rebound, 0, 43_200, 0, strikes);
                assertEquals(strikes >= 7 ? grid : cOrD, declined, file + " at 30=" + strikes + " 82=" + rebound);
            }
        }
    }

    private static final long[] AGE_HOURS = {-1, 0, 719, 720, 721, 50_000};
    private static final long[] PAYMENTS_EVER = {0, 1, 15, 16, 17, 500};
    private static final long[] CONSUMER_SUSPICIOUS = {0, 399, 400, 401, 1_024};
    private static final long[] MERCHANT_SUSPICIOUS = {0, 6, 7, 8, 1_024};

    /** W: an account at least 30 days old with fewer than 16 approved payments ever, flagged itself and at its shop. */
    private static boolean w(final long[] x)
    {
        return x[RiskFeatures.ACCOUNT_AGE_HOURS] >= 720 && x[RiskFeatures.CONSUMER_HISTORY] < 16 &&
            x[RiskFeatures.CONSUMER_SUSPICIOUS_SHARE] >= 400 && x[RiskFeatures.MERCHANT_SUSPICIOUS_SHARE] >= 7;
    }

    @Test
    void v66DeclinesExactlyCOrDOrW() throws IOException
    {
        final String file = "model-v66.txt";
        final RiskModel model =
            RiskModelEvaluationTest.read(RiskModelEvaluationTest.SHIPPED_MODELS.resolve(file)).load();
        final SplittableRandom random = new SplittableRandom(66);
        final long[] x = new long[RiskFeatures.COUNT];
        int wholeGrid = 0;
        for (final long age : AGE_HOURS)
        {
            for (final long payments : PAYMENTS_EVER)
            {
                for (final long consumer : CONSUMER_SUSPICIOUS)
                {
                    for (final long merchant : MERCHANT_SUSPICIOUS)
                    {
                        final long[] fixed = {age, payments, consumer, merchant};
                        final int declined = decidesAsWith(model, file, random, x, fixed, y -> c(y) || d(y) || w(y));
                        final boolean holds = age >= 720 && payments < 16 && consumer >= 400 && merchant >= 7;
                        assertEquals(holds ? CD_GRID : C_OR_D, declined,
                            file + " at 18=" + age + " 2=" + payments + " 55=" + consumer + " 53=" + merchant);
                        wholeGrid += holds ? 1 : 0;
                    }
                }
            }
        }
        assertEquals(3 * 3 * 3 * 3, wholeGrid, "W holds at 18 in {720, 721, 50000}, 2 in {0, 1, 15}, 55 in {400, " +
            "401, 1024}, 53 in {7, 8, 1024}");
    }

    private static final int CD_GRID = KINDS_7D.length * TRACES_AT_NEW_SHOP.length * AREA_MATCHES_LAST.length *
        MINUTES_SINCE_NEW_NETWORK.length;
    private static final int C_OR_D = 2 * 4 * AREA_MATCHES_LAST.length * MINUTES_SINCE_NEW_NETWORK.length + 3 * 2 * 4;

    /** Scores every combination of C's and D's features with W's four (18, 2, 55, 53) fixed at {@code fixed} and the
     * rest drawn at random; asserts the model's decision is the rule's; returns how many it declined. */
    private static int decidesAsWith(final RiskModel model, final String file, final SplittableRandom random,
        final long[] x, final long[] fixed, final Predicate<long[]> rule)
    {
        return decidesOverCAndD(model, file, random, x, rule, y ->
        {
            y[RiskFeatures.ACCOUNT_AGE_HOURS] = fixed[0];
            y[RiskFeatures.CONSUMER_HISTORY] = fixed[1];
            y[RiskFeatures.CONSUMER_SUSPICIOUS_SHARE] = fixed[2];
            y[RiskFeatures.MERCHANT_SUSPICIOUS_SHARE] = fixed[3];
        }, RiskFeatures.ACCOUNT_AGE_HOURS, RiskFeatures.CONSUMER_HISTORY, RiskFeatures.CONSUMER_SUSPICIOUS_SHARE,
            RiskFeatures.MERCHANT_SUSPICIOUS_SHARE);
    }

    /**
     * Walks feature 30's values (-1: drawn at random) and every combination of E's four features over the C/D grid;
     * asserts each combination declines the whole C/D grid where E or {@code strikesDecline} holds and only C's and
     * D's combinations elsewhere; returns how many combinations declined the whole grid.
     */
    private static int combinationsDecliningWholeGrid(final String file, final long seed, final long[] strikesValues,
        final Predicate<long[]> rule, final LongPredicate strikesDecline) throws IOException
    {
        final RiskModel model =
            RiskModelEvaluationTest.read(RiskModelEvaluationTest.SHIPPED_MODELS.resolve(file)).load();
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] x = new long[RiskFeatures.COUNT];
        final int grid = KINDS_7D.length * TRACES_AT_NEW_SHOP.length * AREA_MATCHES_LAST.length *
            MINUTES_SINCE_NEW_NETWORK.length;
        final int cOrD = 2 * 4 * AREA_MATCHES_LAST.length * MINUTES_SINCE_NEW_NETWORK.length + 3 * 2 * 4;
        int wholeGrid = 0;
        int combinations = 0;
        for (final long strikes : strikesValues)
        {
            for (final long rebound : MINUTES_SINCE_REBOUND)
            {
                for (final long merchants : MERCHANTS_EVER)
                {
                    for (final long reset : MINUTES_SINCE_RESET)
                    {
                        for (final long points : START_POINTS_LOG16)
                        {
                            final int declined =
                                decidesAs(model, file, random, x, rule, rebound, merchants, reset, points, strikes);
                            combinations++;
                            final boolean holds = strikesDecline.test(strikes) ||
                                rebound < 43_200 && merchants <= 3 && reset >= 43_200 && points <= 0;
                            assertEquals(holds ? grid : cOrD, declined, file + " at 30=" + strikes + " 82=" +
                                rebound + " 49=" + merchants + " 80=" + reset + " 74=" + points);
                            wholeGrid += holds ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertEquals(strikesValues.length * MINUTES_SINCE_REBOUND.length * MERCHANTS_EVER.length *
            MINUTES_SINCE_RESET.length * START_POINTS_LOG16.length, combinations, "every combination scored");
        return wholeGrid;
    }

    /** Scores every combination of C's and D's features, the rest drawn at random; asserts the model's decision is the
     * rule's; returns how many it declined. */
    private static int decidesAs(final String file, final Predicate<long[]> rule) throws IOException
    {
        final RiskModel model =
            RiskModelEvaluationTest.read(RiskModelEvaluationTest.SHIPPED_MODELS.resolve(file)).load();
        return decidesAs(model, file, new SplittableRandom(55), new long[RiskFeatures.COUNT], rule, -1, -1, -1, -1, -1);
    }

    /**
     * Scores every combination of C's and D's features (E's four fixed at the values given, or drawn at random where
     * -1 is given for all four; feature 30 likewise); asserts the model's decision is the rule's; returns how many it
     * declined.
     */
    private static int decidesAs(final RiskModel model, final String file, final SplittableRandom random,
        final long[] x, final Predicate<long[]> rule, final long rebound, final long merchants, final long reset,
        final long points, final long strikes)
    {
        return decidesOverCAndD(model, file, random, x, rule, y ->
        {
            if (rebound >= 0)
            {
                y[RiskFeatures.MINUTES_SINCE_PHONE_REBOUND] = rebound;
                y[RiskFeatures.CONSUMER_MERCHANTS_EVER] = merchants;
                y[RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET] = reset;
                y[RiskFeatures.CONSUMER_START_POINTS_LOG16] = points;
            }
            if (strikes >= 0)
            {
                y[RiskFeatures.CONSUMER_STRIKES_24H] = strikes;
            }
        }, RiskFeatures.MINUTES_SINCE_PHONE_REBOUND, RiskFeatures.CONSUMER_MERCHANTS_EVER,
            RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET, RiskFeatures.CONSUMER_START_POINTS_LOG16,
            RiskFeatures.CONSUMER_STRIKES_24H);
    }

    /**
     * The C/D grid every hand-written model is checked over: for each combination of C's and D's features (86, 87,
     * 42, 83) the other features are drawn at random, then set by {@code fix}; asserts the model's decision is the
     * rule's (a failure names the grid's features and those in {@code shown}) and that every combination was scored;
     * returns how many it declined.
     */
    private static int decidesOverCAndD(final RiskModel model, final String file, final SplittableRandom random,
        final long[] x, final Predicate<long[]> rule, final Consumer<long[]> fix, final int... shown)
    {
        int declined = 0;
        int combinations = 0;
        for (final long kinds : KINDS_7D)
        {
            for (final long traces : TRACES_AT_NEW_SHOP)
            {
                for (final long area : AREA_MATCHES_LAST)
                {
                    for (final long minutes : MINUTES_SINCE_NEW_NETWORK)
                    {
                        for (int f = 0; f < x.length; f++)
                        {
                            x[f] = random.nextLong(-1_000, 50_000);
                        }
                        x[RiskFeatures.ACCOUNT_EVENT_KINDS_7D] = kinds;
                        x[RiskFeatures.EVENTED_NEW_SHOP_TRACES] = traces;
                        x[RiskFeatures.AREA_MATCHES_LAST] = area;
                        x[RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN] = minutes;
                        fix.accept(x);
                        final boolean expected = rule.test(x);
                        final boolean decided = model.score(x.clone()) >= model.declineScore();
                        assertEquals(expected, decided, () -> describe(file, x, shown));
                        declined += decided ? 1 : 0;
                        combinations++;
                    }
                }
            }
        }
        assertTrue(combinations == KINDS_7D.length * TRACES_AT_NEW_SHOP.length * AREA_MATCHES_LAST.length *
            MINUTES_SINCE_NEW_NETWORK.length, "every combination scored");
        return declined;
    }

    /** "FILE at 86=.. 87=.. 42=.. 83=.." and then each of {@code shown} as "id=value". */
    private static String describe(final String file, final long[] x, final int... shown)
    {
        final StringBuilder text = new StringBuilder(file).append(" at");
        final int[] grid = {RiskFeatures.ACCOUNT_EVENT_KINDS_7D, RiskFeatures.EVENTED_NEW_SHOP_TRACES,
            RiskFeatures.AREA_MATCHES_LAST, RiskFeatures.MINUTES_SINCE_NEW_NETWORK_LOGIN};
        for (final int id : grid)
        {
            text.append(' ').append(id).append('=').append(x[id]);
        }
        for (final int id : shown)
        {
            text.append(' ').append(id).append('=').append(x[id]);
        }
        return text.toString();
    }
}
