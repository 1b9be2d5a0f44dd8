package com.wodian.net.conformance;

import com.wodian.net.auth.Credentials;
import com.wodian.protocol.sbe.LogonChallengeDecoder;
import com.wodian.protocol.sbe.LogonEncoder;
import com.wodian.protocol.sbe.LogonProofEncoder;
import com.wodian.protocol.sbe.LogonReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A client written from docs/protocol.md alone, bytes on a socket: frames of {@code frameLength (int32 LE) |
 * correlationId (int64 LE) | SBE message}, the logon of section 1.1. No Wodian client code.
 */
final class WireSession implements AutoCloseable
{
    /** One reply frame: its correlation id and SBE message. */
    record Frame(long correlationId, UnsafeBuffer message)
    {
        int templateId()
        {
            return message.getShort(2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        }

        int blockLength()
        {
            return message.getShort(0, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        }

        /** Every reply starts its body with the uint16 result code (section 5). */
        int code()
        {
            return message.getShort(MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        }
    }

    private final Socket socket;
    private final DataInputStream in;

    WireSession(final int port, final int readTimeoutMs) throws IOException
    {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(readTimeoutMs);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Logon and LogonProof; the LogonReply's code (or the refusal's). */
    int logOn(final Credentials credentials) throws IOException
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        send(1, message, MessageHeaderEncoder.ENCODED_LENGTH + new LogonEncoder().wrapAndApplyHeader(message, 0, header)
            .role(credentials.role()).principalId(credentials.principalId()).encodedLength());
        Frame reply = read();
        if (LogonChallengeDecoder.TEMPLATE_ID != reply.templateId())
        {
            return reply.code();
        }
        final byte[] challenge = new byte[32];
        new LogonChallengeDecoder().wrapAndApplyHeader(reply.message(), 0, new MessageHeaderDecoder())
            .getChallenge(challenge, 0, challenge.length);
        send(2, message, MessageHeaderEncoder.ENCODED_LENGTH + new LogonProofEncoder()
            .wrapAndApplyHeader(message, 0, header).putProof(credentials.proof(challenge), 0, 32).encodedLength());
        reply = read();
        if (LogonReplyDecoder.TEMPLATE_ID != reply.templateId())
        {
            throw new IOException("expected a LogonReply, got template " + reply.templateId());
        }
        return reply.code();
    }

    static int ok()
    {
        return ResultCode.OK.value();
    }

    void send(final long correlationId, final UnsafeBuffer message, final int length) throws IOException
    {
        sendFrame(8 + length, correlationId, message.byteArray(), length);
    }

    /** A frame with any frameLength, for the framing rules; {@code bytes} follow the correlation id. */
    void sendFrame(final int frameLength, final long correlationId, final byte[] bytes, final int length)
        throws IOException
    {
        final ByteBuffer frame = ByteBuffer.allocate(12 + length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(frameLength).putLong(correlationId).put(bytes, 0, length);
        socket.getOutputStream().write(frame.array());
    }

    void sendRaw(final byte[] bytes) throws IOException
    {
        socket.getOutputStream().write(bytes);
    }

    Frame read() throws IOException
    {
        final int frameLength = Integer.reverseBytes(in.readInt());
        final long correlationId = Long.reverseBytes(in.readLong());
        final byte[] message = new byte[frameLength - 8];
        in.readFully(message);
        return new Frame(correlationId, new UnsafeBuffer(message));
    }

    byte[] readBytes(final int count) throws IOException
    {
        final byte[] bytes = new byte[count];
        in.readFully(bytes);
        return bytes;
    }

    /** True when the server closed the connection (end of stream) before the read timeout. */
    boolean closedByServer() throws IOException
    {
        try
        {
            return in.read() < 0;
        }
        catch (final EOFException | java.net.SocketException closed)
        {
            return true;
        }
        catch (final SocketTimeoutException stillOpen)
        {
            return false;
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
