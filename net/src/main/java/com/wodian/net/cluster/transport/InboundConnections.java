package com.wodian.net.cluster.transport;

import com.wodian.net.durability.EngineLimits;
import com.wodian.net.tls.TlsConnection;
import com.wodian.net.tls.TlsContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
 * The receiving side of a node's links: it listens, accepts the peers' connections into a fixed set of slots, checks
 * each connection's hello (group, sender, destination, version; with TLS, the sender must be the node its certificate
 * names), cuts the byte stream into frames and hands each decoded message to the handler. Only one connection of a
 * peer is read: a new hello replaces the peer's connection only once that one has been quiet for
 * {@link ReplicationDescriptor#LIVE_LINK_QUIET_MS}, so a replayed or forged hello cannot cut a working link. Before
 * their hello, connections are strangers: at most {@code groupSize} from one source address, and when every slot is
 * taken the oldest of them is closed for a newcomer, so strays cannot hold the slots the peers need (security review
 * item 8). Bad input closes that connection and is counted; nothing here throws out of {@link #poll}.
 */
final class InboundConnections
{
    private static final int NO_PEER = -1;
    private static final System.Logger LOG = System.getLogger(InboundConnections.class.getName());
    private static final long REFUSAL_LOG_INTERVAL_NS = 60_000_000_000L;

    private static final String CONFIGURATION_ADVICE =
        "check --group, --peers, --node-id and the TLS options on both nodes";

    private final int selfId;
    /** Refused connections (wrong group, node, protocol or TLS), and votes refused for a member's other incarnation. */
    private final RefusalLog configurationRefusals = new RefusalLog();
    private final RefusalLog identityRefusals = new RefusalLog();
    private final RefusalLog liveLinkRefusals = new RefusalLog();
    private final RefusalLog limitsRefusals = new RefusalLog(System.Logger.Level.ERROR);
    /** This node's engine limits as its hellos name them; 0: not known, every peer's admitted. */
    private long engineLimitsDigest;
    private String engineLimits = "";
    /** Per peer: why its last hello was refused for its engine limits (null: it was not). */
    private final String[] limitsRefusal;
    /** Per peer: an older build's hello without engine limits was said in the log. */
    private final boolean[] olderBuildSaid;
    /** Null: every incarnation admitted. */
    private PeerCheck peerCheck;
    private final int groupSize;
    private final byte[] groupName;
    private final int messageLengthMax;
    private final ReplicationDecoder decoder;
    private final TransportCounters counters;
    private final ServerSocketChannel serverChannel;
    private final Selector acceptSelector;
    private final Slot[] slots;
    /** Null for clear text. */
    private TlsContext tls;
    /** The peers' pinned certificates (docs/security.md, "TLS"); null: any certificate of the nodes' CA. */
    private NodePins nodePins;

    InboundConnections(
        final int selfId,
        final int groupSize,
        final byte[] groupName,
        final InetSocketAddress listenAddress,
        final int messageLengthMax,
        final ReplicationDecoder decoder,
        final TransportCounters counters)
    {
        this.selfId = selfId;
        this.groupSize = groupSize;
        this.groupName = groupName;
        this.messageLengthMax = messageLengthMax;
        this.decoder = decoder;
        this.counters = counters;
        // Room for one live connection per peer, a stale one per peer that the peer's redial has not yet replaced,
        // and a stray one.
        limitsRefusal = new String[groupSize];
        olderBuildSaid = new boolean[groupSize];
        slots = new Slot[2 * groupSize + 1];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new Slot();
        }
        ServerSocketChannel channel = null;
        Selector selector = null;
        try
        {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(listenAddress);
            channel.configureBlocking(false);
            // ServerSocketChannel.accept() allocates even when nothing is pending, so a selector tells when to call it.
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            CloseHelper.quietClose(selector);
            throw new UncheckedIOException("cannot listen on " + listenAddress, ex);
        }
        serverChannel = channel;
        acceptSelector = selector;
    }

    void tls(final TlsContext tls)
    {
        this.tls = tls;
    }

    void nodePins(final NodePins nodePins)
    {
        this.nodePins = nodePins;
    }

    void engineLimits(final long digest, final String text)
    {
        this.engineLimitsDigest = digest;
        this.engineLimits = text;
    }

    /** @return why {@code peer}'s last hello was refused for its engine limits, or null when it was not. */
    String limitsRefusal(final int peer)
    {
        return limitsRefusal[peer];
    }

    void peerCheck(final PeerCheck peerCheck)
    {
        this.peerCheck = peerCheck;
    }

    InetSocketAddress localAddress()
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

    /** @return true when {@code peer} has dialled this node and its hello was accepted. */
    boolean isConnected(final int peer)
    {
        for (final Slot slot : slots)
        {
            if (slot.channel != null && slot.peerId == peer)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the schema version of the hello on {@code peer}'s accepted connection (the peer's build: it reads
     * messages up to that version), 0 when it has no accepted connection.
     */
    int schemaVersionOf(final int peer)
    {
        for (final Slot slot : slots)
        {
            if (slot.channel != null && slot.peerId == peer)
            {
                return slot.schemaVersion;
            }
        }
        return 0;
    }

    /** Accepted connections open now, with or without a hello. */
    int connectionCount()
    {
        int count = 0;
        for (final Slot slot : slots)
        {
            if (slot.channel != null)
            {
                count++;
            }
        }
        return count;
    }

    /**
     * Reads every connection once and hands each complete message to {@code handler}.
     *
     * @return a count of work done (messages delivered, connections changed, reads that got bytes).
     */
    int poll(final long nowMs, final MessageHandler handler)
    {
        int workCount = 0;
        for (final Slot slot : slots)
        {
            if (slot.channel != null)
            {
                workCount += poll(slot, nowMs, handler);
            }
        }
        return workCount;
    }

    void close()
    {
        for (final Slot slot : slots)
        {
            slot.close();
        }
        CloseHelper.quietClose(acceptSelector);
        CloseHelper.quietClose(serverChannel);
    }

    /** @return how many connections were accepted. */
    int accept(final long nowMs)
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
        for (int attempt = 0; attempt < slots.length; attempt++)
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
            if (open(channel, nowMs))
            {
                accepted++;
            }
        }
        return accepted;
    }

    private boolean open(final SocketChannel channel, final long nowMs)
    {
        final InetAddress address;
        try
        {
            address = ((InetSocketAddress)channel.getRemoteAddress()).getAddress();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            return false;
        }
        // A peer dials one connection at a time: more than the group's size from one address before their hello are
        // not peers' (all of a test group's peers share 127.0.0.1, hence the group size rather than one or two).
        final Slot slot = strangersFrom(address) >= groupSize ? null : freeOrEvictedSlot();
        if (slot == null)
        {
            counters.connectionsRefused++;
            CloseHelper.quietClose(channel);
            return false;
        }
        slot.open(channel, LENGTH_FIELD_LENGTH + messageLengthMax, nowMs);
        slot.remoteAddress = address;
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
                return false;
            }
        }
        return true;
    }

    /**
     * A free slot; when every slot is taken, that of the oldest connection without a hello, closed for the newcomer;
     * null when every connection has said its hello. So strangers cannot keep a redialling peer out by holding the
     * slots until the hello timeout (security review item 8).
     */
    private Slot freeOrEvictedSlot()
    {
        Slot oldest = null;
        for (final Slot slot : slots)
        {
            if (slot.channel == null)
            {
                return slot;
            }
            if (slot.peerId == NO_PEER && (oldest == null || slot.acceptedMs < oldest.acceptedMs))
            {
                oldest = slot;
            }
        }
        if (oldest != null)
        {
            counters.connectionsEvicted++;
            oldest.close();
        }
        return oldest;
    }

    /** Connections from {@code address} that have not said their hello yet. */
    private int strangersFrom(final InetAddress address)
    {
        int count = 0;
        for (final Slot slot : slots)
        {
            if (slot.channel != null && slot.peerId == NO_PEER && address.equals(slot.remoteAddress))
            {
                count++;
            }
        }
        return count;
    }

    private int poll(final Slot connection, final long nowMs, final MessageHandler handler)
    {
        if (connection.peerId == NO_PEER && nowMs - connection.acceptedMs > ReplicationDescriptor.HELLO_TIMEOUT_MS)
        {
            refused(connection, "no hello within " + ReplicationDescriptor.HELLO_TIMEOUT_MS + " ms (TLS on one side " +
                "only, or not a Wodian node?)", configurationRefusals, CONFIGURATION_ADVICE);
            connection.close();
            return 1;
        }
        if (null != connection.tls && !connection.tls.isEstablished())
        {
            return handshake(connection);
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
                counters.malformedFrames++; // the connection ended inside a frame
            }
            connection.close();
            return 1;
        }
        if (read == 0)
        {
            return connection.helloDeferred && connection.peerId == NO_PEER ?
                1 + deliverFrames(connection, handler, nowMs) : 0;
        }
        counters.bytesReceived += read;
        connection.lastReceivedMs = nowMs;
        return 1 + deliverFrames(connection, handler, nowMs);
    }

    /** Hands on every whole frame received; keeps a partial one. @return messages delivered. */
    private int deliverFrames(final Slot connection, final MessageHandler handler, final long nowMs)
    {
        int delivered = 0;
        final ByteBuffer byteBuffer = connection.byteBuffer;
        final UnsafeBuffer buffer = connection.buffer;
        final int received = byteBuffer.position();
        int frameOffset = 0;
        while (received - frameOffset >= LENGTH_FIELD_LENGTH)
        {
            final int messageLength = buffer.getInt(frameOffset, BYTE_ORDER);
            if (messageLength <= 0 || messageLength > messageLengthMax)
            {
                counters.malformedFrames++;
                connection.close();
                return delivered;
            }
            if (received - frameOffset - LENGTH_FIELD_LENGTH < messageLength)
            {
                break;
            }
            final int messageOffset = frameOffset + MESSAGE_OFFSET;
            if (connection.peerId == NO_PEER)
            {
                if (!onHello(connection, buffer, messageOffset, messageLength, nowMs))
                {
                    connection.close();
                    return delivered;
                }
                if (connection.peerId == NO_PEER)
                {
                    break; // deferred: the hello stays in the buffer for the next poll
                }
            }
            else
            {
                final int fromNodeId = decoder.decode(buffer, messageOffset, messageLength);
                if (fromNodeId == ReplicationDecoder.MALFORMED || fromNodeId != connection.peerId)
                {
                    counters.malformedFrames++;
                    connection.close();
                    return delivered;
                }
                counters.messagesReceived++;
                if (!connection.incarnationAdmitted && voteRefused(connection))
                {
                    frameOffset += LENGTH_FIELD_LENGTH + messageLength;
                    continue;
                }
                delivered++;
                decoder.dispatch(handler);
                if (connection.channel == null)
                {
                    return delivered; // the handler closed the transport
                }
            }
            frameOffset += LENGTH_FIELD_LENGTH + messageLength;
        }
        // Keep the partial frame, moved to the front so that a frame of the largest length always fits.
        byteBuffer.limit(received).position(frameOffset);
        byteBuffer.compact();
        return delivered;
    }

    /** The Hello timeout above also bounds a peer that stalls in its handshake. */
    private int handshake(final Slot connection)
    {
        try
        {
            connection.certifiedPeerId = connection.tls.handshakeNode(connection.channel, -1);
            final String unpinned = connection.certifiedPeerId >= 0 && null != nodePins ?
                nodePins.refusal(connection.certifiedPeerId, connection.tls.peerCertificate()) : null;
            if (null != unpinned)
            {
                refused(connection, unpinned, configurationRefusals, "pin the peer's certificate in --node-pins");
                connection.close();
                return 1;
            }
            return connection.certifiedPeerId >= 0 ? 1 : 0;
        }
        catch (final IOException ex)
        {
            refused(connection, "TLS handshake failed: " + ex.getMessage(), configurationRefusals,
                CONFIGURATION_ADVICE);
            connection.close();
            return 1;
        }
    }

    private boolean onHello(
        final Slot connection, final UnsafeBuffer buffer, final int messageOffset, final int messageLength,
        final long nowMs)
    {
        final int fromNodeId = decoder.decodeHello(buffer, messageOffset, messageLength,
            ReplicationDescriptor.PROTOCOL_VERSION, groupName, selfId);
        if (fromNodeId < 0 || fromNodeId >= groupSize || fromNodeId == selfId ||
            null != connection.tls && fromNodeId != connection.certifiedPeerId)
        {
            refused(connection, fromNodeId < 0 ? "its hello names another group, destination node or protocol" :
                "its hello says node " + fromNodeId + (null != connection.tls ? ", its certificate node " +
                connection.certifiedPeerId : ""), configurationRefusals, CONFIGURATION_ADVICE);
            return false;
        }
        if (!limitsAdmitted(connection, fromNodeId))
        {
            return false;
        }
        final Slot live = liveConnection(fromNodeId, connection, nowMs);
        if (null != live && !connection.helloDeferred)
        {
            // Judged again at the next poll, once every connection was read: the live one may have ended in this very
            // poll, its end not read yet (a peer that closes and redials; concurrency review 11).
            connection.helloDeferred = true;
            return true;
        }
        if (null != live)
        {
            counters.helloRefusedLive++;
            logRefusal(connection, "refused a connection from ", "its hello says node " + fromNodeId + ", whose " +
                "connection received bytes " + (nowMs - live.lastReceivedMs) + " ms ago: a new hello replaces it " +
                "only after " + ReplicationDescriptor.LIVE_LINK_QUIET_MS + " ms of silence (a replayed or forged " +
                "hello, or a redial racing a link this node has not seen fail)", liveLinkRefusals, "");
            return false;
        }
        connection.incarnationHigh = decoder.helloIncarnationHigh();
        connection.incarnationLow = decoder.helloIncarnationLow();
        connection.joinedEmpty = decoder.helloJoinedEmpty();
        connection.schemaVersion = decoder.helloSchemaVersion();
        final String identityRefusal = null == peerCheck ? null : peerCheck.refusal(fromNodeId,
            connection.incarnationHigh, connection.incarnationLow, connection.joinedEmpty);
        connection.incarnationAdmitted = null == identityRefusal;
        if (null != identityRefusal)
        {
            logRefusal(connection, "takes no votes from the connection from ", identityRefusal, identityRefusals, "");
        }
        // The peer redialled: its earlier connection is quiet (dead or about to be), and only the newest one is read.
        for (final Slot other : slots)
        {
            if (other != connection && other.channel != null && other.peerId == fromNodeId)
            {
                other.close();
            }
        }
        connection.peerId = fromNodeId;
        return true;
    }

    /**
     * One set of engine limits per group: a peer whose hello names other limits decides differently (a merchant one
     * node refuses for a full table, another registers) and is refused, both ways, naming the limits that differ. A
     * hello without limits (a build of replication schema 4 or older, or a node that does not know them) is admitted
     * and said once per peer: the check waits for the rolling upgrade's end.
     */
    private boolean limitsAdmitted(final Slot connection, final int peer)
    {
        final long theirs = decoder.helloEngineLimitsDigest();
        if (0 == engineLimitsDigest || theirs == engineLimitsDigest)
        {
            limitsRefusal[peer] = null;
            return true;
        }
        if (0 == theirs)
        {
            limitsRefusal[peer] = null;
            if (!olderBuildSaid[peer])
            {
                olderBuildSaid[peer] = true;
                LOG.log(System.Logger.Level.WARNING, "replication: node " + peer + "'s hello names no engine " +
                    "limits (replication schema " + decoder.helloSchemaVersion() + "; they are named since " +
                    ReplicationDecoder.ENGINE_LIMITS_SCHEMA_VERSION + "): an older build, whose limits this node " +
                    "cannot compare with its own; upgrade it (docs/replication.md, \"Rolling upgrades\")");
            }
            return true;
        }
        final String differences = EngineLimits.differences(
            EngineLimits.parse(engineLimits), "node " + selfId,
            EngineLimits.parse(decoder.helloEngineLimits()), "node " + peer);
        limitsRefusal[peer] = "node " + peer + " decides under other engine limits: " + differences;
        counters.engineLimitsRefused++;
        refused(connection, limitsRefusal[peer], limitsRefusals, "one group, one set of limits: start the node " +
            "that differs with the group's --limits/--keys-max (a new member: wipe its directory, start it with " +
            "--join and the group's limits; docs/replication.md, \"One set of engine limits per group\")");
        return false;
    }

    /**
     * The other connection of {@code peer} that received bytes within the quiet time, or null. The caller's clock is a
     * wall clock: a time before the last bytes (the clock stepped back) counts as quiet, so that a step back never
     * keeps a redialling peer out (concurrency review 10).
     */
    private Slot liveConnection(final int peer, final Slot connection, final long nowMs)
    {
        for (final Slot other : slots)
        {
            final long quietMs = nowMs - other.lastReceivedMs;
            if (other != connection && other.channel != null && other.peerId == peer && quietMs >= 0 &&
                quietMs < ReplicationDescriptor.LIVE_LINK_QUIET_MS)
            {
                return other;
            }
        }
        return null;
    }

    /**
     * A peer whose incarnation the check refused at its hello is asked about again at every message until it is
     * admitted (it may have left the configuration and come back meanwhile, which makes its incarnation known);
     * until then its votes are dropped, counted and said. Everything else it sends goes through: its log is
     * repaired and what it acknowledges afterwards it really holds; only its memory of earlier votes and entries is
     * not to be trusted.
     *
     * @return true when the message just decoded is a vote to drop.
     */
    private boolean voteRefused(final Slot connection)
    {
        final String refusal = peerCheck.refusal(connection.peerId, connection.incarnationHigh,
            connection.incarnationLow, connection.joinedEmpty);
        if (null == refusal)
        {
            connection.incarnationAdmitted = true;
            return false;
        }
        if (!decoder.isVote())
        {
            return false;
        }
        counters.votesRefused++;
        logRefusal(connection, "refused a vote from ", refusal, identityRefusals, "");
        return true;
    }

    /** Counts a refused connection and says so ({@link #logRefusal}). */
    private void refused(final Slot connection, final String why, final RefusalLog kind, final String advice)
    {
        counters.handshakesRejected++;
        logRefusal(connection, "refused a connection from ", why, kind, advice);
    }

    /**
     * Says why a connection or a peer's votes are refused, at most one line a minute per kind (a handshake or an
     * election, not the entries' path): a wrong --group, --peers order, --node-id or TLS on one side only, or a
     * member's restored, copied or wiped data directory, otherwise cuts a node off without a word.
     */
    private void logRefusal(
        final Slot connection, final String what, final String why, final RefusalLog kind, final String advice)
    {
        kind.refusedSinceLog++;
        final long nowNs = System.nanoTime();
        if (0 == kind.lastLogNs || nowNs - kind.lastLogNs >= REFUSAL_LOG_INTERVAL_NS)
        {
            kind.lastLogNs = nowNs;
            String from = "?";
            try
            {
                from = String.valueOf(connection.channel.getRemoteAddress());
            }
            catch (final IOException | RuntimeException ex)
            {
                // closed meanwhile: the line says "?"
            }
            LOG.log(kind.level, "replication: " + what + from + ": " + why +
                "; this is node " + selfId + " of group '" + new String(groupName, StandardCharsets.UTF_8) +
                "', protocol " + ReplicationDescriptor.PROTOCOL_VERSION + (advice.isEmpty() ? "" : ": " + advice) +
                " (" + kind.refusedSinceLog + " refused since the last such line)");
            kind.refusedSinceLog = 0;
        }
    }

    /** When a kind of refusal was last logged, and how many there were since. */
    private static final class RefusalLog
    {
        final System.Logger.Level level;
        long lastLogNs;
        long refusedSinceLog;

        RefusalLog()
        {
            this(System.Logger.Level.WARNING);
        }

        RefusalLog(final System.Logger.Level level)
        {
            this.level = level;
        }
    }

    /**
     * One accepted connection slot. Its receive buffer holds bytes 0 to {@code byteBuffer.position()}, starting at a
     * frame boundary; it is allocated on the slot's first use and kept, so reconnections do not allocate.
     */
    private static final class Slot
    {
        ByteBuffer byteBuffer;
        UnsafeBuffer buffer;
        SocketChannel channel;
        int peerId = NO_PEER;
        long acceptedMs;
        /** When bytes last arrived (the accept before any): a live link is not replaced by a new hello. */
        long lastReceivedMs;
        /** The source address, set at accept: strangers are limited per address. */
        InetAddress remoteAddress;
        /** TLS of this slot's connections (created for the first, reused); the node id the peer's certificate names. */
        TlsConnection tls;
        int certifiedPeerId = NO_PEER;
        /** Its hello found another live connection of the peer: judged once more, at the next poll. */
        boolean helloDeferred;
        /** The incarnation the hello named (0, 0: none), and whether the peer check admitted it. */
        long incarnationHigh;
        long incarnationLow;
        boolean incarnationAdmitted;
        boolean joinedEmpty;
        /** The schema version of its hello: the peer's build reads messages up to that version. */
        int schemaVersion;

        void open(final SocketChannel channel, final int bufferLength, final long nowMs)
        {
            acceptedMs = nowMs;
            lastReceivedMs = nowMs;
            if (byteBuffer == null)
            {
                byteBuffer = ByteBuffer.allocateDirect(bufferLength);
                buffer = new UnsafeBuffer(byteBuffer);
            }
            byteBuffer.clear();
            this.channel = channel;
            peerId = NO_PEER;
            certifiedPeerId = NO_PEER;
            helloDeferred = false;
            incarnationHigh = 0;
            incarnationLow = 0;
            joinedEmpty = false;
            schemaVersion = 0;
        }

        void close()
        {
            CloseHelper.quietClose(channel);
            channel = null;
            peerId = NO_PEER;
        }
    }
}

