package com.wodian.engine;

import com.wodian.engine.RecordFields.Refund;

/**
 * What an approved refund gave back (cash, the voucher part, points taken back, the voucher made live again), kept
 * in the refund's own record so that a repeat of the refund is answered with the same RefundReply (docs/protocol.md).
 * Only a Refund encoded with schema version 7 or later keeps it: an older Refund, the golden journal's included,
 * leaves its record and the state hash as they always were, and its replies carry the split as unknown (-1; its
 * sender cannot read those fields anyway). The fields ({@link RecordFields.Refund}) sit in slots a refund does not
 * otherwise use.
 */
final class RefundSplit
{
    /** The schema version from which a Refund records its split (RefundReply's new fields came with it). */
    static final int SINCE_VERSION = com.wodian.protocol.sbe.RefundReplyDecoder.cashFenSinceVersion();

    // The split's fields are Refund's in RecordFields (VOUCHER_FEN, POINTS_CLAWED_BACK, SPLIT_FLAGS); its flags:
    static final long RECORDED = 1;
    static final long VOUCHER_RESTORED = 2;

    private RefundSplit()
    {
    }

    static void record(final RecordTable records, final int refund, final long voucherFen, final long points,
        final boolean voucherRestored)
    {
        records.set(refund, Refund.VOUCHER_FEN, voucherFen);
        records.set(refund, Refund.POINTS_CLAWED_BACK, points);
        records.set(refund, Refund.SPLIT_FLAGS, RECORDED | (voucherRestored ? VOUCHER_RESTORED : 0));
    }

    static boolean isRecorded(final RecordTable records, final int refund)
    {
        return (records.get(refund, Refund.SPLIT_FLAGS) & RECORDED) != 0;
    }
}
