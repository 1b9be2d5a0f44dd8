package com.wodian.engine;

/**
 * Every idempotency key the engine remembers (payments, refunds, top-ups, withdrawals) and the record of what the
 * key decided. Records live in a pool of 16-long rows (two cache lines); an open-addressing index (linear probing,
 * live entries at most half the slots, forgotten keys' entries deleted lazily by a sweep) maps
 * {@code (namespace, keyA, keyB)} to a row. The pool and the
 * index start small and grow together with the records handed out, up to {@code keysMax} ({@link Growth}).
 *
 * <p>Retention: when a record reaches a final state it joins a FIFO in finish order. Only when the pool is full is
 * the oldest finished record forgotten, and only if it finished at least {@code keyRetentionMs} ago (input time).
 * A live hold is never in the FIFO, so its key cannot be forgotten; if nothing may be forgotten the new command is
 * refused with {@code LIMIT_KEYS}.
 */
final class RecordTable implements ExpiryQueue.Order
{
    static final int NAMESPACE_PAYMENT = 1;
    static final int NAMESPACE_REFUND = 2;
    static final int NAMESPACE_TOP_UP = 3;
    static final int NAMESPACE_WITHDRAWAL = 4;
    static final int NAMESPACE_REDEMPTION = 5;
    static final int NAMESPACE_ADJUSTMENT = 6;
    static final int NAMESPACE_DISTRIBUTION = 7;

    // Fields, by name: what a record holds. Where each sits in the 16-long row is below (get and set map them).
    static final int KEY_A = 0;                    // merchantId, or 0 for top-ups
    static final int KEY_B = 1;                    // paymentId, refundId, externalRef or withdrawalId
    static final int META = 2;                     // namespace:8 | state:8 | kind (template id):16 | firstCode:16
    static final int CONSUMER_INDEX = 3;
    static final int MERCHANT_INDEX = 4;
    static final int AMOUNT_FEN = 5;
    static final int REFUNDED_FEN = 6;
    /** Distributions: the amount paid out so far (the slot payments use for refunds). */
    static final int DISTRIBUTED_FEN = 6;
    /** Payments and empty rollbacks: the terminal of the command. */
    static final int TERMINAL_ID = 7;
    /** Refunds: the payment refunded. */
    static final int REFUNDED_PAYMENT_ID = 7;
    /** Distributions: the amount asked for (0: the whole pool), compared on a repeat. */
    static final int REQUESTED_FEN = 7;
    static final int TTL_MS = 8;
    static final int EXPIRES_AT_MS = 9;
    static final int FINISHED_AT_MS = 10;
    static final int POINTS_EARNED = 11;
    static final int ALLIANCE_MERCHANT_INDEX = 12;
    static final int POOL_FEN = 13;
    static final int ALLIANCE_FEN = 14;
    static final int FEE_FEN = 15;
    static final int VOUCHER_ID = 16;               // voucher applied to a payment, or issued by a redemption
    static final int VOUCHER_FEN = 17;              // its value: the non-cash part of a payment's amount
    /** Distributions: the consumption total the shares are computed from. */
    static final int CONSUMPTION_BASIS_FEN = 18;
    /** Distributions: recipients paid so far. */
    static final int RECIPIENTS_PAID = 19;
    /** Fields by name (the state hash folds them in this order). */
    static final int FIELDS = 20;

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

    // The record pool, in pages that never move (RowPages): growing it copies nothing.
    private final RowPages rows;
    // Each slot: hash32 << 32 | (record index + 1); 0 is empty. Keeping the hash in the slot lets a probe skip
    // foreign entries and a deletion find home slots without touching records (each record read is a cache miss).
    // Twice as many slots as record rows (a power of two): live entries fill at most half of it.
    private long[] index;
    private int indexMask;
    // Forgetting a key does not touch the index (its slot is a random cache line): it clears the slot's bit here
    // (one bit per slot: a small array that stays in cache), found through slotByRecord. The entry stays, stale,
    // until an insert reuses its slot (a stale slot on a probe path is free) or the sweep, a few slots further at
    // each forgetting, deletes it (backward shift). Stale entries are skipped by every probe and pass.
    private long[] liveSlots;
    // The index slot of each record's live entry, kept when a deletion or a rehash moves entries.
    private int[] slotByRecord;
    private int sweepSlot;
    // Records handed out so far; those below it that were forgotten wait in freeRecords to be reused.
    private int highWater;
    private int[] freeRecords;
    private int freeCount;
    // Finished records in finish order, with their finish time beside them so that forgetting the oldest needs no
    // read of its row (and their key's hash, which the snapshot format holds). A ring of a power-of-two length that
    // grows (in order) when it is full.
    private int[] finishedFifo;
    private long[] finishedFifoAtMs;
    private int[] finishedFifoHash;
    private int fifoMask;
    private int fifoHead;
    private int fifoSize;
    private final int capacity;
    private final long retentionMs;

    RecordTable(final int capacity, final long retentionMs, final boolean reserve)
    {
        this.capacity = capacity;
        this.retentionMs = retentionMs;
        this.rows = new RowPages(STRIDE, PAD, capacity, reserve);
        this.index = new long[indexLengthFor(rows.rowsHeld())];
        this.indexMask = index.length - 1;
        this.liveSlots = new long[liveWordsFor(index.length)];
        this.slotByRecord = new int[rows.rowsHeld()];
        this.freeRecords = new int[0];
        this.finishedFifo = new int[index.length >>> 1];
        this.finishedFifoAtMs = new long[finishedFifo.length];
        this.finishedFifoHash = new int[finishedFifo.length];
        this.fifoMask = finishedFifo.length - 1;
    }

    /** Slots the sweep looks at each time a key is forgotten: at most 1 in 7 slots holds a stale entry. */
    private static final int SWEEP_SLOTS = 8;

    private static int liveWordsFor(final int indexLength)
    {
        return Math.max(1, indexLength >>> 6);
    }

    private boolean isLive(final int slot)
    {
        return (liveSlots[slot >>> 6] & (1L << slot)) != 0;
    }

    private void setLive(final int slot, final boolean live)
    {
        if (live)
        {
            liveSlots[slot >>> 6] |= 1L << slot;
        }
        else
        {
            liveSlots[slot >>> 6] &= ~(1L << slot);
        }
    }

    /** Index slots for a pool of {@code rowsHeld} records: a power of two at least twice the rows. */
    private static int indexLengthFor(final int rowsHeld)
    {
        return Integer.highestOneBit(Math.max(2, rowsHeld) * 2 - 1) << 1;
    }

    int size()
    {
        return highWater - freeCount;
    }

    /** @return the record index of the key, or -1. */
    int find(final int namespace, final long keyA, final long keyB)
    {
        final int hash = hashOf(namespace, keyA, keyB);
        int slot = hash & indexMask;
        while (true)
        {
            final long entry = index[slot];
            if (entry == 0)
            {
                return -1;
            }
            if ((int)(entry >>> 32) == hash && isLive(slot))
            {
                final int record = (int)entry - 1;
                final long[] page = rows.page(record);
                final int base = rows.at(record);
                if (page[base + KEY_B] == keyB && page[base + KEY_A] == keyA && namespace(record) == namespace)
                {
                    return record;
                }
            }
            slot = (slot + 1) & indexMask;
        }
    }

    /**
     * Inserts a new key (the caller has checked it is absent). Makes room by forgetting the oldest finished record
     * when its retention has passed.
     *
     * @return the new record index, or -1 when the table is full of keys that must still be remembered.
     */
    int insert(final int namespace, final long keyA, final long keyB, final long nowMs)
    {
        if (freeCount == 0 && highWater == capacity && !evictOldest(nowMs))
        {
            return -1;
        }
        final int record = freeCount > 0 ? freeRecords[--freeCount] : newRecord();
        final long[] page = rows.page(record);
        final int base = rows.at(record);
        for (int i = 0; i < STRIDE; i++)
        {
            page[base + i] = 0;
        }
        page[base + KEY_A] = keyA;
        page[base + KEY_B] = keyB;
        page[base + META] = namespace;
        set(record, CONSUMER_INDEX, -1);
        set(record, MERCHANT_INDEX, -1);
        set(record, ALLIANCE_MERCHANT_INDEX, -1);
        set(record, FINISHED_AT_MS, -1);

        final int hash = hashOf(namespace, keyA, keyB);
        int slot = hash & indexMask;
        // The first empty slot, or a stale one: a stale slot is on its probe path for everything behind it, so the
        // new entry may take it.
        while (index[slot] != 0 && isLive(slot))
        {
            slot = (slot + 1) & indexMask;
        }
        index[slot] = ((long)hash << 32) | (record + 1);
        setLive(slot, true);
        slotByRecord[record] = slot;
        return record;
    }

    /** The next never-used record, growing the pool and the index when the pool is used up. */
    private int newRecord()
    {
        final int record = highWater++;
        if (highWater > rows.rowsHeld())
        {
            rows.ensure(highWater);
            slotByRecord = java.util.Arrays.copyOf(slotByRecord, rows.rowsHeld());
            final int indexLength = indexLengthFor(rows.rowsHeld());
            if (indexLength > index.length)
            {
                rehash(indexLength);
            }
        }
        return record;
    }

    /** Moves every live entry into a larger index (stale ones are dropped); no record is read. */
    private void rehash(final int indexLength)
    {
        final long[] old = index;
        final long[] oldLive = liveSlots;
        index = new long[indexLength];
        indexMask = indexLength - 1;
        liveSlots = new long[liveWordsFor(indexLength)];
        sweepSlot = 0;
        for (int from = 0; from < old.length; from++)
        {
            final long entry = old[from];
            if (entry != 0 && (oldLive[from >>> 6] & (1L << from)) != 0)
            {
                int slot = (int)(entry >>> 32) & indexMask;
                while (index[slot] != 0)
                {
                    slot = (slot + 1) & indexMask;
                }
                index[slot] = entry;
                setLive(slot, true);
                slotByRecord[(int)entry - 1] = slot;
            }
        }
    }

    /** Doubles the FIFO ring, its entries moved to the start in order. */
    private void growFifo()
    {
        final int length = finishedFifo.length * 2;
        final int[] fifo = new int[length];
        final long[] atMs = new long[length];
        final int[] hashes = new int[length];
        for (int i = 0; i < fifoSize; i++)
        {
            final int from = (fifoHead + i) & fifoMask;
            fifo[i] = finishedFifo[from];
            atMs[i] = finishedFifoAtMs[from];
            hashes[i] = finishedFifoHash[from];
        }
        finishedFifo = fifo;
        finishedFifoAtMs = atMs;
        finishedFifoHash = hashes;
        fifoMask = length - 1;
        fifoHead = 0;
    }

    /**
     * Records the decision on a command that has no later states (funds, points, refunds): its kind and result, the
     * state CONFIRMED when it succeeded or REJECTED when refused, and marks it final.
     */
    void finishDecided(final int record, final int kind, final com.wodian.protocol.sbe.ResultCode code,
        final long nowMs)
    {
        setKindAndFirstCode(record, kind, code.value());
        setState(record, code == com.wodian.protocol.sbe.ResultCode.OK ?
            com.wodian.protocol.sbe.PaymentState.CONFIRMED.value() :
            com.wodian.protocol.sbe.PaymentState.REJECTED.value());
        finish(record, nowMs);
    }

    /**
     * Loads the home index slot of a key and both lines of the record it points to, changing nothing; returns a value
     * folded from the loads. Used by the batch prefetch pass before a batch is applied.
     */
    long prefetch(final int namespace, final long keyA, final long keyB)
    {
        final long entry = index[hashOf(namespace, keyA, keyB) & indexMask];
        return entry == 0 ? 0 : entry ^ bothLines((int)entry - 1);
    }

    private long bothLines(final int record)
    {
        final long[] page = rows.page(record);
        final int base = rows.at(record);
        return page[base + META] ^ page[base + STRIDE - 1];
    }

    /**
     * Loads what the {@code ahead}-th insert from now will touch when the table is full: the slot number of the key it
     * will forget and the record row it will reuse. A guess (an input may insert no key or two), so it only loads.
     */
    long prefetchEviction(final int ahead)
    {
        if (freeCount > ahead || ahead >= fifoSize)
        {
            return 0;
        }
        final int position = (fifoHead + ahead) & fifoMask;
        final int record = finishedFifo[position];
        return slotByRecord[record] ^ bothLines(record);
    }

    /** Marks a record final: it becomes eligible to be forgotten after the retention period. */
    void finish(final int record, final long nowMs)
    {
        if (get(record, FINISHED_AT_MS) >= 0)
        {
            throw new IllegalStateException("record finished twice: " + record);
        }
        set(record, FINISHED_AT_MS, nowMs);
        if (fifoSize == finishedFifo.length)
        {
            growFifo();
        }
        final int tail = (fifoHead + fifoSize) & fifoMask;
        finishedFifo[tail] = record;
        finishedFifoAtMs[tail] = nowMs;
        finishedFifoHash[tail] = hashOf(namespace(record), rows.get(record, KEY_A), rows.get(record, KEY_B));
        fifoSize++;
    }

    private boolean evictOldest(final long nowMs)
    {
        if (fifoSize == 0)
        {
            return false;
        }
        if (finishedFifoAtMs[fifoHead] + retentionMs > nowMs)
        {
            return false;
        }
        final int record = finishedFifo[fifoHead];
        fifoHead = (fifoHead + 1) & fifoMask;
        fifoSize--;
        setLive(slotByRecord[record], false);
        sweep();
        freeRecords = Growth.ensure(freeRecords, freeCount + 1, capacity, 0);
        freeRecords[freeCount++] = record;
        return true;
    }

    /** Looks at the next few slots in turn and deletes the stale entries among them. */
    private void sweep()
    {
        for (int i = 0; i < SWEEP_SLOTS; i++)
        {
            if (index[sweepSlot] != 0 && !isLive(sweepSlot))
            {
                deleteAt(sweepSlot);    // may pull a later entry into this slot: it is looked at next
            }
            else
            {
                sweepSlot = (sweepSlot + 1) & indexMask;
            }
        }
    }

    /** Deletes every stale entry (a whole sweep), so that the index holds remembered keys only. */
    private void deleteStale()
    {
        int slot = 0;
        for (int passed = 0; passed < index.length; )
        {
            if (index[slot] != 0 && !isLive(slot))
            {
                deleteAt(slot);
            }
            else
            {
                slot = (slot + 1) & indexMask;
                passed++;
            }
        }
    }

    /**
     * Backward-shift deletion of the entry at {@code start}: later entries of the probe run move into the hole when
     * their home slot allows, carrying their live bit (and, when live, their record's slot).
     */
    private void deleteAt(final int start)
    {
        int hole = start;
        int slot = hole;
        while (true)
        {
            slot = (slot + 1) & indexMask;
            final long entry = index[slot];
            if (entry == 0)
            {
                break;
            }
            final int home = (int)(entry >>> 32) & indexMask;
            final boolean homeBetween = hole <= slot ? (home > hole && home <= slot) : (home > hole || home <= slot);
            if (!homeBetween)
            {
                final boolean live = isLive(slot);
                index[hole] = entry;
                setLive(hole, live);
                if (live)
                {
                    slotByRecord[(int)entry - 1] = hole;
                }
                hole = slot;
            }
        }
        index[hole] = 0;
        setLive(hole, false);
    }

    private static int hashOf(final int namespace, final long keyA, final long keyB)
    {
        return (int)StateHash.fmix(keyA * 0x9E3779B97F4A7C15L ^ keyB ^ ((long)namespace << 59));
    }

    /** A field by name (the field is a constant at every call site, so the JIT folds the mapping away). */
    long get(final int record, final int field)
    {
        final long[] rows = this.rows.page(record);
        final int base = this.rows.at(record);
        return switch (field)
        {
            case CONSUMER_INDEX -> (int)rows[base + ROW_PARTIES];
            case MERCHANT_INDEX -> (int)(rows[base + ROW_PARTIES] >> 32);
            case ALLIANCE_MERCHANT_INDEX -> (int)rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN];
            case VOUCHER_FEN, RECIPIENTS_PAID -> rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] >>> 32;
            case VOUCHER_ID, CONSUMPTION_BASIS_FEN -> rows[base + ROW_VOUCHER_OR_BASIS];
            default -> rows[base + rowPosition(field)];
        };
    }

    void set(final int record, final int field, final long value)
    {
        final long[] rows = this.rows.page(record);
        final int base = this.rows.at(record);
        switch (field)
        {
            case CONSUMER_INDEX -> rows[base + ROW_PARTIES] = (rows[base + ROW_PARTIES] & ~LOW_32) | (value & LOW_32);
            case MERCHANT_INDEX -> rows[base + ROW_PARTIES] = (rows[base + ROW_PARTIES] & LOW_32) | (value << 32);
            case ALLIANCE_MERCHANT_INDEX -> rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] =
                (rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] & ~LOW_32) | (value & LOW_32);
            case VOUCHER_FEN, RECIPIENTS_PAID -> rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] =
                (rows[base + ROW_ALLIANCE_AND_VOUCHER_FEN] & LOW_32) | (value << 32);
            case VOUCHER_ID, CONSUMPTION_BASIS_FEN -> rows[base + ROW_VOUCHER_OR_BASIS] = value;
            default -> rows[base + rowPosition(field)] = value;
        }
    }

    /** Where a field with a long of its own sits in the row. */
    private static int rowPosition(final int field)
    {
        return switch (field)
        {
            case KEY_A, KEY_B, META -> field;
            case AMOUNT_FEN, REFUNDED_FEN, TERMINAL_ID, TTL_MS, EXPIRES_AT_MS, FINISHED_AT_MS, POINTS_EARNED,
                POOL_FEN, ALLIANCE_FEN, FEE_FEN -> field - 1;
            default -> throw new IllegalArgumentException("record field " + field);
        };
    }

    /**
     * A field as the 20-long rows of snapshot format 4 held it, for the state hash: the fields that share a long by
     * kind of record read as 0 where that kind does not use them.
     */
    private long fieldForHash(final int record, final int field)
    {
        final boolean distribution = namespace(record) == NAMESPACE_DISTRIBUTION;
        return switch (field)
        {
            case VOUCHER_ID, VOUCHER_FEN -> distribution ? 0 : get(record, field);
            case CONSUMPTION_BASIS_FEN, RECIPIENTS_PAID -> distribution ? get(record, field) : 0;
            default -> get(record, field);
        };
    }

    int namespace(final int record)
    {
        return (int)(rows.get(record, META) & 0xFF);
    }

    int state(final int record)
    {
        return (int)((rows.get(record, META) >>> 8) & 0xFF);
    }

    int kind(final int record)
    {
        return (int)((rows.get(record, META) >>> 16) & 0xFFFF);
    }

    int firstCode(final int record)
    {
        return (int)((rows.get(record, META) >>> 32) & 0xFFFF);
    }

    void setState(final int record, final int state)
    {
        rows.set(record, META, (rows.get(record, META) & ~0xFF00L) | ((long)state << 8));
    }

    void setKindAndFirstCode(final int record, final int kind, final int firstCode)
    {
        rows.set(record, META, (rows.get(record, META) & 0xFFFFL) | ((long)kind << 16) | ((long)firstCode << 32));
    }

    /**
     * Sum of the cash amounts (amount less voucher) of the payments in a state, and their count: a full pass, for
     * invariant checks.
     */
    long sumAmountInState(final int state, final long[] countOut)
    {
        long sum = 0;
        long count = 0;
        for (int slot = 0; slot < index.length; slot++)
        {
            final long entry = index[slot];
            final int record = (int)entry - 1;
            if (entry != 0 && isLive(slot) && state(record) == state && namespace(record) == NAMESPACE_PAYMENT)
            {
                sum += get(record, AMOUNT_FEN) - get(record, VOUCHER_FEN);
                count++;
            }
        }
        countOut[0] = count;
        return sum;
    }

    /**
     * Writes the records handed out, the index (its stale entries deleted first, so that it holds what format 7
     * holds), the forgotten records and the FIFO in order.
     */
    void writeTo(final SnapshotWriter writer)
    {
        deleteStale();
        writer.writeLong(highWater);
        writer.writeLong(index.length);
        writer.writeLong(fifoSize);
        // Framed as one array of PAD + rows longs (padding included) was, so that the snapshot format is unchanged.
        writer.writeLong(PAD + (long)highWater * STRIDE);
        for (int i = 0; i < PAD; i++)
        {
            writer.writeLong(0);
        }
        rows.writeRows(writer, highWater);
        writer.writeLongs(index, index.length);
        writer.writeInts(freeRecords, freeCount);
        rotateFifoToStart();
        writer.writeInts(finishedFifo, fifoSize);
        writer.writeLongs(finishedFifoAtMs, fifoSize);
        writer.writeInts(finishedFifoHash, fifoSize);
    }

    /** Moves the FIFO's entries to the start of the ring, in order, without allocating (three reversals). */
    private void rotateFifoToStart()
    {
        final int length = finishedFifo.length;
        if (fifoHead == 0)
        {
            return;
        }
        reverse(0, fifoHead - 1);
        reverse(fifoHead, length - 1);
        reverse(0, length - 1);
        fifoHead = 0;
    }

    private void reverse(final int from, final int to)
    {
        for (int i = from, j = to; i < j; i++, j--)
        {
            final int fifo = finishedFifo[i];
            finishedFifo[i] = finishedFifo[j];
            finishedFifo[j] = fifo;
            final long atMs = finishedFifoAtMs[i];
            finishedFifoAtMs[i] = finishedFifoAtMs[j];
            finishedFifoAtMs[j] = atMs;
            final int hash = finishedFifoHash[i];
            finishedFifoHash[i] = finishedFifoHash[j];
            finishedFifoHash[j] = hash;
        }
    }

    /** Restores what {@link #writeTo} wrote into a fresh table of the same limits. */
    void readFrom(final SnapshotReader reader)
    {
        highWater = (int)reader.readLong();
        final int indexLength = (int)reader.readLong();
        fifoSize = (int)reader.readLong();
        if (highWater < 0 || highWater > capacity || fifoSize < 0 || fifoSize > highWater ||
            Integer.bitCount(indexLength) != 1 || indexLength < indexLengthFor(highWater))
        {
            throw new IllegalStateException("snapshot record table shape " + highWater + "/" + indexLength + "/" +
                fifoSize + " does not fit the limit " + capacity);
        }
        index = new long[indexLength];
        indexMask = indexLength - 1;
        if (reader.readLong() != PAD + (long)highWater * STRIDE)
        {
            throw new IllegalStateException("snapshot record rows do not match " + highWater + " records");
        }
        for (int i = 0; i < PAD; i++)
        {
            reader.readLong();
        }
        rows.ensure(highWater);
        rows.readRows(reader, highWater);
        reader.readLongs(index);
        liveSlots = new long[liveWordsFor(indexLength)];
        slotByRecord = new int[rows.rowsHeld()];
        sweepSlot = 0;
        for (int slot = 0; slot < indexLength; slot++)
        {
            final long entry = index[slot];
            if (entry != 0)
            {
                setLive(slot, true);
                slotByRecord[(int)entry - 1] = slot;
            }
        }
        final int indexLengthForRows = indexLengthFor(rows.rowsHeld());
        if (indexLengthForRows > indexLength)
        {
            // A table reserved at start holds more rows than the engine that wrote the snapshot: its index must
            // be sized for them now, since it never grows again.
            rehash(indexLengthForRows);
        }
        freeRecords = new int[highWater];
        freeCount = reader.readInts(freeRecords);
        int fifoLength = finishedFifo.length;
        while (fifoLength < fifoSize)
        {
            fifoLength <<= 1;
        }
        finishedFifo = new int[fifoLength];
        finishedFifoAtMs = new long[fifoLength];
        finishedFifoHash = new int[fifoLength];
        fifoMask = fifoLength - 1;
        fifoHead = 0;
        reader.readInts(finishedFifo);
        reader.readLongs(finishedFifoAtMs);
        reader.readInts(finishedFifoHash);
    }

    /** Holds expire by time, then (merchantId, paymentId). */
    @Override
    public boolean before(final int a, final int b)
    {
        final long expiresA = get(a, EXPIRES_AT_MS);
        final long expiresB = get(b, EXPIRES_AT_MS);
        if (expiresA != expiresB)
        {
            return expiresA < expiresB;
        }
        final long merchantA = get(a, KEY_A);
        final long merchantB = get(b, KEY_A);
        if (merchantA != merchantB)
        {
            return merchantA < merchantB;
        }
        return get(a, KEY_B) < get(b, KEY_B);
    }

    /** Sum of mixed rows: independent of where records sit in the pool or the index. */
    long hash(final long seed)
    {
        long sum = 0;
        final long[] index = this.index;
        for (int slot = 0; slot < index.length; slot++)
        {
            final long entry = index[slot];
            if (entry != 0 && isLive(slot))
            {
                final int record = (int)entry - 1;
                long rowHash = 17;
                for (int field = 0; field < FIELDS; field++)
                {
                    rowHash = StateHash.fold(rowHash, fieldForHash(record, field));
                }
                sum += rowHash;
            }
        }
        return StateHash.fold(StateHash.fold(seed, size()), sum);
    }
}
