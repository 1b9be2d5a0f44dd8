package com.wodian.engine;

import com.wodian.engine.RecordFields.Payment;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.ResultCode;

/**
 * The per-merchant key quota (engine setting MERCHANT_KEYS_MAX; security review item 1). The key table is shared by
 * all merchants, and keys a terminal can make for nothing (empty rollbacks, refused payments, a pay and its refund)
 * stay remembered for the key retention: without a quota one terminal could fill the table and every merchant would get
 * {@code LIMIT_KEYS} for days. With it, a merchant holding {@code merchantKeysMax} keys made within the retention gets
 * {@code LIMIT_MERCHANT_KEYS} for its new payment, empty rollback, refund and redemption keys, and the others are not
 * affected. Why a quota and not a shorter retention for refusals: docs/security.md, "Key table quota".
 *
 * <p>A key counts from its insert (while the quota is on) until it has been finished for the key retention, when a
 * cursor over the finished-key FIFO passes it, or until it is forgotten, whichever comes first. The count sits in the
 * merchant's row, which a payment reads anyway; the mark in the record's META. The cursor passes at most {@link
 * #AGED_PER_INPUT_MAX} keys per input (one read of a record line each), so every input stays O(1). Keys made while the
 * quota was off never count, so turning it on needs no pass over the table: a merchant may hold more than the quota
 * for one retention period after the quota is turned on.
 */
final class MerchantKeyQuota implements RecordTable.Forgetting
{
    /** Finished keys the cursor passes per input at most: an input makes at most one counted key. */
    static final int AGED_PER_INPUT_MAX = 4;

    private final EngineSettings settings;
    private final MerchantBook merchants;
    private final RecordTable records;
    /** Records marked counted and not released yet. */
    private int countedKeys;
    /** Finished keys from the oldest that the cursor has passed (released already if they were counted). */
    private int agedAhead;

    MerchantKeyQuota(final EngineSettings settings, final EngineBooks books)
    {
        this.settings = settings;
        this.merchants = books.merchants;
        this.records = books.records;
        records.onForgetting(this);
    }

    /** Before a new key of the merchant is inserted: the refusal when the merchant holds its quota, else OK. */
    ResultCode check(final int merchantIndex)
    {
        final long max = settings.merchantKeysMax();
        return max > 0 && merchants.quotaKeys(merchantIndex) >= max ? ResultCode.LIMIT_MERCHANT_KEYS : ResultCode.OK;
    }

    /** A key just inserted for the merchant: counted while the quota is on. */
    void count(final int record, final int merchantIndex)
    {
        if (settings.merchantKeysMax() > 0)
        {
            if (countedKeys == 0)
            {
                // No key counts, so no finished key needs the cursor: start it behind all of them, so that it never
                // walks keys finished before the quota (up to keysMax, 4 an input) before it reaches this one.
                agedAhead = records.finished().size();
            }
            records.markCounted(record);
            merchants.addQuotaKeys(merchantIndex, 1);
            countedKeys++;
        }
    }

    /** Per input: releases the counted keys whose retention has passed, a bounded number. */
    void age(final long nowMs)
    {
        if (countedKeys == 0)
        {
            return;   // the quota never counted, or everything counted is released: one branch per input
        }
        final long retentionMs = records.retentionMs();
        for (int i = 0; i < AGED_PER_INPUT_MAX && countedKeys > 0 && agedAhead < records.finished().size() &&
            records.finished().finishedAtMs(agedAhead) + retentionMs <= nowMs; i++)
        {
            release(records.finished().record(agedAhead));
            agedAhead++;
        }
    }

    /** The key table forgets its oldest finished key (past the retention): released now unless the cursor did. */
    @Override
    public void forgetting(final int record)
    {
        if (agedAhead > 0)
        {
            agedAhead--;
        }
        else if (countedKeys > 0)
        {
            release(record);
        }
    }

    private void release(final int record)
    {
        if (records.clearCounted(record))
        {
            countedKeys--;
            merchants.addQuotaKeys((int)records.get(record, Payment.MERCHANT_INDEX), -1);
        }
    }

    /**
     * Invariant check (a full pass): each merchant's count equals its records marked counted, and the marks add up to
     * the counted keys.
     */
    void verify()
    {
        final long[] marked = new long[merchants.count()];
        final int[] total = new int[1];
        records.forEachRemembered(record ->
        {
            if (records.isCounted(record))
            {
                marked[(int)records.get(record, Payment.MERCHANT_INDEX)]++;
                total[0]++;
            }
        });
        if (total[0] != countedKeys || agedAhead > records.finished().size())
        {
            throw new IllegalStateException("key quota: " + total[0] + " records marked, " + countedKeys +
                " counted, cursor " + agedAhead + " of " + records.finished().size());
        }
        for (int merchant = 0; merchant < marked.length; merchant++)
        {
            if (marked[merchant] != merchants.quotaKeys(merchant))
            {
                throw new IllegalStateException("key quota of merchant index " + merchant + ": " +
                    merchants.quotaKeys(merchant) + " counted, " + marked[merchant] + " records marked");
            }
        }
    }

    /** Folds the cursor into {@code hash}; unchanged while the quota never counted a key. */
    long hash(final long hash)
    {
        return countedKeys == 0 && agedAhead == 0 ? hash :
            StateHash.fold(StateHash.fold(hash, countedKeys), agedAhead);
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(countedKeys);
        writer.writeLong(agedAhead);
    }

    /** Restores what {@link #writeTo} wrote; after the key table. */
    void readFrom(final SnapshotReader reader)
    {
        final long counted = reader.readLong();
        final long aged = reader.readLong();
        if (counted < 0 || counted > records.size() || aged < 0 || aged > records.finished().size())
        {
            throw new IllegalStateException("snapshot key quota " + counted + " counted, " + aged + " aged does not " +
                "fit a key table of " + records.size() + " keys, " + records.finished().size() + " finished");
        }
        countedKeys = (int)counted;
        agedAhead = (int)aged;
    }
}
