package com.wodian.tools;

import com.wodian.perf.OpenLoopLoad;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

/**
 * The demo's simulated POS traffic, as a command generator for {@link OpenLoopLoad}: about 70% Pay, 20% Try later
 * Confirmed, 5% Try later Cancelled, 5% partial or full Refunds of earlier Pays, and a few retries (the exact bytes
 * of a recent command sent again, as a terminal does after a timeout), which must return the first result and
 * change nothing.
 *
 * <p>Each connection plays the terminals it owns (terminal {@code k} of the list belongs to connection
 * {@code k % connections}), so a Try and its Confirm, or a Pay and its Refund, travel on one connection in order;
 * the follow-up is scheduled one to four of that connection's commands later, without waiting for the first reply,
 * as the open-loop schedule requires. All state is touched by the sending thread only.
 */
final class DemoWorkload implements OpenLoopLoad.CommandGenerator
{
    static final int KIND_PAY = 0;
    static final int KIND_TRY_CONFIRM = 1;
    static final int KIND_TRY_CANCEL = 2;
    static final int KIND_REFUND = 3;
    static final int KIND_CONFIRM = 4;
    static final int KIND_CANCEL = 5;
    static final int KIND_RETRY = 6;
    static final String[] KIND_NAMES = {"Pay", "Try(+Confirm)", "Try(+Cancel)", "Refund", "Confirm", "Cancel", "retry"};

    static final long AMOUNT_FEN_MIN = 100;
    static final long AMOUNT_FEN_MAX = 20_000;
    static final long TTL_MS = 60_000;
    /** A Refund names a Pay sent at least this many of its connection's commands earlier. */
    static final int REFUND_AGE_MIN = 16;

    private final DemoPopulation population;
    private final Lane[] lanes;
    private final int retryPermille;
    private final CommandEncoder encoder = new CommandEncoder();
    private final long[] countByKind = new long[KIND_NAMES.length];
    private long nextPaymentId = 1;
    private long nextRefundId = 1;

    DemoWorkload(final DemoPopulation population, final int connectionCount, final int retryPermille, final long seed)
    {
        this.population = population;
        this.retryPermille = retryPermille;
        this.lanes = new Lane[connectionCount];
        for (int c = 0; c < connectionCount; c++)
        {
            lanes[c] = new Lane(new SplittableRandom(seed * 31 + c));
        }
        final int terminalCount = population.terminalCount();
        if (terminalCount < connectionCount)
        {
            throw new IllegalArgumentException(
                "need at least one terminal per connection: " + terminalCount + " < " + connectionCount);
        }
        for (int k = 0; k < terminalCount; k++)
        {
            lanes[k % connectionCount].terminalIndexes.add(k);
        }
    }

    long count(final int kind)
    {
        return countByKind[kind];
    }

    @Override
    public int encode(final long index, final int connectionIndex, final MutableDirectBuffer buffer, final int offset)
    {
        final Lane lane = lanes[connectionIndex];
        final long step = lane.step++;
        final int length;
        if (lane.followUpDue(step))
        {
            length = lane.encodeFollowUp(buffer, offset);
        }
        else if (lane.sentCount > 0 && lane.random.nextInt(1000) < retryPermille)
        {
            countByKind[KIND_RETRY]++;
            return lane.copyRecent(buffer, offset);
        }
        else
        {
            length = encodeNew(lane, step, buffer, offset);
        }
        lane.remember(buffer, offset, length);
        return length;
    }

    private int encodeNew(final Lane lane, final long step, final MutableDirectBuffer buffer, final int offset)
    {
        final SplittableRandom random = lane.random;
        final int draw = random.nextInt(100);
        if (draw >= 95)
        {
            final int refund = lane.pickRefundable(step);
            if (refund >= 0)
            {
                countByKind[KIND_REFUND]++;
                final long paidFen = lane.payAmountFen[refund];
                final long amountFen = random.nextBoolean() ? paidFen : Math.max(1, paidFen / 2);
                return encoder.refund(buffer, offset, lane.payMerchantId[refund], lane.payTerminalId[refund],
                    lane.payPaymentId[refund], nextRefundId++, amountFen);
            }
        }
        final int terminalIndex = lane.terminalIndexes.getInt(random.nextInt(lane.terminalIndexes.size()));
        final long merchantId = population.merchantIdOfTerminal(terminalIndex);
        final long terminalId = population.terminalId(terminalIndex);
        final long consumerId = population.consumerId(random.nextInt(population.consumerCount()));
        final long amountFen = random.nextLong(AMOUNT_FEN_MIN, AMOUNT_FEN_MAX + 1);
        final long paymentId = nextPaymentId++;
        if (draw < 70 || draw >= 95)
        {
            countByKind[KIND_PAY]++;
            lane.rememberPay(merchantId, terminalId, paymentId, amountFen, step);
            return encoder.pay(buffer, offset, merchantId, terminalId, paymentId, consumerId, amountFen);
        }
        final boolean confirm = draw < 90;
        countByKind[confirm ? KIND_TRY_CONFIRM : KIND_TRY_CANCEL]++;
        lane.scheduleFollowUp(step + 1 + random.nextInt(4), confirm, merchantId, terminalId, paymentId);
        return encoder.tryPayment(buffer, offset, merchantId, terminalId, paymentId, consumerId, amountFen, TTL_MS);
    }

    /** One connection's terminals, pending second phases, refundable Pays and recently sent commands. */
    private final class Lane
    {
        private static final int FOLLOW_UPS_MAX = 1024;
        private static final int PAYS_KEPT = 4096;
        private static final int RECENT_KEPT = 32;
        private static final int RECENT_SLOT = CommandCatalog.MAX_MESSAGE_LENGTH;

        final SplittableRandom random;
        final org.agrona.collections.IntArrayList terminalIndexes = new org.agrona.collections.IntArrayList();
        long step;

        private final long[] followUpDueStep = new long[FOLLOW_UPS_MAX];
        private final boolean[] followUpConfirm = new boolean[FOLLOW_UPS_MAX];
        private final long[] followUpMerchantId = new long[FOLLOW_UPS_MAX];
        private final long[] followUpTerminalId = new long[FOLLOW_UPS_MAX];
        private final long[] followUpPaymentId = new long[FOLLOW_UPS_MAX];
        private long followUpHead;
        private long followUpTail;

        final long[] payMerchantId = new long[PAYS_KEPT];
        final long[] payTerminalId = new long[PAYS_KEPT];
        final long[] payPaymentId = new long[PAYS_KEPT];
        final long[] payAmountFen = new long[PAYS_KEPT];
        private final long[] paySentStep = new long[PAYS_KEPT];
        private final boolean[] payRefunded = new boolean[PAYS_KEPT];
        private long payCount;

        private final UnsafeBuffer recent = new UnsafeBuffer(new byte[RECENT_KEPT * RECENT_SLOT]);
        private final int[] recentLength = new int[RECENT_KEPT];
        long sentCount;

        Lane(final SplittableRandom random)
        {
            this.random = random;
        }

        boolean followUpDue(final long step)
        {
            return followUpHead < followUpTail && followUpDueStep[(int)(followUpHead % FOLLOW_UPS_MAX)] <= step;
        }

        void scheduleFollowUp(
            final long dueStep, final boolean confirm, final long merchantId, final long terminalId,
            final long paymentId)
        {
            if (followUpTail - followUpHead == FOLLOW_UPS_MAX)
            {
                throw new IllegalStateException("too many pending second phases on one connection");
            }
            final int slot = (int)(followUpTail++ % FOLLOW_UPS_MAX);
            // FIFO: a follow-up is never due before the one queued ahead of it.
            final long previousDue = followUpTail > followUpHead + 1 ?
                followUpDueStep[(int)((followUpTail - 2) % FOLLOW_UPS_MAX)] : 0;
            followUpDueStep[slot] = Math.max(dueStep, previousDue);
            followUpConfirm[slot] = confirm;
            followUpMerchantId[slot] = merchantId;
            followUpTerminalId[slot] = terminalId;
            followUpPaymentId[slot] = paymentId;
        }

        int encodeFollowUp(final MutableDirectBuffer buffer, final int offset)
        {
            final int slot = (int)(followUpHead++ % FOLLOW_UPS_MAX);
            if (followUpConfirm[slot])
            {
                countByKind[KIND_CONFIRM]++;
                return encoder.confirm(buffer, offset, followUpMerchantId[slot], followUpTerminalId[slot],
                    followUpPaymentId[slot]);
            }
            countByKind[KIND_CANCEL]++;
            return encoder.cancel(buffer, offset, followUpMerchantId[slot], followUpTerminalId[slot],
                followUpPaymentId[slot]);
        }

        void rememberPay(
            final long merchantId, final long terminalId, final long paymentId, final long amountFen, final long step)
        {
            final int slot = (int)(payCount++ % PAYS_KEPT);
            payMerchantId[slot] = merchantId;
            payTerminalId[slot] = terminalId;
            payPaymentId[slot] = paymentId;
            payAmountFen[slot] = amountFen;
            paySentStep[slot] = step;
            payRefunded[slot] = false;
        }

        /** A random kept Pay old enough and not yet refunded, marked refunded; -1 when the draw finds none. */
        int pickRefundable(final long step)
        {
            final long kept = Math.min(payCount, PAYS_KEPT);
            if (kept == 0)
            {
                return -1;
            }
            final int slot = (int)((payCount - 1 - random.nextLong(kept)) % PAYS_KEPT);
            if (payRefunded[slot] || paySentStep[slot] > step - REFUND_AGE_MIN)
            {
                return -1;
            }
            payRefunded[slot] = true;
            return slot;
        }

        void remember(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            final int slot = (int)(sentCount++ % RECENT_KEPT);
            recent.putBytes(slot * RECENT_SLOT, buffer, offset, length);
            recentLength[slot] = length;
        }

        /** Copies one of the recently sent commands (exact bytes: same idempotency key). */
        int copyRecent(final MutableDirectBuffer buffer, final int offset)
        {
            final long kept = Math.min(sentCount, RECENT_KEPT);
            final int slot = (int)((sentCount - 1 - random.nextLong(kept)) % RECENT_KEPT);
            final int length = recentLength[slot];
            buffer.putBytes(offset, recent, slot * RECENT_SLOT, length);
            return length;
        }
    }
}
