package com.wodian.engine.risk;

import com.wodian.engine.table.Growth;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * The home-same-set count of the engine setting HOME_SAME_SET_LIMIT (docs/risk.md "Rules", home-same-set limit: careful
 * brushing and circular flow by a home shop's dormant accounts): how many other accounts of the payer's home shop have
 * tried exactly the set of shops the payer has tried, with this shop added. A ring's accounts, recruited at one shop
 * and sent round the same few shops, share that set; honest recruits of a shop spread over their own shops.
 *
 * <p>State, learnt only once {@link #start} was called (the first accepted non-zero HOME_SAME_SET_LIMIT, a journaled
 * point every node shares; before it nothing is read, written, snapshotted or hashed, so a journal that never sets
 * the limit replays to the same state and hash as on a build without it):
 * <ul>
 *   <li>per consumer a 64-bit hashed set of the shops it tried ({@link #shopBit}: feature 49's hash, 64 buckets;
 *       not {@link ConsumerRiskBook#merchantBit}'s 16, with which honest accounts' sets coincide far more often),
 *       learnt from every Pay and Try risk evaluates, approved or declined (so not feature 49's set itself, which
 *       learns from approved payments only and which the shipped models read);</li>
 *   <li>per (home shop, set word) a 16-bit counter of the home shop's accounts whose word it is, for words of at least
 *       two shops, in a one-hash table without keys (as {@link HomeCohorts}): a shared counter reads higher, never
 *       lower; a counter saturates at 65,535 and does not go below 0.</li>
 * </ul>
 *
 * <p>For a payment of consumer C with home shop H at shop M: old = C's word, new = old | bit(M); the count is 0 when
 * new has fewer than two bits, else the counter of (H, new) less C's own share of it (1 when new equals old), at most
 * 255. Then, whatever the payment's outcome: when new differs from old, the counter of (H, old) goes down (old of two
 * bits or more), that of (H, new) up (new of two bits or more), and C's word becomes new. Integer only, O(1), no
 * allocation but the consumer words' growth with the consumers registered.
 */
public final class HomeSameSets
{
    static final long COUNT_CAP = 255;
    private static final long COUNTER_MAX = 0xFFFF;
    private final int countersLog2;
    private final long[] counterWords;
    private final int consumersMax;
    private long[] words;
    private boolean started;

    HomeSameSets(final int pairsMax, final int consumersMax)
    {
        countersLog2 = Math.max(12, 64 - Long.numberOfLeadingZeros(Math.max(1L, (long)pairsMax / 2 - 1)));
        counterWords = new long[1 << (countersLog2 - 2)];
        this.consumersMax = consumersMax;
        words = new long[0];
    }

    /** A shop's bit in a consumer's set: one of 64 (Fibonacci hashing of the merchant index, as feature 49's). */
    static long shopBit(final int merchantIndex)
    {
        return 1L << ((merchantIndex * 0x9E37_79B9) >>> 26);
    }

    boolean started()
    {
        return started;
    }

    /** Starts learning (idempotent): from here on every evaluated Pay and Try of a consumer with a home shop learns. */
    void start()
    {
        started = true;
    }

    private int counter(final int home, final long word)
    {
        final long key = StateHash.fmix(word ^ ((long)home * 0x9E37_79B9_7F4A_7C15L)) + 0x2545_F491_4F6C_DD1DL;
        return (int)(StateHash.fmix(key) >>> (64 - countersLog2));
    }

    private long read(final int counter)
    {
        return (counterWords[counter >>> 2] >>> ((counter & 3) << 4)) & COUNTER_MAX;
    }

    private void add(final int counter, final long delta)
    {
        final int shift = (counter & 3) << 4;
        final int at = counter >>> 2;
        final long value = Math.max(0, Math.min(COUNTER_MAX, ((counterWords[at] >>> shift) & COUNTER_MAX) + delta));
        counterWords[at] = (counterWords[at] & ~(COUNTER_MAX << shift)) | (value << shift);
    }

    private long word(final int consumer)
    {
        return consumer < words.length ? words[consumer] : 0;
    }

    /** The count for a payment of {@code consumer} (home shop {@code home} >= 0) at {@code merchant}. */
    long count(final int consumer, final int home, final int merchant)
    {
        final long old = word(consumer);
        final long now = old | shopBit(merchant);
        if (Long.bitCount(now) < 2)
        {
            return 0;
        }
        return Math.min(COUNT_CAP, Math.max(0, read(counter(home, now)) - (now == old ? 1 : 0)));
    }

    /**
     * Loads what {@link #count} and {@link #learn} read for a payment of {@code consumer} (home shop {@code home} >= 0)
     * at {@code merchant}: the consumer's word and the counters of (home, word with the shop added) and (home, word);
     * changes nothing. Called from {@code RiskControl.touchLines} with the payment's other risk lines, so that these
     * misses overlap theirs instead of coming one after another at the end of the rules (docs/risk.md "Cost on the
     * payment path"). Nothing before {@link #start}: nothing is read then.
     */
    long touch(final int consumer, final int home, final int merchant)
    {
        if (!started)
        {
            return 0;
        }
        final long old = word(consumer);
        final long now = old | shopBit(merchant);
        return counterWords[counter(home, now) >>> 2] ^ counterWords[counter(home, old) >>> 2];
    }

    /** The batch prefetch's part of {@link #touch}: the consumer's word only (the home shop is not known there). */
    long touchWord(final int consumer)
    {
        return started ? word(consumer) : 0;
    }

    /** Learns a payment of {@code consumer} (home shop {@code home} >= 0) at {@code merchant}, whatever its outcome. */
    void learn(final int consumer, final int home, final int merchant)
    {
        final long old = word(consumer);
        final long now = old | shopBit(merchant);
        if (now == old)
        {
            return;
        }
        if (Long.bitCount(old) >= 2)
        {
            add(counter(home, old), -1);
        }
        if (Long.bitCount(now) >= 2)
        {
            add(counter(home, now), 1);
        }
        if (consumer >= words.length)
        {
            words = Growth.ensure(words, consumer + 1, consumersMax);
        }
        words[consumer] = now;
    }

    /** The flag; when started, the consumer words and the counters (each as their non-empty words). */
    public void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(started ? 1 : 0);
        if (started)
        {
            writer.writeLong(words.length);
            SparseWords.write(writer, words);
            SparseWords.write(writer, counterWords);
        }
    }

    public void readFrom(final SnapshotReader reader)
    {
        final long flag = reader.readLong();
        if (flag != 0 && flag != 1)
        {
            throw new IllegalStateException("snapshot: home-same-set flag " + flag);
        }
        started = flag == 1;
        java.util.Arrays.fill(counterWords, 0);
        words = new long[0];
        if (started)
        {
            final long length = reader.readLong();
            if (length < 0 || length > consumersMax)
            {
                throw new IllegalStateException("snapshot: home-same-set words for " + length + " consumers, at most " +
                    consumersMax);
            }
            words = new long[(int)length];
            SparseWords.read(reader, words, "home-same-set words");
            SparseWords.read(reader, counterWords, "home-same-set counters");
        }
    }

    /** Not started: {@code seed} unchanged (old journals hash as before); else the words and counters folded. */
    public long hash(final long seed)
    {
        if (!started)
        {
            return seed;
        }
        return SparseWords.fold(SparseWords.fold(StateHash.fold(seed, 1), words), counterWords);
    }
}
