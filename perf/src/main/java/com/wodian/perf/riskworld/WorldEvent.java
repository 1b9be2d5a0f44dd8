package com.wodian.perf.riskworld;

/**
 * One planned command before it is encoded. Parties are internal indexes (merchant, terminal, account); wire ids,
 * payment ids and idempotency keys are given at emission, in time order, so that no id reveals which part of the
 * generator planned the command.
 */
final class WorldEvent
{
    long timeMs;
    /** Creation order: breaks ties of equal times deterministically. */
    long order;
    CommandType type;
    int merchant = -1;
    int terminal = -1;
    int account = -1;
    long amountFen;
    /** Try's ttl, AdjustPoints' delta. */
    long extra;
    /** The payment a Pay/Try creates, or a Confirm/Refund refers to; -1 for none. */
    int paymentHandle = -1;
    /** The voucher a RedeemPoints creates, or a Pay spends; -1 for none. */
    int voucherHandle = -1;
    Actor actor = Actor.LEGITIMATE;
    Variant variant = Variant.NONE;
    LookAlike lookAlike = LookAlike.NONE;
    int groupId;
    /** What an ACCOUNT_EVENT reports; null for every other command. */
    AccountEventType accountEvent;

    /** An ACCOUNT_EVENT the account service reports for one account, labelled as its cause. */
    static WorldEvent accountEvent(
        final long timeMs, final long order, final int account, final AccountEventType kind, final Label label)
    {
        final WorldEvent event = new WorldEvent();
        event.type = CommandType.ACCOUNT_EVENT;
        event.timeMs = timeMs;
        event.order = order;
        event.account = account;
        event.accountEvent = kind;
        event.actor = label.actor();
        event.variant = label.variant();
        event.lookAlike = label.lookAlike();
        event.groupId = label.groupId();
        return event;
    }

    static int compare(final WorldEvent a, final WorldEvent b)
    {
        final int byTime = Long.compare(a.timeMs, b.timeMs);
        return byTime != 0 ? byTime : Long.compare(a.order, b.order);
    }
}
