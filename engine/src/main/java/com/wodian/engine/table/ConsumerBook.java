package com.wodian.engine.table;

/**
 * Consumers: one 256-byte record each in one array, found by the index the id map returns. The first cache line is the
 * money line (wallet, holds, points, vouchers held, home merchant, flags); the next two are the risk block, whose
 * contents the risk package owns ({@code ConsumerRiskBook} and {@code ConsumerProfileBook} read and write it word by
 * word through {@link #riskWord}/{@link #setRiskWord}, which cannot reach outside the block); the fourth is the
 * consumer's spend-pair line, which {@code ConsumptionBook} owns ({@link #pairSlot}/{@link #setPairSlot}): up to
 * {@link #PAIR_SLOTS} of the consumer's pairs (merchant index + 1 in the high half, the pair's entry in the low), so
 * that a sale finds its pair from the consumer's record instead of a random line of a map. No method hands out the
 * record's array: only the ledger writes the money line (with this book's key; docs/engine.md, "One owner per
 * concern"). The pair line is an index, not state: it is not hashed or written to a snapshot, and is rebuilt on restore
 * (the first {@link #STATE_LONGS} longs of a record are its state). A payment thus finds everything it reads of its
 * consumer with one id-map probe and adjacent lines.
 *
 * <pre>
 *   long  content
 *   0     consumer id
 *   1     wallet (fen)
 *   2     held by live Tries (fen)
 *   3     points
 *   4     bits 0..31 home merchant index (-1: none), 32..62 vouchers held (live), 63 blocked
 *   5     consumption (fen)
 *   6     last points-ledger position (-1: none)
 *   7     vouchers held, value (fen)
 *   8-23  risk block (risk package)
 *   24-31 spend pairs (ConsumptionBook), not state
 * </pre>
 */
public final class ConsumerBook extends RowBook
{
    /** Longs per consumer record. */
    public static final int STRIDE = 32;
    /** Longs of a record that are state (hashed, written to a snapshot): the money line and the risk block. */
    public static final int STATE_LONGS = 24;
    /** The spend-pair line: longs 24..31. */
    public static final int PAIRS_OFFSET = 24;
    public static final int PAIR_SLOTS = 8;
    /** Longs before record 0: a long[]'s elements start 16 bytes into it and a large array starts on a region
     * boundary, so 6 longs put every record on a 64-byte boundary. */
    public static final int PAD = 6;
    /** The risk block: longs 8..23 of the record (two cache lines), laid out by the risk package. */
    public static final int RISK_OFFSET = 8;
    public static final int RISK_LONGS = 16;

    public static final int WALLET_FEN = 1;
    public static final int HELD_FEN = 2;
    public static final int POINTS = 3;
    private static final int HOME_VOUCHERS_FLAGS = 4;
    public static final int CONSUMPTION_FEN = 5;
    public static final int LAST_POINTS_ENTRY = 6;         // position in the PointsLedger, -1 for none
    public static final int VOUCHERS_ACTIVE_FEN = 7;

    private static final int VOUCHERS_SHIFT = 32;
    private static final long VOUCHERS_MASK = 0x7FFF_FFFFL;
    private static final long BLOCKED_BIT = Long.MIN_VALUE;

    private final MoneyKey moneyKey = new MoneyKey();
    private boolean moneyKeyTaken;

    /**
     * The capability to write a consumer's money line: only this book makes one ({@link #takeMoneyKey()}), and each
     * book accepts only its own.
     */
    public static final class MoneyKey
    {
        private MoneyKey()
        {
        }
    }

    public ConsumerBook(final int capacity, final boolean reserve)
    {
        super(capacity, STRIDE, PAD, STATE_LONGS, reserve);
    }

    /**
     * This book's money key, handed out once: the engine's {@code Ledger} takes it when it is built, so a second
     * taker (any other class) fails at once.
     */
    public MoneyKey takeMoneyKey()
    {
        if (moneyKeyTaken)
        {
            throw new IllegalStateException("the consumer book's money key was taken already (by the Ledger)");
        }
        moneyKeyTaken = true;
        return moneyKey;
    }

    /** Sets a field of consumer {@code index}'s money line: the ledger's, with this book's key. */
    public void set(final MoneyKey key, final int index, final int field, final long value)
    {
        checkKey(key);
        set(index, field, value);
    }

    /** Adds to a field of consumer {@code index}'s money line: the ledger's, with this book's key. */
    public void add(final MoneyKey key, final int index, final int field, final long delta)
    {
        checkKey(key);
        add(index, field, delta);
    }

    private void checkKey(final MoneyKey key)
    {
        if (key != moneyKey)
        {
            throw new IllegalStateException("a consumer's money line written without the consumer book's key");
        }
    }

    /**
     * Word {@code word} (0 to {@link #RISK_LONGS} - 1) of consumer {@code index}'s risk block, whose layout the risk
     * package owns. The word is checked against the block, so a read or write through these methods never reaches the
     * money line or the pair line (at every call site the word is a constant, so the JIT folds the check away).
     */
    public long riskWord(final int index, final int word)
    {
        return rowsOf(index)[riskBase(index) + java.util.Objects.checkIndex(word, RISK_LONGS)];
    }

    /** Sets word {@code word} of consumer {@code index}'s risk block (checked as {@link #riskWord}). */
    public void setRiskWord(final int index, final int word, final long value)
    {
        rowsOf(index)[riskBase(index) + java.util.Objects.checkIndex(word, RISK_LONGS)] = value;
    }

    /** Slot {@code slot} (0 to {@link #PAIR_SLOTS} - 1) of consumer {@code index}'s spend-pair line (0: empty). */
    public long pairSlot(final int index, final int slot)
    {
        return rowsOf(index)[pairsBase(index) + java.util.Objects.checkIndex(slot, PAIR_SLOTS)];
    }

    /** Sets slot {@code slot} of consumer {@code index}'s spend-pair line: {@code ConsumptionBook}'s (an index). */
    public void setPairSlot(final int index, final int slot, final long pair)
    {
        rowsOf(index)[pairsBase(index) + java.util.Objects.checkIndex(slot, PAIR_SLOTS)] = pair;
    }

    private static int riskBase(final int index)
    {
        return PAD + index * STRIDE + RISK_OFFSET;
    }

    private static int pairsBase(final int index)
    {
        return PAD + index * STRIDE + PAIRS_OFFSET;
    }

    public int add(final long consumerId, final int homeMerchantIndex)
    {
        final int index = addRow(consumerId);
        java.util.Arrays.fill(rowsOf(index), pairsBase(index), pairsBase(index) + PAIR_SLOTS, 0);
        set(index, HOME_VOUCHERS_FLAGS, homeMerchantIndex & 0xFFFF_FFFFL);
        set(index, LAST_POINTS_ENTRY, -1);
        return index;
    }

    public int homeMerchantIndex(final int index)
    {
        return (int)get(index, HOME_VOUCHERS_FLAGS);
    }

    public long vouchersActiveCount(final int index)
    {
        return (get(index, HOME_VOUCHERS_FLAGS) >>> VOUCHERS_SHIFT) & VOUCHERS_MASK;
    }

    public void addVouchersActive(final MoneyKey key, final int index, final long delta)
    {
        checkKey(key);
        add(index, HOME_VOUCHERS_FLAGS, delta << VOUCHERS_SHIFT);
    }

    public boolean isBlocked(final int index)
    {
        return get(index, HOME_VOUCHERS_FLAGS) < 0;
    }

    public void setBlocked(final int index, final boolean blocked)
    {
        setFlag(index, HOME_VOUCHERS_FLAGS, BLOCKED_BIT, blocked);
    }

    // The state hash is RowBook.hash: the STATE_LONGS longs of every record (money line and risk block) in record
    // order, in lanes, as one table of 24-long rows (the hash of version 2, before the pair line was added). The risk
    // package no longer folds the risk block itself.
}
