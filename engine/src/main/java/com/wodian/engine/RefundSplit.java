package com.wodian.engine;

/**
 * What an approved refund gave back (cash, the voucher part, points taken back, the voucher made live again), kept
 * in the refund's own record so that a repeat of the refund is answered with the same RefundReply (docs/protocol.md).
 * Only a Refund encoded with schema version 7 or later keeps it: an older Refund, the golden journal's included,
 * leaves its record and the state hash as they always were, and its replies carry the split as unknown (-1; its
 * sender cannot read those fields anyway). The fields are ones a refund record does not otherwise use.
 */
final class RefundSplit
{
    /** The schema version from which a Refund records its split (RefundReply's new fields came with it). */
    static final int SINCE_VERSION = com.wodian.protocol.sbe.RefundReplyDecoder.cashFenSinceVersion();

    /** The voucher part returned, where a payment keeps its voucher part (below 2^30: amounts are). */
    static final int VOUCHER_FEN = RecordTable.VOUCHER_FEN;
    /** Points taken back, where a payment keeps the points it earned. */
    static final int POINTS_CLAWED_BACK = RecordTable.POINTS_EARNED;
    /** {@link #RECORDED} and {@link #VOUCHER_RESTORED}, where a Try keeps its ttl. */
    static final int FLAGS = RecordTable.TTL_MS;
    static final long RECORDED = 1;
    static final long VOUCHER_RESTORED = 2;

    private RefundSplit()
    {
    }

    static void record(final RecordTable records, final int refund, final long voucherFen, final long points,
        final boolean voucherRestored)
    {
        records.set(refund, VOUCHER_FEN, voucherFen);
        records.set(refund, POINTS_CLAWED_BACK, points);
        records.set(refund, FLAGS, RECORDED | (voucherRestored ? VOUCHER_RESTORED : 0));
    }

    static boolean isRecorded(final RecordTable records, final int refund)
    {
        return (records.get(refund, FLAGS) & RECORDED) != 0;
    }
}
