package com.wodian.tools;

import com.wodian.perf.loadgen.LoadGenerator;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherReplyDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The demo's simulated POS traffic, as a command generator for {@link LoadGenerator}: about 67% Pay, 20% Try later
 * Confirmed, 5% Try later Cancelled, 5% partial or full Refunds of earlier Pays, 3% RedeemPoints (a consumer with
 * enough points turns them into a voucher of a merchant it paid at recently), and a few retries (the exact bytes of
 * a recent command sent again, as a terminal does after a timeout), which must return the first result and change
 * nothing. Each voucher issued is spent by its consumer at its merchant in the connection's next Pay or Try+Confirm,
 * for an amount at least the voucher's value, except one in {@value #VOUCHER_KEPT_ONE_IN}, kept for later.
 *
 * <p>Each connection plays the terminals it owns (terminal {@code k} of the list belongs to connection
 * {@code k % connections}) and the consumers it owns (consumer index {@code i} belongs to connection
 * {@code i % connections}), so a Try and its Confirm, a Pay and its Refund, and every command that changes one
 * consumer's points travel on one connection in order; the follow-up is scheduled one to four of that connection's
 * commands later, without waiting for the first reply, as the open-loop schedule requires. Generator state is
 * touched by the sending thread only.
 *
 * <p>Replies ({@link LoadGenerator.ReplyObserver}, on each connection's receiving thread): a connection's replies come
 * in the order of its commands, so for every command sent the generator queues what it needs to read the reply
 * (single producer, single consumer: the sender and that connection's receiver), and the receiver takes one entry
 * per reply. From them it learns the points each payment earned (Pay and Confirm replies; a retry's repeated reply
 * is not counted twice) and the vouchers issued (VoucherReply carries the engine-assigned id), which it hands back to
 * the sender. The sender redeems points only for a consumer whose points it knows to be enough: points count once
 * their reply is read, and a Refund's largest possible clawback and a redemption's cost are taken off when sent.
 */
final class DemoWorkload implements LoadGenerator.CommandGenerator, LoadGenerator.ReplyObserver
{
    static final int KIND_PAY = 0;
    static final int KIND_TRY_CONFIRM = 1;
    static final int KIND_TRY_CANCEL = 2;
    static final int KIND_REFUND = 3;
    static final int KIND_CONFIRM = 4;
    static final int KIND_CANCEL = 5;
    static final int KIND_REDEEM = 6;
    static final int KIND_RETRY = 7;
    static final String[] KIND_NAMES =
        {"Pay", "Try(+Confirm)", "Try(+Cancel)", "Refund", "Confirm", "Cancel", "RedeemPoints", "retry"};

    static final long AMOUNT_FEN_MIN = 100;
    static final long AMOUNT_FEN_MAX = 20_000;
    static final long TTL_MS = 60_000;
    /** A Refund names a Pay sent at least this many of its connection's commands earlier. */
    static final int REFUND_AGE_MIN = 16;
    /** Per thousand new commands: RedeemPoints, when a consumer with enough points is found. */
    static final int REDEEM_PERMILLE = 30;
    /** No redemption in a connection's first commands: merchants' pools fill from sales first. */
    static final int REDEEM_AFTER_STEPS = 100;
    /** Recent Pays looked at for a consumer with enough points, per redemption drawn. */
    static final int REDEEM_CANDIDATES = 4;
    /** One voucher for points in this many is kept for later (stays outstanding) instead of being spent. */
    static final int VOUCHER_KEPT_ONE_IN = 10;

    // What a reply answers, queued by the sender per command sent.
    private static final byte EXPECT_OTHER = 0;
    private static final byte EXPECT_PAYMENT = 1;
    private static final byte EXPECT_VOUCHER_PAYMENT = 2;
    private static final byte EXPECT_REDEEM = 3;

    private final DemoPopulation population;
    private final Lane[] lanes;
    private final int retryPermille;
    private final CommandEncoder encoder = new CommandEncoder();
    private final long[] countByKind = new long[KIND_NAMES.length];
    private long voucherPaymentCount;
    private long vouchersKept;
    private long nextPaymentId = 1;
    private long nextRefundId = 1;
    private long nextRedemptionId = 1;

    /** Points each consumer is known to hold at least; see the class comment. Sender and receivers. */
    private final AtomicLongArray knownPoints;
    private final AtomicLong pointsEarned = new AtomicLong();
    private final AtomicLong pointsRedeemed = new AtomicLong();
    private final AtomicLong vouchersIssued = new AtomicLong();
    private final AtomicLong vouchersUsed = new AtomicLong();
    private final AtomicLong vouchersUsedFen = new AtomicLong();

    DemoWorkload(final DemoPopulation population, final int connectionCount, final int retryPermille, final long seed)
    {
        this.population = population;
        this.retryPermille = retryPermille;
        this.lanes = new Lane[connectionCount];
        for (int c = 0; c < connectionCount; c++)
        {
            lanes[c] = new Lane(c, new SplittableRandom(seed * 31 + c));
        }
        final int terminalCount = population.terminalCount();
        if (terminalCount < connectionCount || population.consumerCount() < connectionCount)
        {
            throw new IllegalArgumentException("need at least one terminal and one consumer per connection: " +
                terminalCount + " terminals, " + population.consumerCount() + " consumers, " + connectionCount +
                " connections");
        }
        for (int k = 0; k < terminalCount; k++)
        {
            lanes[k % connectionCount].terminalIndexes.add(k);
        }
        this.knownPoints = new AtomicLongArray(population.consumerCount());
    }

    long count(final int kind)
    {
        return countByKind[kind];
    }

    /** Pays and Tries sent with a voucher (retries not included). */
    long voucherPaymentCount()
    {
        return voucherPaymentCount;
    }

    /** Vouchers for points that their consumers keep for later: never used in the load. */
    long vouchersKept()
    {
        return vouchersKept;
    }

    /** Points earned, from the replies to Pay and Confirm (each payment once). */
    long pointsEarned()
    {
        return pointsEarned.get();
    }

    /** Points spent on the vouchers issued by RedeemPoints. */
    long pointsRedeemed()
    {
        return pointsRedeemed.get();
    }

    /** Vouchers issued for points (OK VoucherReplies, each redemption once). */
    long vouchersIssued()
    {
        return vouchersIssued.get();
    }

    /** Payments with a voucher that succeeded (Pay, or the Confirm of a Try). */
    long vouchersUsed()
    {
        return vouchersUsed.get();
    }

    long vouchersUsedFen()
    {
        return vouchersUsedFen.get();
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
            lane.expect(EXPECT_OTHER, 0, 0, 0);
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
        final int draw = random.nextInt(1000);
        if (draw < REDEEM_PERMILLE && step >= REDEEM_AFTER_STEPS)
        {
            final int length = lane.encodeRedeem(buffer, offset);
            if (length > 0)
            {
                return length;
            }
        }
        if (draw >= 950)
        {
            final int refund = lane.pickRefundable(step);
            if (refund >= 0)
            {
                countByKind[KIND_REFUND]++;
                final long paidFen = lane.payAmountFen[refund];
                final long amountFen = random.nextBoolean() ? paidFen : Math.max(1, paidFen / 2);
                final long merchantId = lane.payMerchantId[refund];
                // The refund takes back at most every point the Pay could have earned.
                knownPoints.addAndGet(lane.payConsumerIndex[refund],
                    -paidFen * DemoPopulation.pointsPerYuan(merchantId) / 100);
                lane.expect(EXPECT_OTHER, 0, 0, 0);
                return encoder.refund(buffer, offset, merchantId, lane.payTerminalId[refund],
                    lane.payPaymentId[refund], nextRefundId++, amountFen);
            }
        }
        final boolean pay = draw < 700 || draw >= 950;
        final boolean confirm = draw < 900;
        final long paymentId = nextPaymentId++;
        if (pay || confirm)
        {
            long[] voucher = lane.readyVouchers.poll();
            if (voucher != null && random.nextInt(VOUCHER_KEPT_ONE_IN) == 0)
            {
                vouchersKept++;
                voucher = null;
            }
            if (voucher != null)
            {
                return encodeVoucherPayment(lane, step, voucher, pay, paymentId, buffer, offset);
            }
        }
        final int terminalIndex = lane.terminalIndexes.getInt(random.nextInt(lane.terminalIndexes.size()));
        final long merchantId = population.merchantIdOfTerminal(terminalIndex);
        final long terminalId = population.terminalId(terminalIndex);
        final int consumerIndex = lane.randomConsumerIndex();
        final long consumerId = population.consumerId(consumerIndex);
        final long amountFen = random.nextLong(AMOUNT_FEN_MIN, AMOUNT_FEN_MAX + 1);
        if (pay)
        {
            countByKind[KIND_PAY]++;
            lane.rememberPay(merchantId, terminalId, paymentId, consumerIndex, amountFen, step);
            lane.expect(EXPECT_PAYMENT, consumerIndex, 0, 0);
            return encoder.pay(buffer, offset, merchantId, terminalId, paymentId, consumerId, amountFen);
        }
        countByKind[confirm ? KIND_TRY_CONFIRM : KIND_TRY_CANCEL]++;
        lane.scheduleFollowUp(step + 1 + random.nextInt(4), confirm, merchantId, terminalId, paymentId,
            consumerIndex, 0);
        lane.expect(EXPECT_OTHER, 0, 0, 0);
        return encoder.tryPayment(buffer, offset, merchantId, terminalId, paymentId, consumerId, amountFen, TTL_MS);
    }

    /**
     * A Pay or a Try (Confirmed later) by the voucher's consumer at the voucher's merchant, for at least its value.
     * Not kept for Refunds: a partial refund may not split the voucher part (REFUND_SPLITS_VOUCHER).
     */
    private int encodeVoucherPayment(
        final Lane lane, final long step, final long[] voucher, final boolean pay, final long paymentId,
        final MutableDirectBuffer buffer, final int offset)
    {
        final long voucherId = voucher[0];
        final int consumerIndex = (int)voucher[1];
        final long merchantId = voucher[2];
        final long valueFen = voucher[3];
        final int terminalIndex = lane.terminalIndexOf(merchantId);
        final long terminalId = population.terminalId(terminalIndex);
        final long consumerId = population.consumerId(consumerIndex);
        final long amountFen = lane.random.nextLong(Math.max(AMOUNT_FEN_MIN, valueFen), AMOUNT_FEN_MAX + 1);
        voucherPaymentCount++;
        if (pay)
        {
            countByKind[KIND_PAY]++;
            lane.expect(EXPECT_VOUCHER_PAYMENT, consumerIndex, merchantId, valueFen);
            return encoder.pay(buffer, offset, merchantId, terminalId, paymentId, consumerId, amountFen, voucherId);
        }
        countByKind[KIND_TRY_CONFIRM]++;
        lane.scheduleFollowUp(step + 1 + lane.random.nextInt(4), true, merchantId, terminalId, paymentId,
            consumerIndex, valueFen);
        lane.expect(EXPECT_OTHER, 0, 0, 0);
        return encoder.tryPayment(buffer, offset, merchantId, terminalId, paymentId, consumerId, amountFen, TTL_MS,
            voucherId);
    }

    /**
     * After the open-loop load, on the caller's thread: a Pay, one at a time, for each voucher whose VoucherReply came
     * back too late for the load to spend it (on a loaded machine the replies lag and that can be all of them), one in
     * {@value #VOUCHER_KEPT_ONE_IN} kept as the load keeps them. So a run redeems vouchers in payments whatever the
     * machine's timing, which the demo's checks rely on.
     *
     * @return payments sent.
     */
    int spendLateVouchers(final com.wodian.net.client.WodianClient client, final long timeoutMs)
        throws java.io.IOException, java.util.concurrent.TimeoutException
    {
        final UnsafeBuffer command = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final PaymentReplyDecoder reply = new PaymentReplyDecoder();
        int sent = 0;
        for (final Lane lane : lanes)
        {
            for (long[] voucher = lane.readyVouchers.poll(); voucher != null; voucher = lane.readyVouchers.poll())
            {
                if (lane.random.nextInt(VOUCHER_KEPT_ONE_IN) == 0)
                {
                    vouchersKept++;
                    continue;
                }
                final int consumerIndex = (int)voucher[1];
                final long merchantId = voucher[2];
                final long valueFen = voucher[3];
                final long amountFen = lane.random.nextLong(Math.max(AMOUNT_FEN_MIN, valueFen), AMOUNT_FEN_MAX + 1);
                final int length = encoder.pay(command, 0, merchantId,
                    population.terminalId(lane.terminalIndexOf(merchantId)), nextPaymentId++,
                    population.consumerId(consumerIndex), amountFen, voucher[0]);
                voucherPaymentCount++;
                countByKind[KIND_PAY]++;
                sent++;
                final byte[] answer = client.call(command, 0, length, timeoutMs);
                final UnsafeBuffer answerBuffer = new UnsafeBuffer(answer);
                reply.wrapAndApplyHeader(answerBuffer, 0, new MessageHeaderDecoder());
                if (reply.code() == ResultCode.OK)
                {
                    knownPoints.addAndGet(consumerIndex, reply.pointsEarned());
                    pointsEarned.addAndGet(reply.pointsEarned());
                    vouchersUsed.incrementAndGet();
                    vouchersUsedFen.addAndGet(valueFen);
                }
            }
        }
        return sent;
    }

    @Override
    public void onReply(
        final int connectionIndex, final int commandTemplateId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        lanes[connectionIndex].onReply(buffer, offset, length);
    }

    /**
     * One connection's terminals and consumers, pending second phases, refundable Pays, recently sent commands, what
     * its replies answer, and the vouchers its replies brought back.
     */
    private final class Lane
    {
        private static final int FOLLOW_UPS_MAX = 1024;
        private static final int PAYS_KEPT = 4096;
        private static final int RECENT_KEPT = 32;
        private static final int RECENT_SLOT = CommandCatalog.MAX_MESSAGE_LENGTH;
        /** More than a connection can have unanswered (WodianClient.IN_FLIGHT_MAX), plus the one being sent. */
        private static final int EXPECTED_MAX = 1 << 17;
        private static final int READY_VOUCHERS_MAX = 4096;

        final int laneIndex;
        final SplittableRandom random;
        final IntArrayList terminalIndexes = new IntArrayList();
        long step;

        private final long[] followUpDueStep = new long[FOLLOW_UPS_MAX];
        private final boolean[] followUpConfirm = new boolean[FOLLOW_UPS_MAX];
        private final long[] followUpMerchantId = new long[FOLLOW_UPS_MAX];
        private final long[] followUpTerminalId = new long[FOLLOW_UPS_MAX];
        private final long[] followUpPaymentId = new long[FOLLOW_UPS_MAX];
        private final int[] followUpConsumerIndex = new int[FOLLOW_UPS_MAX];
        /** Value of the voucher the Try reserved, 0 for none. */
        private final long[] followUpVoucherFen = new long[FOLLOW_UPS_MAX];
        private long followUpHead;
        private long followUpTail;

        final long[] payMerchantId = new long[PAYS_KEPT];
        final long[] payTerminalId = new long[PAYS_KEPT];
        final long[] payPaymentId = new long[PAYS_KEPT];
        final int[] payConsumerIndex = new int[PAYS_KEPT];
        final long[] payAmountFen = new long[PAYS_KEPT];
        private final long[] paySentStep = new long[PAYS_KEPT];
        private final boolean[] payRefunded = new boolean[PAYS_KEPT];
        private long payCount;

        private final UnsafeBuffer recent = new UnsafeBuffer(new byte[RECENT_KEPT * RECENT_SLOT]);
        private final int[] recentLength = new int[RECENT_KEPT];
        long sentCount;

        // Written by the sender, read by this connection's receiver; published by the volatile tail.
        private final byte[] expectedKind = new byte[EXPECTED_MAX];
        private final int[] expectedConsumerIndex = new int[EXPECTED_MAX];
        private final long[] expectedMerchantId = new long[EXPECTED_MAX];
        private final long[] expectedVoucherFen = new long[EXPECTED_MAX];
        private volatile long expectedTail;
        private volatile long expectedHead;

        /** {voucherId, consumerIndex, merchantId, valueFen}: from the receiver (producer) to the sender. */
        final OneToOneConcurrentArrayQueue<long[]> readyVouchers =
            new OneToOneConcurrentArrayQueue<>(READY_VOUCHERS_MAX);

        // Receiver thread only.
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final PaymentReplyDecoder paymentReply = new PaymentReplyDecoder();
        private final VoucherReplyDecoder voucherReply = new VoucherReplyDecoder();

        Lane(final int laneIndex, final SplittableRandom random)
        {
            this.laneIndex = laneIndex;
            this.random = random;
        }

        int randomConsumerIndex()
        {
            final int lanes = DemoWorkload.this.lanes.length;
            final int owned = (population.consumerCount() - 1 - laneIndex) / lanes + 1;
            return laneIndex + lanes * random.nextInt(owned);
        }

        /** A terminal of the merchant that this connection plays. */
        int terminalIndexOf(final long merchantId)
        {
            for (int t = 0; t < population.terminalsPerMerchant(); t++)
            {
                final int terminalIndex = population.terminalIndex(merchantId, t);
                if (terminalIndex % lanes.length == laneIndex)
                {
                    return terminalIndex;
                }
            }
            throw new IllegalStateException("connection " + laneIndex + " plays no terminal of merchant " +
                merchantId);
        }

        /**
         * RedeemPoints by the consumer of a recent Pay, at that Pay's merchant, when the consumer is known to hold
         * enough points; 0 (nothing encoded) when none of the candidates does.
         */
        int encodeRedeem(final MutableDirectBuffer buffer, final int offset)
        {
            final long kept = Math.min(payCount, PAYS_KEPT);
            for (int attempt = 0; kept > 0 && attempt < REDEEM_CANDIDATES; attempt++)
            {
                final int slot = (int)((payCount - 1 - random.nextLong(kept)) % PAYS_KEPT);
                final int consumerIndex = payConsumerIndex[slot];
                final long cost = DemoPopulation.VOUCHER_POINTS_COST;
                if (knownPoints.get(consumerIndex) >= cost)
                {
                    knownPoints.addAndGet(consumerIndex, -cost);
                    countByKind[KIND_REDEEM]++;
                    expect(EXPECT_REDEEM, consumerIndex, payMerchantId[slot], 0);
                    return encoder.redeemPoints(buffer, offset, population.consumerId(consumerIndex),
                        payMerchantId[slot], nextRedemptionId++);
                }
            }
            return 0;
        }

        /** Queues what the reply to the command about to be sent answers. */
        void expect(final byte kind, final int consumerIndex, final long merchantId, final long voucherFen)
        {
            final long tail = expectedTail;
            if (tail - expectedHead >= EXPECTED_MAX)
            {
                throw new IllegalStateException("connection " + laneIndex + ": " + EXPECTED_MAX + " replies due");
            }
            final int slot = (int)(tail & (EXPECTED_MAX - 1));
            expectedKind[slot] = kind;
            expectedConsumerIndex[slot] = consumerIndex;
            expectedMerchantId[slot] = merchantId;
            expectedVoucherFen[slot] = voucherFen;
            expectedTail = tail + 1;
        }

        /** On the receiving thread, in command order: reads the points earned and the vouchers issued. */
        void onReply(final DirectBuffer buffer, final int offset, final int length)
        {
            final long head = expectedHead;
            if (head >= expectedTail && !awaitExpected(head))
            {
                return;
            }
            final int slot = (int)(head & (EXPECTED_MAX - 1));
            final byte kind = expectedKind[slot];
            final int consumerIndex = expectedConsumerIndex[slot];
            final long merchantId = expectedMerchantId[slot];
            final long voucherFen = expectedVoucherFen[slot];
            expectedHead = head + 1;
            if (kind == EXPECT_OTHER || length < MessageHeaderDecoder.ENCODED_LENGTH)
            {
                return;
            }
            header.wrap(buffer, offset);
            final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            if (header.templateId() == PaymentReplyDecoder.TEMPLATE_ID &&
                (kind == EXPECT_PAYMENT || kind == EXPECT_VOUCHER_PAYMENT))
            {
                paymentReply.wrap(buffer, bodyOffset, header.blockLength(), header.version());
                if (paymentReply.code() == ResultCode.OK)
                {
                    final long points = paymentReply.pointsEarned();
                    knownPoints.addAndGet(consumerIndex, points);
                    pointsEarned.addAndGet(points);
                    if (kind == EXPECT_VOUCHER_PAYMENT)
                    {
                        vouchersUsed.incrementAndGet();
                        vouchersUsedFen.addAndGet(voucherFen);
                    }
                }
            }
            else if (header.templateId() == VoucherReplyDecoder.TEMPLATE_ID && kind == EXPECT_REDEEM)
            {
                voucherReply.wrap(buffer, bodyOffset, header.blockLength(), header.version());
                if (voucherReply.code() == ResultCode.OK)
                {
                    pointsRedeemed.addAndGet(voucherReply.pointsCost());
                    vouchersIssued.incrementAndGet();
                    // Should the sender fall that far behind, the voucher simply stays outstanding.
                    readyVouchers.offer(new long[]{
                        voucherReply.voucherId(), consumerIndex, merchantId, voucherReply.valueFen()});
                }
                else
                {
                    // Refused: the points were not spent after all.
                    knownPoints.addAndGet(consumerIndex, DemoPopulation.VOUCHER_POINTS_COST);
                }
            }
        }

        /**
         * The command is queued before it is sent, so its entry is there by the time its reply is: this returns at
         * once in practice. False (the reply is not read) only if no entry appears within a second.
         */
        private boolean awaitExpected(final long head)
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (head >= expectedTail)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    return false;
                }
                Thread.onSpinWait();
            }
            return true;
        }

        boolean followUpDue(final long step)
        {
            return followUpHead < followUpTail && followUpDueStep[(int)(followUpHead % FOLLOW_UPS_MAX)] <= step;
        }

        void scheduleFollowUp(
            final long dueStep, final boolean confirm, final long merchantId, final long terminalId,
            final long paymentId, final int consumerIndex, final long voucherFen)
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
            followUpConsumerIndex[slot] = consumerIndex;
            followUpVoucherFen[slot] = voucherFen;
        }

        int encodeFollowUp(final MutableDirectBuffer buffer, final int offset)
        {
            final int slot = (int)(followUpHead++ % FOLLOW_UPS_MAX);
            if (followUpConfirm[slot])
            {
                countByKind[KIND_CONFIRM]++;
                final long voucherFen = followUpVoucherFen[slot];
                expect(voucherFen > 0 ? EXPECT_VOUCHER_PAYMENT : EXPECT_PAYMENT, followUpConsumerIndex[slot],
                    followUpMerchantId[slot], voucherFen);
                return encoder.confirm(buffer, offset, followUpMerchantId[slot], followUpTerminalId[slot],
                    followUpPaymentId[slot]);
            }
            countByKind[KIND_CANCEL]++;
            expect(EXPECT_OTHER, 0, 0, 0);
            return encoder.cancel(buffer, offset, followUpMerchantId[slot], followUpTerminalId[slot],
                followUpPaymentId[slot]);
        }

        void rememberPay(
            final long merchantId, final long terminalId, final long paymentId, final int consumerIndex,
            final long amountFen, final long step)
        {
            final int slot = (int)(payCount++ % PAYS_KEPT);
            payMerchantId[slot] = merchantId;
            payTerminalId[slot] = terminalId;
            payPaymentId[slot] = paymentId;
            payConsumerIndex[slot] = consumerIndex;
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
