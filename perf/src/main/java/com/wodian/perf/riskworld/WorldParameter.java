package com.wodian.perf.riskworld;

/**
 * The knobs of a world. Each seed draws every knob uniformly from its TRAINING or its HELD_OUT interval; the two
 * intervals never overlap (checked by a test), so held-out worlds differ in shape, not only in luck. Integers only:
 * rates are basis points (1/10,000) or thousandths, as their names say.
 */
public enum WorldParameter
{
    /** Established consumers registered before the week. */
    CONSUMERS(18_000, 19_999, 20_000, 22_000),
    /** Mean shopping sessions per consumer per weekday, in thousandths. */
    SESSIONS_PER_CONSUMER_DAY_MILLI(900, 1_250, 1_260, 1_500),
    /** Abuse groups in the week (each kind and variant has at least one). */
    ABUSE_GROUPS(36, 42, 43, 50),
    /** Share of the groups beyond the first twelve that use the careful variant. */
    CAREFUL_GROUP_SHARE_BPS(4_000, 5_500, 5_600, 7_000),
    /** Accounts an agent runs in one brushing or circular-flow group. */
    AGENT_ACCOUNTS_PER_GROUP(6, 18, 19, 40),
    /** Payments per account per hour inside a blatant burst. */
    BLATANT_PAYMENTS_PER_ACCOUNT_HOUR(10, 24, 25, 50),
    /** Payments per account per active day of a careful group, in thousandths. */
    CAREFUL_PAYMENTS_PER_ACCOUNT_DAY_MILLI(1_500, 3_500, 600, 1_400),
    /** Allied merchants in one circular-flow cluster. */
    CLUSTER_MERCHANTS(3, 4, 5, 7),
    /** How far above the voucher value a careful cash-out payment goes. */
    CASH_OUT_CAREFUL_MARKUP_BPS(500, 2_000, 2_100, 4_500),
    /** Minutes a careful abuser waits between earning or receiving points and redeeming them. */
    CAREFUL_REDEEM_DELAY_MINUTES(90, 720, 721, 2_880),
    /** Accounts one takeover ring controls. */
    TAKEOVER_VICTIMS_PER_GROUP(3, 6, 7, 12),
    /** Share of a victim's wallet a careful takeover spends. */
    TAKEOVER_CAREFUL_SPEND_BPS(2_500, 4_500, 4_600, 7_000),
    /** New accounts one voucher-farming group registers. */
    FARMING_ACCOUNTS_PER_GROUP(15, 35, 36, 70),
    /** Hours over which a careful group spreads its registrations. */
    CAREFUL_REGISTRATION_SPREAD_HOURS(24, 72, 73, 144),
    /** Accounts cycled through one colluding terminal. */
    COLLUSIVE_ACCOUNTS_PER_TERMINAL(3, 8, 9, 20),
    /** Welcome points the platform grants each account registered during the week (a new-user campaign). */
    WELCOME_POINTS(400, 700, 701, 1_000),
    /** Sessions that are a big-ticket purchase (look-alike of cash-out and takeover). */
    BIG_TICKET_SESSION_BPS(60, 140, 150, 260),
    /** Sessions that are a mall trip of several shops (look-alike of fast multi-merchant spending). */
    MALL_TRIP_SESSION_BPS(200, 400, 420, 700),
    /** Sessions where a household pays in a row at one terminal (look-alike of brushing bursts). */
    FAMILY_SESSION_BPS(300, 600, 650, 1_000),
    /** Sessions where an office buyer pays several times in a row at one shop (look-alike of split payments). */
    BULK_BUYER_SESSION_BPS(20, 60, 70, 150),
    /** Consumers who travel to another city for one or two days of the week (look-alike of takeover). */
    TRAVELLER_CONSUMER_BPS(100, 250, 260, 500),
    /** Sessions that redeem points and spend the voucher at once (look-alike of cash-out). */
    QUICK_REDEEM_SESSION_BPS(100, 250, 260, 450),
    /** New merchants opening during the week with a recruitment drive (look-alike of voucher farming). */
    GRAND_OPENINGS(2, 4, 5, 8),
    /** New customers one grand opening recruits. */
    GRAND_OPENING_RECRUITS(30, 80, 81, 150),
    /** Refund rates of every trade, scaled in percent. */
    RETURN_RATE_PERCENT(80, 125, 130, 200),
    // Account events (docs/risk-threats.md section 10). Appended, so the knobs above keep their draws.
    /** Legitimate consumers who reset their password or payment PIN in a week. */
    HONEST_CREDENTIAL_RESET_WEEKLY_BPS(20, 60, 61, 150),
    /**
     * Legitimate consumers who bind a new device in a week, other than the new phones this world binds elsewhere (a
     * phone bought at a shop and set up that day, {@link #PHONE_PURCHASE_SET_UP_WEEKLY_BPS}; a phone before a trip;
     * one after a number change): a phone bought online or set up later, the app reinstalled or its data cleared, a
     * second device. Drawn so that every honest new device together stays inside the threat model's 0.4-2.2 % a
     * week (docs/risk-threats.md section 10.1, "New devices, counted once").
     */
    HONEST_DEVICE_BOUND_WEEKLY_BPS(20, 40, 41, 60),
    /** Legitimate consumers whose phone number changes in a week. */
    HONEST_PHONE_REBOUND_WEEKLY_BPS(4, 12, 13, 30),
    /** Legitimate consumers who log in from a network or region never seen for them in a week (trips aside). */
    HONEST_NEW_NETWORK_LOGIN_WEEKLY_BPS(100, 300, 310, 700),
    /** Chance that an honest number change is followed by a credential reset, and (drawn apart) by a new device. */
    HONEST_PHONE_REBOUND_FOLLOW_UP_BPS(3_000, 6_000, 6_100, 9_000),
    /** Travellers whose trip starts with a log-in from a new network. */
    TRAVELLER_NEW_NETWORK_BPS(3_000, 6_000, 6_100, 9_000),
    /**
     * Travellers who bind a new phone in the three days before the trip (one of the week's new phones: the HELD_OUT
     * range is bounded so that every honest new device together stays inside the threat model's range).
     */
    TRAVELLER_NEW_DEVICE_BPS(300, 1_000, 1_100, 1_500),
    /** Takeover victims whose takeover leaves no account event (hijacked session, stolen unlocked phone, proxy). */
    TAKEOVER_SILENT_BPS(1_000, 2_500, 2_600, 4_500),
    /** Of the takeovers that leave events, those done by SIM swap (the rest: phished or leaked credentials). */
    TAKEOVER_SIM_SWAP_BPS(1_000, 3_000, 3_100, 5_000),
    /** Most minutes between a blatant ring's last account event on a victim and its first spend. */
    TAKEOVER_BLATANT_LEAD_MINUTES(5, 30, 31, 120),
    /** Most hours between a careful ring's last account event and the fences' opening on the spending day. */
    TAKEOVER_CAREFUL_LEAD_HOURS(2, 48, 49, 144),
    /**
     * Aged accounts of an abuse group that were bought and handed over to the agent's SIM and phone (the others: the
     * agent's own, kept dormant, or bought with the seller's number kept; no event). Until session 55 the world put
     * every hand-over 1-72 hours before the group's first day and read this as the share handed over "inside the
     * week"; the share is kept as it was, so a world hands over the same accounts, now at {@link
     * #HANDOVER_LEAD_DAYS_MAX}'s leads.
     */
    AGED_ACCOUNT_HANDOVER_BPS(2_000, 4_000, 500, 1_900),
    // A new phone bought at a shop (docs/risk-threats.md section 10.5). Appended, so the knobs above keep their draws.
    /**
     * Consumers a week who buy a phone at an electronics shop and bind it to the account the same day: a part of the
     * replacement cycle's new phones, spread over the world's phone-shop payments whatever their number (a share of
     * them would grow with the big-ticket look-alike's density, docs/risk-threats.md section 10.5).
     */
    PHONE_PURCHASE_SET_UP_WEEKLY_BPS(20, 35, 36, 55),
    /** Of those, phones set up at the shop's counter (on the shop's Wi-Fi) rather than at home. */
    PHONE_PURCHASE_IN_SHOP_BPS(2_000, 4_500, 4_600, 7_000),
    /** Of those, phones that come with a new number or a moved one (a carrier contract). */
    PHONE_PURCHASE_NUMBER_MOVE_BPS(300, 1_000, 1_100, 2_000),
    // An office's new network (docs/risk-threats.md section 10.6). Appended, so the knobs above keep their draws.
    /** Offices in the week whose staff first log in from a new network one weekday morning (a move, a new line). */
    OFFICE_NETWORK_CHANGES(1, 2, 3, 5),
    /** Share of a district's lunch-time payers that day who work at the office whose network changed. */
    OFFICE_NETWORK_STAFF_BPS(300, 800, 900, 2_000),
    // The weeks before the week (docs/risk-threats.md sections 10.2 and 10.8). Appended, so the knobs above keep their
    // draws.
    /**
     * Days of honest account events before the week (the world's history): at least 30 in both ranges, so that a
     * 30-day memory meets on the week's first day what real traffic would give it, and at least the longest hand-over
     * lead, so that every hand-over falls inside the history.
     */
    HISTORY_DAYS(36, 45, 57, 64),
    /**
     * The longest lead, in days, of a bought account's hand-over before its group's first day (leads drawn evenly
     * from one hour to it: an agent's stock of bought accounts turned over in that time, section 10.2).
     */
    HANDOVER_LEAD_DAYS_MAX(14, 35, 36, 56),
    // Payments before the week (docs/risk-threats.md section 10.9). Appended, so the knobs above keep their draws.
    /**
     * Days of ordinary payments before the week (the world's warm-up, {@link WarmUp}): long enough that the
     * engine's per-consumer memories of shops, trades and day parts hold the consumer's usual shops on Monday and
     * that a weekly halving memory is near its steady state (14 days: three quarters of it; 28: fifteen sixteenths);
     * at most the shortest history, so every warm-up payment falls inside the account events' history.
     */
    WARM_UP_DAYS(14, 21, 22, 28),
    /**
     * Established honest consumers, aged at least 30 days when the warm-up starts, who pay nothing in the warm-up and
     * shop again in the week (the look-alike {@link LookAlike#DORMANT_WAKER}).
     */
    DORMANT_WAKER_BPS(150, 300, 310, 600);

    private final long trainingLow;
    private final long trainingHigh;
    private final long heldOutLow;
    private final long heldOutHigh;

    WorldParameter(final long trainingLow, final long trainingHigh, final long heldOutLow, final long heldOutHigh)
    {
        this.trainingLow = trainingLow;
        this.trainingHigh = trainingHigh;
        this.heldOutLow = heldOutLow;
        this.heldOutHigh = heldOutHigh;
    }

    public long low(final ParameterRange range)
    {
        return range == ParameterRange.TRAINING ? trainingLow : heldOutLow;
    }

    public long high(final ParameterRange range)
    {
        return range == ParameterRange.TRAINING ? trainingHigh : heldOutHigh;
    }
}
