package com.wodian.journal.consensus;

/**
 * Which incarnation of each peer's data directory this node knows, so that a member whose directory was copied,
 * restored from a backup or re-created (a new incarnation under the same node id) is refused until it has left the
 * configuration and been added back (docs/replication.md, "A data directory belongs to one node").
 *
 * <p>Why: Raft's safety rests on every member's term, vote and log being durable. A member whose directory is an older
 * copy of itself (a backup) or of another node has forgotten votes it cast and entries it acknowledged; if it takes
 * part at once it can give a second vote in a term, or be the one member of a majority that lacked a committed entry,
 * and a later primary then overwrites acknowledged payments. Such a node must come back as a new server: removed,
 * started with {@code --join}, added as a learner (it votes only once added, {@link MembershipHistory#mayVote}). Each
 * data directory draws a random incarnation at its first start; the peers learn it at the first hello they accept
 * (trust on first use), and refuse another incarnation under that id while the id is a member of their newest
 * configuration. Once the id is removed, the next incarnation is learned again, so remove / {@code --join} / add
 * works without the operator touching the peers.
 *
 * <p>An incarnation of 0 (both halves) is unknown (a node of an older version): accepted, not learned. With a
 * {@link Store}, every change is stored before it is used; changes are rare (a new node, a re-join).
 */
public final class PeerIncarnations
{
    /** The peer may take part: its incarnation is the one known, or unknown, or it was just learned. */
    public static final int ADMITTED = 0;
    /** The peer's incarnation was learned (first hello of this id, or a new one after the id left the group). */
    public static final int LEARNED = 1;
    /** The peer is a member under another incarnation: its connection must be refused. */
    public static final int REFUSED = 2;

    /** Where the known incarnations are kept. */
    @FunctionalInterface
    public interface Store
    {
        /** Stores both arrays (indexed by node id; 0,0 unknown) durably before returning; read during the call. */
        void store(long[] highs, long[] lows);
    }

    private final long[] highs;
    private final long[] lows;
    private final Store store;

    /**
     * @param highs indexed by node id, the known incarnations' high halves (taken, not copied); 0,0: none known.
     * @param store null: in memory only (the simulation).
     */
    public PeerIncarnations(final long[] highs, final long[] lows, final Store store)
    {
        if (highs.length != lows.length || highs.length > Membership.NODES_MAX)
        {
            throw new IllegalArgumentException("incarnations of " + highs.length + " and " + lows.length + " nodes");
        }
        this.highs = highs;
        this.lows = lows;
        this.store = store;
    }

    /** Nothing known yet, in memory. */
    public static PeerIncarnations inMemory(final int groupSize)
    {
        return new PeerIncarnations(new long[groupSize], new long[groupSize], null);
    }

    /**
     * Decides on a peer's hello.
     *
     * @param configuration this node's newest configuration ({@link Membership}): a member under another incarnation
     *                      is refused, a non-member's new incarnation is learned.
     * @return {@link #ADMITTED}, {@link #LEARNED} or {@link #REFUSED}.
     */
    public int admit(final int peerId, final long high, final long low, final long configuration)
    {
        if (peerId < 0 || peerId >= highs.length)
        {
            return REFUSED;
        }
        if ((high | low) == 0 || (high == highs[peerId] && low == lows[peerId]))
        {
            return ADMITTED;
        }
        final boolean nothingKnown = (highs[peerId] | lows[peerId]) == 0;
        if (!nothingKnown && Membership.isMember(configuration, peerId))
        {
            return REFUSED;
        }
        highs[peerId] = high;
        lows[peerId] = low;
        if (store != null)
        {
            store.store(highs, lows);
        }
        return LEARNED;
    }

    public long highOf(final int peerId)
    {
        return highs[peerId];
    }

    public long lowOf(final int peerId)
    {
        return lows[peerId];
    }

    /** @return an incarnation as 32 hex digits, for log lines. */
    public static String describe(final long high, final long low)
    {
        return String.format("%016x%016x", high, low);
    }
}
