package com.wodian.engine;

import com.wodian.engine.table.ArrayPreparer;
import com.wodian.engine.table.Growth;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * Every idempotency key the engine remembers (payments, refunds, top-ups, withdrawals) and the record of what the
 * key decided. Records live in a pool of 16-long rows (two cache lines); an open-addressing index (linear probing,
 * backward-shift deletion, load factor at most 0.5) maps a key {@code (namespace, ownerId, requestId)} to a row; what a
 * row holds, namespace by namespace, and where each field sits is {@link RecordFields}. The pool and the index
 * start small and grow together with the records handed out, up to {@code keysMax} ({@link Growth}).
 *
 * <p>Growth never stalls the engine thread: the larger pool and index are allocated ahead of need by {@link
 * ArrayPreparer}, and after a growth the old pool's rows and the old index's entries move over a bounded number per
 * insert and per command ({@link #step()}), never all at once. While they move, records below {@code oldRowsBelow}
 * are read and written in the old pool, and a key not found in the new index is looked up in the old one (entries are
 * copied, not moved, so the old index's probe runs stay whole; a key forgotten meanwhile is deleted from both, a
 * tombstone in the old). Where records sit is layout: replies and the state hash do not depend on it.
 *
 * <p>Retention: when a record reaches a final state it joins a FIFO in finish order. Only when the pool is full is
 * the oldest finished record forgotten, and only if it finished at least {@code keyRetentionMs} ago (input time).
 * A live hold is never in the FIFO, so its key cannot be forgotten; if nothing may be forgotten the new command is
 * refused with {@code LIMIT_KEYS}.
 */
final class RecordTable implements ExpiryQueue.Order
{
    // Fields by namespace, the row map and the header's bits: RecordFields.
    private static final int STRIDE = RecordFields.STRIDE;
    private static final int PAD = RecordFields.PAD;
    /** An old index's slot whose key was forgotten while the index moved (probes go on past it). */
    private static final long TOMBSTONE = -1L;
    /** Records whose rows move per step (16 KiB), and old index slots copied per step. */
    static final int STEP_ROWS = 128;
    static final int STEP_SLOTS = 1024;
    /** How far past its home slot the batch prefetch loads a key's probe run ({@link #touchSlot}). */
    private static final int PROBE_AHEAD_SLOTS = 4;

    private long[] rows;
    // While the pool moves to a larger array after a growth: records below oldRowsBelow are still in oldRows.
    private long[] oldRows;
    private int oldRowsBelow;
    // Each slot: hash32 << 32 | (record index + 1); 0 is empty. Keeping the hash in the slot lets a probe skip
    // foreign entries and a deletion find home slots without touching records (each record read is a cache miss).
    // Twice as many slots as record rows (a power of two): the load factor stays at most 0.5.
    private long[] index;
    private int indexMask;
    // While the index moves to a larger one after a growth: the old index, whose slots below oldIndexCursor have been
    // copied to the new one. It takes no inserts; a deletion leaves TOMBSTONE there.
    private long[] oldIndex;
    private int oldIndexMask;
    private int oldIndexCursor;
    // The next pool and index, being allocated ahead of need (null: none asked for, or small).
    private ArrayPreparer.Prepared nextRows;
    private ArrayPreparer.Prepared nextIndex;
    // Records handed out so far; those below it that were forgotten wait in freeRecords to be reused.
    private int highWater;
    private int[] freeRecords;
    // Scratch for full passes (hash, invariant sums): a bit per record, set while the pass runs for forgotten ones.
    private final ForgottenRecordMarks forgottenMarks = new ForgottenRecordMarks();
    private int freeCount;
    // Finished records in finish order, with their finish time and hash beside them so that forgetting the oldest
    // needs no read of its row.
    private FinishedFifo finished;
    private final int capacity;
    private final long retentionMs;
    private Forgetting forgetting = record -> { };
    /**
     * The record the last insert wrote and its key's hash: a record is most often finished in the command that
     * inserted it (a Pay, a refused Try), and {@link #finish} then takes the hash from here instead of reading the key
     * back and hashing it again. Keys never change after the insert, so the pair stays true until the next insert.
     */
    private int insertedRecord = -1;
    private int insertedHash;

    /** Told of each finished record just before it is forgotten. */
    interface Forgetting
    {
        void forgetting(int record);
    }

    RecordTable(final int capacity, final long retentionMs, final boolean reserve)
    {
        this.capacity = capacity;
        this.retentionMs = retentionMs;
        final int rowsAtStart = Growth.initialRows(capacity, reserve);
        this.rows = new long[PAD + rowsAtStart * STRIDE];
        this.index = new long[indexLengthFor(rowsAtStart)];
        this.indexMask = index.length - 1;
        this.freeRecords = new int[0];
        this.finished = new FinishedFifo(index.length >>> 1, capacity);
    }

    /** The array that holds record {@code record}'s row (the old pool while it has not moved yet). */
    private long[] rowsOf(final int record)
    {
        return record < oldRowsBelow ? oldRows : rows;
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

    /** Records the pool has room for now (at most the limit): how far it has grown. */
    int rowsHeld()
    {
        return (rows.length - PAD) / STRIDE;
    }

    /** @return the record index of the key, or -1. */
    int find(final int namespace, final long ownerId, final long requestId)
    {
        final int hash = hashOf(namespace, ownerId, requestId);
        final int record = findIn(index, indexMask, hash, namespace, ownerId, requestId);
        return record >= 0 || oldIndex == null ? record :
            findIn(oldIndex, oldIndexMask, hash, namespace, ownerId, requestId);
    }

    private int findIn(final long[] index, final int indexMask, final int hash, final int namespace, final long ownerId,
        final long requestId)
    {
        int slot = hash & indexMask;
        while (true)
        {
            final long entry = index[slot];
            if (entry == 0)
            {
                return -1;
            }
            if ((int)(entry >>> 32) == hash && entry != TOMBSTONE)
            {
                final int record = (int)entry - 1;
                final long[] rows = rowsOf(record);
                final int base = PAD + record * STRIDE;
                if (rows[base + RecordFields.KEY_REQUEST_ID] == requestId &&
                    rows[base + RecordFields.KEY_OWNER_ID] == ownerId && namespace(record) == namespace)
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
    int insert(final int namespace, final long ownerId, final long requestId, final long nowMs)
    {
        final int record;
        if (freeCount > 0)
        {
            record = freeRecords[--freeCount];
        }
        else if (highWater < capacity)
        {
            record = newRecord();
        }
        else if ((record = evictOldest(nowMs)) < 0)
        {
            return -1;
        }
        RecordFields.writeFresh(rowsOf(record), PAD + record * STRIDE, namespace, ownerId, requestId);
        final int hash = hashOf(namespace, ownerId, requestId);
        putEntry(index, indexMask, ((long)hash << 32) | (record + 1));
        insertedRecord = record;
        insertedHash = hash;
        step();
        return record;
    }

    private static void putEntry(final long[] index, final int indexMask, final long entry)
    {
        int slot = (int)(entry >>> 32) & indexMask;
        while (index[slot] != 0)
        {
            slot = (slot + 1) & indexMask;
        }
        index[slot] = entry;
    }

    /** The next never-used record, growing the pool and the index when the pool is used up. */
    private int newRecord()
    {
        final int record = highWater++;
        final int rowsHeld = (rows.length - PAD) / STRIDE;
        if (highWater > rowsHeld)
        {
            growPool(rowsHeld);
        }
        else if (highWater == Growth.prepareAt(rowsHeld) && rowsHeld < capacity)
        {
            // Have the next pool and index allocated off the engine thread by the time they are needed.
            final int rowsNext = Growth.grownLength(rowsHeld, rowsHeld + 1, capacity);
            nextRows = ArrayPreparer.longs(PAD + rowsNext * STRIDE);
            final int indexLength = indexLengthFor(rowsNext);
            nextIndex = indexLength > index.length ? ArrayPreparer.longs(indexLength) : null;
        }
        return record;
    }

    /** Replaces the pool (and the index, when it must grow with it) by larger ones whose contents move in steps. */
    private void growPool(final int rowsHeld)
    {
        finishMoving();
        final int rowsGrown = Growth.grownLength(rowsHeld, highWater, capacity);
        oldRows = rows;
        oldRowsBelow = rowsHeld;
        rows = ArrayPreparer.takeLongs(nextRows, PAD + rowsGrown * STRIDE);
        nextRows = null;
        final int indexLength = indexLengthFor(rowsGrown);
        if (indexLength > index.length)
        {
            oldIndex = index;
            oldIndexMask = indexMask;
            oldIndexCursor = 0;
            index = ArrayPreparer.takeLongs(nextIndex, indexLength);
            indexMask = indexLength - 1;
        }
        nextIndex = null;
    }

    /**
     * Moves a bounded part of a growth's old pool and old index to the new ones ({@link #STEP_ROWS} rows, {@link
     * #STEP_SLOTS} index slots, and the FIFO's step). Called per insert and per command, so the moving is done long
     * before the pool can fill again; it changes where things sit, never what they hold.
     *
     * @return true while something is left to move
     */
    boolean step()
    {
        boolean left = finished.step();
        if (oldRowsBelow > 0)
        {
            final int from = Math.max(0, oldRowsBelow - STEP_ROWS);
            System.arraycopy(oldRows, PAD + from * STRIDE, rows, PAD + from * STRIDE, (oldRowsBelow - from) * STRIDE);
            oldRowsBelow = from;
            if (from == 0)
            {
                oldRows = null;
            }
            left |= from > 0;
        }
        if (oldIndex != null)
        {
            final int end = Math.min(oldIndex.length, oldIndexCursor + STEP_SLOTS);
            for (int slot = oldIndexCursor; slot < end; slot++)
            {
                final long entry = oldIndex[slot];
                if (entry != 0 && entry != TOMBSTONE)
                {
                    putEntry(index, indexMask, entry);
                }
            }
            oldIndexCursor = end;
            if (end == oldIndex.length)
            {
                oldIndex = null;
            }
            left |= oldIndex != null;
        }
        return left;
    }

    /** True while a growth's old pool, old index or old FIFO arrays are still being moved from. */
    boolean moving()
    {
        return oldRowsBelow > 0 || oldIndex != null || finished.moving();
    }

    /** Completes a growth's moving at once (before a snapshot or another growth). */
    void finishMoving()
    {
        while (step())
        {
            // bounded: each step moves rows, slots or entries, or ends the moving
        }
    }

    /**
     * Grows the pool, the index and the finished-key FIFO now, each in one copy, to hold {@code moreRecords} records
     * beyond those handed out (capped at the limit), to the sizes that growth by doublings would reach for them: see
     * {@link Engine#reserveForInputs}. Changes where records and index entries sit, never what they hold.
     */
    void reserveFor(final int moreRecords)
    {
        finishMoving();
        final int rowsHeld = (rows.length - PAD) / STRIDE;
        final int rowsWanted = (int)Math.min(capacity, (long)highWater + moreRecords);
        if (rowsWanted > rowsHeld)
        {
            final int rowsGrown = Growth.grownLength(rowsHeld, rowsWanted, capacity);
            rows = java.util.Arrays.copyOf(rows, PAD + rowsGrown * STRIDE);
            nextRows = null;
            nextIndex = null;
            final int indexLength = indexLengthFor(rowsGrown);
            if (indexLength > index.length)
            {
                rehash(indexLength);
            }
        }
        finished.reserveFor(rowsWanted);
    }

    /** Moves every entry into a larger index at once; entries keep their hash, so no record is read. */
    private void rehash(final int indexLength)
    {
        final long[] old = index;
        index = new long[indexLength];
        indexMask = indexLength - 1;
        for (final long entry : old)
        {
            if (entry != 0)
            {
                putEntry(index, indexMask, entry);
            }
        }
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
     * Batch prefetch, stage 1 for a key: loads the line of its home index slot (an address from the key alone) and
     * returns the slot, changing nothing.
     */
    long touchSlot(final int namespace, final long ownerId, final long requestId)
    {
        return touchRun(hashOf(namespace, ownerId, requestId) & indexMask);
    }

    /**
     * Loads the index line of {@code slot} and, when the next {@link #PROBE_AHEAD_SLOTS} slots spill over into the next
     * line, that one too: a probe (a lookup that misses, an insert, a backward-shift deletion) walks on from its home
     * slot to the next empty one, which at a load of at most 0.5 is a few slots on.
     */
    private long touchRun(final int slot)
    {
        return index[slot] ^ index[(slot + PROBE_AHEAD_SLOTS) & indexMask];
    }

    /** Batch prefetch: loads both lines of a record found by {@link #find} (changes nothing). */
    long touchRecordLines(final int record)
    {
        return bothLines(record);
    }

    private long bothLines(final int record)
    {
        final long[] rows = rowsOf(record);
        final int base = PAD + record * STRIDE;
        return rows[base + RecordFields.META] ^ rows[base + STRIDE - 1];
    }

    /**
     * Loads what the {@code ahead}-th insert from now will touch when the table is full: the index line of the key
     * it will forget and both lines of the record it will reuse. Both addresses come from the finished-key FIFO
     * (sequential, cached), so these loads are independent of each other and of the batch's other loads. A guess (an
     * input may insert no key or two), so it only loads.
     */
    long touchEviction(final int ahead)
    {
        if (freeCount > ahead || ahead >= finished.size())
        {
            return 0;
        }
        return touchRun(finished.hash(ahead) & indexMask) ^ bothLines(finished.record(ahead));
    }

    /** Marks a record final: it becomes eligible to be forgotten after the retention period. */
    void finish(final int record, final long nowMs)
    {
        if (get(record, RecordFields.FINISHED_AT_MS) >= 0)
        {
            throw new IllegalStateException("record finished twice: " + record);
        }
        set(record, RecordFields.FINISHED_AT_MS, nowMs);
        final int hash = record == insertedRecord ? insertedHash :
            hashOf(namespace(record), get(record, RecordFields.KEY_OWNER_ID), get(record, RecordFields.KEY_REQUEST_ID));
        finished.add(record, nowMs, hash);
    }

    /**
     * Forgets the oldest finished record when its retention has passed and returns it for reuse (the insert takes
     * it at once, so it never waits in {@code freeRecords}), or -1 when nothing may be forgotten.
     */
    private int evictOldest(final long nowMs)
    {
        if (finished.size() == 0 || finished.finishedAtMs(0) + retentionMs > nowMs)
        {
            return -1;
        }
        final int record = finished.record(0);
        final int hash = finished.hash(0);
        forgetting.forgetting(record);
        finished.removeOldest();
        removeFromIndex(record, hash);
        return record;
    }

    /** The key quota's hook, set once when the engine is built. */
    void onForgetting(final Forgetting forgetting)
    {
        this.forgetting = forgetting;
    }

    /** Marks a new record as counted against its merchant's key quota. */
    void markCounted(final int record)
    {
        rowsOf(record)[PAD + record * STRIDE + RecordFields.META] |= RecordFields.META_COUNTED_BIT;
    }

    /** Clears the record's counted mark; returns whether it was set. */
    boolean clearCounted(final int record)
    {
        final boolean counted = isCounted(record);
        rowsOf(record)[PAD + record * STRIDE + RecordFields.META] &= ~RecordFields.META_COUNTED_BIT;
        return counted;
    }

    /** The finished records in finish order (read only: the key quota's cursor walks it). */
    FinishedFifo finished()
    {
        return finished;
    }

    long retentionMs()
    {
        return retentionMs;
    }

    private void removeFromIndex(final int record, final int hash)
    {
        removeFrom(index, indexMask, record, hash);
        if (oldIndex != null)
        {
            int slot = hash & oldIndexMask;
            long entry;
            while ((entry = oldIndex[slot]) != 0)
            {
                if ((int)entry == record + 1 && entry != TOMBSTONE)
                {
                    oldIndex[slot] = TOMBSTONE;
                    return;
                }
                slot = (slot + 1) & oldIndexMask;
            }
        }
    }

    /** Deletes the record's entry from an index that takes inserts (absent while an old index still holds it). */
    private static void removeFrom(final long[] index, final int indexMask, final int record, final int hash)
    {
        int hole = hash & indexMask;
        while ((int)index[hole] != record + 1)
        {
            if (index[hole] == 0)
            {
                return;
            }
            hole = (hole + 1) & indexMask;
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole when their home slot allows,
        // i.e. when the home is not in (hole, slot] going round: its distance back from the slot is at least the
        // hole's. Without branches (whether an entry moves is a coin toss to the branch predictor, and these
        // mispredictions were most of the deletion's time on cached lines): keep is -1 when the entry stays, 0 when
        // it moves, and the hole's slot is rewritten either way (with its own value when the entry stays).
        int slot = (hole + 1) & indexMask;
        long entry;
        while ((entry = index[slot]) != 0)
        {
            final int home = (int)(entry >>> 32) & indexMask;
            final int keep = (((slot - home) & indexMask) - ((slot - hole) & indexMask)) >> 31;
            index[hole] = (entry & ~(long)keep) | (index[hole] & (long)keep);
            hole = (slot & ~keep) | (hole & keep);
            slot = (slot + 1) & indexMask;
        }
        index[hole] = 0;
    }

    /** The key's hash, kept in its index slot and its FIFO entry. */
    static int hashOf(final int namespace, final long ownerId, final long requestId)
    {
        return (int)StateHash.fmix(ownerId * 0x9E3779B97F4A7C15L ^ requestId ^ ((long)namespace << 59));
    }

    /** A field, named by its namespace's holder in {@link RecordFields} (a constant: the JIT folds the map away). */
    long get(final int record, final int field)
    {
        return RecordFields.read(rowsOf(record), PAD + record * STRIDE, field);
    }

    void set(final int record, final int field, final long value)
    {
        RecordFields.write(rowsOf(record), PAD + record * STRIDE, field, value);
    }

    int namespace(final int record)
    {
        return (int)(rowsOf(record)[PAD + record * STRIDE + RecordFields.META] & 0xFF);
    }

    int state(final int record)
    {
        return (int)((rowsOf(record)[PAD + record * STRIDE + RecordFields.META] >>> 8) & 0xFF);
    }

    int kind(final int record)
    {
        return (int)((rowsOf(record)[PAD + record * STRIDE + RecordFields.META] >>> 16) & 0xFFFF);
    }

    int firstCode(final int record)
    {
        return (int)((rowsOf(record)[PAD + record * STRIDE + RecordFields.META] >>> 32) & 0xFFFF);
    }

    void setState(final int record, final int state)
    {
        final long[] rows = rowsOf(record);
        final int at = PAD + record * STRIDE + RecordFields.META;
        rows[at] = (rows[at] & ~0xFF00L) | ((long)state << 8);
    }

    void setKindAndFirstCode(final int record, final int kind, final int firstCode)
    {
        final long[] rows = rowsOf(record);
        final int at = PAD + record * STRIDE + RecordFields.META;
        final long kept = 0xFFFFL | RecordFields.META_COUNTED_BIT | RecordFields.META_VOUCHER_EXPIRY_BIT;
        rows[at] = (rows[at] & kept) | ((long)kind << 16) | ((long)firstCode << 32);
    }

    /**
     * Sum of the cash amounts (amount less voucher) of the payments in a state, and their count: a full pass, for
     * invariant checks.
     */
    long sumAmountInState(final int state, final long[] countOut)
    {
        final long[] sumAndCount = new long[2];
        forEachRemembered(record ->
        {
            if (state(record) == state && namespace(record) == RecordFields.Payment.NAMESPACE)
            {
                sumAndCount[0] +=
                    get(record, RecordFields.Payment.AMOUNT_FEN) - get(record, RecordFields.Payment.VOUCHER_FEN);
                sumAndCount[1]++;
            }
        });
        countOut[0] = sumAndCount[1];
        return sumAndCount[0];
    }

    /** Calls {@code action} with every remembered record, in pool order: a full pass, for invariant checks. */
    void forEachRemembered(final java.util.function.IntConsumer action)
    {
        final long[] forgotten = forgottenMarks.mark(highWater, freeRecords, freeCount);
        for (int record = 0; record < highWater; record++)
        {
            if (!ForgottenRecordMarks.isMarked(forgotten, record))
            {
                action.accept(record);
            }
        }
        forgottenMarks.unmark(freeRecords, freeCount);
    }

    boolean isCounted(final int record)
    {
        return (rowsOf(record)[PAD + record * STRIDE + RecordFields.META] & RecordFields.META_COUNTED_BIT) != 0;
    }

    /** A confirmed payment's voucher expiry, kept in its EXPIRES_AT_MS and marked so ({@link #keptVoucherExpiryMs}). */
    void keepVoucherExpiry(final int record, final long expiresAtMs)
    {
        set(record, RecordFields.Payment.EXPIRES_AT_MS, expiresAtMs);
        rowsOf(record)[PAD + record * STRIDE + RecordFields.META] |= RecordFields.META_VOUCHER_EXPIRY_BIT;
    }

    /** The voucher expiry {@link #keepVoucherExpiry} kept; Long.MIN_VALUE when none was kept. */
    long keptVoucherExpiryMs(final int record)
    {
        return (rowsOf(record)[PAD + record * STRIDE + RecordFields.META] & RecordFields.META_VOUCHER_EXPIRY_BIT) != 0 ?
            get(record, RecordFields.Payment.EXPIRES_AT_MS) : Long.MIN_VALUE;
    }

    /** Writes the records handed out, the index as it is, the forgotten records and the FIFO in order. */
    void writeTo(final SnapshotWriter writer)
    {
        finishMoving();
        writer.writeLong(highWater);
        writer.writeLong(index.length);
        writer.writeLong(finished.size());
        writer.writeLongs(rows, PAD + highWater * STRIDE);
        writer.writeLongs(index, index.length);
        writer.writeInts(freeRecords, freeCount);
        finished.writeTo(writer);
    }

    /** Restores what {@link #writeTo} wrote into a fresh table of the same limits. */
    void readFrom(final SnapshotReader reader)
    {
        finishMoving();
        insertedRecord = -1;
        highWater = (int)reader.readLong();
        final int indexLength = (int)reader.readLong();
        final int fifoSize = (int)reader.readLong();
        if (highWater < 0 || highWater > capacity || fifoSize < 0 || fifoSize > highWater ||
            Integer.bitCount(indexLength) != 1 || indexLength < indexLengthFor(highWater) ||
            indexLength > indexLengthFor(capacity))
        {
            throw new IllegalStateException("snapshot record table shape " + highWater + "/" + indexLength + "/" +
                fifoSize + " does not fit the limit " + capacity);
        }
        rows = Growth.ensureRows(rows, PAD, highWater, STRIDE, capacity);
        index = new long[indexLength];
        indexMask = indexLength - 1;
        reader.readLongs(rows);
        reader.readLongs(index);
        final int indexLengthForRows = indexLengthFor((rows.length - PAD) / STRIDE);
        if (indexLengthForRows > indexLength)
        {
            // A table reserved at start holds more rows than the engine that wrote the snapshot: its index must
            // be sized for them now, since it never grows again.
            rehash(indexLengthForRows);
        }
        freeRecords = new int[highWater];
        freeCount = reader.readInts(freeRecords);
        finished.readFrom(reader, fifoSize);
        RecordTableLoadChecks.check(this, index, freeRecords, freeCount, finished, highWater);
    }

    /** A hold's expiry: the holds' order is by it first ({@link #before}). */
    @Override
    public long expiresAtMs(final int record)
    {
        return orderField(record, RecordFields.Payment.EXPIRES_AT_MS);
    }

    /** Holds expire by time, then (merchantId, paymentId). */
    @Override
    public boolean before(final int a, final int b)
    {
        final long expiresA = orderField(a, RecordFields.Payment.EXPIRES_AT_MS);
        final long expiresB = orderField(b, RecordFields.Payment.EXPIRES_AT_MS);
        if (expiresA != expiresB)
        {
            return expiresA < expiresB;
        }
        final long merchantA = orderField(a, RecordFields.Payment.MERCHANT_ID);
        final long merchantB = orderField(b, RecordFields.Payment.MERCHANT_ID);
        if (merchantA != merchantB)
        {
            return merchantA < merchantB;
        }
        return orderField(a, RecordFields.Payment.PAYMENT_ID) < orderField(b, RecordFields.Payment.PAYMENT_ID);
    }

    /** {@link #get}, with one load per array instead of one load from whichever array {@link #rowsOf} picks. */
    private long orderField(final int record, final int field)
    {
        final int base = PAD + record * STRIDE;
        return record < oldRowsBelow ? RecordFields.read(oldRows, base, field) : RecordFields.read(rows, base, field);
    }

    /**
     * Sum of finished row hashes: independent of where records sit in the pool or the index. Walks the pool in order,
     * skipping forgotten records (the same records as the index's live slots, read sequentially). A row's hash folds
     * its 16 longs as they are stored (hash version 2): every field of every kind of record is in exactly one of them
     * (two ints or a kind's own field where fields share a long), so this covers what the named fields did.
     */
    long hash(final long seed)
    {
        return hashWithSum(seed, hashSum());
    }

    /** {@link #hash} of {@code seed} from a {@link #hashSum} taken since the table last changed. */
    long hashWithSum(final long seed, final long sum)
    {
        return StateHash.fold(StateHash.fold(seed, size()), sum);
    }

    /**
     * The part of {@link #hash} that does not depend on the seed, so a snapshot load computes it before the books
     * hashed ahead of this table are (EngineState.read).
     */
    long hashSum()
    {
        final long[] forgotten = forgottenMarks.mark(highWater, freeRecords, freeCount);
        long sum = 0;
        for (int record = 0; record < highWater; record++)
        {
            if (!ForgottenRecordMarks.isMarked(forgotten, record))
            {
                final long[] pool = rowsOf(record);
                final int base = PAD + record * STRIDE;
                long rowHash = 17;
                for (int i = base; i < base + STRIDE; i++)
                {
                    rowHash = StateHash.fold(rowHash, pool[i]);
                }
                sum += StateHash.finish(rowHash);
            }
        }
        forgottenMarks.unmark(freeRecords, freeCount);
        return sum;
    }
}
