package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.ConsensusConfig;
import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.ConsensusNode;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.EntryView;
import com.wodian.journal.consensus.LogEntries;
import com.wodian.journal.consensus.ReplicaLog;
import com.wodian.journal.consensus.Role;
import com.wodian.journal.consensus.TermStore;
import com.wodian.net.cluster.transport.ReplicationTestSupport.RecordingHandler;
import com.wodian.net.testing.IgnoringMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static com.wodian.net.cluster.transport.ReplicationTestSupport.POLL_ITERATIONS_MAX;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.allConnected;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.group;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.pollUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replication allocates nothing in steady state: the transport's sending side and idle cycles, and the whole path of
 * a replicated append (consensus node, encode, socket, decode, consensus node, reply, commit).
 */
class ReplicationAllocationTest
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    /**
     * Measured in phases of this many rounds after one of warm-up, at most {@link #PHASES_MAX} of them, until one shows
     * the bound: which code C2 has compiled by a fixed round depends on the compiler threads' share of two cores (the
     * pattern of TlsAllocationTest); a real per-message allocation shows in every phase.
     */
    private static final int PHASE_ROUNDS = 10_000;
    private static final int PHASES_MAX = 8;
    /** Below one byte per round, where any per-message object is 16 bytes or more. */
    private static final long PHASE_BYTES_MAX = 10_000;
    private static final int BATCH = 4;

    @Test
    void sendAndFlushAllocateNothing()
    {
        final UnsafeBuffer entry = new UnsafeBuffer(new byte[200]);
        final EntrySource source = (payload, into) ->
        {
            into.set(payload, 1, entry, 0, entry.capacity());
            return true;
        };
        final ReplicationTransport[] transports = group(2, source);
        try
        {
            final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
            long nowMs = pollUntil(0, transports, handlers, () -> allConnected(transports));
            final ConsensusMessage append = new ConsensusMessage.AppendEntries(
                3, 0, 10, 2, new long[] {2, 3, 3, 3}, new long[] {11, 12, 13, 14}, 9);
            final ConsensusMessage reply = new ConsensusMessage.AppendReply(3, 0, true, 14, 0);
            final ReplicationTransport sender = transports[0];
            final ReplicationTransport receiver = transports[1];
            final NoopHandler noop = new NoopHandler();

            for (int round = 0; round < PHASE_ROUNDS; round++) // warm-up: class loading, JIT
            {
                sendRound(sender, receiver, append, reply, noop, nowMs++);
            }
            // Usually exactly 0; on a loaded machine a one-off of about 1.6 KB was seen once (runtime, not per
            // message), so the bound is below one byte per round: any per-message allocation is 24 bytes or more,
            // and shows in every phase; a phase is repeated only while the JIT may not have finished.
            long allocatedBytes = Long.MAX_VALUE;
            int phases = 0;
            while (phases < PHASES_MAX && allocatedBytes >= PHASE_BYTES_MAX)
            {
                allocatedBytes = 0;
                for (int round = 0; round < PHASE_ROUNDS; round++)
                {
                    allocatedBytes += sendRound(sender, receiver, append, reply, noop, nowMs++);
                }
                phases++;
            }
            assertTrue(allocatedBytes < PHASE_BYTES_MAX, "bytes allocated by " + PHASE_ROUNDS + " rounds of send, " +
                "send, flush, idle poll, in the last of " + phases + " phases: " + allocatedBytes);
            assertEquals(0, sender.messagesDropped());

            // An idle duty cycle (nothing to accept, dial, read or write) allocates nothing on either node.
            pollUntil(nowMs, transports, handlers, () -> receiver.messagesReceived() == sender.messagesSent());
            // Phases as above: a one-off of the runtime (about 1.6 KB, seen once on a loaded machine) is close to
            // this bound, and a real per-cycle allocation (16 bytes or more) shows in every phase.
            long idleAllocatedBytes = Long.MAX_VALUE;
            for (int idlePhases = 0; idlePhases < PHASES_MAX && idleAllocatedBytes >= 2_000; idlePhases++)
            {
                idleAllocatedBytes = 0;
                for (int round = 0; round < 2_000; round++)
                {
                    final long before = THREADS.getCurrentThreadAllocatedBytes();
                    sender.poll(nowMs, noop);
                    sender.flush();
                    receiver.poll(nowMs, noop);
                    receiver.flush();
                    idleAllocatedBytes += THREADS.getCurrentThreadAllocatedBytes() - before;
                    nowMs++;
                }
            }
            assertTrue(idleAllocatedBytes < 2_000, "bytes allocated by 2,000 idle duty cycles: " + idleAllocatedBytes);
        }
        finally
        {
            transports[0].close();
            transports[1].close();
        }
    }

    /**
     * The whole steady-state path of a replica group in one thread, two real consensus nodes over two real
     * transports on loopback: the leader appends a batch ({@code appendLocal}), sends it ({@code flush}: encode
     * into the outbound buffer, write to the socket); the follower reads, decodes, appends to its log (copying each
     * entry's bytes) and answers; the leader reads the answer and advances its commit index. Every round, both
     * sides, counted on this thread after warm-up. The logs are arrays sized for the run, standing in for the
     * journal (whose own cost is Chronicle's).
     */
    @Test
    void appendSendReceiveAcknowledgeAllocatesNothing()
    {
        final int roundsMax = PHASE_ROUNDS * (1 + PHASES_MAX);
        final ArrayLog[] logs = {new ArrayLog(roundsMax * BATCH + 1_000), new ArrayLog(roundsMax * BATCH + 1_000)};
        final ReplicationTransport[] transports = group(2, (payload, into) -> logs[0].read(payload, into));
        // Each transport reads the entries it sends from its own node's log.
        final ReplicationTransport[] wired = {transports[0], rewire(transports, 1, logs[1])};
        try
        {
            final NodeHandler[] nodes = new NodeHandler[2];
            for (int id = 0; id < 2; id++)
            {
                nodes[id] = new NodeHandler(logs[id]);
                nodes[id].node = new ConsensusNode(id, 2, new ConsensusConfig(150, 300, 50, 256), logs[id],
                    new ArrayTermStore(), wired[id], (index, term, payload) -> { }, new SplittableRandom(id), 0);
            }
            long nowMs = 0;
            int leader = -1;
            for (int i = 0; i < POLL_ITERATIONS_MAX && leader < 0; i++, nowMs++)
            {
                cycle(wired, nodes, nowMs);
                leader = nodes[0].node.role() == Role.LEADER ? 0 : nodes[1].node.role() == Role.LEADER ? 1 : -1;
            }
            assertTrue(leader >= 0, "no leader elected");
            final ConsensusNode leaderNode = nodes[leader].node;
            logs[leader].commandSource();

            final long commitBefore = leaderNode.commitIndex();
            int round = 0;
            for (; round < PHASE_ROUNDS; round++, nowMs++) // warm-up: class loading, JIT, the decoder's offsets growing
            {
                appendRound(leaderNode, wired, nodes, round, BATCH, nowMs);
            }
            long allocatedBytes = Long.MAX_VALUE;
            int phases = 0;
            while (phases < PHASES_MAX && allocatedBytes >= PHASE_BYTES_MAX)
            {
                allocatedBytes = 0;
                for (final int end = round + PHASE_ROUNDS; round < end; round++, nowMs++)
                {
                    allocatedBytes += appendRound(leaderNode, wired, nodes, round, BATCH, nowMs);
                }
                phases++;
            }
            for (int i = 0; i < POLL_ITERATIONS_MAX && leaderNode.commitIndex() < leaderNode.lastIndex(); i++)
            {
                cycle(wired, nodes, nowMs++);
            }
            assertEquals(leaderNode.lastIndex(), leaderNode.commitIndex(), "the follower acknowledged everything");
            assertTrue(leaderNode.commitIndex() - commitBefore >= (long)round * BATCH);
            assertEquals(logs[leader].lastIndex(), logs[1 - leader].lastIndex());
            // Same bound as above: below one byte per round, where any per-message object is 16 bytes or more.
            assertTrue(allocatedBytes < PHASE_BYTES_MAX, "bytes allocated by " + PHASE_ROUNDS + " rounds of append " +
                BATCH + ", send, receive, journal, acknowledge, commit, in the last of " + phases + " phases: " +
                allocatedBytes);
        }
        finally
        {
            wired[0].close();
            wired[1].close();
        }
    }

    /** One round of send, send, flush, idle poll on the sender: the bytes this thread allocated meanwhile. */
    private static long sendRound(final ReplicationTransport sender, final ReplicationTransport receiver,
        final ConsensusMessage append, final ConsensusMessage reply, final MessageHandler noop, final long nowMs)
    {
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        sender.send(1, append);
        sender.send(1, reply);
        sender.flush();
        sender.poll(nowMs, noop);
        final long allocatedBytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        receiver.poll(nowMs, noop); // decoding is primitive too, but counted in the whole-path test
        return allocatedBytes;
    }

    /** One round of the whole path (append a batch, send, receive, acknowledge): the bytes allocated meanwhile. */
    private static long appendRound(final ConsensusNode leaderNode, final ReplicationTransport[] wired,
        final NodeHandler[] nodes, final int round, final int batch, final long nowMs)
    {
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < batch; i++)
        {
            leaderNode.appendLocal(round);
        }
        leaderNode.flush(nowMs);
        cycle(wired, nodes, nowMs);
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static ReplicationTransport rewire(
        final ReplicationTransport[] transports, final int id, final ArrayLog log)
    {
        // group() gave every transport the same source; node 1 needs its own log's. Rebuild it on its own port.
        final java.net.InetSocketAddress[] addresses = new java.net.InetSocketAddress[2];
        addresses[id] = ReplicationTestSupport.ephemeral();
        final ReplicationTransport replacement = new ReplicationTransport(id, ReplicationTestSupport.GROUP,
            addresses, log::read);
        transports[id].close();
        replacement.peerAddress(1 - id, transports[1 - id].localAddress());
        transports[1 - id].peerAddress(id, replacement.localAddress());
        return replacement;
    }

    private static void cycle(final ReplicationTransport[] transports, final NodeHandler[] nodes, final long nowMs)
    {
        for (int id = 0; id < transports.length; id++)
        {
            nodes[id].nowMs = nowMs;
            transports[id].poll(nowMs, nodes[id]);
            nodes[id].node.onTimer(nowMs);
            transports[id].flush();
        }
    }

    /** Hands each message to a consensus node, as the server's replication stage does. */
    private static final class NodeHandler implements MessageHandler
    {
        private final ArrayLog log;
        ConsensusNode node;
        long nowMs;

        NodeHandler(final ArrayLog log)
        {
            this.log = log;
        }

        @Override
        public void onRequestVote(
            final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm,
            final boolean leadershipTransfer)
        {
            node.onRequestVote(term, fromNodeId, lastLogIndex, lastLogTerm, leadershipTransfer, nowMs);
        }

        @Override
        public void onVoteReply(final long term, final int fromNodeId, final boolean granted)
        {
            node.onVoteReply(term, fromNodeId, granted, nowMs);
        }

        @Override
        public void onPreVote(final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm)
        {
            node.onPreVote(term, fromNodeId, lastLogIndex, lastLogTerm, nowMs);
        }

        @Override
        public void onPreVoteReply(
            final long term, final int fromNodeId, final long candidateTerm, final boolean granted)
        {
            node.onPreVoteReply(term, fromNodeId, candidateTerm, granted, nowMs);
        }

        @Override
        public void onAppendEntries(
            final long term, final int fromNodeId, final long prevLogIndex, final long prevLogTerm,
            final long leaderCommitIndex, final int entryCount, final LogEntries entries,
            final EntryPayloads payloads)
        {
            log.resolver = payloads;
            node.onAppendEntries(term, fromNodeId, prevLogIndex, prevLogTerm, leaderCommitIndex, entryCount, entries,
                nowMs);
        }

        @Override
        public void onAppendReply(
            final long term, final int fromNodeId, final boolean success, final long matchIndex,
            final long conflictIndex)
        {
            node.onAppendReply(term, fromNodeId, success, matchIndex, conflictIndex, nowMs);
        }

        @Override
        public void onTimeoutNow(final long term, final int fromNodeId)
        {
            node.onTimeoutNow(term, fromNodeId, nowMs);
        }
    }

    /**
     * A replica log in arrays sized for the run: terms, and each entry's bytes copied into a fixed slot (as the
     * journal copies them). Payload handles it hands out are its indexes; the handles it is given are resolved by
     * {@code resolver} (the received frame on a follower, a fixed command on the leader).
     */
    private static final class ArrayLog implements ReplicaLog
    {
        private static final int SLOT_LENGTH = 64;
        private final long[] terms;
        private final UnsafeBuffer entries;
        private final int[] lengths;
        private final EntryView view = new EntryView();
        private final UnsafeBuffer command = new UnsafeBuffer(new byte[40]);
        EntryPayloads resolver = (payload, into) -> into.set(payload, 1, command, 0, 0); // the leader's no-op
        private int size;

        ArrayLog(final int capacity)
        {
            terms = new long[capacity + 1];
            lengths = new int[capacity + 1];
            entries = new UnsafeBuffer(new byte[(capacity + 1) * SLOT_LENGTH]);
        }

        /** From now on appended handles are commands: a fixed 40-byte entry stamped with the handle. */
        void commandSource()
        {
            resolver = (payload, into) ->
            {
                command.putLong(0, payload);
                into.set(payload, 1, command, 0, command.capacity());
            };
        }

        boolean read(final long payload, final EntryView into)
        {
            if (payload < 1 || payload > size)
            {
                return false;
            }
            into.set(payload, 1, entries, (int)payload * SLOT_LENGTH, lengths[(int)payload]);
            return true;
        }

        @Override
        public long lastIndex()
        {
            return size;
        }

        @Override
        public long termAt(final long index)
        {
            return terms[(int)index];
        }

        @Override
        public long payloadAt(final long index)
        {
            return index;
        }

        @Override
        public void append(final long term, final long payload)
        {
            resolver.resolve(payload, view);
            size++;
            terms[size] = term;
            lengths[size] = view.length;
            entries.putBytes(size * SLOT_LENGTH, view.buffer, view.offset, view.length);
        }

        @Override
        public void truncateFrom(final long index)
        {
            size = (int)index - 1;
        }
    }

    private static final class ArrayTermStore implements TermStore
    {
        private long term;
        private int votedFor = NO_VOTE;

        @Override
        public long currentTerm()
        {
            return term;
        }

        @Override
        public int votedFor()
        {
            return votedFor;
        }

        @Override
        public void store(final long currentTerm, final int votedFor)
        {
            this.term = currentTerm;
            this.votedFor = votedFor;
        }
    }

    /** Resolves the first entry of each AppendEntries, allocating nothing. */
    private static final class NoopHandler extends IgnoringMessageHandler
    {
        private final EntryView view = new EntryView();

        @Override
        public void onAppendEntries(
            final long term, final int fromNodeId, final long prevLogIndex, final long prevLogTerm,
            final long leaderCommitIndex, final int entryCount, final LogEntries entries,
            final EntryPayloads payloads)
        {
            if (entryCount > 0)
            {
                payloads.resolve(entries.payloadAt(prevLogIndex + 1), view);
            }
        }
    }
}
