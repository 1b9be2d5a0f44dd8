package com.wodian.journal.consensus;

/**
 * Counting among the voters of a configuration ({@link Membership}): majorities for elections and commit, and the
 * leader's check quorum. Learners never count, and neither does a leader its configuration removes (Raft thesis
 * 4.2.2). Pure functions of their arguments; O(group size), no allocation.
 */
final class Quorum
{
    private Quorum()
    {
    }

    static int majority(final long configuration)
    {
        return Membership.voterCount(configuration) / 2 + 1;
    }

    /**
     * The highest index stored on a majority: the majority-th largest of the voters' indexes (the leader's own last
     * index for itself, the followers' match indexes).
     *
     * @param scratch at least {@code groupSize} long, overwritten.
     */
    static long indexOnMajority(final long configuration, final int self, final long selfLastIndex,
        final long[] matchIndex, final long[] scratch)
    {
        final long[] sorted = scratch;
        int voters = 0;
        for (int member = 0; member < matchIndex.length; member++)
        {
            if (Membership.isVoter(configuration, member))
            {
                sorted[voters++] = member == self ? selfLastIndex : matchIndex[member];
            }
        }
        for (int i = 1; i < voters; i++) // insertion sort, ascending: groups are small
        {
            final long value = sorted[i];
            int j = i - 1;
            while (j >= 0 && sorted[j] > value)
            {
                sorted[j + 1] = sorted[j];
                j--;
            }
            sorted[j + 1] = value;
        }
        return sorted[voters - majority(configuration)];
    }

    /**
     * Check quorum (Raft thesis 6.2): whether a majority of the voters, the leader itself included when it is one,
     * was heard from within {@code windowMs}, or is held by a transfer vote lease until after now
     * ({@code voteLeaseUntilMs}, {@link Election#voterLeasesUntil}).
     */
    static boolean heardFromMajority(final long configuration, final int self, final long[] lastHeardFromMs,
        final long[] voteLeaseUntilMs, final long nowMs, final long windowMs)
    {
        int heard = Membership.isVoter(configuration, self) ? 1 : 0;
        for (int peer = 0; peer < lastHeardFromMs.length; peer++)
        {
            if (peer != self && Membership.isVoter(configuration, peer) &&
                (nowMs - lastHeardFromMs[peer] < windowMs || nowMs < voteLeaseUntilMs[peer]))
            {
                heard++;
            }
        }
        return heard >= majority(configuration);
    }

    /** @return how many of the voters of {@code configuration} have {@code granted} set. */
    static int votes(final long configuration, final boolean[] granted)
    {
        int votes = 0;
        for (int peer = 0; peer < granted.length; peer++)
        {
            if (granted[peer] && Membership.isVoter(configuration, peer))
            {
                votes++;
            }
        }
        return votes;
    }
}
