package com.wodian.engine;

import com.wodian.protocol.sbe.*;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a receipt needs from the replies (schema version 7, POS review finding 6): the voucher part of a payment in
 * PaymentReply and PaymentStatusReply, and the split of a refund in RefundReply (cash, voucher, points taken back,
 * voucher restored); and that a client of version 6, which knows only the older fields, reads them as before.
 */
class ReceiptFieldsTest
{
    private static final long M1 = 1;
    private static final long T11 = 11;
    private static final long C1 = 1001;
    private static final long C2 = 1002;
    private static final long DAY_MS = 24L * 3600 * 1000;

    private EngineDriver d;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PaymentReplyDecoder paymentReply = new PaymentReplyDecoder();
    private final RefundReplyDecoder refundReply = new RefundReplyDecoder();

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.OK, d.merchant(M1, 0, 0, 0, 0, true));
        // 10 points per yuan of cash, 10% into the pool, a voucher of 3.00 for 500 points, valid a day.
        assertEquals(ResultCode.OK, d.rules(M1, 10, 1_000, 0, 0, true, DistributionMode.VOUCHER, 500, 300, DAY_MS));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.consumer(C1, 0));
        assertEquals(ResultCode.OK, d.consumer(C2, 0));
        assertEquals(ResultCode.OK, d.topUp(C1, 1, 1_000_000));
        assertEquals(ResultCode.OK, d.topUp(C2, 2, 1_000_000));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 900, C2, 100_000));   // funds the pool for vouchers
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    private long voucherFor(final long consumerId, final long redemptionId)
    {
        assertEquals(ResultCode.OK, d.adjust(consumerId, 100 + redemptionId, 500));
        assertEquals(ResultCode.OK, d.redeem(consumerId, M1, redemptionId));
        return d.voucherIdOfLastReply();
    }

    private PaymentReplyDecoder payment()
    {
        return paymentReply.wrapAndApplyHeader(d.reply, 0, header);
    }

    private RefundReplyDecoder refund()
    {
        return refundReply.wrapAndApplyHeader(d.reply, 0, header);
    }

    private void assertSplit(final long cashFen, final long voucherFen, final long points,
        final BooleanType restored)
    {
        final RefundReplyDecoder reply = refund();
        assertEquals(cashFen, reply.cashFen(), "cash " + d.replyText());
        assertEquals(voucherFen, reply.voucherFen(), "voucher " + d.replyText());
        assertEquals(points, reply.pointsClawedBack(), "points " + d.replyText());
        assertEquals(restored, reply.voucherRestored(), "restored " + d.replyText());
    }

    @Test
    void aPaymentWithAVoucherTellsItsVoucherPartAndItsRefundsTellTheirSplit()
    {
        final long voucher = voucherFor(C1, 1);
        final long wallet = d.wallet(C1);
        assertEquals(ResultCode.OK, d.payWithVoucher(M1, T11, 1, C1, 1_000, voucher));
        assertEquals(1_000, payment().amountFen());
        assertEquals(300, payment().voucherFen(), "paid 10.00 = wallet 7.00 + voucher 3.00");
        assertEquals(70, payment().pointsEarned(), "points on the cash part");
        assertEquals(wallet - 700, d.wallet(C1));
        assertEquals(300, d.status(M1, 1).voucherFen());

        final long points = d.points(C1);
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 400));
        assertSplit(400, 0, 40, BooleanType.FALSE);
        final byte[] first = d.replyBytes();
        assertEquals(points - 40, d.points(C1));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 400), "a repeat");
        assertArrayEquals(first, d.replyBytes(), "a repeat is answered with the first reply, its split included");
        assertEquals(ResultCode.REFUND_SPLITS_VOUCHER, d.refund(M1, T11, 1, 2, 400));
        assertSplit(0, 0, 0, BooleanType.FALSE);
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 3, 600), "the rest: cash 3.00 and the voucher");
        assertSplit(300, 300, 30, BooleanType.TRUE);
        assertEquals(wallet, d.wallet(C1));
        assertEquals(VoucherState.ISSUED, d.voucher(voucher).state());
    }

    /**
     * A Refund encoded by a client of version 6 keeps no split in its record (old journals replay to the same state
     * hash), so its replies, the first and a repeat alike, say the split is unknown; the money moves as always.
     */
    @Test
    void aVersion6RefundIsAnsweredWithTheSplitUnknownEveryTime()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 1_000));
        final long wallet = d.wallet(C1);
        for (int i = 0; i < 2; i++)
        {
            final int length = d.encoder.refund(d.command, 0, M1, T11, 1, 1, 400);
            d.command.putShort(6, (short)6, java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(ResultCode.OK, d.apply(length));
            assertSplit(-1, -1, -1, BooleanType.NULL_VAL);
            assertEquals(wallet + 400, d.wallet(C1), "refunded once");
        }
        final int length = d.encoder.refund(d.command, 0, M1, T11, 1, 2, 9_999);
        d.command.putShort(6, (short)6, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.REFUND_EXCEEDS_PAID, d.apply(length));
        assertSplit(0, 0, 0, BooleanType.FALSE);
    }

    /** The split is state: a snapshot taken after the refund answers the repeat with it. */
    @Test
    void theSplitSurvivesASnapshot()
    {
        final long voucher = voucherFor(C1, 1);
        assertEquals(ResultCode.OK, d.payWithVoucher(M1, T11, 1, C1, 1_000, voucher));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 1_000));
        final byte[] first = d.replyBytes();
        final EngineDriver restored = d.restoredFromSnapshot(EngineConfig.small());
        assertEquals(d.engine.stateHash(), restored.engine.stateHash());
        assertEquals(ResultCode.OK, restored.refund(M1, T11, 1, 1, 1_000));
        assertArrayEquals(first, restored.replyBytes());
    }

    @Test
    void aVoucherExpiredBeforeTheRefundIsNotRestoredButItsPartIsStillTold()
    {
        final long voucher = voucherFor(C1, 1);
        assertEquals(ResultCode.OK, d.payWithVoucher(M1, T11, 1, C1, 1_000, voucher));
        d.advanceMs(DAY_MS + 1);
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 1_000));
        assertSplit(700, 300, 70, BooleanType.FALSE);
    }

    @Test
    void twoPhaseRepliesTellTheVoucherPartOfTheTryAndTheConfirmOnly()
    {
        final long voucher = voucherFor(C1, 1);
        assertEquals(ResultCode.OK, d.tryWithVoucher(M1, T11, 1, C1, 1_000, 60_000, voucher));
        assertEquals(300, payment().voucherFen());
        assertEquals(ResultCode.OK, d.tryWithVoucher(M1, T11, 1, C1, 1_000, 60_000, voucher), "a repeated Try");
        assertEquals(300, payment().voucherFen());
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 1));
        assertEquals(300, payment().voucherFen());
        assertEquals(ResultCode.ALREADY_CONFIRMED, d.cancel(M1, T11, 1));
        assertEquals(0, payment().voucherFen(), "a refusal");

        final long second = voucherFor(C1, 2);
        assertEquals(ResultCode.OK, d.tryWithVoucher(M1, T11, 2, C1, 1_000, 60_000, second));
        assertEquals(ResultCode.OK, d.cancel(M1, T11, 2));
        assertEquals(0, payment().voucherFen(), "a Cancel charges nothing");
        assertEquals(300, d.status(M1, 2).voucherFen(), "the status keeps the Try's voucher part");
    }

    @Test
    void paymentsWithoutAVoucherAndRefusalsHaveNoVoucherPart()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 1_000));
        assertEquals(0, payment().voucherFen());
        assertEquals(0, d.status(M1, 1).voucherFen());
        final long voucher = voucherFor(C1, 1);
        assertEquals(ResultCode.VOUCHER_EXCEEDS_AMOUNT, d.payWithVoucher(M1, T11, 2, C1, 200, voucher));
        assertEquals(0, payment().voucherFen());
        assertEquals(200, payment().amountFen(), "a refusal echoes the amount");
        assertEquals(0, d.status(M1, 2).voucherFen());
        assertEquals(0, d.status(M1, 3).voucherFen(), "not found");
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 1_000));
        assertSplit(1_000, 0, 100, BooleanType.FALSE);
    }

    /**
     * A client built from schema version 6 decodes with the header's blockLength and its own version: the bytes it
     * knows are where they were, the appended ones are skipped (replies are framed, so nothing after them moves).
     */
    @Test
    void aVersion6ClientReadsTheOlderFieldsAsBefore()
    {
        final long voucher = voucherFor(C1, 1);
        assertEquals(ResultCode.OK, d.payWithVoucher(M1, T11, 1, C1, 1_000, voucher));
        header.wrap(d.reply, 0);
        assertEquals(44, header.blockLength(), "36 bytes of version 6, then voucherFen");
        assertEquals(8 + 44, d.replyLength);
        final UnsafeBuffer bytes = new UnsafeBuffer(d.replyBytes());
        // The version-6 layout (docs/protocol.md): code 0, commandTemplateId 2, merchantId 4, paymentId 12,
        // amountFen 20, pointsEarned 28.
        assertEquals(0, bytes.getShort(8, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals(PayDecoder.TEMPLATE_ID, bytes.getShort(10, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals(M1, bytes.getLong(12, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, bytes.getLong(20, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals(1_000, bytes.getLong(28, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals(70, bytes.getLong(36, java.nio.ByteOrder.LITTLE_ENDIAN));
        final PaymentReplyDecoder old = new PaymentReplyDecoder().wrap(bytes, 8, header.blockLength(), 6);
        assertEquals(1_000, old.amountFen());
        assertEquals(PaymentReplyDecoder.voucherFenNullValue(), old.voucherFen(), "unknown to version 6");

        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 1_000));
        header.wrap(d.reply, 0);
        final RefundReplyDecoder oldRefund = new RefundReplyDecoder().wrap(d.reply, 8, 34, 6);
        assertEquals(1_000, oldRefund.amountFen());
        assertEquals(1, oldRefund.refundId());
        assertEquals(BooleanType.NULL_VAL, oldRefund.voucherRestored());

        final PaymentStatusReplyDecoder status = d.status(M1, 1);
        final PaymentStatusReplyDecoder oldStatus = new PaymentStatusReplyDecoder().wrap(d.reply, 8, 53, 6);
        assertEquals(status.refundedFen(), oldStatus.refundedFen());
        assertEquals(ResultCode.OK, oldStatus.firstResult());
    }
}
