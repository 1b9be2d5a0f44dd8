package com.wodian.journal.consensus;

/**
 * Which incarnation of each peer's data directory this node knows, so that a member whose directory was copied,
 * restored from a backup or wiped (a new incarnation under the same node id) has its votes refused until it has left
 * the configuration and been added back (docs/replication.md, "A data directory belongs to one node").
 *
 * <p>Why: Raft's safety rests on every member's term, vote and log being durable. A member whose directory is an older
 * copy of itself (a backup), another node's, or empty has forgotten votes it cast and entries it acknowledged; if it
 * votes at once it can give a second vote in a term, or be the one voter of a majority that lacked a committed entry,
 * and a later primary then overwrites acknowledged payments. Its other messages are harmless: the leader repairs its
 * log, and what it acknowledges afterwards it really holds. It votes again as a new server: removed, started with
 * {@code --join}, added as a learner ({@link MembershipHistory#mayVote}). Each data directory draws a random
 * incarnation at its first start; the peers learn it at the first hello they accept (trust on first use), and refuse
 * the votes of another incarnation under that id while the id is a voter of their newest configuration, unless it was
 * drawn by a {@code --join} start on an empty directory (such a node cannot vote before it has been added back).
 * Once the id is removed, or a learner again (which only {@code group add} after its removal makes it), any next
 * incarnation is learned, so remove / {@code --join} / add works without the operator touching the peers.
 *
 * <p>An incarnation of 0 (both halves) is unknown (a node of an older version): accepted, not learned. With a
 * {@link Store}, every change is stored before it is used; changes are rare (a new node, a re-join).
 */
public final class PeerIncarnations
{
    /** The peer may vote: its incarnation is the one known, or unknown (0, 0). */
    public static final int ADMITTED = 0;
    /** The peer's incarnation was learned (first hello of this id, or a new one after the id left the group). */
    public static final int LEARNED = 1;
    /** The peer is a voter under another incarnation: its votes must be refused. */
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
     * Decides on a peer's hello or vote.
     *
     * @param joinedEmpty   the incarnation was drawn by a {@code --join} start on an empty data directory: such a
     *                      node votes only once a configuration names it a learner, which only {@code group add}
     *                      after its removal creates ({@link MembershipHistory#mayVote}), so it is learned even while
     *                      this node still sees the id as a voter (the peer may never have sent this node anything
     *                      while it was out of the configuration: followers only talk to the leader).
     * @param configuration this node's newest configuration ({@link Membership}): a voter under another incarnation
     *                      is refused, a learner's or a non-member's new incarnation is learned.
     * @return {@link #ADMITTED}, {@link #LEARNED} or {@link #REFUSED}.
     */
    public int admit(final int peerId, final long high, final long low, final boolean joinedEmpty,
        final long configuration)
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
        if (!nothingKnown && !joinedEmpty && Membership.isVoter(configuration, peerId))
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
