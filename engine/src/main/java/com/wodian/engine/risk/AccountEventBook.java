package com.wodian.engine.risk;

import com.wodian.engine.table.Growth;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;

/**
 * When each kind of account event (AccountEvent, schema 13: a credential reset, a device bound, the phone number
 * changed, a log-in from a new network) last happened to each consumer: two longs per consumer, indexed like the
 * consumer book, each holding two kinds' times as unsigned 32-bit input-time seconds plus one (0: never; the largest
 * value, for any time past 2106, saturates). Read only for a consumer whose profile row says it has events
 * ({@link ConsumerProfileBook#hasAccountEvents}), so a payment of any other consumer never touches this table.
 *
 * <pre>
 *   long  bits      content
 *   0     0..31     CREDENTIAL_RESET (kind 1)
 *         32..63    DEVICE_BOUND (kind 2)
 *   1     0..31     PHONE_REBOUND (kind 3)
 *         32..63    NEW_NETWORK_LOGIN (kind 4)
 * </pre>
 *
 * <p>The array covers the consumers up to the highest index that had an event and grows by doubling (allocated on
 * the engine thread at an AccountEvent that needs it, like the risk package's other books: at most 16 bytes per
 * consumer, {@code consumersMax} in all; reserved whole at start with the engine's other tables when they are). The
 * snapshot and the state hash hold only the non-empty words with their positions ({@link SparseWords}), so an engine
 * that never had an account event hashes as before the table existed.
 */
public final class AccountEventBook
{
    static final int KINDS = 4;
    private static final int WORDS = 2;
    private static final long STAMP_MASK = 0xFFFF_FFFFL;

    private final int consumersMax;
    private final long wordsMax;
    long[] words = new long[0];

    AccountEventBook(final int consumersMax)
    {
        this.consumersMax = consumersMax;
        this.wordsMax = (long)consumersMax * WORDS;
    }

    /**
     * {@code --engine-tables reserve}: the whole table now (16 bytes per consumer of the limit), so that no
     * AccountEvent allocates while the engine serves.
     */
    public void reserve()
    {
        words = new long[(int)wordsMax];
    }

    /** An event's stored time: its input time in seconds plus one (so 0 stays "never"), saturating at 32 bits. */
    static long stamp(final long nowMs)
    {
        return Math.min(STAMP_MASK, Math.max(0, nowMs) / 1_000 + 1);
    }

    /** Records that {@code kind} (1..4) happened to consumer {@code index} at {@code nowMs}. */
    void record(final int index, final int kind, final long nowMs)
    {
        ensure(index + 1);
        final int at = index * WORDS + ((kind - 1) >> 1);
        final int shift = ((kind - 1) & 1) * 32;
        words[at] = (words[at] & ~(STAMP_MASK << shift)) | (stamp(nowMs) << shift);
    }

    /** The stored time ({@link #stamp}) of the consumer's last event of {@code kind}; 0 when none. */
    long stampOf(final int index, final int kind)
    {
        final int at = index * WORDS + ((kind - 1) >> 1);
        return at < words.length ? (words[at] >>> (((kind - 1) & 1) * 32)) & STAMP_MASK : 0;
    }

    /** Loads the consumer's words (one line); changes nothing. */
    long touch(final int index)
    {
        final int at = index * WORDS;
        return at < words.length ? words[at] : 0;
    }

    /** Room for {@code consumers} rows: the first growth makes {@link Growth#INITIAL_ROWS}, then by doubling. */
    private void ensure(final int consumers)
    {
        words = Growth.ensureRows(words, Math.max(consumers, Math.min(Growth.INITIAL_ROWS, consumersMax)), WORDS,
            consumersMax);
    }

    public void writeTo(final SnapshotWriter writer)
    {
        SparseWords.write(writer, words);
    }

    /**
     * Reads what {@link #writeTo} wrote: the table covers the highest position read, within the consumer limit (a
     * reserved table keeps its length).
     */
    public void readFrom(final SnapshotReader reader)
    {
        java.util.Arrays.fill(words, 0);
        final long nonEmpty = reader.readLong();
        long previous = -1;
        for (long i = 0; i < nonEmpty; i++)
        {
            final long position = reader.readLong();
            if (position <= previous || position >= wordsMax)
            {
                throw new IllegalStateException("account-event word " + position + " outside the table or out of " +
                    "order");
            }
            ensure((int)(position / WORDS) + 1);
            words[(int)position] = reader.readLong();
            previous = position;
        }
    }

    /** Folds the non-empty words: nothing when no consumer ever had an event (the hash of snapshot format 20). */
    public long hash(final long seed)
    {
        return SparseWords.fold(seed, words);
    }
}
