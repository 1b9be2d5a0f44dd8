package com.wodian.journal.consensus;

import java.util.random.RandomGenerator;

/**
 * One member of a replica group, following Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", figure 2) plus three refinements from Ongaro's thesis: the leader appends a no-op entry when elected
 * (so it can commit entries of earlier terms, section 5.4.2), check quorum (a leader that has not heard from a
 * majority within the minimum election timeout steps down), and leader stickiness (a follower that heard from a live
 * leader within the minimum election timeout ignores vote requests, so a node rejoining after a partition cannot
 * depose a healthy leader).
 *
 * <p>The node is a pure, single-threaded state machine: it never reads a clock (time comes in every call), never
 * touches the network (messages leave through a {@link ConsensusOutbox}) and draws randomness only from the generator
 * it is given, so a simulator can run a whole group in one thread under a seed and replay any failure exactly.
 *
 * <p>Node ids are 0 to {@code groupSize - 1}.
 */
public final class ConsensusNode
{
    private static final long[] NO_ENTRIES = new long[0];

    private final int nodeId;
    private final int groupSize;
    private final int majority;
    private final ConsensusConfig config;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;
    private final CommitListener commitListener;
    private final RandomGenerator random;

    private final long[] nextIndex;
    private final long[] matchIndex;
    private final long[] lastHeardFromMs;
    private final boolean[] voteGranted;

    private Role role = Role.FOLLOWER;
    private int leaderId = -1;
    private long commitIndex;
    private long lastAppliedIndex;
    private long electionDeadlineMs;
    private long nextHeartbeatMs;
    private long lastLeaderContactMs = Long.MIN_VALUE / 2;

    /**
     * Starts (or restarts) a node as a follower. Persistent state comes from {@code termStore} and {@code log};
     * everything else starts empty, as after a crash: the commit index is learned again from the leader.
     */
    public ConsensusNode(
        final int nodeId,
        final int groupSize,
        final ConsensusConfig config,
        final ReplicaLog log,
        final TermStore termStore,
        final ConsensusOutbox outbox,
        final CommitListener commitListener,
        final RandomGenerator random,
        final long nowMs)
    {
        if (groupSize < 1 || nodeId < 0 || nodeId >= groupSize)
        {
            throw new IllegalArgumentException("nodeId " + nodeId + " not in a group of " + groupSize);
        }
        this.nodeId = nodeId;
        this.groupSize = groupSize;
        this.majority = groupSize / 2 + 1;
        this.config = config;
        this.log = log;
        this.termStore = termStore;
        this.outbox = outbox;
        this.commitListener = commitListener;
        this.random = random;
        this.nextIndex = new long[groupSize];
        this.matchIndex = new long[groupSize];
        this.lastHeardFromMs = new long[groupSize];
        this.voteGranted = new boolean[groupSize];
        resetElectionDeadline(nowMs);
    }

    public int nodeId()
    {
        return nodeId;
    }

    public Role role()
    {
        return role;
    }

    public long currentTerm()
    {
        return termStore.currentTerm();
    }

    /**
     * @return the leader this node last accepted entries or heartbeats from in its current term, itself when leader,
     * -1 when unknown. Clients use it to find the primary.
     */
    public int leaderId()
    {
        return leaderId;
    }

    /**
     * @return highest index known to be stored on a majority; never goes down during the node's lifetime.
     */
    public long commitIndex()
    {
        return commitIndex;
    }

    public long lastIndex()
    {
        return log.lastIndex();
    }

    /**
     * @return on the leader, highest index stored on every member of the group (the "local + all" acknowledgement
     * policy); on other nodes 0.
     */
    public long replicatedToAllIndex()
    {
        if (role != Role.LEADER)
        {
            return 0;
        }
        long min = log.lastIndex();
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != nodeId)
            {
                min = Math.min(min, matchIndex[peer]);
            }
        }
        return min;
    }

    /**
     * @return on the leader, the index the given member is known to hold (for lag reports); otherwise 0.
     */
    public long matchIndexOf(final int peerId)
    {
        return role == Role.LEADER ? (peerId == nodeId ? log.lastIndex() : matchIndex[peerId]) : 0;
    }

    /**
     * Leader only: append a client entry and start replicating it.
     *
     * @return the entry's index, or -1 when this node is not the leader (the client should try the leader).
     */
    public long propose(final long payload, final long nowMs)
    {
        if (role != Role.LEADER)
        {
            return -1;
        }
        log.append(termStore.currentTerm(), payload);
        final long index = log.lastIndex();
        if (groupSize == 1)
        {
            advanceCommitIndex();
        }
        else
        {
            broadcastAppends(nowMs);
        }
        return index;
    }

    /**
     * Drive timeouts: elections on followers and candidates, heartbeats and check quorum on the leader.
     */
    public void onTimer(final long nowMs)
    {
        if (role == Role.LEADER)
        {
            if (!majorityHeardWithin(nowMs, config.electionTimeoutMinMs()))
            {
                stepDown(termStore.currentTerm(), nowMs);
                return;
            }
            if (nowMs >= nextHeartbeatMs)
            {
                broadcastAppends(nowMs);
            }
        }
        else if (nowMs >= electionDeadlineMs)
        {
            startElection(nowMs);
        }
    }

    public void onMessage(final ConsensusMessage message, final long nowMs)
    {
        final long term = termStore.currentTerm();
        if (message instanceof ConsensusMessage.RequestVote request)
        {
            onRequestVote(request, term, nowMs);
            return;
        }
        if (message.term() > term)
        {
            stepDown(message.term(), nowMs);
        }
        if (message instanceof ConsensusMessage.AppendEntries append)
        {
            onAppendEntries(append, nowMs);
        }
        else if (message instanceof ConsensusMessage.AppendReply reply)
        {
            onAppendReply(reply, nowMs);
        }
        else if (message instanceof ConsensusMessage.VoteReply reply)
        {
            onVoteReply(reply, nowMs);
        }
    }

    private void onRequestVote(final ConsensusMessage.RequestVote request, final long term, final long nowMs)
    {
        // Stickiness (thesis 4.2.3): while a leader is known to be alive (this node, or one heard from within the
        // minimum election timeout), a vote request of a higher term is ignored, term not adopted: the candidate is
        // most likely a node that was cut off and is only now back, and must not depose a healthy leader.
        final boolean leaderAlive =
            role == Role.LEADER || (leaderId != -1 && nowMs - lastLeaderContactMs < config.electionTimeoutMinMs());
        if (leaderAlive && request.term() > term)
        {
            return;
        }
        if (request.term() > term)
        {
            stepDown(request.term(), nowMs);
        }
        final long currentTerm = termStore.currentTerm();
        boolean granted = false;
        if (request.term() == currentTerm)
        {
            final int votedFor = termStore.votedFor();
            final long lastTerm = log.termAt(log.lastIndex());
            final boolean upToDate = request.lastLogTerm() > lastTerm ||
                (request.lastLogTerm() == lastTerm && request.lastLogIndex() >= log.lastIndex());
            if ((votedFor == TermStore.NO_VOTE || votedFor == request.fromNodeId()) && upToDate)
            {
                termStore.store(currentTerm, request.fromNodeId());
                granted = true;
                resetElectionDeadline(nowMs);
            }
        }
        outbox.send(request.fromNodeId(), new ConsensusMessage.VoteReply(currentTerm, nodeId, granted));
    }

    private void onVoteReply(final ConsensusMessage.VoteReply reply, final long nowMs)
    {
        if (role != Role.CANDIDATE || reply.term() != termStore.currentTerm() || !reply.granted())
        {
            return;
        }
        voteGranted[reply.fromNodeId()] = true;
        int votes = 0;
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (voteGranted[peer])
            {
                votes++;
            }
        }
        if (votes >= majority)
        {
            becomeLeader(nowMs);
        }
    }

    private void onAppendEntries(final ConsensusMessage.AppendEntries append, final long nowMs)
    {
        final long term = termStore.currentTerm();
        if (append.term() < term)
        {
            outbox.send(append.fromNodeId(), new ConsensusMessage.AppendReply(term, nodeId, false, 0, 0));
            return;
        }
        if (role == Role.LEADER)
        {
            throw new IllegalStateException("two leaders in term " + term + ": " + nodeId + " and " +
                append.fromNodeId());
        }
        role = Role.FOLLOWER;
        leaderId = append.fromNodeId();
        lastLeaderContactMs = nowMs;
        resetElectionDeadline(nowMs);

        final long prevIndex = append.prevLogIndex();
        if (prevIndex > log.lastIndex())
        {
            replyAppend(append, false, 0, log.lastIndex() + 1);
            return;
        }
        if (log.termAt(prevIndex) != append.prevLogTerm())
        {
            // Skip back over the whole conflicting term in one step.
            final long conflictTerm = log.termAt(prevIndex);
            long firstOfTerm = prevIndex;
            while (firstOfTerm > commitIndex + 1 && log.termAt(firstOfTerm - 1) == conflictTerm)
            {
                firstOfTerm--;
            }
            replyAppend(append, false, 0, firstOfTerm);
            return;
        }

        final long[] terms = append.entryTerms();
        final long[] payloads = append.entryPayloads();
        for (int i = 0; i < terms.length; i++)
        {
            final long index = prevIndex + 1 + i;
            if (index <= log.lastIndex())
            {
                if (log.termAt(index) == terms[i])
                {
                    continue; // already have it: a duplicate or reordered message must not truncate anything
                }
                if (index <= commitIndex)
                {
                    throw new IllegalStateException("node " + nodeId + " asked to overwrite committed index " +
                        index + " (commit " + commitIndex + ")");
                }
                log.truncateFrom(index);
            }
            log.append(terms[i], payloads[i]);
        }

        final long lastNewIndex = prevIndex + terms.length;
        if (append.leaderCommitIndex() > commitIndex)
        {
            commitIndex = Math.min(append.leaderCommitIndex(), lastNewIndex);
            applyCommitted();
        }
        replyAppend(append, true, lastNewIndex, 0);
    }

    private void replyAppend(
        final ConsensusMessage.AppendEntries append, final boolean success, final long match, final long conflict)
    {
        outbox.send(append.fromNodeId(),
            new ConsensusMessage.AppendReply(termStore.currentTerm(), nodeId, success, match, conflict));
    }

    private void onAppendReply(final ConsensusMessage.AppendReply reply, final long nowMs)
    {
        if (role != Role.LEADER || reply.term() != termStore.currentTerm())
        {
            return;
        }
        final int peer = reply.fromNodeId();
        lastHeardFromMs[peer] = nowMs;
        // Only a reply that moves this peer forward (or back, on a conflict) triggers the next send. A duplicated
        // or stale reply triggers nothing: otherwise every duplicate would start one more send-reply chain and
        // the traffic would grow without bound. Heartbeats resend whatever a lost message left behind.
        if (reply.success())
        {
            if (reply.matchIndex() > matchIndex[peer])
            {
                matchIndex[peer] = reply.matchIndex();
                nextIndex[peer] = Math.max(nextIndex[peer], matchIndex[peer] + 1);
                advanceCommitIndex();
                if (nextIndex[peer] <= log.lastIndex())
                {
                    sendAppend(peer, nowMs);
                }
            }
        }
        else
        {
            final long resumeIndex =
                Math.max(matchIndex[peer] + 1, Math.min(nextIndex[peer] - 1, reply.conflictIndex()));
            if (resumeIndex < nextIndex[peer])
            {
                nextIndex[peer] = resumeIndex;
                sendAppend(peer, nowMs);
            }
        }
    }

    private void startElection(final long nowMs)
    {
        final long term = termStore.currentTerm() + 1;
        termStore.store(term, nodeId);
        role = Role.CANDIDATE;
        leaderId = -1;
        java.util.Arrays.fill(voteGranted, false);
        voteGranted[nodeId] = true;
        resetElectionDeadline(nowMs);
        if (groupSize == 1)
        {
            becomeLeader(nowMs);
            return;
        }
        final long lastIndex = log.lastIndex();
        final ConsensusMessage request =
            new ConsensusMessage.RequestVote(term, nodeId, lastIndex, log.termAt(lastIndex), false);
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != nodeId)
            {
                outbox.send(peer, request);
            }
        }
    }

    private void becomeLeader(final long nowMs)
    {
        role = Role.LEADER;
        leaderId = nodeId;
        final long lastIndex = log.lastIndex();
        for (int peer = 0; peer < groupSize; peer++)
        {
            nextIndex[peer] = lastIndex + 1;
            matchIndex[peer] = 0;
            lastHeardFromMs[peer] = nowMs; // grace period: check quorum counts from the election
        }
        // A leader may only count replicas for entries of its own term (Raft 5.4.2): the no-op makes earlier
        // entries committable at once instead of waiting for the next client command.
        log.append(termStore.currentTerm(), 0L);
        if (groupSize == 1)
        {
            advanceCommitIndex();
        }
        broadcastAppends(nowMs);
    }

    private void stepDown(final long newTerm, final long nowMs)
    {
        if (newTerm > termStore.currentTerm())
        {
            termStore.store(newTerm, TermStore.NO_VOTE);
            leaderId = -1;
        }
        if (role != Role.FOLLOWER)
        {
            role = Role.FOLLOWER;
            if (leaderId == nodeId)
            {
                leaderId = -1;
            }
            resetElectionDeadline(nowMs);
        }
    }

    private void broadcastAppends(final long nowMs)
    {
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != nodeId)
            {
                sendAppend(peer, nowMs);
            }
        }
        nextHeartbeatMs = nowMs + config.heartbeatIntervalMs();
    }

    private void sendAppend(final int peer, final long nowMs)
    {
        final long prevIndex = nextIndex[peer] - 1;
        final long count = Math.min(config.maxEntriesPerAppend(), log.lastIndex() - prevIndex);
        final long[] terms = count == 0 ? NO_ENTRIES : new long[(int)count];
        final long[] payloads = count == 0 ? NO_ENTRIES : new long[(int)count];
        for (int i = 0; i < count; i++)
        {
            terms[i] = log.termAt(prevIndex + 1 + i);
            payloads[i] = log.payloadAt(prevIndex + 1 + i);
        }
        outbox.send(peer, new ConsensusMessage.AppendEntries(
            termStore.currentTerm(), nodeId, prevIndex, log.termAt(prevIndex), terms, payloads, commitIndex));
    }

    private void advanceCommitIndex()
    {
        final long term = termStore.currentTerm();
        for (long index = log.lastIndex(); index > commitIndex; index--)
        {
            if (log.termAt(index) != term)
            {
                break; // entries of earlier terms commit only behind one of this term
            }
            int replicas = 1;
            for (int peer = 0; peer < groupSize; peer++)
            {
                if (peer != nodeId && matchIndex[peer] >= index)
                {
                    replicas++;
                }
            }
            if (replicas >= majority)
            {
                commitIndex = index;
                applyCommitted();
                break;
            }
        }
    }

    private void applyCommitted()
    {
        while (lastAppliedIndex < commitIndex)
        {
            lastAppliedIndex++;
            commitListener.onCommitted(lastAppliedIndex, log.termAt(lastAppliedIndex), log.payloadAt(lastAppliedIndex));
        }
    }

    private boolean majorityHeardWithin(final long nowMs, final long windowMs)
    {
        int heard = 1;
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != nodeId && nowMs - lastHeardFromMs[peer] < windowMs)
            {
                heard++;
            }
        }
        return heard >= majority;
    }

    private void resetElectionDeadline(final long nowMs)
    {
        electionDeadlineMs = nowMs + config.electionTimeoutMinMs() +
            random.nextLong(config.electionTimeoutMaxMs() - config.electionTimeoutMinMs());
    }
}
