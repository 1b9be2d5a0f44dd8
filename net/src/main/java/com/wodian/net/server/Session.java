package com.wodian.net.server;

import com.wodian.net.gateway.SourceLimits;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection, held in a fixed slot of the {@link SessionTable} and reused for later connections, so
 * that accepting a connection on a warm server allocates nothing but the JDK's socket.
 *
 * <p>Fields are grouped by the thread that owns them. The receiver owns the receive side, the sender owns the send
 * side; they share only {@link #sessionId}, {@link #channel} and {@link #inUse}. The receiver writes the first two
 * before it publishes the session's first input; the sender reads them after taking a reply of that session from the
 * output ring, and the ring's publish/consume chain (input ring release, engine acquire and release, sender acquire)
 * orders those reads after the writes.
 */
final class Session
{
    /** Low bits of a session id name its slot; the high bits count connections so an id is never reused. */
    static final int SLOT_INDEX_BITS = 16;
    static final long SLOT_INDEX_MASK = (1L << SLOT_INDEX_BITS) - 1;

    final int slotIndex;

    // Shared, see the class comment.
    long sessionId;
    SocketChannel channel;
    /**
     * TLS state of this slot's connections; null on a clear-text server. Created by the receiver for the slot's
     * first connection (before anything of the session is published) and reused after; the receiver handshakes and
     * reads, the sender writes (see {@link com.wodian.net.tls.TlsConnection} for the split).
     */
    com.wodian.net.tls.TlsConnection tls;

    /**
     * True from accept until the sender has finished with the session's CLOSE event. The receiver reuses the slot
     * only once it reads false; the volatile write by the sender (after it closed the socket and reset its own
     * fields) and the volatile read by the receiver make that hand-over safe.
     */
    volatile boolean inUse;

    // Receiver side.
    SelectionKey selectionKey;
    final ByteBuffer receiveBuffer;
    final UnsafeBuffer receiveView;
    /** Set when the receiver has stopped reading: end of stream, error, protocol violation or sender's request. */
    boolean receiveEnded;
    /** Set once the session's CLOSE input is published; nothing more is published for it. */
    boolean closePublished;
    /** Error reply to send with the CLOSE input; null for none. */
    ResultCode closeErrorCode;
    /** True when the session was ended by a limit that counts its closes: no log line of its own. */
    boolean closeQuiet;
    /** True while the session is in the receiver's backlog (frames waiting for ring capacity, or a pending CLOSE). */
    boolean inBacklog;
    long rejectedFrameCount;
    /** Session layer (receiver side): see {@link SessionGate}. */
    byte authState;
    int role;
    long principalId;
    long merchantId;
    /**
     * What an ADMIN session's credential may do (its line of the credential file); null before logon and for other
     * roles. Receiving thread only.
     */
    com.wodian.net.auth.AdminKind adminKind;
    /**
     * A {@link com.wodian.net.auth.AdminKind#LOADTEST} session's first payment is in the admin audit trail, its later
     * ones are not ({@link AdminAudit}). Receiving thread only.
     */
    boolean unauditedPaymentsNoted;
    final byte[] challenge = new byte[com.wodian.net.auth.LogonCrypto.KEY_LENGTH];
    /** The session's identity's bucket in {@link CommandBudgets}; -1 for none (not logged on, admin, no budget). */
    int budgetBucket = -1;
    /** The stored key the logon's proof answered: a credential reload that drops it ends the session. */
    final byte[] storedKey = new byte[com.wodian.net.auth.LogonCrypto.KEY_LENGTH];
    /** Role a TLS client certificate bound this connection to (a SessionRole value), 0 for none. */
    int certificateRole;
    /** The principal id that certificate names; a logon for any other identity is refused. */
    long certificatePrincipalId;
    /** Source address, for the logon rate limit; set at accept. */
    String remoteAddress;
    /** True while this connection counts against its address's unauthenticated limit ({@link SourceLimits}). */
    boolean countedUnauthenticated;
    long openedAtMs;
    /** Time of the last complete frame: a partial frame does not keep a session alive (slowloris). */
    long lastFrameAtMs;

    // Sender side.
    final ByteBuffer sendBuffer;
    final UnsafeBuffer sendView;
    /** True once the sender gave up on the peer (slow reader, write error): its replies are dropped from then on. */
    boolean sendFailed;
    /** True once the session's CLOSE output arrived: close after the send buffer drains or the linger deadline. */
    boolean closeOnceFlushed;
    long closeDeadlineNs;
    /** True once the sender has asked the receiver to end the session (after {@link #sendFailed}). */
    boolean closeRequested;
    boolean inWriteList;

    Session(final int slotIndex, final int receiveBufferLength, final int sendBufferLength)
    {
        this.slotIndex = slotIndex;
        receiveBuffer = ByteBuffer.allocateDirect(receiveBufferLength).order(ByteOrder.LITTLE_ENDIAN);
        receiveView = new UnsafeBuffer(receiveBuffer);
        sendBuffer = ByteBuffer.allocateDirect(sendBufferLength).order(ByteOrder.LITTLE_ENDIAN);
        sendView = new UnsafeBuffer(sendBuffer);
    }

    static int slotIndex(final long sessionId)
    {
        return (int)(sessionId & SLOT_INDEX_MASK);
    }

    /** Receiver: prepares a free slot for a new connection. */
    void openOnReceiver(final long sessionId, final SocketChannel channel)
    {
        this.sessionId = sessionId;
        this.channel = channel;
        selectionKey = null;
        receiveBuffer.clear();
        receiveEnded = false;
        closePublished = false;
        closeErrorCode = null;
        closeQuiet = false;
        budgetBucket = -1;
        inBacklog = false;
        rejectedFrameCount = 0;
        authState = SessionGate.AUTH_NONE;
        role = 0;
        principalId = 0;
        merchantId = 0;
        adminKind = null;
        unauditedPaymentsNoted = false;
        certificateRole = 0;
        certificatePrincipalId = 0;
        remoteAddress = null;
        countedUnauthenticated = false;
        openedAtMs = 0;
        lastFrameAtMs = 0;
        inUse = true;
    }

    /** Sender: forgets the connection and hands the slot back to the receiver. */
    void releaseOnSender()
    {
        sendBuffer.clear();
        sendFailed = false;
        closeOnceFlushed = false;
        closeDeadlineNs = 0;
        closeRequested = false;
        inWriteList = false;
        channel = null;
        inUse = false;
    }

    /**
     * Receiver, once per TLS connection after the handshake: a client certificate that names an identity binds the
     * session to it (the logon must claim the same); one that names none (or a node) is refused.
     *
     * @return false when the certificate names no identity this port accepts.
     */
    boolean bindCertificate()
    {
        final java.security.cert.X509Certificate certificate = tls.peerCertificate();
        if (null == certificate)
        {
            return true;
        }
        final com.wodian.net.tls.PeerIdentity identity = com.wodian.net.tls.PeerIdentity.of(certificate);
        final int role = null == identity ? 0 : switch (identity.kind())
        {
            case com.wodian.net.tls.PeerIdentity.TERMINAL -> com.wodian.protocol.sbe.SessionRole.TERMINAL.value();
            case com.wodian.net.tls.PeerIdentity.ADMIN -> com.wodian.protocol.sbe.SessionRole.ADMIN.value();
            case com.wodian.net.tls.PeerIdentity.CONSUMER -> com.wodian.protocol.sbe.SessionRole.CONSUMER.value();
            default -> 0;
        };
        certificateRole = role;
        certificatePrincipalId = null == identity ? 0 : identity.id();
        return 0 != role;
    }
}
