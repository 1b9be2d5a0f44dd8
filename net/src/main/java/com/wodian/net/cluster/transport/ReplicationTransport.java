package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.ConsensusOutbox;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.LogEntries;
import com.wodian.journal.consensus.SnapshotSource;
import com.wodian.net.durability.EngineLimits;
import com.wodian.net.tls.TlsContext;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The network between the nodes of one replica group: sends (as the consensus node's {@link ConsensusOutbox}) and
 * receives (through a {@link MessageHandler}) consensus messages as SBE frames over TCP
 * ({@link ReplicationDescriptor}).
 *
 * <p>Each node dials every peer and sends only on that outbound connection; it accepts the peers' connections and
 * only receives on them. So each direction of each pair has its own connection, and neither side has to decide who
 * dials. The first frame of a connection is a hello naming the group, the sender, the destination and the protocol
 * version; anything else closes the connection.
 *
 * <p>Non-blocking and clock-free: one thread (the replication agent's duty cycle) calls every method, passing the
 * time in {@link #poll(long, MessageHandler)}. Delivery is best effort, as Raft allows: a message to a peer that is
 * not connected, or that does not fit in the peer's bounded outbound buffer, is dropped and counted, never waited
 * for. Bad input (garbage, an oversized, truncated or inconsistent frame, a wrong hello) closes that connection and
 * is counted; it never throws out of {@code poll}.
 *
 * <p>Encoding and flushing allocate nothing: frames are encoded by reused SBE flyweights straight into each peer's
 * direct outbound buffer, and written from it. Decoding allocates nothing either: reused flyweights hand each
 * message's fields to the handler as primitives ({@link ReplicationDecoder}); receive buffers are pooled per
 * connection slot.
 *
 * <p>Parts: this class is the outbox (encoding each message into its peer's buffer) and the duty cycle; each peer's
 * dialled connection is an {@link OutboundLink}; the listener and the accepted connections (hello check, framing,
 * dispatch) are {@link InboundConnections}; the codecs are {@link ReplicationEncoder} / {@link ReplicationDecoder}.
 */
public final class ReplicationTransport implements ConsensusOutbox, AutoCloseable
{
    private final int selfId;
    private final EntrySource source;
    private final ReplicationEncoder encoder;
    private final ReplicationDecoder decoder = new ReplicationDecoder();
    private final TransportCounters counters = new TransportCounters();
    private final InboundConnections inbound;
    /** Indexed by node id; null for this node. */
    private final OutboundLink[] outbound;
    private long lastNowMs;
    private boolean closed;

    /**
     * A transport with the default sizes: 8 MiB outbound buffer per peer, messages up to 1 MiB.
     *
     * @param selfId    this node's id, an index into {@code addresses}.
     * @param groupName the replica group; a connection from another group is closed.
     * @param addresses indexed by node id: the own entry is where to listen, the others where to dial each peer (a
     *                  proxy may sit in between). A null peer address is not dialled until
     *                  {@link #peerAddress(int, InetSocketAddress)} sets it.
     * @param source    where AppendEntries' entries are read by their payload handles.
     */
    public ReplicationTransport(
        final int selfId, final String groupName, final InetSocketAddress[] addresses, final EntrySource source)
    {
        this(selfId, groupName, addresses, source, ReplicationDescriptor.OUTBOUND_BUFFER_LENGTH_DEFAULT,
            ReplicationDescriptor.MESSAGE_LENGTH_MAX_DEFAULT);
    }

    /**
     * @param outboundBufferLength bytes buffered per peer between {@link #send} and {@link #flush()}.
     * @param messageLengthMax     largest message sent or accepted; every node of the group must use the same.
     */
    public ReplicationTransport(
        final int selfId,
        final String groupName,
        final InetSocketAddress[] addresses,
        final EntrySource source,
        final int outboundBufferLength,
        final int messageLengthMax)
    {
        if (selfId < 0 || selfId >= addresses.length || addresses[selfId] == null)
        {
            throw new IllegalArgumentException("node " + selfId + " has no listen address among " +
                addresses.length);
        }
        final byte[] groupNameBytes = groupName.getBytes(StandardCharsets.UTF_8);
        if (groupNameBytes.length > ReplicationDescriptor.GROUP_NAME_LENGTH_MAX)
        {
            throw new IllegalArgumentException("group name longer than " +
                ReplicationDescriptor.GROUP_NAME_LENGTH_MAX + " bytes");
        }
        if (messageLengthMax < 64 || outboundBufferLength < 64)
        {
            throw new IllegalArgumentException("buffers too small: " + outboundBufferLength + ", " +
                messageLengthMax);
        }
        this.selfId = selfId;
        this.source = source;
        this.encoder = new ReplicationEncoder(messageLengthMax);

        final int groupSize = addresses.length;
        outbound = new OutboundLink[groupSize];
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != selfId)
            {
                outbound[peer] = new OutboundLink(peer, selfId, groupNameBytes, addresses[peer], outboundBufferLength,
                    encoder, counters);
            }
        }
        inbound = new InboundConnections(selfId, groupSize, groupNameBytes, addresses[selfId], messageLengthMax,
            decoder, counters);
    }

    /**
     * @return the address this node listens on (with the actual port when the configured one was 0).
     */
    public InetSocketAddress localAddress()
    {
        return inbound.localAddress();
    }

    /**
     * @return the resolver that every {@link MessageHandler#onMessage} call receives (always this one object), for
     * a follower's replica log to be wired to once: it turns a received AppendEntries' {@code entryPayloads}
     * handles into bytes, valid only during that callback.
     */
    public EntryPayloads receivedEntries()
    {
        return decoder;
    }

    /**
     * Change where a peer is dialled; takes effect at the next dial (the current connection is kept).
     */
    public void peerAddress(final int peer, final InetSocketAddress address)
    {
        checkPeer(peer);
        outbound[peer].address(address);
    }

    /**
     * Queue a message record for a peer (tests and tools; the consensus node uses the primitive methods below).
     */
    public void send(final int toNodeId, final ConsensusMessage message)
    {
        message.sendTo(toNodeId, this);
    }

    /*
     * The outbox: each message is encoded straight into the peer's outbound buffer; {@link #flush()} writes it.
     * Never blocks: when the peer is not connected, the message does not fit in the peer's outbound buffer (after
     * compacting it once), is too long, or needs an entry the EntrySource no longer has, it is dropped and counted
     * ({@link #messagesDropped()}).
     */

    @Override
    public void requestVote(
        final int toNodeId,
        final long term,
        final int fromNodeId,
        final long lastLogIndex,
        final long lastLogTerm,
        final boolean leadershipTransfer)
    {
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodeRequestVote(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                fromNodeId, lastLogIndex, lastLogTerm, leadershipTransfer);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodeRequestVote(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                    fromNodeId, lastLogIndex, lastLogTerm, leadershipTransfer);
            }
            queued(peer, length);
        }
    }

    @Override
    public void voteReply(final int toNodeId, final long term, final int fromNodeId, final boolean granted)
    {
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodeVoteReply(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                fromNodeId, granted);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodeVoteReply(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                    fromNodeId, granted);
            }
            queued(peer, length);
        }
    }

    /**
     * Sent only to a peer whose hello says it reads PreVote (schema version {@link
     * ReplicationDescriptor#PRE_VOTE_SCHEMA_VERSION} or later). A peer of an older build would close the link on it:
     * answered false, nothing sent ({@link ConsensusOutbox#preVote}). A peer that has not dialled this node yet (its
     * build unknown) is not asked: dropped and counted, as a message to a peer that is not connected.
     */
    @Override
    public boolean preVote(
        final int toNodeId, final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm)
    {
        checkPeer(toNodeId);
        final int peerVersion = inbound.schemaVersionOf(toNodeId);
        if (peerVersion == 0)
        {
            counters.messagesDropped++;
            return true;
        }
        if (peerVersion < ReplicationDescriptor.PRE_VOTE_SCHEMA_VERSION)
        {
            return false;
        }
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodePreVote(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                fromNodeId, lastLogIndex, lastLogTerm);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodePreVote(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                    fromNodeId, lastLogIndex, lastLogTerm);
            }
            queued(peer, length);
        }
        return true;
    }

    @Override
    public void preVoteReply(
        final int toNodeId, final long term, final int fromNodeId, final long candidateTerm, final boolean granted)
    {
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodePreVoteReply(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                fromNodeId, candidateTerm, granted);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodePreVoteReply(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                    fromNodeId, candidateTerm, granted);
            }
            queued(peer, length);
        }
    }

    @Override
    public void appendEntries(
        final int toNodeId,
        final long term,
        final int fromNodeId,
        final long prevLogIndex,
        final long prevLogTerm,
        final long leaderCommitIndex,
        final int entryCount,
        final LogEntries entries)
    {
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodeAppendEntries(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                fromNodeId, prevLogIndex, prevLogTerm, leaderCommitIndex, entryCount, entries, source);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodeAppendEntries(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                    fromNodeId, prevLogIndex, prevLogTerm, leaderCommitIndex, entryCount, entries, source);
            }
            queued(peer, length);
        }
    }

    @Override
    public void appendReply(
        final int toNodeId,
        final long term,
        final int fromNodeId,
        final boolean success,
        final long matchIndex,
        final long conflictIndex)
    {
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodeAppendReply(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                fromNodeId, success, matchIndex, conflictIndex);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodeAppendReply(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                    fromNodeId, success, matchIndex, conflictIndex);
            }
            queued(peer, length);
        }
    }

    @Override
    public void timeoutNow(final int toNodeId, final long term, final int fromNodeId)
    {
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodeTimeoutNow(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                fromNodeId);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodeTimeoutNow(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                    fromNodeId);
            }
            queued(peer, length);
        }
    }

    @Override
    public void installSnapshot(
        final int toNodeId,
        final long term,
        final int fromNodeId,
        final long snapshotIndex,
        final long snapshotTerm,
        final long configuration,
        final long totalLength,
        final long offset,
        final int chunkLength,
        final SnapshotSource snapshotSource)
    {
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodeInstallSnapshot(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                fromNodeId, snapshotIndex, snapshotTerm, configuration, totalLength, offset, chunkLength,
                    snapshotSource);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodeInstallSnapshot(peer.buffer, peer.writePosition, peer.buffer.capacity(), term,
                    fromNodeId, snapshotIndex, snapshotTerm, configuration, totalLength, offset, chunkLength,
                    snapshotSource);
            }
            queued(peer, length);
        }
    }

    @Override
    public void installSnapshotReply(
        final int toNodeId,
        final long term,
        final int fromNodeId,
        final long snapshotIndex,
        final long nextOffset,
        final boolean done)
    {
        final OutboundLink peer = sendable(toNodeId);
        if (peer != null)
        {
            int length = encoder.encodeInstallSnapshotReply(peer.buffer, peer.writePosition, peer.buffer.capacity(),
                term, fromNodeId, snapshotIndex, nextOffset, done);
            if (length == ReplicationEncoder.NO_SPACE && peer.compactIfSent())
            {
                length = encoder.encodeInstallSnapshotReply(peer.buffer, peer.writePosition, peer.buffer.capacity(),
                    term, fromNodeId, snapshotIndex, nextOffset, done);
            }
            queued(peer, length);
        }
    }

    /** The peer's outbound side when a message to it can be queued now; null (the message counted dropped) if not. */
    private OutboundLink sendable(final int toNodeId)
    {
        checkPeer(toNodeId);
        final OutboundLink peer = outbound[toNodeId];
        if (!peer.acceptsMessages())
        {
            counters.messagesDropped++;
            return null;
        }
        return peer;
    }

    private void queued(final OutboundLink peer, final int length)
    {
        if (length < 0)
        {
            counters.messagesDropped++;
            return;
        }
        peer.writePosition += length;
        counters.messagesSent++;
    }

    /**
     * Pins the peers' certificates (docs/security.md, "TLS", {@code --node-pins}): with TLS, a peer's certificate must
     * also be one {@code nodePins} lists for the node it names, on the links this node dials and on those it accepts.
     * Call before the first {@link #poll}; null (the default) for none.
     */
    public ReplicationTransport nodePins(final NodePins nodePins)
    {
        inbound.nodePins(nodePins);
        for (final OutboundLink peer : outbound)
        {
            if (peer != null)
            {
                peer.nodePins(nodePins);
            }
        }
        return this;
    }

    /**
     * Mutual TLS on every link of this node (docs/replication.md, "TLS between nodes"): the context's certificate
     * must name {@code node:<selfId>}, and a peer is accepted only when its certificate names the node it claims to
     * be. Call before the first {@link #poll}; null for clear text.
     */
    public ReplicationTransport tls(final TlsContext tls)
    {
        inbound.tls(tls);
        for (final OutboundLink peer : outbound)
        {
            if (peer != null)
            {
                peer.tls(tls);
            }
        }
        return this;
    }

    /**
     * This node's incarnation, named in every hello it sends, and the check of the incarnation each peer's hello
     * names ({@link PeerCheck}: a refused peer's RequestVote and VoteReply messages are dropped; null admits every
     * one). {@code joinedEmpty}: the incarnation was drawn by a {@code --join} start on an empty data directory.
     * Call before the first {@link #poll}; without it hellos name 0, 0 (unknown) and every vote is delivered.
     */
    public ReplicationTransport identity(
        final long incarnationHigh, final long incarnationLow, final boolean joinedEmpty, final PeerCheck check)
    {
        inbound.peerCheck(check);
        for (final OutboundLink peer : outbound)
        {
            if (peer != null)
            {
                peer.incarnation(incarnationHigh, incarnationLow, joinedEmpty);
            }
        }
        return this;
    }

    /**
     * The engine limits this node decides under ({@code EngineLimits.text}), named in every hello it sends and
     * compared with each peer's: a peer whose hello names other limits is refused, naming the ones that differ
     * (docs/replication.md, "One set of engine limits per group"). Call before the first {@link #poll}; without it
     * hellos name none and every peer is admitted.
     */
    public ReplicationTransport engineLimits(final String text)
    {
        final long digest = EngineLimits.digest(text);
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        inbound.engineLimits(digest, text);
        for (final OutboundLink peer : outbound)
        {
            if (peer != null)
            {
                peer.engineLimits(digest, bytes);
            }
        }
        return this;
    }

    /**
     * @return why {@code peer}'s last hello was refused for its engine limits (naming the limits that differ), or
     * null when it was not.
     */
    public String engineLimitsRefusal(final int peer)
    {
        checkPeer(peer);
        return inbound.limitsRefusal(peer);
    }

    /** Hellos refused because the peer decides under other engine limits. */
    public long engineLimitsRefused()
    {
        return counters.engineLimitsRefused;
    }

    /**
     * Write what is pending to every connected peer, as much as each socket takes without blocking.
     *
     * @return bytes written.
     */
    public int flush()
    {
        int bytesWritten = 0;
        for (final OutboundLink peer : outbound)
        {
            if (peer != null)
            {
                bytesWritten += peer.flush(lastNowMs);
            }
        }
        counters.bytesSent += bytesWritten;
        return bytesWritten;
    }

    /**
     * One duty cycle: accept new connections, dial or redial peers whose backoff has passed, finish pending dials,
     * read every inbound connection once and hand each complete message to {@code handler}.
     *
     * @param nowMs   the caller's clock, for the redial backoff only.
     * @param handler called for each message, on this thread, inside this call. It may {@link #send} (replies
     *                usually are sent from it). An exception it throws propagates out of this call and leaves the
     *                connection's frame undone, so the caller should treat it as fatal (a broken invariant).
     * @return a count of work done (messages delivered, connections changed, reads that got bytes); 0 when idle.
     */
    public int poll(final long nowMs, final MessageHandler handler)
    {
        if (closed)
        {
            return 0;
        }
        lastNowMs = nowMs;
        int workCount = inbound.accept(nowMs);
        for (final OutboundLink peer : outbound)
        {
            if (peer != null && !closed)
            {
                workCount += peer.poll(nowMs);
            }
        }
        return workCount + inbound.poll(nowMs, handler);
    }

    /**
     * @return true when the outbound connection to {@code peer} is established (messages sent now go out).
     */
    public boolean isConnected(final int peer)
    {
        checkPeer(peer);
        return outbound[peer].isConnected();
    }

    /**
     * @return true when {@code peer} has dialled this node and its hello was accepted.
     */
    public boolean isInboundConnected(final int peer)
    {
        checkPeer(peer);
        return inbound.isConnected(peer);
    }

    /** Accepted connections open now, with or without a hello (tests). */
    int inboundConnectionCount()
    {
        return inbound.connectionCount();
    }

    /** Bytes written to peers' sockets. */
    public long bytesSent()
    {
        return counters.bytesSent;
    }

    /** Bytes read from inbound connections, hellos and garbage included. */
    public long bytesReceived()
    {
        return counters.bytesReceived;
    }

    /** Messages queued for sending (hellos not counted); dropped ones are not counted here. */
    public long messagesSent()
    {
        return counters.messagesSent;
    }

    /** Messages decoded and handed to a handler. */
    public long messagesReceived()
    {
        return counters.messagesReceived;
    }

    /** Messages dropped by {@link #send}: peer not connected, outbound buffer full, too long, or entry missing. */
    public long messagesDropped()
    {
        return counters.messagesDropped;
    }

    /** Outbound connections established to a peer after its first one. */
    public long reconnects()
    {
        return counters.reconnects;
    }

    /**
     * Inbound connections closed for bad input: a malformed, oversized or truncated frame, an unknown message, a
     * sender that is not the hello's, or bytes arriving on an outbound connection.
     */
    public long malformedFrames()
    {
        return counters.malformedFrames;
    }

    /**
     * Inbound connections closed because their hello named another group, version or node, was malformed, or did
     * not arrive within {@link ReplicationDescriptor#HELLO_TIMEOUT_MS}.
     */
    public long handshakesRejected()
    {
        return counters.handshakesRejected;
    }

    /**
     * RequestVote and VoteReply messages dropped because their sender's incarnation is refused ({@link PeerCheck}):
     * a member whose data directory was restored, copied or wiped without leaving the group.
     */
    public long votesRefused()
    {
        return counters.votesRefused;
    }

    /**
     * Inbound connections closed at once: every connection slot was taken by connections that had said their hello,
     * or the source address already held as many connections without a hello as the group has nodes.
     */
    public long connectionsRefused()
    {
        return counters.connectionsRefused;
    }

    /** Connections without a hello closed to make room for a newcomer (security review item 8). */
    public long connectionsEvicted()
    {
        return counters.connectionsEvicted;
    }

    /** Hellos refused because their peer's connection was live (security review item 8). */
    public long helloRefusedLive()
    {
        return counters.helloRefusedLive;
    }

    /**
     * Close every connection and stop listening. Pending outbound bytes are lost.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final OutboundLink peer : outbound)
        {
            if (peer != null)
            {
                peer.close();
            }
        }
        inbound.close();
    }

    private void checkPeer(final int peer)
    {
        if (peer < 0 || peer >= outbound.length || peer == selfId)
        {
            throw new IllegalArgumentException("not a peer of node " + selfId + ": " + peer);
        }
    }
}
