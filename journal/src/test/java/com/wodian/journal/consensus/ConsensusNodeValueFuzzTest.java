package com.wodian.journal.consensus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Well-formed replication messages with hostile values, handed to a node as the transport's decoder would (the
 * codec itself is fuzzed in ReplicationCodecTest): terms, indexes, offsets and lengths drawn from a palette of
 * negative, zero, huge and near-the-node's-own values, from every peer id. No exception may escape a handler or the
 * timer that follows, whatever the node's role: a peer's bad value must cost at most that message, never the node
 * (the replication stage stops a node whose consensus rules throw). One exception is by design: a leader that gets
 * a leader's message (AppendEntries, InstallSnapshot) of its own term from another node stops ("two leaders in
 * term"): election safety is broken, and going on could overwrite committed entries.
 */
class ConsensusNodeValueFuzzTest
{
    private static final int SEEDS = 300;
    private static final int MESSAGES_PER_SEED = 300;

    @Test
    void hostileValuesNeverThrowOutOfTheNode()
    {
        int delivered = 0;
        for (long seed = 1; seed <= SEEDS; seed++)
        {
            delivered += run(seed);
        }
        assertTrue(delivered == SEEDS * MESSAGES_PER_SEED, "delivered " + delivered);
    }

    private static int run(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final MemoryTermStore terms = new MemoryTermStore();
        final int entries = random.nextInt(6);
        for (int i = 0; i < entries; i++)
        {
            log.append(1 + i / 2, 100 + i);
        }
        if (entries > 0)
        {
            terms.store(log.termAt(log.lastIndex()), TermStore.NO_VOTE);
        }
        final List<ConsensusMessage> sent = new ArrayList<>();
        final ConsensusNode node = new ConsensusNode(0, 3, ConsensusConfig.defaults(), log, terms,
            ConsensusMessage.outbox((to, message) -> sent.add(message)), (index, term, payload) -> { },
            new SplittableRandom(seed), 0);
        long nowMs = 0;
        if (random.nextBoolean())
        {
            nowMs = ConsensusConfig.defaults().electionTimeoutMaxMs();
            node.onTimer(nowMs);
            node.onMessage(new ConsensusMessage.VoteReply(node.currentTerm(), 1, true), nowMs);
            node.propose(7, nowMs);
        }
        int delivered = 0;
        for (int m = 0; m < MESSAGES_PER_SEED; m++)
        {
            final ConsensusMessage message = hostile(random, node);
            nowMs += random.nextInt(50);
            try
            {
                node.onMessage(message, nowMs);
                node.onTimer(nowMs);
            }
            catch (final IllegalStateException ex)
            {
                if (!(String.valueOf(ex.getMessage()).startsWith("two leaders in term " + message.term()) &&
                    node.role() == Role.LEADER && node.currentTerm() == message.term()))
                {
                    fail("seed " + seed + " message " + m + " to a " + node.role() + " of term " +
                        node.currentTerm() + " (log to " + log.lastIndex() + "): " + message + " threw " + ex, ex);
                }
            }
            catch (final RuntimeException ex)
            {
                fail("seed " + seed + " message " + m + " to a " + node.role() + " of term " + node.currentTerm() +
                    " (log to " + log.lastIndex() + "): " + message + " threw " + ex, ex);
            }
            delivered++;
        }
        return delivered;
    }

    private static ConsensusMessage hostile(final SplittableRandom random, final ConsensusNode node)
    {
        final int from = 1 + random.nextInt(2);
        final long term = value(random, node.currentTerm());
        return switch (random.nextInt(7))
        {
            case 0 -> new ConsensusMessage.RequestVote(term, from, value(random, node.lastIndex()),
                value(random, node.currentTerm()), random.nextBoolean());
            case 1 -> new ConsensusMessage.VoteReply(term, from, random.nextBoolean());
            case 2 ->
            {
                final int count = random.nextInt(4);
                final long[] entryTerms = new long[count];
                final long[] payloads = new long[count];
                for (int i = 0; i < count; i++)
                {
                    entryTerms[i] = value(random, node.currentTerm());
                    payloads[i] = random.nextLong(1_000);
                }
                yield new ConsensusMessage.AppendEntries(term, from, value(random, node.lastIndex()),
                    value(random, node.currentTerm()), entryTerms, payloads, value(random, node.lastIndex()));
            }
            case 3 -> new ConsensusMessage.AppendReply(term, from, random.nextBoolean(),
                value(random, node.lastIndex()), value(random, node.lastIndex()));
            case 4 -> new ConsensusMessage.TimeoutNow(term, from);
            case 5 -> new ConsensusMessage.InstallSnapshot(term, from, value(random, node.lastIndex()),
                value(random, node.currentTerm()), random.nextLong(), value(random, 64), value(random, 64),
                new byte[random.nextInt(8)]);
            default -> new ConsensusMessage.InstallSnapshotReply(term, from, value(random, node.lastIndex()),
                value(random, 64), random.nextBoolean());
        };
    }

    /** Negative, zero, huge, or near {@code near} (the node's own term or index). */
    private static long value(final SplittableRandom random, final long near)
    {
        return switch (random.nextInt(6))
        {
            case 0 -> -1 - random.nextInt(3);
            case 1 -> 0;
            case 2 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            case 3 -> random.nextLong();
            default -> Math.max(0, near - 2 + random.nextInt(5));
        };
    }
}
