package com.wodian.perf.riskworld;

/**
 * A consumer account: who registered it and when, where its owner lives and works, its shopping habits, and the
 * generator's model of its wallet and points. Abuse accounts carry their group's label; a legitimate account taken
 * over keeps LEGITIMATE here (its stolen payments are labelled on the commands).
 */
final class Account
{
    final int index;
    final long registeredAtMs;
    final int homeMerchant;
    final int homeArea;
    int workArea;
    /** Mean sessions per weekday in thousandths. */
    int activityMilli;
    /** Household: accounts of one family share this number; -1 alone. */
    int family = -1;
    /** Regular shops per trade ordinal (may be empty). */
    int[][] regulars;
    /** Day of the week this consumer travels, or -1. */
    int travelDay = -1;
    int travelArea = -1;
    boolean welcomeBonus;
    Actor actor = Actor.LEGITIMATE;
    Variant variant = Variant.NONE;
    LookAlike lookAlike = LookAlike.NONE;
    int groupId;
    /** An account an agent bought or kept dormant for months (not one it registered for this week's work). */
    boolean aged;
    /** Whether ordinary legitimate sessions are generated for it. */
    boolean shopsOrdinarily;
    /** An honest consumer dormant in the weeks before the week, who shops in it ({@link LookAlike#DORMANT_WAKER}). */
    boolean dormantBeforeWeek;
    /** Ordinary sessions pay only before this time (the week: always; the warm-up: Monday, or a sale's hand-over). */
    long shopsUntilMs = Long.MAX_VALUE;
    long id;

    /** Set-up funds: the top-up made before the account's first week of shopping (0: none). */
    long initialTopUpFen;
    long initialTopUpAtMs;
    /** Points migrated from the old platform at the start (0: none). */
    long legacyPoints;
    /** A salon regular: frequent, large payments at one beauty shop. */
    boolean salonRegular;

    long walletFenModel;
    long pointsModel;
    /** Points at the start of the planned day, less today's redemptions: what a redemption can surely use. */
    long pointsAtDayStart;
    /** Top-ups planned for the current day: a spend planned before one of them cannot use its money. */
    private long[] topUpAtMs = new long[4];
    private long[] topUpFen = new long[4];
    private int topUps;
    long walletTargetFen;

    /**
     * Points a redemption can count on. Plans are made per party, not in time order, so points earned later today
     * may already be in the model; the day-start balance (less today's redemptions) is what is surely there.
     */
    long spendablePoints()
    {
        return Math.min(pointsModel, pointsAtDayStart);
    }

    /** Wallet money surely there at the given time: the model less today's top-ups planned for later. */
    long walletAt(final long atMs)
    {
        long wallet = walletFenModel;
        for (int i = 0; i < topUps; i++)
        {
            if (topUpAtMs[i] >= atMs)
            {
                wallet -= topUpFen[i];
            }
        }
        return wallet;
    }

    void rememberTopUp(final long atMs, final long amountFen)
    {
        if (topUps == topUpAtMs.length)
        {
            topUpAtMs = java.util.Arrays.copyOf(topUpAtMs, topUps * 2);
            topUpFen = java.util.Arrays.copyOf(topUpFen, topUps * 2);
        }
        topUpAtMs[topUps] = atMs;
        topUpFen[topUps++] = amountFen;
    }

    void closeDay()
    {
        pointsAtDayStart = pointsModel;
        topUps = 0;
    }

    Label label()
    {
        return actor.isAbuse() ? Label.abuse(actor, variant, groupId) : Label.legitimate(lookAlike);
    }

    /**
     * The same consumer with the same habits for the weeks before the week ({@link WarmUp}): its own empty money
     * model (the week's is not touched), no trip (the week's trip day means a day of the week), and ordinary
     * sessions from its sign-up until {@code untilMs}. Its commands name this account's index, so they are its own.
     */
    Account warmUpCopy(final long untilMs)
    {
        final Account copy = new Account(index, registeredAtMs, homeMerchant, homeArea);
        copy.workArea = workArea;
        copy.activityMilli = activityMilli;
        copy.family = family;
        copy.regulars = regulars;
        copy.salonRegular = salonRegular;
        copy.walletTargetFen = walletTargetFen;
        copy.shopsOrdinarily = shopsOrdinarily;
        copy.initialTopUpAtMs = registeredAtMs;
        copy.shopsUntilMs = untilMs;
        copy.id = id;
        return copy;
    }

    Account(final int index, final long registeredAtMs, final int homeMerchant, final int homeArea)
    {
        this.index = index;
        this.registeredAtMs = registeredAtMs;
        this.homeMerchant = homeMerchant;
        this.homeArea = homeArea;
        this.workArea = homeArea;
    }
}
