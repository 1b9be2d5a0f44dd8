package com.wodian.engine.risk;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;

/**
 * The integer features a scoring model ({@link RiskModel}) sees for one payment or redemption, read from the risk
 * profiles before the command updates them. Ids are stable: a trained model names features by id, and risk events
 * name them as reasons (docs/risk.md lists them). Amount comparisons are differences of log16 amounts x16
 * ({@link AmountStats}): 256 is "twice the usual", -256 "half"; {@link AmountStats#NO_HISTORY} when the profile is
 * empty. Counts of distinct parties are hashed-set estimates.
 */
public final class RiskFeatures
{
    public static final int LOG_AMOUNT = 0;
    public static final int AMOUNT_VS_CONSUMER = 1;
    static final int CONSUMER_HISTORY = 2;
    public static final int AMOUNT_VS_MERCHANT = 3;
    static final int AMOUNT_VS_TRADE = 4;
    static final int HOUR_SHARE_MERCHANT = 5;
    static final int HOUR_SHARE_TRADE = 6;
    static final int CONSUMER_ATTEMPTS_MINUTE = 7;
    static final int CONSUMER_ATTEMPTS_HOUR = 8;
    static final int CONSUMER_SPEND_24H_YUAN = 9;
    static final int DISTINCT_MERCHANTS = 10;
    static final int DISTINCT_TERMINALS = 11;
    static final int TERMINAL_ATTEMPTS_MINUTE = 12;
    static final int TERMINAL_FAILURES_MINUTE = 13;
    public static final int TERMINAL_DISTINCT_CONSUMERS = 14;
    public static final int TERMINAL_NEW_PAIR_SHARE = 15;
    public static final int FIRST_TIME_PAIR = 16;
    public static final int AMOUNT_VS_TERMINAL = 17;
    public static final int ACCOUNT_AGE_HOURS = 18;
    static final int PAIR_SMALL_PAYMENTS = 19;
    static final int PAIR_REFUNDS = 20;
    static final int CONSUMER_REFUNDS_24H = 21;
    static final int CONSUMER_PAYMENTS_24H = 22;
    public static final int OWN_RECRUIT = 23;
    static final int OWN_RECRUIT_SHARE_BPS = 24;
    static final int VOLUME_RATIO = 25;
    static final int MERCHANT_PAYMENTS_PER_CONSUMER_X16 = 26;
    static final int OTHERS_RECRUITS_SHARE_BPS = 27;
    static final int MERCHANT_RECRUITERS = 28;
    public static final int TRADE = 29;
    static final int CONSUMER_STRIKES_24H = 30;
    public static final int MINUTES_SINCE_LAST_PAYMENT = 31;
    static final int IS_REDEMPTION = 32;
    public static final int AT_LAST_PAYMENT_SHOP = 33;
    public static final int RECRUITED_BY_OTHER = 34;
    static final int MERCHANT_CONSUMERS_2H = 35;
    public static final int AMOUNT_ROUNDNESS = 36;
    public static final int WALLET_SHARE_PERMILLE = 37;
    static final int VOUCHER_SHARE_PERMILLE = 38;
    public static final int MINUTES_SINCE_TOP_UP = 39;
    static final int AMOUNT_VS_LAST_TOP_UP = 40;
    public static final int AREA_MATCHES_HOME = 41;
    public static final int AREA_MATCHES_LAST = 42;
    public static final int NEW_TRADE_FOR_CONSUMER = 43;
    public static final int TERMINAL_YOUNG_SHARE = 44;
    public static final int TERMINAL_OTHER_AREA_SHARE = 45;
    public static final int MERCHANT_AGE_HOURS = 46;
    static final int MINUTES_SINCE_REDEMPTION = 47;
    public static final int CONSUMER_TRADES_EVER = 48;
    public static final int CONSUMER_MERCHANTS_EVER = 49;
    public static final int MERCHANT_NARROW_CUSTOMER_SHARE = 50;
    public static final int MERCHANT_YOUNG_SHARE = 51;
    public static final int MERCHANT_OTHER_AREA_SHARE = 52;
    public static final int MERCHANT_SUSPICIOUS_SHARE = 53;
    public static final int HOME_RECRUITS_SUSPICIOUS_SHARE = 54;
    public static final int CONSUMER_SUSPICIOUS_SHARE = 55;
    public static final int TERMINAL_SUSPICIOUS_SHARE = 56;
    public static final int MERCHANT_DRAIN_SHARE = 57;
    public static final int MERCHANT_OWN_RECRUIT_SHARE = 58;
    public static final int AREA_DISTANCE_USUAL = 59;
    public static final int AREA_DISTANCE_HOME = 60;
    public static final int NEW_MERCHANT_FOR_CONSUMER = 61;
    public static final int NEW_DAY_PART_FOR_CONSUMER = 62;
    public static final int MERCHANT_AMOUNT_SPREAD = 63;
    public static final int CONSUMER_LOCAL_OTHER_SHARE = 64;
    public static final int MERCHANT_LOCALS_SHARE = 65;
    public static final int CONSUMER_HOME_SHOP_PAYMENTS = 66;
    public static final int CONSUMER_LOCAL_OTHER_PAYMENTS = 67;
    public static final int MERCHANT_HOME_AVOIDERS_SHARE = 68;
    public static final int CONSUMER_PAYMENTS_PER_MERCHANT_X16 = 69;
    public static final int MERCHANT_PAYER_REPEAT_X16 = 70;
    public static final int REPEAT_VS_MERCHANT_X16 = 71;
    public static final int HOME_ROUTE_FLOW = 72;
    public static final int HOME_COHORT_LIFT = 73;
    /**
     * log16 of the consumer's points balance just before its first approved payment (its balance now before that
     * payment); 0 when it held none: read with {@link #ACCOUNT_AGE_HOURS}, an old account that never held a point
     * (no migrated, no welcome points) is a dormant one woken up, as a ring's bought or kept accounts are.
     */
    public static final int CONSUMER_START_POINTS_LOG16 = 74;
    /**
     * Dormant accounts of this shop (as their home shop) that paid at the payer's home shop for the first time
     * (decayed per week, at most 255); -1 when the payer has no home shop or pays at it: {@link DormantPairs}.
     */
    public static final int RECIPROCAL_DORMANT_PAIRS = 75;
    /**
     * 1 when the account was registered at most {@link #REGISTERED_TOGETHER_SECONDS} after another account of the
     * same home shop, is at least 30 days old and held at most one point before its first payment (74 = 0), else 0: old
     * accounts registered in a batch and dormant since, the threat model's "accounts bought in bulk". Tried as a hard
     * rule in front of model v13 (docs/history/risk-sessions.md, "Model v17"): it failed on HELD_OUT 707-712 (7.8% more
     * honest declines than v13 alone, 5% allowed); no shipped model tests it.
     */
    public static final int DORMANT_BATCH_ACCOUNT = 76;
    /**
     * The share of their wallet (per mille, EWMA alpha 1/16) the shop's new customers spent at their first approved
     * payment there: a fence's new customers are taken-over accounts spending much of someone else's wallet, an
     * honest shop's spend what its tickets cost. Measured on TRAINING seeds 40-43 (docs/history/risk-sessions.md,
     * "Model v18"): careful takeover against legitimate payments AUC 0.67-0.83 (0.70-0.91 with the HELD_OUT takeover
     * knobs), where feature 57 (the same shop's share of draining payments) reads 0.57-0.70 (0.66-0.91).
     */
    public static final int MERCHANT_NEW_PAYER_WALLET_SHARE = 77;
    /**
     * The least feature-75 count (the reverse road of dormant accounts from the shop to the payer's home shop) over the
     * consumer's approved payments so far, capped at {@link ConsumerProfileBook#RECIPROCAL_MIN_CAP}; a payment at its
     * own home shop counts as 0; -1 before its first approved payment or without a home shop. A careful alliance
     * cluster's account pays only at the cluster's other shops, every one of which answers its home shop, so every
     * payment it makes is on a reciprocal road; an honest dormant resident also pays at shops that do not, or at home.
     * Measured on TRAINING seeds 69-72, plain and with the HELD_OUT circular-flow knobs (docs/history/risk-sessions.md,
     * "Sixteenth session"): among dormant payers with 75 >= 1, requiring this >= 1 as well keeps 31-65% of all careful
     * circular payments and 8.5-11% of those honest ones.
     */
    public static final int CONSUMER_RECIPROCAL_MIN = 78;
    /**
     * How many of the threat model's traces of a stolen account's spending (docs/risk-threats.md, 2.5) a payment
     * shows, 0-10, read from features already computed (no state of its own): away from the home shop's district, in
     * a district the consumer does not usually pay in, at a till new to it, in a trade and a part of the day new to it,
     * above its own usual amount, a good share of its wallet, no top-up for a day (a planned big purchase is topped up
     * for, a thief spends what is there), at a shop its home shop's accounts do not use, a shop whose new customers
     * spend much of their wallets (a fence). Each trace is common alone (honest payments show 2-4); a careful ring's
     * payments show most of them together, a conjunction trees trained on a few hundred such payments do not find split
     * by split. Measured on TRAINING seeds 82-83 (docs/history/risk-sessions.md, "Eighteenth session").
     */
    public static final int TAKEOVER_TRACES = 79;
    /**
     * Minutes since the consumer's last AccountEvent of kind CREDENTIAL_RESET (schema 13; docs/risk.md "Account
     * events"), at most {@link #ACCOUNT_EVENT_CAP_MINUTES}, which is also the value when it never had one (or had it
     * longer ago): a threshold below the cap reads "within that time", never "never". 81-83 likewise for
     * DEVICE_BOUND, PHONE_REBOUND and NEW_NETWORK_LOGIN, 84 for the most recent event of any of the four. A careful
     * account takeover changes the account before it spends (a reset password, the thief's phone bound, a SIM swap,
     * a log-in from the thief's network): the payment stream alone shows an honest first visit (docs/risk-threats.md).
     */
    public static final int MINUTES_SINCE_CREDENTIAL_RESET = 80;
    public static final int MINUTES_SINCE_DEVICE_BOUND = 81;
    public static final int MINUTES_SINCE_PHONE_REBOUND = 82;
    public static final int MINUTES_SINCE_NEW_NETWORK_LOGIN = 83;
    public static final int MINUTES_SINCE_ACCOUNT_EVENT = 84;
    /** How many of the four kinds happened to the account in the last 24 hours (0-4). */
    public static final int ACCOUNT_EVENT_KINDS_24H = 85;
    /** How many of the four kinds happened to the account in the last 7 days (0-4). */
    public static final int ACCOUNT_EVENT_KINDS_7D = 86;
    /**
     * An account event counted only together with the payment-side traces of a stolen account (schema 14;
     * docs/risk.md "Account events"): when the consumer had an AccountEvent of any kind in the last 7 days (86 at
     * least 1) and the shop is new to it (61 = 1), the payment's {@link #TAKEOVER_TRACES} (0-10); else -1, and -1 for a
     * redemption. Honest consumers produce every kind of event (a new phone, a forgotten PIN, a trip), and how often
     * moves from world to world; a model that trusts "an event this week" alone declines more honest payments where
     * events are more common (docs/history/risk-sessions.md, "Fiftieth session"). An honest consumer who binds a new
     * phone and then pays at the shops it always uses reads -1 here; a ring spending a victim's wallet at a fence
     * pays at a shop new to the account, with the traces of 79. The gate is the new shop, not "traces above 0": an
     * honest payment shows two to four traces. No state of its own: read from features already computed.
     */
    public static final int EVENTED_NEW_SHOP_TRACES = 87;
    /**
     * 1 when no sale of the consumer at this shop was ever settled (a Pay approved, or a Try confirmed), 0 when one
     * was, -1 for a redemption: read from the engine's spend pairs (one per consumer and shop, made by the first
     * settled sale and never removed: not by a refund, a pool distribution or a snapshot restore), so it is exact
     * where {@link #NEW_MERCHANT_FOR_CONSUMER} reads a one-hash 64-bit set of the shops ever paid that answers "paid
     * here before" for about a third of new shops once an account paid 20-40 of them (docs/history/risk-sessions.md,
     * "Fifty-seventh session"). Sales settled while the risk checks were off count too. A payment that would need a
     * new pair when the pair book is full is refused before the risk checks (LIMIT_CONSUMPTION_PAIRS), so every scored
     * payment has its answer. The engine looks the pair up before the checks and hands the answer over
     * ({@link RiskControl#paymentContext}); the feature keeps no state of its own.
     */
    public static final int NEW_SHOP_EXACT = 88;
    /**
     * {@link #EVENTED_NEW_SHOP_TRACES} gated by the exact new shop: when the consumer had an AccountEvent of any kind
     * in the last 7 days (86 at least 1) and never settled a sale at the shop (88 = 1), the payment's
     * {@link #TAKEOVER_TRACES} (0-10); else -1, and -1 for a redemption. No state of its own.
     */
    public static final int EVENTED_EXACT_NEW_SHOP_TRACES = 89;
    public static final int COUNT = 90;
    /** Features 80-84 read at most this: 30 days. */
    public static final long ACCOUNT_EVENT_CAP_MINUTES = 30L * 24 * 60;

    /**
     * The features a SetRiskModel of a schema version may name: a build refused a tree naming a feature it did not
     * have yet (RISK_MODEL_INVALID), so accepting it from a message of that version would replay an old journal to
     * another reply and another model. A new feature therefore comes with a new schema version, and its id is valid
     * only from that version on: 79 from version 8, 80-86 from 13, 87 from 14, 88-89 from 16. (Features added before
     * this rule, up to 78, are valid in every version that has SetRiskModel.)
     */
    public static int countForSchemaVersion(final int schemaVersion)
    {
        return schemaVersion >= 16 ? COUNT : schemaVersion >= 14 ? NEW_SHOP_EXACT :
            schemaVersion >= 13 ? EVENTED_NEW_SHOP_TRACES :
            schemaVersion >= 8 ? MINUTES_SINCE_CREDENTIAL_RESET : TAKEOVER_TRACES;
    }
    /** Feature 79's thresholds: a payment this far above the consumer's usual amount (log16 x16, about 3x) ... */
    static final long TRACE_ABOVE_OWN_X16 = 250;
    /** ... of at least this share of the wallet (per mille) ... */
    static final long TRACE_WALLET_PERMILLE = 150;
    /** ... no top-up for this long (minutes) ... */
    static final long TRACE_NO_TOP_UP_MINUTES = 24 * 60;
    /** ... at a shop whose new customers spent at least this share of their wallets there (feature 77, per mille). */
    static final long TRACE_FENCE_NEW_PAYER_PERMILLE = 250;
    /** Two accounts of one home shop registered at most this far apart were registered together (feature 76). */
    static final long REGISTERED_TOGETHER_SECONDS = 60;
    /** A consumer whose local-other share (x1024) is at least this counts as a local for its merchants' share. */
    static final long LOCAL_SHARE = 768;
    /** A payment of at least this share of the wallet (per mille) at a shop new to the consumer "drains" it. */
    static final long DRAIN_WALLET_PERMILLE = 250;
    /** ... unless the consumer topped up within this time (a big purchase is often preceded by a top-up). */
    static final long DRAIN_NO_TOP_UP_MINUTES = 24 * 60;
    /** A consumer who paid at most this many merchants ever counts as a narrow customer of the merchant. */
    static final long NARROW_MERCHANTS = 2;
    /**
     * A consumer who paid at least this many times at other shops of its home shop's area and never at the home shop
     * itself is a "home avoider" (an alliance cluster's accounts buy at the allied shops, not where they were
     * recruited).
     */
    static final long AVOIDER_LOCAL_PAYMENTS = 3;

    /** Accounts younger than this count as young for the terminal's young-account share. */
    static final long YOUNG_ACCOUNT_MS = 48 * 3_600_000L;

    public static final String[] NAMES = {
        "LOG_AMOUNT", "AMOUNT_VS_CONSUMER", "CONSUMER_HISTORY", "AMOUNT_VS_MERCHANT", "AMOUNT_VS_TRADE",
        "HOUR_SHARE_MERCHANT", "HOUR_SHARE_TRADE", "CONSUMER_ATTEMPTS_MINUTE", "CONSUMER_ATTEMPTS_HOUR",
        "CONSUMER_SPEND_24H_YUAN", "DISTINCT_MERCHANTS", "DISTINCT_TERMINALS", "TERMINAL_ATTEMPTS_MINUTE",
        "TERMINAL_FAILURES_MINUTE", "TERMINAL_DISTINCT_CONSUMERS", "TERMINAL_NEW_PAIR_SHARE", "FIRST_TIME_PAIR",
        "AMOUNT_VS_TERMINAL", "ACCOUNT_AGE_HOURS", "PAIR_SMALL_PAYMENTS", "PAIR_REFUNDS", "CONSUMER_REFUNDS_24H",
        "CONSUMER_PAYMENTS_24H", "OWN_RECRUIT", "OWN_RECRUIT_SHARE_BPS", "VOLUME_RATIO",
        "MERCHANT_PAYMENTS_PER_CONSUMER_X16", "OTHERS_RECRUITS_SHARE_BPS", "MERCHANT_RECRUITERS", "TRADE",
        "CONSUMER_STRIKES_24H", "MINUTES_SINCE_LAST_PAYMENT", "IS_REDEMPTION", "AT_LAST_PAYMENT_SHOP",
        "RECRUITED_BY_OTHER", "MERCHANT_CONSUMERS_2H", "AMOUNT_ROUNDNESS", "WALLET_SHARE_PERMILLE",
        "VOUCHER_SHARE_PERMILLE", "MINUTES_SINCE_TOP_UP", "AMOUNT_VS_LAST_TOP_UP", "AREA_MATCHES_HOME",
        "AREA_MATCHES_LAST", "NEW_TRADE_FOR_CONSUMER", "TERMINAL_YOUNG_SHARE", "TERMINAL_OTHER_AREA_SHARE",
        "MERCHANT_AGE_HOURS", "MINUTES_SINCE_REDEMPTION", "CONSUMER_TRADES_EVER", "CONSUMER_MERCHANTS_EVER",
        "MERCHANT_NARROW_CUSTOMER_SHARE", "MERCHANT_YOUNG_SHARE", "MERCHANT_OTHER_AREA_SHARE",
        "MERCHANT_SUSPICIOUS_SHARE", "HOME_RECRUITS_SUSPICIOUS_SHARE", "CONSUMER_SUSPICIOUS_SHARE",
        "TERMINAL_SUSPICIOUS_SHARE", "MERCHANT_DRAIN_SHARE", "MERCHANT_OWN_RECRUIT_SHARE", "AREA_DISTANCE_USUAL",
        "AREA_DISTANCE_HOME", "NEW_MERCHANT_FOR_CONSUMER", "NEW_DAY_PART_FOR_CONSUMER", "MERCHANT_AMOUNT_SPREAD",
        "CONSUMER_LOCAL_OTHER_SHARE", "MERCHANT_LOCALS_SHARE", "CONSUMER_HOME_SHOP_PAYMENTS",
        "CONSUMER_LOCAL_OTHER_PAYMENTS", "MERCHANT_HOME_AVOIDERS_SHARE", "CONSUMER_PAYMENTS_PER_MERCHANT_X16",
        "MERCHANT_PAYER_REPEAT_X16", "REPEAT_VS_MERCHANT_X16", "HOME_ROUTE_FLOW", "HOME_COHORT_LIFT",
        "CONSUMER_START_POINTS_LOG16", "RECIPROCAL_DORMANT_PAIRS", "DORMANT_BATCH_ACCOUNT",
        "MERCHANT_NEW_PAYER_WALLET_SHARE", "CONSUMER_RECIPROCAL_MIN", "TAKEOVER_TRACES",
        "MINUTES_SINCE_CREDENTIAL_RESET", "MINUTES_SINCE_DEVICE_BOUND", "MINUTES_SINCE_PHONE_REBOUND",
        "MINUTES_SINCE_NEW_NETWORK_LOGIN", "MINUTES_SINCE_ACCOUNT_EVENT", "ACCOUNT_EVENT_KINDS_24H",
        "ACCOUNT_EVENT_KINDS_7D", "EVENTED_NEW_SHOP_TRACES", "NEW_SHOP_EXACT", "EVENTED_EXACT_NEW_SHOP_TRACES",
    };

    final long[] values = new long[COUNT];
    private long walletFen;
    private long voucherFen;
    /** Whether a sale of the payment's consumer at its shop was ever settled (feature 88), from the engine. */
    private boolean paidHereBefore;

    private final ConsumerRiskBook consumers;
    private final TerminalRiskBook terminals;
    private final MerchantRiskBook merchants;
    private final PairRiskBook pairs;
    final ConsumerProfileBook consumerProfiles;
    final TerminalProfileBook terminalProfiles;
    public final MerchantProfileBook merchantProfiles;
    final TradeProfileBook trades;
    final SeenPairs seenPairs;
    final HomeRoutes homeRoutes;
    final HomeCohorts homeCohorts;
    final DormantPairs dormantPairs;
    /** The account-event times (features 80-86; snapshot format 21 on, after the home-same-set state). */
    public final AccountEventBook accountEvents;

    RiskFeatures(final RiskLimits limits, final ConsumerRiskBook consumers, final TerminalRiskBook terminals,
        final MerchantRiskBook merchants, final PairRiskBook pairs)
    {
        this.consumers = consumers;
        this.terminals = terminals;
        this.merchants = merchants;
        this.pairs = pairs;
        this.consumerProfiles = new ConsumerProfileBook(consumers);
        this.terminalProfiles = new TerminalProfileBook(terminals);
        this.merchantProfiles = new MerchantProfileBook(limits.merchantsMax());
        this.trades = new TradeProfileBook();
        this.seenPairs = new SeenPairs(limits.riskPairsMax());
        this.homeRoutes = new HomeRoutes(limits.riskPairsMax());
        this.homeCohorts = new HomeCohorts(limits.riskPairsMax(), limits.merchantsMax());
        this.dormantPairs = new DormantPairs(limits.riskPairsMax());
        this.accountEvents = new AccountEventBook(limits.consumersMax());
    }

    /** The features that learn from the active model's own scores: a model's trees that test them come last. */
    static boolean isGroupFeature(final int feature)
    {
        return feature >= MERCHANT_SUSPICIOUS_SHARE && feature <= TERMINAL_SUSPICIOUS_SHARE;
    }

    void paymentContext(final long walletFen, final long voucherFen, final boolean paidHereBefore)
    {
        this.walletFen = walletFen;
        this.voucherFen = voucherFen;
        this.paidHereBefore = paidHereBefore;
    }

    /** 0 for fen, 1 whole yuan, 2 tens, 3 hundreds, 4 thousands of yuan: agents pay round amounts. */
    public static long roundness(final long amountFen)
    {
        if (amountFen <= 0 || amountFen % 100 != 0)
        {
            return 0;
        }
        long level = 1;
        long yuan = amountFen / 100;
        while (level < 4 && yuan % 10 == 0)
        {
            yuan /= 10;
            level++;
        }
        return level;
    }

    /** 1 when both areas are known and equal, 0 when known and different, -1 when either is unknown. */
    private long sameArea(final int merchant, final int other)
    {
        if (other < 0)
        {
            return -1;
        }
        final int area = merchantProfiles.areaCode(merchant);
        final int otherArea = merchantProfiles.areaCode(other);
        return area == 0 || otherArea == 0 ? -1 : area == otherArea ? 1 : 0;
    }

    /**
     * How far apart two areas are: 0 the same district, 1 another district of the same city (administrative codes
     * share all but their last two digits), 2 another city; -1 when either is unknown (0).
     */
    static long areaDistance(final int area, final int other)
    {
        if (area == 0 || other == 0)
        {
            return -1;
        }
        return area == other ? 0 : area / 100 == other / 100 ? 1 : 2;
    }

    /** Where the payment is against where the consumer usually pays and its home shop, and what is new to it. */
    private void forPlace(final long nowMs, final int consumer, final int merchant, final int home)
    {
        final long[] x = values;
        final int area = merchantProfiles.areaCode(merchant);
        x[AREA_DISTANCE_USUAL] = areaDistance(area, consumerProfiles.usualArea(consumer));
        x[AREA_DISTANCE_HOME] = home < 0 ? -1 : areaDistance(area, merchantProfiles.areaCode(home));
        x[NEW_MERCHANT_FOR_CONSUMER] = consumerProfiles.hasPaid(consumer, merchant) ? 0 : 1;
        x[NEW_DAY_PART_FOR_CONSUMER] = consumerProfiles.paidInDayPart(consumer, HourProfile.hourOfDay(nowMs)) ? 0 : 1;
        x[MERCHANT_AMOUNT_SPREAD] = merchantProfiles.amountSpreadX16(merchant);
        x[CONSUMER_LOCAL_OTHER_SHARE] = consumerProfiles.localOtherShare(consumer);
        x[MERCHANT_LOCALS_SHARE] = merchantProfiles.share(merchant, MerchantProfileBook.SHARE_LOCALS);
        x[CONSUMER_HOME_SHOP_PAYMENTS] = home < 0 ? -1 : consumerProfiles.homePayments(consumer);
        x[CONSUMER_LOCAL_OTHER_PAYMENTS] = home < 0 ? -1 : consumerProfiles.localOtherPayments(consumer);
        x[MERCHANT_HOME_AVOIDERS_SHARE] = merchantProfiles.avoidersShare(merchant);
        final long repeat = repeatX16(consumer);
        final long usual = merchantProfiles.payerRepeatX16(merchant);
        x[CONSUMER_PAYMENTS_PER_MERCHANT_X16] = repeat;
        x[MERCHANT_PAYER_REPEAT_X16] = usual;
        x[REPEAT_VS_MERCHANT_X16] = repeat < 0 ? AmountStats.NO_HISTORY : repeat - usual;
        x[HOME_ROUTE_FLOW] = homeRoutes.count(home, (int)consumerProfiles.lastMerchant(consumer), merchant, nowMs);
        x[HOME_COHORT_LIFT] = homeCohorts.liftX16(home, merchant, x[NEW_MERCHANT_FOR_CONSUMER] == 0, nowMs);
        x[RECIPROCAL_DORMANT_PAIRS] = dormantPairs.reciprocal(home, merchant, nowMs);
        x[CONSUMER_RECIPROCAL_MIN] = home < 0 ? -1 : consumerProfiles.reciprocalMin(consumer);
    }

    /**
     * The consumer's approved payments per merchant it ever paid, x16 (-1 before its first payment): accounts that
     * come back again and again to the same few shops (a ring's accounts, a till's captured accounts) against
     * shoppers who spread over their trades. The merchants are a 64-bit hashed set (a lower bound), so the ratio can
     * only read high, never low, when two merchants share a bit.
     */
    private long repeatX16(final int consumer)
    {
        final long merchantsEver = consumerProfiles.merchantsEver(consumer);
        return merchantsEver == 0 ? -1 : consumers.history(consumer) * 16 / merchantsEver;
    }

    /** Paid several other shops of its home shop's area, never the home shop: see {@link #AVOIDER_LOCAL_PAYMENTS}. */
    private boolean homeAvoider(final int consumer, final int home)
    {
        return home >= 0 && consumerProfiles.homePayments(consumer) == 0 &&
            consumerProfiles.localOtherPayments(consumer) >= AVOIDER_LOCAL_PAYMENTS;
    }

    /**
     * Fills {@link #values} for a Try or Pay; the risk rows were advanced to now, the attempt is not recorded yet.
     * {@code pair} is the consumer–merchant pair slot or -1.
     */
    void forPayment(final long nowMs, final int consumer, final int merchant, final int terminal, final int home,
        final int pair, final long amountFen)
    {
        final long[] x = values;
        final long log16 = AmountStats.log16(amountFen);
        final int trade = merchantProfiles.trade(merchant);
        final int hour = HourProfile.hourOfDay(nowMs);
        terminalProfiles.advance(terminal, nowMs);
        merchantProfiles.advance(merchant, nowMs);
        x[LOG_AMOUNT] = log16;
        x[AMOUNT_VS_CONSUMER] = AmountStats.distanceX16(consumerProfiles.amount(consumer), log16);
        x[AMOUNT_VS_MERCHANT] = AmountStats.distanceX16(merchantProfiles.amount(merchant), log16);
        x[AMOUNT_VS_TRADE] = AmountStats.distanceX16(trades.amount(trade), log16);
        x[AMOUNT_VS_TERMINAL] = AmountStats.distanceX16(terminalProfiles.amount(terminal), log16);
        x[HOUR_SHARE_MERCHANT] = merchantProfiles.hourSharePerMille(merchant, hour);
        x[HOUR_SHARE_TRADE] = trades.hourSharePerMille(trade, hour);
        x[CONSUMER_SPEND_24H_YUAN] = (consumers.daySumFen(consumer) + amountFen) / 100;
        x[DISTINCT_MERCHANTS] = consumers.distinctMerchantsWith(consumer, merchant);
        x[DISTINCT_TERMINALS] = consumers.distinctTerminalsWith(consumer, terminal);
        x[TERMINAL_ATTEMPTS_MINUTE] = terminals.minuteCount(terminal) + 1;
        x[TERMINAL_FAILURES_MINUTE] = terminals.minuteFailures(terminal);
        x[TERMINAL_DISTINCT_CONSUMERS] = terminalProfiles.distinctConsumersWith(terminal, consumer);
        x[TERMINAL_NEW_PAIR_SHARE] = terminalProfiles.newPairShare(terminal);
        x[FIRST_TIME_PAIR] = seenPairs.seen(consumer, terminal) ? 0 : 1;
        x[PAIR_SMALL_PAYMENTS] = pairs.smallPayments(pair);
        x[PAIR_REFUNDS] = pairs.refunds(pair);
        x[OWN_RECRUIT] = home == merchant ? 1 : 0;
        final long own = merchants.hourOwnSales(merchant) + (home == merchant ? amountFen : 0);
        x[OWN_RECRUIT_SHARE_BPS] = own * 10_000 / (merchants.hourSales(merchant) + amountFen + 1);
        final long average = merchants.hourlyAverage(merchant);
        x[VOLUME_RATIO] = merchants.periodsSeen(merchant) < MerchantRiskBook.WARM_UP_PERIODS || average <= 0 ? 0 :
            (merchants.hourSales(merchant) + amountFen) * 100 / average;
        final long payments = merchantProfiles.paymentsWith(merchant);
        final long distinct = Math.max(1, merchantProfiles.distinctConsumersWith(merchant, consumer));
        x[MERCHANT_PAYMENTS_PER_CONSUMER_X16] = payments * 16 / distinct;
        x[MERCHANT_CONSUMERS_2H] = distinct;
        final boolean recruitedByOther = home >= 0 && home != merchant;
        final long othersYuan =
            merchantProfiles.othersRecruitsYuan(merchant) + (recruitedByOther ? amountFen / 100 : 0);
        x[OTHERS_RECRUITS_SHARE_BPS] = othersYuan * 1_000_000 / (merchants.hourSales(merchant) + amountFen + 100);
        x[MERCHANT_RECRUITERS] = merchantProfiles.distinctRecruiters(merchant);
        x[RECRUITED_BY_OTHER] = recruitedByOther ? 1 : 0;
        x[IS_REDEMPTION] = 0;
        x[AT_LAST_PAYMENT_SHOP] = consumerProfiles.lastMerchant(consumer) == merchant ? 1 : 0;
        x[AMOUNT_ROUNDNESS] = roundness(amountFen);
        final long cashFen = Math.max(0, amountFen - voucherFen);
        x[WALLET_SHARE_PERMILLE] = walletFen <= 0 ? 2_000 : Math.min(2_000, cashFen * 1000 / walletFen);
        x[VOUCHER_SHARE_PERMILLE] = amountFen <= 0 ? 0 : Math.min(1_000, voucherFen * 1000 / amountFen);
        x[AMOUNT_VS_LAST_TOP_UP] = consumerProfiles.amountVsLastTopUpX16(consumer, log16);
        x[AREA_MATCHES_HOME] = sameArea(merchant, home);
        x[AREA_MATCHES_LAST] = sameArea(merchant, (int)consumerProfiles.lastMerchant(consumer));
        x[NEW_TRADE_FOR_CONSUMER] = consumerProfiles.paidInTrade(consumer, trade) ? 0 : 1;
        x[TERMINAL_YOUNG_SHARE] = terminalProfiles.youngShare(terminal);
        x[TERMINAL_OTHER_AREA_SHARE] = terminalProfiles.foreignShare(terminal);
        x[MERCHANT_NARROW_CUSTOMER_SHARE] = merchantProfiles.share(merchant, MerchantProfileBook.SHARE_NARROW);
        x[MERCHANT_YOUNG_SHARE] = merchantProfiles.share(merchant, MerchantProfileBook.SHARE_YOUNG);
        x[MERCHANT_OTHER_AREA_SHARE] = merchantProfiles.share(merchant, MerchantProfileBook.SHARE_OTHER_AREA);
        x[TERMINAL_SUSPICIOUS_SHARE] = terminalProfiles.suspiciousShare(terminal);
        x[MERCHANT_DRAIN_SHARE] = merchantProfiles.share2(merchant, MerchantProfileBook.SHARE_DRAIN);
        x[MERCHANT_OWN_RECRUIT_SHARE] = merchantProfiles.share2(merchant, MerchantProfileBook.SHARE_OWN_RECRUIT);
        x[MERCHANT_NEW_PAYER_WALLET_SHARE] = merchantProfiles.newPayerWalletPerMille(merchant);
        forConsumer(nowMs, consumer, merchant, trade);
        forPlace(nowMs, consumer, merchant, home);
        forGroup(consumer, merchant, home);
        x[TAKEOVER_TRACES] = takeoverTraces(x);
        x[EVENTED_NEW_SHOP_TRACES] = eventedNewShopTraces(x);
        x[NEW_SHOP_EXACT] = paidHereBefore ? 0 : 1;
        x[EVENTED_EXACT_NEW_SHOP_TRACES] = eventedExactNewShopTraces(x);
    }

    /** Feature 87 from the payment's other features (see {@link #EVENTED_NEW_SHOP_TRACES}). */
    static long eventedNewShopTraces(final long[] x)
    {
        return x[ACCOUNT_EVENT_KINDS_7D] >= 1 && x[NEW_MERCHANT_FOR_CONSUMER] == 1 ? x[TAKEOVER_TRACES] : -1;
    }

    /** Feature 89 from the payment's other features (see {@link #EVENTED_EXACT_NEW_SHOP_TRACES}). */
    static long eventedExactNewShopTraces(final long[] x)
    {
        return x[ACCOUNT_EVENT_KINDS_7D] >= 1 && x[NEW_SHOP_EXACT] == 1 ? x[TAKEOVER_TRACES] : -1;
    }

    /** Feature 79 from the payment's other features (see {@link #TAKEOVER_TRACES}). */
    static long takeoverTraces(final long[] x)
    {
        final long minutesSinceTopUp = x[MINUTES_SINCE_TOP_UP];
        return (x[AREA_DISTANCE_HOME] >= 1 ? 1 : 0)
            + (x[AREA_DISTANCE_USUAL] >= 1 ? 1 : 0)
            + (x[FIRST_TIME_PAIR] == 1 ? 1 : 0)
            + (x[NEW_TRADE_FOR_CONSUMER] == 1 ? 1 : 0)
            + (x[NEW_DAY_PART_FOR_CONSUMER] == 1 ? 1 : 0)
            + (x[AMOUNT_VS_CONSUMER] >= TRACE_ABOVE_OWN_X16 ? 1 : 0)
            + (x[WALLET_SHARE_PERMILLE] >= TRACE_WALLET_PERMILLE ? 1 : 0)
            + (minutesSinceTopUp < 0 || minutesSinceTopUp >= TRACE_NO_TOP_UP_MINUTES ? 1 : 0)
            + (x[HOME_COHORT_LIFT] == 0 ? 1 : 0)
            + (x[MERCHANT_NEW_PAYER_WALLET_SHARE] >= TRACE_FENCE_NEW_PAYER_PERMILLE ? 1 : 0);
    }

    /**
     * Group signals: how much of what the merchant, the accounts the consumer's home shop brought in, and the
     * consumer itself did lately the group source model found suspicious (its individual score at its flag score:
     * the active model's, or the challenger's with engine setting RISK_GROUP_SOURCE). Once some accounts of a ring
     * are caught, the ring's other accounts and shops carry it.
     */
    private void forGroup(final int consumer, final int merchant, final int home)
    {
        final long[] x = values;
        x[MERCHANT_SUSPICIOUS_SHARE] = merchantProfiles.share2(merchant, MerchantProfileBook.SHARE_SUSPICIOUS);
        x[HOME_RECRUITS_SUSPICIOUS_SHARE] = home < 0 ? -1 :
            merchantProfiles.share2(home, MerchantProfileBook.SHARE_RECRUITS_SUSPICIOUS);
        x[CONSUMER_SUSPICIOUS_SHARE] = consumerProfiles.suspiciousShare(consumer);
    }

    /** After the group source model scored a payment (approved or not): the group signals learn its suspicion. */
    void recordSuspicion(final int consumer, final int merchant, final int terminal, final int home,
        final boolean suspicious)
    {
        merchantProfiles.recordShare2(merchant, MerchantProfileBook.SHARE_SUSPICIOUS, suspicious, 5);
        if (home >= 0)
        {
            merchantProfiles.recordShare2(home, MerchantProfileBook.SHARE_RECRUITS_SUSPICIOUS, suspicious, 4);
        }
        consumerProfiles.recordSuspicion(consumer, suspicious);
        terminalProfiles.recordSuspicion(terminal, suspicious);
    }

    /** The consumer's own features, shared by payments and redemptions. */
    private void forConsumer(final long nowMs, final int consumer, final int merchant, final int trade)
    {
        final long[] x = values;
        x[CONSUMER_HISTORY] = consumers.history(consumer);
        x[CONSUMER_ATTEMPTS_MINUTE] = consumers.minuteCount(consumer) + 1;
        x[CONSUMER_ATTEMPTS_HOUR] = consumers.hourCount(consumer) + 1;
        x[ACCOUNT_AGE_HOURS] = consumerProfiles.ageHours(consumer, nowMs);
        x[CONSUMER_REFUNDS_24H] = consumers.refunds24h(consumer);
        x[CONSUMER_PAYMENTS_24H] = consumers.payments24h(consumer);
        x[CONSUMER_STRIKES_24H] = consumers.strikes24h(consumer);
        x[MINUTES_SINCE_LAST_PAYMENT] = consumerProfiles.minutesSinceLastPayment(consumer, nowMs);
        x[TRADE] = trade;
        x[MINUTES_SINCE_TOP_UP] = consumerProfiles.minutesSinceTopUp(consumer, nowMs);
        x[MERCHANT_AGE_HOURS] = merchantProfiles.ageHours(merchant, nowMs);
        x[MINUTES_SINCE_REDEMPTION] = consumerProfiles.minutesSinceRedemption(consumer, nowMs);
        x[CONSUMER_TRADES_EVER] = consumerProfiles.tradesEver(consumer);
        x[CONSUMER_MERCHANTS_EVER] = consumerProfiles.merchantsEver(consumer);
        x[CONSUMER_START_POINTS_LOG16] = consumerProfiles.startPointsLog16(consumer);
        x[DORMANT_BATCH_ACCOUNT] = consumerProfiles.registeredTogether(consumer) == 1 &&
            DormantPairs.dormant(x[ACCOUNT_AGE_HOURS], x[CONSUMER_START_POINTS_LOG16]) ? 1 : 0;
        forAccountEvents(nowMs, consumer);
    }

    /** Loads the consumer's line of account-event times when it had an event (its profile row's bit); else nothing. */
    long touchAccountEvents(final int consumer)
    {
        return consumerProfiles.hasAccountEvents(consumer) ? accountEvents.touch(consumer) : 0;
    }

    /**
     * Features 80-86 from the consumer's account events: the table is read only for a consumer that had one (a bit
     * of its profile row, already loaded), so every other consumer's payment reads nothing more.
     */
    private void forAccountEvents(final long nowMs, final int consumer)
    {
        final long[] x = values;
        final boolean any = consumerProfiles.hasAccountEvents(consumer);
        final long nowStamp = AccountEventBook.stamp(nowMs);
        long latest = ACCOUNT_EVENT_CAP_MINUTES;
        long day = 0;
        long week = 0;
        for (int kind = 1; kind <= AccountEventBook.KINDS; kind++)
        {
            final long stamp = any ? accountEvents.stampOf(consumer, kind) : 0;
            final long minutes = stamp == 0 ? ACCOUNT_EVENT_CAP_MINUTES :
                Math.min(ACCOUNT_EVENT_CAP_MINUTES, Math.max(0, nowStamp - stamp) / 60);
            x[MINUTES_SINCE_CREDENTIAL_RESET + kind - 1] = minutes;
            latest = Math.min(latest, minutes);
            day += minutes < 24 * 60 ? 1 : 0;
            week += minutes < 7 * 24 * 60 ? 1 : 0;
        }
        x[MINUTES_SINCE_ACCOUNT_EVENT] = latest;
        x[ACCOUNT_EVENT_KINDS_24H] = day;
        x[ACCOUNT_EVENT_KINDS_7D] = week;
    }

    /**
     * AccountEvent (schema 13): the registered consumer {@code consumer}'s account had an event of {@code kind} (1-4)
     * at {@code nowMs}. Kept whatever the rules' modes (like a top-up): a model loaded later reads it (features 80-86).
     */
    public void accountEvent(final int consumer, final int kind, final long nowMs)
    {
        accountEvents.record(consumer, kind, nowMs);
        consumerProfiles.markAccountEvents(consumer);
    }

    /**
     * A consumer was registered: its profile row starts, and its home shop (if any) remembers when, so that the next
     * account it brings in within {@link #REGISTERED_TOGETHER_SECONDS} reads as registered together (feature 76).
     */
    void consumerRegistered(final int consumer, final long nowMs)
    {
        final int home = consumerProfiles.homeMerchantIndex(consumer);
        final boolean together = home >= 0 && merchants.recruitRegistered(home, nowMs, REGISTERED_TOGETHER_SECONDS);
        consumerProfiles.registered(consumer, nowMs, together);
    }

    /** Fills {@link #values} for a redemption of points at a merchant (the consumer row was advanced to now). */
    void forRedemption(final long nowMs, final int consumer, final int merchant, final int home)
    {
        final long[] x = values;
        java.util.Arrays.fill(x, 0);
        x[IS_REDEMPTION] = 1;
        x[AMOUNT_VS_CONSUMER] = AmountStats.NO_HISTORY;
        x[AMOUNT_VS_MERCHANT] = AmountStats.NO_HISTORY;
        x[AMOUNT_VS_TRADE] = AmountStats.NO_HISTORY;
        x[AMOUNT_VS_TERMINAL] = AmountStats.NO_HISTORY;
        x[OWN_RECRUIT] = home == merchant ? 1 : 0;
        x[RECRUITED_BY_OTHER] = home >= 0 && home != merchant ? 1 : 0;
        x[AT_LAST_PAYMENT_SHOP] = consumerProfiles.lastMerchant(consumer) == merchant ? 1 : 0;
        x[DISTINCT_MERCHANTS] = consumers.distinctMerchantsWith(consumer, merchant);
        x[AMOUNT_VS_LAST_TOP_UP] = AmountStats.NO_HISTORY;
        x[AREA_MATCHES_HOME] = sameArea(merchant, home);
        x[AREA_MATCHES_LAST] = sameArea(merchant, (int)consumerProfiles.lastMerchant(consumer));
        forConsumer(nowMs, consumer, merchant, merchantProfiles.trade(merchant));
        forPlace(nowMs, consumer, merchant, home);
        forGroup(consumer, merchant, home);
        x[CONSUMER_ATTEMPTS_MINUTE]--;
        x[CONSUMER_ATTEMPTS_HOUR]--;
        x[EVENTED_NEW_SHOP_TRACES] = -1;
        x[NEW_SHOP_EXACT] = -1;
        x[EVENTED_EXACT_NEW_SHOP_TRACES] = -1;
    }

    /** An approved Try or Pay: the new profiles learn it (the old ones are updated by {@link RiskControl}). */
    void recordPayment(final long nowMs, final int consumer, final int merchant, final int terminal, final int home,
        final long amountFen)
    {
        final long log16 = AmountStats.log16(amountFen);
        final int hour = HourProfile.hourOfDay(nowMs);
        terminalProfiles.advance(terminal, nowMs);
        merchantProfiles.advance(merchant, nowMs);
        final boolean firstTime = !seenPairs.seen(consumer, terminal);
        seenPairs.add(consumer, terminal);
        final boolean young = consumerProfiles.ageHours(consumer, nowMs) * 3_600_000L < YOUNG_ACCOUNT_MS;
        final long homeArea = sameArea(merchant, home);
        final boolean otherArea = homeArea == 0;
        terminalProfiles.recordPayment(terminal, consumer, firstTime, log16, young, otherArea);
        merchantProfiles.recordShares(merchant, consumerProfiles.merchantsEver(consumer) < NARROW_MERCHANTS, young,
            otherArea, consumerProfiles.localOtherShare(consumer) >= LOCAL_SHARE);
        merchantProfiles.recordShare2(merchant, MerchantProfileBook.SHARE_DRAIN, drains(nowMs, consumer, merchant,
            amountFen), 4);
        merchantProfiles.recordShare2(merchant, MerchantProfileBook.SHARE_OWN_RECRUIT, home == merchant, 6);
        merchantProfiles.recordAvoider(merchant, homeArea == 1 && home != merchant && homeAvoider(consumer, home));
        merchantProfiles.recordPayerRepeat(merchant, repeatX16(consumer));
        merchantProfiles.recordPayment(merchant, consumer, home, amountFen, log16, hour);
        final int trade = merchantProfiles.trade(merchant);
        trades.recordPayment(trade, log16, hour);
        homeRoutes.add(home, (int)consumerProfiles.lastMerchant(consumer), merchant, nowMs);
        // Read before this payment adds its own pair (the other direction, so only a hash collision could differ).
        final long reciprocal = dormantPairs.reciprocal(home, merchant, nowMs);
        if (!consumerProfiles.hasPaid(consumer, merchant))
        {
            merchantProfiles.recordNewPayerWallet(merchant, walletPerMille(amountFen));
            homeCohorts.addNewPair(home, merchant, nowMs);
            if (DormantPairs.dormant(consumerProfiles.ageHours(consumer, nowMs),
                consumerProfiles.startPointsLog16(consumer)))
            {
                dormantPairs.addFirstPayment(home, merchant, nowMs);
            }
        }
        consumerProfiles.recordPayment(consumer, nowMs, merchant, trade, log16, merchantProfiles.areaCode(merchant),
            hour, home == merchant, homeArea == 1 && home != merchant, reciprocal);
    }

    /** The cash part of a payment per mille of the wallet before it (1,000 with an empty wallet), at most 1,000. */
    private long walletPerMille(final long amountFen)
    {
        final long cashFen = Math.max(0, amountFen - voucherFen);
        return walletFen <= 0 ? 1000 : Math.min(1000, cashFen * 1000 / walletFen);
    }

    /**
     * Most of the wallet, at a shop the consumer never paid, without a recent top-up: what a taken-over account does.
     */
    private boolean drains(final long nowMs, final int consumer, final int merchant, final long amountFen)
    {
        final long cashFen = Math.max(0, amountFen - voucherFen);
        final long minutesSinceTopUp = consumerProfiles.minutesSinceTopUp(consumer, nowMs);
        return walletFen > 0 && cashFen * 1000 >= DRAIN_WALLET_PERMILLE * walletFen &&
            !consumerProfiles.hasPaid(consumer, merchant) &&
            (minutesSinceTopUp < 0 || minutesSinceTopUp > DRAIN_NO_TOP_UP_MINUTES);
    }

    void writeTo(final SnapshotWriter writer, final int consumerCount, final int merchantCount,
        final int terminalCount)
    {
        // The consumer profile rows are written, read and hashed with ConsumerRiskBook's (one array).
        terminalProfiles.writeTo(writer, terminalCount);
        merchantProfiles.writeTo(writer, merchantCount);
        trades.writeTo(writer);
        seenPairs.writeTo(writer);
        homeRoutes.writeTo(writer);
        homeCohorts.writeTo(writer, merchantCount);
        dormantPairs.writeTo(writer);
    }

    void readFrom(final SnapshotReader reader, final int consumerCount, final int merchantCount,
        final int terminalCount)
    {
        terminalProfiles.readFrom(reader, terminalCount);
        merchantProfiles.readFrom(reader, merchantCount);
        trades.readFrom(reader);
        seenPairs.readFrom(reader);
        homeRoutes.readFrom(reader);
        homeCohorts.readFrom(reader, merchantCount);
        dormantPairs.readFrom(reader);
    }

    long hash(final long seed, final int consumerCount, final int merchantCount, final int terminalCount)
    {
        long hash = terminalProfiles.hash(seed, terminalCount);
        hash = merchantProfiles.hash(hash, merchantCount);
        hash = trades.hash(hash);
        return dormantPairs.hash(homeCohorts.hash(homeRoutes.hash(seenPairs.hash(hash)), merchantCount));
    }
}
