package com.wodian.net.client;

import com.wodian.net.FrameDescriptor;
import com.wodian.net.auth.Credentials;
import com.wodian.net.tls.TlsByteChannel;
import com.wodian.protocol.sbe.LogonChallengeDecoder;
import com.wodian.protocol.sbe.LogonEncoder;
import com.wodian.protocol.sbe.LogonProofEncoder;
import com.wodian.protocol.sbe.LogonReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static com.wodian.net.FrameDescriptor.CORRELATION_ID_LENGTH;
import static com.wodian.net.FrameDescriptor.FRAME_LENGTH_FIELD_LENGTH;
import static com.wodian.net.FrameDescriptor.MESSAGE_OFFSET;
import static com.wodian.net.FrameDescriptor.REPLY_FRAME_LENGTH_MAX;

/**
 * One established connection of a {@link WodianClient} to one node: the TCP socket, the TLS layer over it when the
 * client is configured with TLS (handshake bounded by the connect timeout), and the logon when it has credentials
 * (bounded by the logon timeout). What travels over it afterwards, the pipelined requests and their replies, is the
 * client's business; this class only makes the connection usable or says why it is not.
 */
final class ClientConnection
{
    /** The socket (for closing it, and to wake a reader blocked on it). */
    final SocketChannel channel;
    /** What bytes are read from and written to: the socket itself, or its TLS layer. */
    final ByteChannel io;
    /** What the logon told the client (null without credentials). */
    final LogonResult logon;

    /** What a successful logon told the client. */
    static final class LogonResult
    {
        long merchantId;
        long heartbeatIntervalMs;
    }

    private ClientConnection(final SocketChannel channel, final ByteChannel io, final LogonResult logon)
    {
        this.channel = channel;
        this.io = io;
        this.logon = logon;
    }

    /**
     * Connects to {@code node}, runs the TLS handshake and the logon as configured; the socket is closed when any
     * step fails.
     *
     * @throws LogonRefusedException the server refused the logon (its code says why).
     * @throws IOException           no connection, a failed handshake (untrusted, expired or wrongly named
     *                               certificate) or a timeout.
     */
    static ClientConnection open(final ClientConfig config, final InetSocketAddress node) throws IOException
    {
        final SocketChannel channel = connect(node, config.connectTimeoutMs());
        try
        {
            final ByteChannel io = secure(config, channel, node);
            final LogonResult logon = null == config.credentials() ? null :
                logon(channel, io, config.credentials(), config.logonTimeoutMs());
            return new ClientConnection(channel, io, logon);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    private static SocketChannel connect(final InetSocketAddress node, final long timeoutMs) throws IOException
    {
        final SocketChannel channel = SocketChannel.open();
        try
        {
            final InetSocketAddress address = node.isUnresolved() ?
                new InetSocketAddress(node.getHostString(), node.getPort()) : node;
            channel.socket().connect(address, (int)Math.min(Integer.MAX_VALUE, timeoutMs));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
            return channel;
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    /**
     * The connection's byte channel: the socket itself, or TLS over it after a handshake bounded by the connect
     * timeout (an untrusted, expired or wrongly named server certificate fails here).
     */
    private static ByteChannel secure(final ClientConfig config, final SocketChannel channel,
        final InetSocketAddress node) throws IOException
    {
        if (null == config.tls())
        {
            return channel;
        }
        return TlsByteChannel.handshake(channel, config.tls().newClientEngine(node.getHostString(), node.getPort()),
            config.connectTimeoutMs());
    }

    /**
     * The logon exchange on a fresh connection, before the receiver thread reads it: Logon, LogonChallenge,
     * LogonProof, LogonReply. Bounded by {@code timeoutMs}.
     */
    private static LogonResult logon(
        final SocketChannel channel, final ByteChannel io, final Credentials credentials, final long timeoutMs)
        throws IOException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[128]);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        final ByteBuffer receive = ByteBuffer.allocate(FrameDescriptor.REPLY_FRAME_BYTES_MAX)
            .order(ByteOrder.LITTLE_ENDIAN);
        channel.configureBlocking(false);
        try
        {
            try (Selector selector = Selector.open())
            {
                channel.register(selector, SelectionKey.OP_READ);
                int length = MessageHeaderEncoder.ENCODED_LENGTH + new LogonEncoder()
                    .wrapAndApplyHeader(message, 0, headerEncoder)
                    .role(credentials.role())
                    .principalId(credentials.principalId())
                    .encodedLength();
                writeFrame(io, message, length, deadlineNs);

                UnsafeBuffer reply = readFrame(io, selector, receive, deadlineNs);
                headerDecoder.wrap(reply, 0);
                if (LogonChallengeDecoder.TEMPLATE_ID != headerDecoder.templateId())
                {
                    throw refusal(reply, headerDecoder);
                }
                final LogonChallengeDecoder challengeDecoder = new LogonChallengeDecoder()
                    .wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
                        headerDecoder.version());
                final byte[] challenge = new byte[LogonChallengeDecoder.challengeLength()];
                challengeDecoder.getChallenge(challenge, 0, challenge.length);
                final byte[] proof = credentials.proof(challenge);
                length = MessageHeaderEncoder.ENCODED_LENGTH + new LogonProofEncoder()
                    .wrapAndApplyHeader(message, 0, headerEncoder)
                    .putProof(proof, 0, proof.length)
                    .encodedLength();
                writeFrame(io, message, length, deadlineNs);

                reply = readFrame(io, selector, receive, deadlineNs);
                headerDecoder.wrap(reply, 0);
                if (LogonReplyDecoder.TEMPLATE_ID != headerDecoder.templateId())
                {
                    throw refusal(reply, headerDecoder);
                }
                final LogonReplyDecoder logonReply = new LogonReplyDecoder().wrap(reply,
                    MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
                if (ResultCode.OK.value() != logonReply.codeRaw()) // raw: a newer server may send a newer code
                {
                    throw new LogonRefusedException(logonReply.codeRaw(), credentials.toString());
                }
                final LogonResult result = new LogonResult();
                result.merchantId = logonReply.merchantId();
                result.heartbeatIntervalMs = logonReply.heartbeatIntervalMs();
                return result;
            }
        }
        finally
        {
            if (channel.isOpen())
            {
                channel.configureBlocking(true);
            }
        }
    }

    private static IOException refusal(final UnsafeBuffer reply, final MessageHeaderDecoder headerDecoder)
    {
        if (LogonReplyDecoder.TEMPLATE_ID == headerDecoder.templateId())
        {
            final LogonReplyDecoder logonReply = new LogonReplyDecoder().wrap(reply,
                MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
            return new LogonRefusedException(logonReply.codeRaw(), "logon");
        }
        return new ProtocolException("unexpected reply to a logon: " +
            com.wodian.protocol.MessageText.describe(reply, 0, reply.capacity()));
    }

    private static void writeFrame(
        final ByteChannel channel, final UnsafeBuffer message, final int length, final long deadlineNs)
        throws IOException
    {
        final ByteBuffer frame = ByteBuffer.allocate(MESSAGE_OFFSET + length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(FrameDescriptor.frameLength(length)).putLong(0).put(message.byteArray(), 0, length).flip();
        while (frame.hasRemaining())
        {
            if (0 == channel.write(frame))
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new IOException("logon timed out");
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }

    private static UnsafeBuffer readFrame(
        final ByteChannel channel, final Selector selector, final ByteBuffer receive, final long deadlineNs)
        throws IOException
    {
        receive.clear();
        while (true)
        {
            if (receive.position() >= FRAME_LENGTH_FIELD_LENGTH)
            {
                final int frameLength = receive.getInt(0);
                if (frameLength < CORRELATION_ID_LENGTH || frameLength > REPLY_FRAME_LENGTH_MAX)
                {
                    throw new ProtocolException("protocol error: frame length " + frameLength);
                }
                if (receive.position() >= FRAME_LENGTH_FIELD_LENGTH + frameLength)
                {
                    if (receive.position() > FRAME_LENGTH_FIELD_LENGTH + frameLength)
                    {
                        throw new ProtocolException("unexpected bytes after a logon reply");
                    }
                    final byte[] reply = new byte[frameLength - CORRELATION_ID_LENGTH];
                    receive.get(MESSAGE_OFFSET, reply);
                    return new UnsafeBuffer(reply);
                }
            }
            final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (remainingMs <= 0)
            {
                throw new IOException("logon timed out");
            }
            selector.select(remainingMs);
            selector.selectedKeys().clear();
            if (channel.read(receive) < 0)
            {
                throw new IOException("connection closed by the server during logon");
            }
        }
    }

    /** Closes a connection being failed or replaced; the first cause is what matters, not this close's. */
    static void closeQuietly(final SocketChannel channel)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Already failing or replacing it; the first cause is what matters.
            }
        }
    }
}
