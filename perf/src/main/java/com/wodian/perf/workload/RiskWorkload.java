package com.wodian.perf.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, reproducible, labelled workload for measuring risk control: a town of merchants of several types and
 * consumers who shop at a few favourite merchants with amounts and times of day typical of each type, plus injected
 * abuse of each kind the risk rules are meant to catch. Every event carries its label ({@link Kind}) and the abuse
 * episode it belongs to; the labels stay here and never reach the engine, which sees only ordinary commands.
 *
 * <p>Time starts on a Monday at 00:00 Beijing time and runs {@link #days} days. Day 0 is quiet (no abuse), so that
 * profiles exist when abuse starts. See docs/risk.md, "Labelled workload", for what each abuse kind looks like.
 */
public final class RiskWorkload
{
    /** 2026-01-05T00:00:00+08:00. */
    public static final long START_MS = 1_767_542_400_000L;
    static final long MINUTE_MS = 60_000;
    public static final long HOUR_MS = 3_600_000;
    public static final long DAY_MS = 24 * HOUR_MS;

    public enum Kind
    {
        LEGIT("legitimate"),
        SPREE("stolen account: rapid spree at several shops"),
        TAKEOVER_LARGE("stolen account: one or two large cash-out purchases"),
        NEW_ACCOUNT_CASHOUT("new account: large purchase right after the first top-up"),
        BRUSHING("brushing: bursts of tiny payments on one pair, then redemption"),
        REFUND_CYCLING("pay-then-refund cycles on one pair"),
        CIRCULAR_FLOW("merchant's own recruits paying it in volume"),
        TERMINAL_ATTACK("one terminal charging many accounts quickly");

        public final String description;

        Kind(final String description)
        {
            this.description = description;
        }
    }

    public enum Op
    {
        REGISTER_CONSUMER, TOP_UP, PAY, REFUND, REDEEM
    }

    /**
     * One timed input: {@code paymentId} for PAY and REFUND (the payment refunded), {@code secondaryId} the refundId,
     * redemptionId or top-up reference; {@code merchantId} of REGISTER_CONSUMER is the home merchant.
     */
    public record Event(long timeMs, Op op, long merchantId, long terminalId, long consumerId, long amountFen,
        long paymentId, long secondaryId, Kind kind, int episode)
    {
    }

    /** A merchant type: typical amount (fen), visit weight and opening profile (24 hourly weights). */
    enum MerchantType
    {
        GROCERY(4_500, 6, hours(8, 21, 10, 12, 17, 19)),
        CONVENIENCE(1_500, 8, hours(7, 23, 7, 9, 20, 22)),
        CAFE(2_800, 6, hours(7, 19, 7, 10, 14, 16)),
        RESTAURANT(9_000, 5, hours(10, 22, 11, 13, 17, 20)),
        FASHION(35_000, 1, hours(10, 22, 14, 16, 19, 21)),
        ELECTRONICS(150_000, 0.15, hours(10, 21, 14, 16, 19, 20)),
        PHARMACY(6_000, 1, hours(8, 21, 9, 11, 18, 20));

        final long baseFen;
        final double visitWeight;
        final double[] hourWeights;

        MerchantType(final long baseFen, final double visitWeight, final double[] hourWeights)
        {
            this.baseFen = baseFen;
            this.visitWeight = visitWeight;
            this.hourWeights = hourWeights;
        }

        /** Open from {@code open} to {@code close} (exclusive), twice as busy in two peak spans. */
        private static double[] hours(final int open, final int close, final int peak1From, final int peak1To,
            final int peak2From, final int peak2To)
        {
            final double[] weights = new double[24];
            for (int hour = open; hour < close; hour++)
            {
                weights[hour] = (hour >= peak1From && hour < peak1To) || (hour >= peak2From && hour < peak2To) ?
                    3 : 1;
            }
            return weights;
        }
    }

    private static final MerchantType[] TYPE_MIX = {
        MerchantType.GROCERY, MerchantType.GROCERY, MerchantType.GROCERY, MerchantType.GROCERY,
        MerchantType.CONVENIENCE, MerchantType.CONVENIENCE, MerchantType.CONVENIENCE, MerchantType.CONVENIENCE,
        MerchantType.CAFE, MerchantType.CAFE, MerchantType.CAFE,
        MerchantType.RESTAURANT, MerchantType.RESTAURANT, MerchantType.RESTAURANT, MerchantType.RESTAURANT,
        MerchantType.RESTAURANT,
        MerchantType.FASHION, MerchantType.FASHION,
        MerchantType.ELECTRONICS,
        MerchantType.PHARMACY};

    public static final int TERMINALS_PER_MERCHANT = 2;
    public static final long LEGIT_TOP_UP_FEN = 3_000_000;

    public final long seed;
    public final int consumerCount;
    public final int merchantCount;
    public final int days;
    /** Merchant index (0-based, id = index + 1) to type, alliance membership, points per yuan. */
    final MerchantType[] merchantTypes;
    public final boolean[] allianceMember;
    public final int[] pointsPerYuan;
    /** Consumer index (id = index + 1) to home merchant id (0: none); consumers registered at start. */
    public final long[] homeMerchant;
    /** Consumers with an empty wallet (dormant accounts a terminal attack may try). */
    public final boolean[] dormant;
    public final List<Event> events = new ArrayList<>();
    private final int[] episodesByKind = new int[Kind.values().length];

    private final SplittableRandom random;
    private long nextPaymentId = 1;
    private long nextSecondaryId = 1;
    private long nextConsumerId;
    private int nextEpisode = 1;
    /** Favourite merchants (ids) of each start-up consumer. */
    private final long[][] favourites;
    private final double[] rateByConsumer;
    private final double[] spendByConsumer;

    public RiskWorkload(final long seed, final int consumerCount, final int days)
    {
        this.seed = seed;
        this.consumerCount = consumerCount;
        this.days = Math.max(2, days);
        this.random = new SplittableRandom(seed);
        this.merchantCount = Math.max(40, consumerCount / 100);
        merchantTypes = new MerchantType[merchantCount];
        allianceMember = new boolean[merchantCount];
        pointsPerYuan = new int[merchantCount];
        for (int m = 0; m < merchantCount; m++)
        {
            merchantTypes[m] = TYPE_MIX[random.nextInt(TYPE_MIX.length)];
            allianceMember[m] = random.nextInt(10) < 8;
            pointsPerYuan[m] = 1 + random.nextInt(10);
        }
        homeMerchant = new long[consumerCount];
        dormant = new boolean[consumerCount];
        favourites = new long[consumerCount][];
        rateByConsumer = new double[consumerCount];
        spendByConsumer = new double[consumerCount];
        nextConsumerId = consumerCount + 1;
        for (int c = 0; c < consumerCount; c++)
        {
            homeMerchant[c] = random.nextInt(10) < 7 ? allianceMerchant() : 0;
            dormant[c] = random.nextInt(50) == 0;
            final int favouriteCount = 3 + random.nextInt(6);
            favourites[c] = new long[favouriteCount];
            for (int f = 0; f < favouriteCount; f++)
            {
                favourites[c][f] = f == 0 && homeMerchant[c] > 0 && random.nextBoolean() ? homeMerchant[c] :
                    1 + random.nextInt(merchantCount);
            }
            rateByConsumer[c] = 0.3 + random.nextDouble() * 2.2;
            spendByConsumer[c] = Math.exp(gaussian() * 0.35);
        }
        generateLegit();
        final int episodes = Math.max(10, consumerCount / 200);
        for (int e = 0; e < episodes; e++)
        {
            spree();
            takeoverLarge();
            newAccountCashout();
            brushing();
            refundCycling();
            circularFlow();
            terminalAttack();
        }
        events.sort(Comparator.comparingLong(Event::timeMs).thenComparingLong(Event::paymentId)
            .thenComparingLong(Event::secondaryId));
    }

    public int episodes(final Kind kind)
    {
        return episodesByKind[kind.ordinal()];
    }

    /** Consumers registered after the start (new accounts): their ids run from consumerCount + 1. */
    public long lastConsumerId()
    {
        return nextConsumerId - 1;
    }

    public static long terminalId(final long merchantId, final int terminal)
    {
        return merchantId * 10 + terminal + 1;
    }

    // ------------------------------------------------------------------------------------------------ legitimate

    private void generateLegit()
    {
        for (int c = 0; c < consumerCount; c++)
        {
            final long consumerId = c + 1;
            if (!dormant[c])
            {
                add(START_MS - HOUR_MS + c, Op.TOP_UP, 0, 0, consumerId, LEGIT_TOP_UP_FEN, 0, Kind.LEGIT, 0);
            }
            else
            {
                continue;
            }
            for (int day = 0; day < days; day++)
            {
                final int payments = poisson(rateByConsumer[c]);
                for (int p = 0; p < payments; p++)
                {
                    legitPayment(c, consumerId, day);
                }
                if (random.nextInt(5) == 0)
                {
                    final long merchantId = favourites[c][random.nextInt(favourites[c].length)];
                    add(dayTime(day, merchantTypes[(int)merchantId - 1]), Op.REDEEM, merchantId, 0, consumerId, 0,
                        0, Kind.LEGIT, 0);
                }
            }
        }
        // New consumers join during the run and shop like the others.
        final int newcomers = consumerCount / 30;
        for (int n = 0; n < newcomers; n++)
        {
            final long consumerId = nextConsumerId++;
            final int day = random.nextInt(days);
            final long joinMs = START_MS + day * DAY_MS + (8 + random.nextInt(12)) * HOUR_MS +
                random.nextLong(HOUR_MS);
            final long home = random.nextInt(10) < 7 ? allianceMerchant() : 0;
            add(joinMs, Op.REGISTER_CONSUMER, home, 0, consumerId, 0, 0, Kind.LEGIT, 0);
            add(joinMs + MINUTE_MS, Op.TOP_UP, 0, 0, consumerId, 300_000 + random.nextInt(2_000_000), 0,
                Kind.LEGIT, 0);
            final int payments = 1 + random.nextInt(4);
            final long[] shops = {1 + random.nextInt(merchantCount), 1 + random.nextInt(merchantCount),
                1 + random.nextInt(merchantCount)};
            for (int p = 0; p < payments; p++)
            {
                final long merchantId = pickByVisitWeight(shops);
                final long at = joinMs + 2 * MINUTE_MS + random.nextLong(2 * DAY_MS);
                legitPaymentAt(at, consumerId, merchantId, 1.0);
            }
        }
    }

    private void legitPayment(final int c, final long consumerId, final int day)
    {
        final long merchantId = pickFavourite(c);
        final MerchantType type = merchantTypes[(int)merchantId - 1];
        final long at = dayTime(day, type);
        final long paymentId = legitPaymentAt(at, consumerId, merchantId, spendByConsumer[c]);
        // Sometimes a second purchase at the same shop a few minutes later (forgot something).
        if (random.nextInt(20) == 0)
        {
            legitPaymentAt(at + MINUTE_MS + random.nextLong(8 * MINUTE_MS), consumerId, merchantId,
                spendByConsumer[c] * 0.5);
        }
        if (paymentId > 0 && random.nextInt(70) == 0)
        {
            final long refundAt = at + 30 * MINUTE_MS + random.nextLong(2 * DAY_MS);
            refundOf(refundAt, paymentId, Kind.LEGIT, 0);
        }
    }

    private final List<Event> payments = new ArrayList<>();

    private long legitPaymentAt(final long at, final long consumerId, final long merchantId, final double spend)
    {
        final MerchantType type = merchantTypes[(int)merchantId - 1];
        double amount = type.baseFen * spend * Math.exp(gaussian() * 0.45);
        if (random.nextInt(100) == 0)
        {
            amount *= 1.5 + random.nextDouble() * 1.5;   // an occasional bigger purchase
        }
        final long amountFen = Math.max(100, Math.round(amount));
        return pay(at, merchantId, consumerId, amountFen, Kind.LEGIT, 0);
    }

    private long pickFavourite(final int c)
    {
        return pickByVisitWeight(favourites[c]);
    }

    private long pickByVisitWeight(final long[] list)
    {
        double total = 0;
        for (final long merchantId : list)
        {
            total += merchantTypes[(int)merchantId - 1].visitWeight;
        }
        double pick = random.nextDouble() * total;
        for (final long merchantId : list)
        {
            pick -= merchantTypes[(int)merchantId - 1].visitWeight;
            if (pick <= 0)
            {
                return merchantId;
            }
        }
        return list[list.length - 1];
    }

    // ------------------------------------------------------------------------------------------------ abuse

    private int episode(final Kind kind)
    {
        episodesByKind[kind.ordinal()]++;
        return nextEpisode++;
    }

    /** A time on day 1.. (never day 0) between 08:00 and 23:00. */
    private long abuseTime()
    {
        final int day = 1 + random.nextInt(days - 1);
        return START_MS + day * DAY_MS + 8 * HOUR_MS + random.nextLong(15 * HOUR_MS);
    }

    private int activeVictim()
    {
        while (true)
        {
            final int c = random.nextInt(consumerCount);
            if (!dormant[c] && rateByConsumer[c] >= 1.0)
            {
                return c;
            }
        }
    }

    private long merchantOfType(final MerchantType a, final MerchantType b)
    {
        for (int tries = 0; tries < 10_000; tries++)
        {
            final long merchantId = 1 + random.nextInt(merchantCount);
            final MerchantType type = merchantTypes[(int)merchantId - 1];
            if (type == a || type == b)
            {
                return merchantId;
            }
        }
        return 1 + random.nextInt(merchantCount);
    }

    private long allianceMerchant()
    {
        while (true)
        {
            final int m = random.nextInt(merchantCount);
            if (allianceMember[m])
            {
                return m + 1;
            }
        }
    }

    /** A stolen account is drained fast: resellable goods at several shops, seconds apart. */
    private void spree()
    {
        final int episode = episode(Kind.SPREE);
        final long consumerId = activeVictim() + 1;
        final int attempts = 8 + random.nextInt(13);
        final int shops = 2 + random.nextInt(4);
        final long[] merchants = new long[shops];
        for (int s = 0; s < shops; s++)
        {
            merchants[s] = merchantOfType(MerchantType.ELECTRONICS, MerchantType.FASHION);
        }
        long at = abuseTime();
        for (int a = 0; a < attempts; a++)
        {
            pay(at, merchants[a * shops / attempts], consumerId, 60_000 + random.nextInt(300_000), Kind.SPREE,
                episode);
            at += 5_000 + random.nextLong(35_000);
        }
    }

    /** A stolen account cashed out in one or two big purchases. */
    private void takeoverLarge()
    {
        final int episode = episode(Kind.TAKEOVER_LARGE);
        final long consumerId = activeVictim() + 1;
        long at = abuseTime();
        final int purchases = 1 + random.nextInt(2);
        for (int p = 0; p < purchases; p++)
        {
            pay(at, merchantOfType(MerchantType.ELECTRONICS, MerchantType.FASHION), consumerId,
                300_000 + random.nextInt(1_200_000), Kind.TAKEOVER_LARGE, episode);
            at += MINUTE_MS + random.nextLong(10 * MINUTE_MS);
        }
    }

    /** A fresh account, funded once, spent at once on resellable goods. */
    private void newAccountCashout()
    {
        final int episode = episode(Kind.NEW_ACCOUNT_CASHOUT);
        final long consumerId = nextConsumerId++;
        long at = abuseTime();
        add(at, Op.REGISTER_CONSUMER, random.nextBoolean() ? allianceMerchant() : 0, 0, consumerId, 0, 0,
            Kind.NEW_ACCOUNT_CASHOUT, episode);
        add(at + MINUTE_MS, Op.TOP_UP, 0, 0, consumerId, 2_000_000, 0, Kind.NEW_ACCOUNT_CASHOUT, episode);
        at += 2 * MINUTE_MS + random.nextLong(10 * MINUTE_MS);
        final int purchases = 1 + random.nextInt(3);
        for (int p = 0; p < purchases; p++)
        {
            pay(at, merchantOfType(MerchantType.ELECTRONICS, MerchantType.FASHION), consumerId,
                200_000 + random.nextInt(500_000), Kind.NEW_ACCOUNT_CASHOUT, episode);
            at += MINUTE_MS + random.nextLong(15 * MINUTE_MS);
        }
    }

    /** Agents of a colluding merchant buy points with bursts of tiny payments, then redeem them. */
    private void brushing()
    {
        final int episode = episode(Kind.BRUSHING);
        final long merchantId = allianceMerchant();
        final int agents = 1 + random.nextInt(3);
        for (int agent = 0; agent < agents; agent++)
        {
            final long consumerId = nextConsumerId++;
            add(START_MS - HOUR_MS / 2, Op.REGISTER_CONSUMER, merchantId, 0, consumerId, 0, 0, Kind.BRUSHING,
                episode);
            add(START_MS - HOUR_MS / 4, Op.TOP_UP, 0, 0, consumerId, 200_000, 0, Kind.BRUSHING, episode);
            long at = abuseTime();
            final int sessions = 1 + random.nextInt(3);
            for (int session = 0; session < sessions; session++)
            {
                final int burst = 6 + random.nextInt(10);
                for (int p = 0; p < burst; p++)
                {
                    pay(at, merchantId, consumerId, 100 + random.nextInt(890), Kind.BRUSHING, episode);
                    at += 20_000 + random.nextLong(70_000);
                }
                at += HOUR_MS + random.nextLong(3 * HOUR_MS);
            }
            add(at, Op.REDEEM, merchantId, 0, consumerId, 0, 0, Kind.BRUSHING, episode);
        }
    }

    /** Pay and refund again and again on one pair: fake sales volume and points that are spent before clawback. */
    private void refundCycling()
    {
        final int episode = episode(Kind.REFUND_CYCLING);
        final int c = activeVictim();
        final long consumerId = c + 1;
        final long merchantId = favourites[c][random.nextInt(favourites[c].length)];
        long at = abuseTime();
        final int cycles = 4 + random.nextInt(5);
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            final long paymentId = pay(at, merchantId, consumerId, 10_000 + random.nextInt(50_000),
                Kind.REFUND_CYCLING, episode);
            at += 2 * MINUTE_MS + random.nextLong(13 * MINUTE_MS);
            refundOf(at, paymentId, Kind.REFUND_CYCLING, episode);
            at += 5 * MINUTE_MS + random.nextLong(25 * MINUTE_MS);
        }
        add(at, Op.REDEEM, merchantId, 0, consumerId, 0, 0, Kind.REFUND_CYCLING, episode);
    }

    /** A merchant funds consumers it registered itself and has them pay it, round and round. */
    private void circularFlow()
    {
        final int episode = episode(Kind.CIRCULAR_FLOW);
        final long merchantId = allianceMerchant();
        final int recruits = 6 + random.nextInt(7);
        final long start = abuseTime();
        for (int r = 0; r < recruits; r++)
        {
            final long consumerId = nextConsumerId++;
            add(START_MS - HOUR_MS / 2, Op.REGISTER_CONSUMER, merchantId, 0, consumerId, 0, 0, Kind.CIRCULAR_FLOW,
                episode);
            add(START_MS - HOUR_MS / 4, Op.TOP_UP, 0, 0, consumerId, 1_000_000, 0, Kind.CIRCULAR_FLOW, episode);
            // Some history of ordinary shopping elsewhere, so that the recruits look like real consumers.
            for (int p = 0; p < 3; p++)
            {
                legitLookingPayment(START_MS + random.nextLong(start - START_MS), consumerId, episode);
            }
            final int rounds = 2 + random.nextInt(3);
            for (int round = 0; round < rounds; round++)
            {
                pay(start + random.nextLong(90 * MINUTE_MS), merchantId, consumerId, 20_000 + random.nextInt(60_000),
                    Kind.CIRCULAR_FLOW, episode);
            }
        }
    }

    private void legitLookingPayment(final long at, final long consumerId, final int episode)
    {
        final long merchantId = 1 + random.nextInt(merchantCount);
        final MerchantType type = merchantTypes[(int)merchantId - 1];
        // Part of the cover story, labelled legitimate: the engine must not decline these either.
        pay(at, merchantId, consumerId, Math.max(100, Math.round(type.baseFen * Math.exp(gaussian() * 0.4))),
            Kind.LEGIT, 0);
    }

    /** A compromised terminal charges a list of accounts (some of them empty) one after the other. */
    private void terminalAttack()
    {
        final int episode = episode(Kind.TERMINAL_ATTACK);
        final long merchantId = 1 + random.nextInt(merchantCount);
        final long terminalId = terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT));
        long at = abuseTime();
        final int attempts = 20 + random.nextInt(31);
        for (int a = 0; a < attempts; a++)
        {
            final long consumerId = 1 + random.nextInt(consumerCount);
            add(at, Op.PAY, merchantId, terminalId, consumerId, 5_000 + random.nextInt(45_000), nextPaymentId++,
                Kind.TERMINAL_ATTACK, episode);
            at += 3_000 + random.nextLong(9_000);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private long pay(final long at, final long merchantId, final long consumerId, final long amountFen,
        final Kind kind, final int episode)
    {
        final long terminalId = terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT));
        final long paymentId = nextPaymentId++;
        final Event event = new Event(at, Op.PAY, merchantId, terminalId, consumerId, amountFen, paymentId, 0, kind,
            episode);
        events.add(event);
        payments.add(event);
        return paymentId;
    }

    private void refundOf(final long at, final long paymentId, final Kind kind, final int episode)
    {
        final Event payment = payments.get(indexOfPayment(paymentId));
        events.add(new Event(Math.max(at, payment.timeMs() + 1), Op.REFUND, payment.merchantId(),
            payment.terminalId(), payment.consumerId(), payment.amountFen(), paymentId, nextSecondaryId++, kind,
            episode));
    }

    /** Payments are appended in id order except terminal attacks, which take ids without a list entry. */
    private int indexOfPayment(final long paymentId)
    {
        int low = 0;
        int high = payments.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long id = payments.get(mid).paymentId();
            if (id == paymentId)
            {
                return mid;
            }
            if (id < paymentId)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        throw new IllegalStateException("no payment " + paymentId);
    }

    private void add(final long at, final Op op, final long merchantId, final long terminalId, final long consumerId,
        final long amountFen, final long paymentId, final Kind kind, final int episode)
    {
        events.add(new Event(at, op, merchantId, terminalId, consumerId, amountFen, paymentId,
            op == Op.REDEEM || op == Op.TOP_UP ? nextSecondaryId++ : 0, kind, episode));
    }

    private long dayTime(final int day, final MerchantType type)
    {
        double total = 0;
        for (final double weight : type.hourWeights)
        {
            total += weight;
        }
        double pick = random.nextDouble() * total;
        int hour = 0;
        for (; hour < 23; hour++)
        {
            pick -= type.hourWeights[hour];
            if (pick <= 0)
            {
                break;
            }
        }
        return START_MS + day * DAY_MS + hour * HOUR_MS + random.nextLong(HOUR_MS);
    }

    private int poisson(final double mean)
    {
        final double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit)
        {
            product *= random.nextDouble();
            count++;
        }
        return count;
    }

    private double gaussian()
    {
        // Box-Muller from the seeded generator (java.util.Random's nextGaussian would need another source).
        final double u1 = Math.max(1e-12, random.nextDouble());
        final double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public String toString()
    {
        return "RiskWorkload{seed=" + seed + ", consumers=" + consumerCount + ", merchants=" + merchantCount +
            ", days=" + days + ", events=" + events.size() + ", episodes=" + Arrays.toString(episodesByKind) + '}';
    }
}
