package com.wodian.engine;

/**
 * What a {@link RecordTable} record holds, namespace by namespace, and where each field sits in the 16-long row. Every
 * field any class reads or writes in a record is declared here, in the holder of its namespace ({@link Payment},
 * {@link Refund}, {@link TopUp}, {@link Withdrawal}, {@link Redemption}, {@link Adjustment}, {@link Distribution});
 * code names a field through its namespace's holder, never through a slot. Namespaces reuse slots (a refund keeps its
 * split where a payment keeps its ttl, points and voucher part): within one namespace no two fields share a slot or a
 * bit of the row, which {@code RecordFieldMapTest} checks for every holder.
 *
 * <p>A slot is a field id that {@link #read} and {@link #write} map to its place in the row. Slot values, the row map
 * and the header's bits are the snapshot's and the state hash's layout: changing any of them needs a snapshot format.
 */
final class RecordFields
{
    // The slots. Each is named for what it holds in a payment record, the layout's first user; other namespaces give
    // the slots they use names of their own below.
    private static final int OWNER_ID = 0;
    private static final int REQUEST_ID = 1;
    static final int META = 2;                       // namespace:8 | state:8 | kind (template id):16 | firstCode:16
    private static final int CONSUMER_INDEX = 3;
    private static final int MERCHANT_INDEX = 4;
    private static final int AMOUNT_FEN = 5;
    private static final int REFUNDED_FEN = 6;
    private static final int TERMINAL_ID = 7;
    private static final int TTL_MS = 8;
    private static final int EXPIRES_AT_MS = 9;
    static final int FINISHED_AT_MS = 10;
    private static final int POINTS_EARNED = 11;
    private static final int ALLIANCE_MERCHANT_INDEX = 12;
    private static final int POOL_FEN = 13;
    private static final int ALLIANCE_FEN = 14;
    private static final int FEE_FEN = 15;
    private static final int VOUCHER_ID = 16;
    private static final int VOUCHER_FEN = 17;
    private static final int CONSUMPTION_BASIS_FEN = 18;
    private static final int RECIPIENTS_PAID = 19;

    /**
     * Every record's key: the id the key is scoped to (a merchant id; a consumer id for redemptions and adjustments;
     * 0 for top-ups) and the request's own id within that scope. The namespace is in {@link #META}.
     */
    static final int KEY_OWNER_ID = OWNER_ID;
    static final int KEY_REQUEST_ID = REQUEST_ID;

    // META's header bits above firstCode.
    /** Marks a record counted against its merchant's key quota ({@link MerchantKeyQuota}); 0 while never on. */
    static final long META_COUNTED_BIT = 1L << 48;
    /**
     * Marks a confirmed payment whose {@link Payment#EXPIRES_AT_MS} holds its voucher's expiry (engine setting
     * REFUND_REISSUES_VOUCHER, {@link Ledger}); 0 while never on.
     */
    static final long META_VOUCHER_EXPIRY_BIT = 1L << 49;

    // The row: 16 longs (128 bytes, two cache lines; rows start on a line after PAD longs). The two party indexes
    // share a long, the alliance merchant index shares one with the voucher value (or, in a distribution, the
    // recipients paid: distributions use no voucher), and a distribution's consumption basis sits where a payment
    // keeps its voucher id. Amounts that share a long are below AMOUNT_FEN_CEILING (2^30).
    static final int STRIDE = 16;
    static final int PAD = 6;
    private static final int ROW_PARTIES = 3;                  // consumer index low 32 | merchant index high 32
    private static final int ROW_ALLIANCE_AND_VOUCHER_FEN = 11; // alliance index low 32 | voucher fen / recipients
    private static final int ROW_VOUCHER_OR_BASIS = 15;
    private static final long LOW_32 = 0xFFFF_FFFFL;

    /** Pay, Try, Confirm, Cancel (and the record of a rollback of an unknown payment): a payment. */
    static final class Payment
    {
        static final int NAMESPACE = 1;
        static final int MERCHANT_ID = OWNER_ID;
        static final int PAYMENT_ID = REQUEST_ID;
        static final int CONSUMER_INDEX = RecordFields.CONSUMER_INDEX;
        static final int MERCHANT_INDEX = RecordFields.MERCHANT_INDEX;
        static final int AMOUNT_FEN = RecordFields.AMOUNT_FEN;
        /** Refunded so far. */
        static final int REFUNDED_FEN = RecordFields.REFUNDED_FEN;
        /** The terminal of the command (a rollback of an unknown payment keeps it too). */
        static final int TERMINAL_ID = RecordFields.TERMINAL_ID;
        /** A Try's hold time; 0 for a Pay. */
        static final int TTL_MS = RecordFields.TTL_MS;
        /**
         * A live hold's expiry; a confirmed payment's voucher expiry when {@link RecordFields#META_VOUCHER_EXPIRY_BIT}
         * is set ({@link RecordTable#keptVoucherExpiryMs}); else 0.
         */
        static final int EXPIRES_AT_MS = RecordFields.EXPIRES_AT_MS;
        static final int POINTS_EARNED = RecordFields.POINTS_EARNED;
        /** The consumer's home merchant paid the alliance share; -1: none. */
        static final int ALLIANCE_MERCHANT_INDEX = RecordFields.ALLIANCE_MERCHANT_INDEX;
        static final int POOL_FEN = RecordFields.POOL_FEN;
        static final int ALLIANCE_FEN = RecordFields.ALLIANCE_FEN;
        static final int FEE_FEN = RecordFields.FEE_FEN;
        /** The voucher applied; 0: none. */
        static final int VOUCHER_ID = RecordFields.VOUCHER_ID;
        /** The voucher's value: the non-cash part of the amount. */
        static final int VOUCHER_FEN = RecordFields.VOUCHER_FEN;

        private Payment()
        {
        }
    }

    /** Refund. Its split ({@link RefundSplit}) is kept in slots a refund does not otherwise use. */
    static final class Refund
    {
        static final int NAMESPACE = 2;
        static final int MERCHANT_ID = OWNER_ID;
        static final int REFUND_ID = REQUEST_ID;
        /** The refunded payment's consumer, written by {@link Ledger#refund} when approved. */
        static final int CONSUMER_INDEX = RecordFields.CONSUMER_INDEX;
        static final int MERCHANT_INDEX = RecordFields.MERCHANT_INDEX;
        static final int AMOUNT_FEN = RecordFields.AMOUNT_FEN;
        /** The payment refunded. */
        static final int REFUNDED_PAYMENT_ID = RecordFields.TERMINAL_ID;
        /** {@link RefundSplit#RECORDED} and {@link RefundSplit#VOUCHER_RESTORED}. */
        static final int SPLIT_FLAGS = RecordFields.TTL_MS;
        /** Points taken back. */
        static final int POINTS_CLAWED_BACK = RecordFields.POINTS_EARNED;
        /** The voucher part returned (below 2^30: amounts are). */
        static final int VOUCHER_FEN = RecordFields.VOUCHER_FEN;

        private Refund()
        {
        }
    }

    /** TopUp: its key's owner is always 0. */
    static final class TopUp
    {
        static final int NAMESPACE = 3;
        static final int EXTERNAL_REF = REQUEST_ID;
        static final int CONSUMER_INDEX = RecordFields.CONSUMER_INDEX;
        static final int AMOUNT_FEN = RecordFields.AMOUNT_FEN;

        private TopUp()
        {
        }
    }

    /** Withdraw. */
    static final class Withdrawal
    {
        static final int NAMESPACE = 4;
        static final int MERCHANT_ID = OWNER_ID;
        static final int WITHDRAWAL_ID = REQUEST_ID;
        static final int MERCHANT_INDEX = RecordFields.MERCHANT_INDEX;
        static final int AMOUNT_FEN = RecordFields.AMOUNT_FEN;
        /** Where the money came from: a WithdrawSource value, 0 for the settlement balance ({@link FundsRules}). */
        static final int SOURCE = RecordFields.TTL_MS;

        private Withdrawal()
        {
        }
    }

    /** RedeemPoints: points exchanged for a voucher. */
    static final class Redemption
    {
        static final int NAMESPACE = 5;
        static final int CONSUMER_ID = OWNER_ID;
        static final int REDEMPTION_ID = REQUEST_ID;
        static final int CONSUMER_INDEX = RecordFields.CONSUMER_INDEX;
        static final int MERCHANT_INDEX = RecordFields.MERCHANT_INDEX;
        /** The voucher issued. */
        static final int VOUCHER_ID = RecordFields.VOUCHER_ID;
        /** The voucher's value. */
        static final int VOUCHER_VALUE_FEN = RecordFields.AMOUNT_FEN;
        static final int POINTS_COST = RecordFields.POINTS_EARNED;
        /** The voucher's expiry. */
        static final int VOUCHER_EXPIRES_AT_MS = RecordFields.EXPIRES_AT_MS;

        private Redemption()
        {
        }
    }

    /** AdjustPoints. */
    static final class Adjustment
    {
        static final int NAMESPACE = 6;
        static final int CONSUMER_ID = OWNER_ID;
        static final int ADJUSTMENT_ID = REQUEST_ID;
        static final int CONSUMER_INDEX = RecordFields.CONSUMER_INDEX;
        static final int DELTA_POINTS = RecordFields.AMOUNT_FEN;

        private Adjustment()
        {
        }
    }

    /** DistributePool. */
    static final class Distribution
    {
        static final int NAMESPACE = 7;
        static final int MERCHANT_ID = OWNER_ID;
        static final int DISTRIBUTION_ID = REQUEST_ID;
        static final int MERCHANT_INDEX = RecordFields.MERCHANT_INDEX;
        /** The amount to pay out. */
        static final int AMOUNT_FEN = RecordFields.AMOUNT_FEN;
        /** The amount paid out so far. */
        static final int DISTRIBUTED_FEN = RecordFields.REFUNDED_FEN;
        /** The amount asked for (0: the whole pool), compared on a repeat. */
        static final int REQUESTED_FEN = RecordFields.TERMINAL_ID;
        /** The consumption total the shares are computed from. */
        static final int CONSUMPTION_BASIS_FEN = RecordFields.CONSUMPTION_BASIS_FEN;
        /** Recipients paid so far. */
        static final int RECIPIENTS_PAID = RecordFields.RECIPIENTS_PAID;

        private Distribution()
        {
        }
    }

    private RecordFields()
    {
    }

    /** A field by slot (the slot is a constant at every call site, so the JIT folds the mapping away). */
    static long read(final long[] rows, final int base, final int slot)
    {
        return switch (slot)
        {
            case CONSUMER_INDEX -> (int)rows[base + ROW_PARTIES];
            case MERCHANT_INDEX -> (int)(rows[base + ROW_PARTIES] >> 32);
            case ALLIANCE_MERCHANT_INDEX -> (int)rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN];
            case VOUCHER_FEN, RECIPIENTS_PAID -> rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] >>> 32;
            case VOUCHER_ID, CONSUMPTION_BASIS_FEN -> rows[base + ROW_VOUCHER_OR_BASIS];
            default -> rows[base + rowPosition(slot)];
        };
    }

    static void write(final long[] rows, final int base, final int slot, final long value)
    {
        switch (slot)
        {
            case CONSUMER_INDEX -> rows[base + ROW_PARTIES] = (rows[base + ROW_PARTIES] & ~LOW_32) | (value & LOW_32);
            case MERCHANT_INDEX -> rows[base + ROW_PARTIES] = (rows[base + ROW_PARTIES] & LOW_32) | (value << 32);
            case ALLIANCE_MERCHANT_INDEX -> rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] =
                (rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] & ~LOW_32) | (value & LOW_32);
            case VOUCHER_FEN, RECIPIENTS_PAID -> rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] =
                (rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] & LOW_32) | (value << 32);
            case VOUCHER_ID, CONSUMPTION_BASIS_FEN -> rows[base + ROW_VOUCHER_OR_BASIS] = value;
            default -> rows[base + rowPosition(slot)] = value;
        }
    }

    /** Where a slot with a long of its own sits in the row. */
    private static int rowPosition(final int slot)
    {
        return switch (slot)
        {
            case OWNER_ID, REQUEST_ID, META -> slot;
            case AMOUNT_FEN, REFUNDED_FEN, TERMINAL_ID, TTL_MS, EXPIRES_AT_MS, FINISHED_AT_MS, POINTS_EARNED,
                POOL_FEN, ALLIANCE_FEN, FEE_FEN -> slot - 1;
            default -> throw new IllegalArgumentException("record slot " + slot);
        };
    }

    /**
     * A new record's row: the key, every other field 0 except the party indexes and the alliance merchant index (-1:
     * none) and the finish time (-1: not finished). Written in one pass, not zeroed first and then set field by field
     * (each set reads its long back: a Pay's insert did 20 stores and 4 loads where 16 stores do).
     */
    static void writeFresh(final long[] rows, final int base, final int namespace, final long ownerId,
        final long requestId)
    {
        rows[base + OWNER_ID] = ownerId;
        rows[base + REQUEST_ID] = requestId;
        rows[base + META] = namespace;
        rows[base + ROW_PARTIES] = -1L;                        // consumer index -1 | merchant index -1
        rows[base + rowPosition(AMOUNT_FEN)] = 0;
        rows[base + rowPosition(REFUNDED_FEN)] = 0;
        rows[base + rowPosition(TERMINAL_ID)] = 0;
        rows[base + rowPosition(TTL_MS)] = 0;
        rows[base + rowPosition(EXPIRES_AT_MS)] = 0;
        rows[base + rowPosition(FINISHED_AT_MS)] = -1;
        rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] = LOW_32;   // alliance merchant index -1 | voucher fen 0
        rows[base + rowPosition(POINTS_EARNED)] = 0;
        rows[base + rowPosition(POOL_FEN)] = 0;
        rows[base + rowPosition(ALLIANCE_FEN)] = 0;
        rows[base + rowPosition(FEE_FEN)] = 0;
        rows[base + ROW_VOUCHER_OR_BASIS] = 0;
    }
}
