package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.ConsensusOutbox;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.LogEntries;
import com.wodian.journal.consensus.SnapshotSource;
import com.wodian.net.tls.TlsConnection;
import com.wodian.net.tls.TlsContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import static com.wodian.net.cluster.transport.ReplicationDescriptor.BYTE_ORDER;
import static com.wodian.net.cluster.transport.ReplicationDescriptor.LENGTH_FIELD_LENGTH;
import static com.wodian.net.cluster.transport.ReplicationDescriptor.MESSAGE_OFFSET;

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
 */
public final class ReplicationTransport implements ConsensusOutbox, AutoCloseable
{
    private static final int DISCONNECTED = 0;
    private static final int CONNECTING = 1;
    private static final int CONNECTED = 2;
    private static final int NO_PEER = -1;

    private final int selfId;
    private final byte[] groupName;
    private final EntrySource source;
    private final int messageLengthMax;
    private final ReplicationEncoder encoder;
    private final ReplicationDecoder decoder = new ReplicationDecoder();
    private final ServerSocketChannel serverChannel;
    private final Selector acceptSelector;
    private final Outbound[] outbound;
    private final Inbound[] inbound;
    private final ByteBuffer probeBuffer = ByteBuffer.allocateDirect(64);
    private long lastNowMs;
    private boolean closed;
    /** Null for clear text; see {@link #tls(TlsContext)}. */
    private TlsContext tls;

    private long bytesSent;
    private long bytesReceived;
    private long messagesSent;
    private long messagesReceived;
    private long messagesDropped;
    private long reconnects;
    private long malformedFrames;
    private long handshakesRejected;
    private long connectionsRefused;

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
        this.groupName = groupName.getBytes(StandardCharsets.UTF_8);
        if (this.groupName.length > ReplicationDescriptor.GROUP_NAME_LENGTH_MAX)
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
        this.messageLengthMax = messageLengthMax;
        this.encoder = new ReplicationEncoder(messageLengthMax);

        final int groupSize = addresses.length;
        outbound = new Outbound[groupSize];
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != selfId)
            {
                outbound[peer] = new Outbound(addresses[peer], outboundBufferLength);
            }
        }
        // Room for one live connection per peer, a stale one per peer that the peer's redial has not yet replaced,
        // and a stray one.
        inbound = new Inbound[2 * groupSize + 1];
        for (int i = 0; i < inbound.length; i++)
        {
            inbound[i] = new Inbound();
        }

        ServerSocketChannel channel = null;
        Selector selector = null;
        try
        {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(addresses[selfId]);
            channel.configureBlocking(false);
            // ServerSocketChannel.accept() allocates even when nothing is pending, so a selector tells when to call it.
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            CloseHelper.quietClose(selector);
            throw new UncheckedIOException("cannot listen on " + addresses[selfId], ex);
        }
        serverChannel = channel;
        acceptSelector = selector;
    }

    /**
     * @return the address this node listens on (with the actual port when the configured one was 0).
     */
    public InetSocketAddress localAddress()
    {
        try
        {
            return (InetSocketAddress)serverChannel.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
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
        outbound[peer].address = address;
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
        final Outbound peer = sendable(toNodeId);
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
        final Outbound peer = sendable(toNodeId);
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
        final Outbound peer = sendable(toNodeId);
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
        final Outbound peer = sendable(toNodeId);
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
        final Outbound peer = sendable(toNodeId);
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
        final Outbound peer = sendable(toNodeId);
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
        final Outbound peer = sendable(toNodeId);
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
    private Outbound sendable(final int toNodeId)
    {
        checkPeer(toNodeId);
        final Outbound peer = outbound[toNodeId];
        if (peer.state == DISCONNECTED)
        {
            messagesDropped++;
            return null;
        }
        return peer;
    }

    private void queued(final Outbound peer, final int length)
    {
        if (length < 0)
        {
            messagesDropped++;
            return;
        }
        peer.writePosition += length;
        messagesSent++;
    }

    /**
     * Write what is pending to every connected peer, as much as each socket takes without blocking.
     *
     * @return bytes written.
     */
    /**
     * Mutual TLS on every link of this node (docs/replication.md, "TLS between nodes"): the context's certificate
     * must name {@code node:<selfId>}, and a peer is accepted only when its certificate names the node it claims to
     * be. Call before the first {@link #poll}; null for clear text.
     */
    public ReplicationTransport tls(final TlsContext tls)
    {
        this.tls = tls;
        return this;
    }

    public int flush()
    {
        int bytesWritten = 0;
        for (final Outbound peer : outbound)
        {
            if (peer == null || peer.state != CONNECTED || peer.sentPosition == peer.writePosition &&
                (peer.tls == null || !peer.tls.hasPendingOutput()) || peer.tls != null && !peer.tls.isEstablished())
            {
                continue;
            }
            final ByteBuffer byteBuffer = peer.byteBuffer;
            byteBuffer.limit(peer.writePosition).position(peer.sentPosition);
            try
            {
                final int written = TlsConnection.write(peer.channel, peer.tls, byteBuffer);
                bytesWritten += written;
                peer.sentPosition += written;
                if (peer.sentPosition == peer.writePosition)
                {
                    peer.sentPosition = 0;
                    peer.writePosition = 0;
                }
            }
            catch (final IOException ex)
            {
                disconnect(peer, lastNowMs);
            }
        }
        bytesSent += bytesWritten;
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
        int workCount = accept();
        for (final Outbound peer : outbound)
        {
            if (peer != null)
            {
                workCount += pollOutbound(peer, nowMs);
            }
        }
        for (final Inbound connection : inbound)
        {
            if (connection.channel != null)
            {
                workCount += pollInbound(connection, nowMs, handler);
            }
        }
        return workCount;
    }

    /**
     * @return true when the outbound connection to {@code peer} is established (messages sent now go out).
     */
    public boolean isConnected(final int peer)
    {
        checkPeer(peer);
        return outbound[peer].state == CONNECTED && (null == outbound[peer].tls || outbound[peer].tls.isEstablished());
    }

    /**
     * @return true when {@code peer} has dialled this node and its hello was accepted.
     */
    public boolean isInboundConnected(final int peer)
    {
        checkPeer(peer);
        for (final Inbound connection : inbound)
        {
            if (connection.channel != null && connection.peerId == peer)
            {
                return true;
            }
        }
        return false;
    }

    /** Bytes written to peers' sockets. */
    public long bytesSent()
    {
        return bytesSent;
    }

    /** Bytes read from inbound connections, hellos and garbage included. */
    public long bytesReceived()
    {
        return bytesReceived;
    }

    /** Messages queued for sending (hellos not counted); dropped ones are not counted here. */
    public long messagesSent()
    {
        return messagesSent;
    }

    /** Messages decoded and handed to a handler. */
    public long messagesReceived()
    {
        return messagesReceived;
    }

    /** Messages dropped by {@link #send}: peer not connected, outbound buffer full, too long, or entry missing. */
    public long messagesDropped()
    {
        return messagesDropped;
    }

    /** Outbound connections established to a peer after its first one. */
    public long reconnects()
    {
        return reconnects;
    }

    /**
     * Inbound connections closed for bad input: a malformed, oversized or truncated frame, an unknown message, a
     * sender that is not the hello's, or bytes arriving on an outbound connection.
     */
    public long malformedFrames()
    {
        return malformedFrames;
    }

    /**
     * Inbound connections closed because their hello named another group, version or node, was malformed, or did
     * not arrive within {@link ReplicationDescriptor#HELLO_TIMEOUT_MS}.
     */
    public long handshakesRejected()
    {
        return handshakesRejected;
    }

    /** Inbound connections closed at once because every connection slot was taken. */
    public long connectionsRefused()
    {
        return connectionsRefused;
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
        for (final Outbound peer : outbound)
        {
            if (peer != null)
            {
                CloseHelper.quietClose(peer.channel);
                peer.channel = null;
                peer.state = DISCONNECTED;
            }
        }
        for (final Inbound connection : inbound)
        {
            connection.close();
        }
        CloseHelper.quietClose(acceptSelector);
        CloseHelper.quietClose(serverChannel);
    }

    private int accept()
    {
        try
        {
            if (acceptSelector.selectNow() == 0)
            {
                return 0;
            }
            acceptSelector.selectedKeys().clear();
        }
        catch (final IOException ex)
        {
            return 0;
        }
        int accepted = 0;
        for (int attempt = 0; attempt < inbound.length; attempt++)
        {
            final SocketChannel channel;
            try
            {
                channel = serverChannel.accept();
            }
            catch (final IOException ex)
            {
                return accepted; // e.g. out of file descriptors: try again next cycle
            }
            if (channel == null)
            {
                return accepted;
            }
            final Inbound slot = freeInbound();
            if (slot == null)
            {
                connectionsRefused++;
                CloseHelper.quietClose(channel);
                continue;
            }
            try
            {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            catch (final IOException ex)
            {
                CloseHelper.quietClose(channel);
                continue;
            }
            slot.open(channel, LENGTH_FIELD_LENGTH + messageLengthMax, lastNowMs);
            if (null != tls)
            {
                slot.tls = null == slot.tls ? new TlsConnection() : slot.tls;
                try
                {
                    slot.tls.open(tls.newServerEngine());
                }
                catch (final IOException ex)
                {
                    slot.close();
                    continue;
                }
            }
            accepted++;
        }
        return accepted;
    }

    private Inbound freeInbound()
    {
        for (final Inbound connection : inbound)
        {
            if (connection.channel == null)
            {
                return connection;
            }
        }
        return null;
    }

    private int pollOutbound(final Outbound peer, final long nowMs)
    {
        switch (peer.state)
        {
            case DISCONNECTED:
                if (peer.address != null && nowMs >= peer.nextDialMs && !closed)
                {
                    dial(peer, nowMs);
                    return 1;
                }
                return 0;

            case CONNECTING:
                try
                {
                    if (peer.channel.finishConnect())
                    {
                        connected(peer);
                        return 1;
                    }
                }
                catch (final IOException ex)
                {
                    disconnect(peer, nowMs);
                    return 1;
                }
                return 0;

            default:
                if (null != peer.tls && !peer.tls.isEstablished())
                {
                    return handshakeOutbound(peer, nowMs);
                }
                // Nothing should arrive on an outbound connection; reading shows the peer closing it, which a
                // writer would otherwise only notice when a write fails.
                probeBuffer.clear();
                try
                {
                    final int read = TlsConnection.read(peer.channel, peer.tls, probeBuffer);
                    if (read == 0)
                    {
                        return 0;
                    }
                    if (read > 0)
                    {
                        malformedFrames++;
                    }
                }
                catch (final IOException ignore)
                {
                    // reset by the peer: redial below
                }
                disconnect(peer, nowMs);
                return 1;
        }
    }

    private void dial(final Outbound peer, final long nowMs)
    {
        SocketChannel channel = null;
        try
        {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            peer.channel = channel;
            peer.sentPosition = 0;
            peer.writePosition = encoder.encodeHello(peer.buffer, 0, peer.buffer.capacity(),
                ReplicationDescriptor.PROTOCOL_VERSION, selfId, peerId(peer), groupName);
            peer.state = CONNECTING;
            if (channel.connect(peer.address))
            {
                connected(peer);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // RuntimeException: an unresolved address or one the platform refuses (UnresolvedAddressException).
            peer.channel = channel;
            disconnect(peer, nowMs);
        }
    }

    private int handshakeOutbound(final Outbound peer, final long nowMs)
    {
        if (nowMs - peer.connectedMs > ReplicationDescriptor.HELLO_TIMEOUT_MS)
        {
            // A listener that accepted but stalls in its handshake: leave it and dial again after the backoff.
            handshakesRejected++;
            disconnect(peer, nowMs);
            return 1;
        }
        try
        {
            return peer.tls.handshakeNode(peer.channel, peerId(peer)) >= 0 ? 1 : 0;
        }
        catch (final IOException ex)
        {
            handshakesRejected++;
            disconnect(peer, nowMs);
            return 1;
        }
    }

    private void connected(final Outbound peer) throws IOException
    {
        if (null != tls)
        {
            peer.tls = null == peer.tls ? new TlsConnection() : peer.tls;
            peer.tls.open(tls.newClientEngine(peer.address.getHostString(), peer.address.getPort()));
        }
        peer.connectedMs = lastNowMs;
        peer.state = CONNECTED;
        peer.reconnectDelayMs = ReplicationDescriptor.RECONNECT_DELAY_MS_MIN;
        if (peer.connectedBefore)
        {
            reconnects++;
        }
        peer.connectedBefore = true;
    }

    private void disconnect(final Outbound peer, final long nowMs)
    {
        CloseHelper.quietClose(peer.channel);
        peer.channel = null;
        peer.state = DISCONNECTED;
        peer.sentPosition = 0;
        peer.writePosition = 0;
        peer.nextDialMs = nowMs + peer.reconnectDelayMs;
        peer.reconnectDelayMs = Math.min(2 * peer.reconnectDelayMs, ReplicationDescriptor.RECONNECT_DELAY_MS_MAX);
    }

    private int peerId(final Outbound peer)
    {
        for (int id = 0; id < outbound.length; id++)
        {
            if (outbound[id] == peer)
            {
                return id;
            }
        }
        throw new IllegalStateException("unknown peer");
    }

    private int pollInbound(final Inbound connection, final long nowMs, final MessageHandler handler)
    {
        if (connection.peerId == NO_PEER && nowMs - connection.acceptedMs > ReplicationDescriptor.HELLO_TIMEOUT_MS)
        {
            handshakesRejected++;
            connection.close();
            return 1;
        }
        if (null != connection.tls && !connection.tls.isEstablished())
        {
            return handshakeInbound(connection);
        }
        final ByteBuffer byteBuffer = connection.byteBuffer;
        final int read;
        try
        {
            read = TlsConnection.read(connection.channel, connection.tls, byteBuffer);
        }
        catch (final IOException ex)
        {
            connection.close();
            return 1;
        }
        if (read < 0)
        {
            if (byteBuffer.position() > 0)
            {
                malformedFrames++; // the connection ended inside a frame
            }
            connection.close();
            return 1;
        }
        if (read == 0)
        {
            return 0;
        }
        bytesReceived += read;

        int workCount = 1;
        final UnsafeBuffer buffer = connection.buffer;
        final int received = byteBuffer.position();
        int frameOffset = 0;
        while (received - frameOffset >= LENGTH_FIELD_LENGTH)
        {
            final int messageLength = buffer.getInt(frameOffset, BYTE_ORDER);
            if (messageLength <= 0 || messageLength > messageLengthMax)
            {
                malformedFrames++;
                connection.close();
                return workCount;
            }
            if (received - frameOffset - LENGTH_FIELD_LENGTH < messageLength)
            {
                break;
            }
            final int messageOffset = frameOffset + MESSAGE_OFFSET;
            if (connection.peerId == NO_PEER)
            {
                if (!onHello(connection, buffer, messageOffset, messageLength))
                {
                    connection.close();
                    return workCount;
                }
            }
            else
            {
                final int fromNodeId = decoder.decode(buffer, messageOffset, messageLength);
                if (fromNodeId == ReplicationDecoder.MALFORMED || fromNodeId != connection.peerId)
                {
                    malformedFrames++;
                    connection.close();
                    return workCount;
                }
                messagesReceived++;
                workCount++;
                decoder.dispatch(handler);
                if (connection.channel == null)
                {
                    return workCount; // the handler closed the transport
                }
            }
            frameOffset += LENGTH_FIELD_LENGTH + messageLength;
        }
        // Keep the partial frame, moved to the front so that a frame of the largest length always fits.
        byteBuffer.limit(received).position(frameOffset);
        byteBuffer.compact();
        return workCount;
    }

    /** The Hello timeout above also bounds a peer that stalls in its handshake. */
    private int handshakeInbound(final Inbound connection)
    {
        try
        {
            connection.certifiedPeerId = connection.tls.handshakeNode(connection.channel, -1);
            return connection.certifiedPeerId >= 0 ? 1 : 0;
        }
        catch (final IOException ex)
        {
            handshakesRejected++;
            connection.close();
            return 1;
        }
    }

    private boolean onHello(
        final Inbound connection, final UnsafeBuffer buffer, final int messageOffset, final int messageLength)
    {
        final int fromNodeId = decoder.decodeHello(buffer, messageOffset, messageLength,
            ReplicationDescriptor.PROTOCOL_VERSION, groupName, selfId);
        if (fromNodeId < 0 || fromNodeId >= outbound.length || fromNodeId == selfId ||
            null != connection.tls && fromNodeId != connection.certifiedPeerId)
        {
            handshakesRejected++;
            return false;
        }
        // The peer redialled: its earlier connection is dead or about to be, and only the newest one is read.
        for (final Inbound other : inbound)
        {
            if (other != connection && other.channel != null && other.peerId == fromNodeId)
            {
                other.close();
            }
        }
        connection.peerId = fromNodeId;
        return true;
    }

    private void checkPeer(final int peer)
    {
        if (peer < 0 || peer >= outbound.length || peer == selfId)
        {
            throw new IllegalArgumentException("not a peer of node " + selfId + ": " + peer);
        }
    }

    /**
     * One peer's outbound side: the connection this node dials and only writes to, and the frames waiting for it
     * between {@code sentPosition} and {@code writePosition}.
     */
    private static final class Outbound
    {
        final ByteBuffer byteBuffer;
        final UnsafeBuffer buffer;
        InetSocketAddress address;
        SocketChannel channel;
        /** TLS of this link's connections (created for the first, reused); null without {@link #tls(TlsContext)}. */
        TlsConnection tls;
        int state = DISCONNECTED;
        /** When the connection was made (the caller's clock): its TLS handshake must complete within the Hello timeout. */
        long connectedMs;
        long nextDialMs;
        long reconnectDelayMs = ReplicationDescriptor.RECONNECT_DELAY_MS_MIN;
        boolean connectedBefore;
        int sentPosition;
        int writePosition;

        Outbound(final InetSocketAddress address, final int bufferLength)
        {
            this.address = address;
            byteBuffer = ByteBuffer.allocateDirect(bufferLength);
            buffer = new UnsafeBuffer(byteBuffer);
        }

        /** Moves the unsent bytes to the front when some were sent; @return whether that made room. */
        boolean compactIfSent()
        {
            if (sentPosition == 0)
            {
                return false;
            }
            buffer.putBytes(0, buffer, sentPosition, writePosition - sentPosition);
            writePosition -= sentPosition;
            sentPosition = 0;
            return true;
        }
    }

    /**
     * One accepted connection slot. Its receive buffer holds bytes 0 to {@code byteBuffer.position()}, starting at a
     * frame boundary; it is allocated on the slot's first use and kept, so reconnections do not allocate.
     */
    private static final class Inbound
    {
        ByteBuffer byteBuffer;
        UnsafeBuffer buffer;
        SocketChannel channel;
        int peerId = NO_PEER;
        long acceptedMs;
        /** TLS as for {@link Outbound#tls}; the node id the peer's certificate names once its handshake is done. */
        TlsConnection tls;
        int certifiedPeerId = NO_PEER;

        void open(final SocketChannel channel, final int bufferLength, final long nowMs)
        {
            acceptedMs = nowMs;
            if (byteBuffer == null)
            {
                byteBuffer = ByteBuffer.allocateDirect(bufferLength);
                buffer = new UnsafeBuffer(byteBuffer);
            }
            byteBuffer.clear();
            this.channel = channel;
            peerId = NO_PEER;
            certifiedPeerId = NO_PEER;
        }

        void close()
        {
            CloseHelper.quietClose(channel);
            channel = null;
            peerId = NO_PEER;
        }
    }
}
