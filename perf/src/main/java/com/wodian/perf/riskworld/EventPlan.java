package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the commands planned for one stretch of time and keeps the generator's money model in step: a planned
 * payment takes the wallet down and earns points, a redemption spends points and promises pool money, and so on.
 * The model assumes every planned command succeeds; the engine may refuse some (a risk decline, say), which only
 * makes later commands of the same party fail in the engine too, as they would in the real world.
 */
final class EventPlan
{
    static final long TRY_TTL_MS = 15 * SimulatedClock.MINUTE_MS;
    /** Below the engine's default amount limit (1,000,000 yuan); a larger balance is paid out over several days. */
    static final long WITHDRAWAL_FEN_MAX = 50_000_000L;

    private final List<WorldEvent> events = new ArrayList<>();
    private long nextOrder;
    private int nextPaymentHandle;
    private int nextVoucherHandle;

    List<WorldEvent> events()
    {
        return events;
    }

    int paymentHandles()
    {
        return nextPaymentHandle;
    }

    int voucherHandles()
    {
        return nextVoucherHandle;
    }

    WorldEvent add(final CommandType type, final long timeMs, final Label label)
    {
        final WorldEvent event = new WorldEvent();
        event.type = type;
        event.timeMs = timeMs;
        event.order = nextOrder++;
        event.actor = label.actor();
        event.variant = label.variant();
        event.lookAlike = label.lookAlike();
        event.groupId = label.groupId();
        events.add(event);
        return event;
    }

    void registerConsumer(final Account account, final Label label)
    {
        add(CommandType.REGISTER_CONSUMER, account.registeredAtMs, label).account = account.index;
    }

    void topUp(final long timeMs, final Account account, final long amountFen, final Label label)
    {
        final WorldEvent event = add(CommandType.TOP_UP, timeMs, label);
        event.account = account.index;
        event.amountFen = amountFen;
        account.walletFenModel += amountFen;
        account.rememberTopUp(timeMs, amountFen);
    }

    /** Tops the wallet up shortly before a spend when the model says it would not cover it. */
    void ensureFunds(final Rng rng, final long spendAtMs, final Account account, final long amountFen,
        final Label label)
    {
        final long available = account.walletAt(spendAtMs);
        if (available >= amountFen)
        {
            return;
        }
        final long missing = amountFen - available;
        final long roundTo = missing > 100_000 ? 100_000 : 10_000;
        final long topUpFen = (missing + account.walletTargetFen) / roundTo * roundTo + roundTo;
        final long beforeMs = rng.between(20_000L, 15 * SimulatedClock.MINUTE_MS);
        topUp(Math.max(account.registeredAtMs + 1_000, spendAtMs - beforeMs), account, topUpFen, label);
    }

    void adjustPoints(final long timeMs, final Account account, final long deltaPoints, final Label label)
    {
        final WorldEvent event = add(CommandType.ADJUST_POINTS, timeMs, label);
        event.account = account.index;
        event.extra = deltaPoints;
        account.pointsModel += deltaPoints;
    }

    int pay(final long timeMs, final Merchant merchant, final int terminal, final Account account, final long amountFen,
        final Label label)
    {
        final WorldEvent event = add(CommandType.PAY, timeMs, label);
        fillPayment(event, merchant, terminal, account, amountFen);
        bookPayment(merchant, account, amountFen, amountFen);
        return event.paymentHandle;
    }

    /** A two-phase payment (restaurants settling the bill): Try, then Confirm a few seconds to minutes later. */
    int tryAndConfirm(final Rng rng, final long timeMs, final Merchant merchant, final int terminal,
        final Account account, final long amountFen, final Label label)
    {
        final WorldEvent attempt = add(CommandType.TRY, timeMs, label);
        fillPayment(attempt, merchant, terminal, account, amountFen);
        attempt.extra = TRY_TTL_MS;
        final WorldEvent confirm = add(CommandType.CONFIRM, timeMs + rng.between(2_000L, 240_000L), label);
        confirm.merchant = merchant.index;
        confirm.terminal = terminal;
        confirm.account = account.index;
        confirm.paymentHandle = attempt.paymentHandle;
        bookPayment(merchant, account, amountFen, amountFen);
        return attempt.paymentHandle;
    }

    /** A payment that spends a voucher planned earlier by {@link #redeem}; the cash part is what the voucher leaves. */
    int payWithVoucher(final long timeMs, final Merchant merchant, final int terminal, final Account account,
        final long amountFen, final int voucherHandle, final Label label)
    {
        final WorldEvent event = add(CommandType.PAY, timeMs, label);
        fillPayment(event, merchant, terminal, account, amountFen);
        event.voucherHandle = voucherHandle;
        bookPayment(merchant, account, amountFen, amountFen - merchant.voucherValueFen);
        return event.paymentHandle;
    }

    void refund(final long timeMs, final Merchant merchant, final int terminal, final Account account,
        final int paymentHandle, final long amountFen, final Label label)
    {
        final WorldEvent event = add(CommandType.REFUND, timeMs, label);
        event.merchant = merchant.index;
        event.terminal = terminal;
        event.account = account.index;
        event.paymentHandle = paymentHandle;
        event.amountFen = amountFen;
        // The money comes back days later: leaving it out of the wallet model keeps today's plans funded.
        account.pointsModel -= merchant.pointsFor(amountFen);
        merchant.settlementFenModel -= amountFen;
    }

    /**
     * Plans a redemption when the model says points (as of the day's start) and pool allow it; returns the voucher
     * handle or -1.
     */
    int redeem(final long timeMs, final Account account, final Merchant merchant, final Label label)
    {
        return redeem(timeMs, account, merchant, label, account.spendablePoints(), false);
    }

    /**
     * As {@link #redeem}, counting points earned and pool filled earlier today too: only for redemptions planned
     * after the sales they count on (an abuse group's own accounts and shops, a grand opening's evening).
     */
    int redeemFresh(final long timeMs, final Account account, final Merchant merchant, final Label label)
    {
        return redeem(timeMs, account, merchant, label, account.pointsModel, true);
    }

    private int redeem(final long timeMs, final Account account, final Merchant merchant, final Label label,
        final long points, final boolean countTodaysSales)
    {
        if (!merchant.hasVoucherRule() || points < merchant.voucherPointsCost
            || !merchant.reserveVoucher(countTodaysSales))
        {
            return -1;
        }
        final WorldEvent event = add(CommandType.REDEEM_POINTS, timeMs, label);
        event.account = account.index;
        event.merchant = merchant.index;
        event.voucherHandle = nextVoucherHandle++;
        account.pointsModel -= merchant.voucherPointsCost;
        account.pointsAtDayStart -= merchant.voucherPointsCost;
        return event.voucherHandle;
    }

    void withdraw(final long timeMs, final Merchant merchant, final long requestedFen, final Label label)
    {
        final long amountFen = Math.min(requestedFen, WITHDRAWAL_FEN_MAX);
        if (amountFen <= 0)
        {
            return;
        }
        final WorldEvent event = add(CommandType.WITHDRAW, timeMs, label);
        event.merchant = merchant.index;
        event.amountFen = amountFen;
        merchant.settlementFenModel -= amountFen;
    }

    private void fillPayment(final WorldEvent event, final Merchant merchant, final int terminal,
        final Account account, final long amountFen)
    {
        event.merchant = merchant.index;
        event.terminal = terminal;
        event.account = account.index;
        event.amountFen = amountFen;
        event.paymentHandle = nextPaymentHandle++;
    }

    private static void bookPayment(final Merchant merchant, final Account account, final long amountFen,
        final long cashFen)
    {
        account.walletFenModel -= cashFen;
        account.pointsModel += merchant.pointsFor(cashFen);
        merchant.bookSale(amountFen);
    }

    /** Removes and returns the events before the given time, sorted; later ones stay for the next stretch. */
    List<WorldEvent> takeBefore(final long endMs)
    {
        events.sort(WorldEvent::compare);
        int split = 0;
        while (split < events.size() && events.get(split).timeMs < endMs)
        {
            split++;
        }
        final List<WorldEvent> ready = new ArrayList<>(events.subList(0, split));
        events.subList(0, split).clear();
        return ready;
    }
}
