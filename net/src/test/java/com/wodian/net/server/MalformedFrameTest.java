package com.wodian.net.server;

import com.wodian.net.FrameDescriptor;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;

import static com.wodian.net.server.ServerTestSupport.CONSUMER_ID;
import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through a raw socket: a refused message gets an ErrorReply with its correlation id and never reaches
 * the journal or the engine; a broken frame length closes the connection after an ErrorReply; the server keeps
 * serving well-behaved clients throughout.
 */
class MalformedFrameTest
{
    private static final int SETUP_COMMAND_COUNT = 4;

    @TempDir
    Path dataDir;

    private final CommandEncoder encoder = new CommandEncoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ErrorReplyDecoder errorReply = new ErrorReplyDecoder();
    private WodianServer server;
    private WodianClient goodClient;

    @BeforeEach
    void launch() throws Exception
    {
        // No server Tick during the test: it would be journaled after 1 s without a command (a slow, loaded run)
        // and move the journal's last sequence that the test compares.
        server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)
            .tickIntervalMs(3_600_000));
        goodClient = ServerTestSupport.connect(server);
        new ServerTestSupport.Requests(goodClient).setUpParties();
    }

    @AfterEach
    void close()
    {
        goodClient.close();
        server.close();
    }

    @Test
    void shouldAnswerRefusedMessagesInOrderAndKeepTheConnection() throws Exception
    {
        final ByteBuffer frames = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);

        putFrame(frames, 1, message, encoder.balanceQuery(message, 0, CONSUMER_ID));

        final int unknownLength = encoder.balanceQuery(message, 0, CONSUMER_ID);
        message.putShort(2, (short)99, ByteOrder.LITTLE_ENDIAN);
        putFrame(frames, 2, message, unknownLength);

        putFrame(frames, 3, message, 4);

        final int badSchemaLength = encoder.balanceQuery(message, 0, CONSUMER_ID);
        message.putShort(4, (short)1234, ByteOrder.LITTLE_ENDIAN);
        putFrame(frames, 4, message, badSchemaLength);

        encoder.balanceQuery(message, 0, CONSUMER_ID);
        putFrame(frames, 5, message, MessageHeaderDecoder.ENCODED_LENGTH);

        final int replyAsRequestLength = encoder.balanceQuery(message, 0, CONSUMER_ID);
        message.putShort(2, (short)BalanceReplyDecoder.TEMPLATE_ID, ByteOrder.LITTLE_ENDIAN);
        putFrame(frames, 6, message, replyAsRequestLength);

        putFrame(frames, 7, message, encoder.balanceQuery(message, 0, CONSUMER_ID));

        final int futureVersionLength = encoder.balanceQuery(message, 0, CONSUMER_ID);
        message.putShort(6, (short)(MessageHeaderDecoder.SCHEMA_VERSION + 1), ByteOrder.LITTLE_ENDIAN);
        putFrame(frames, 8, message, futureVersionLength);

        try (Socket socket = connect())
        {
            socket.getOutputStream().write(frames.array(), 0, frames.position());
            final DataInputStream in = new DataInputStream(socket.getInputStream());

            assertBalanceReply(in, 1);
            assertErrorReply(in, 2, ResultCode.UNKNOWN_MESSAGE_TYPE, 99);
            assertErrorReply(in, 3, ResultCode.MALFORMED_MESSAGE, 0);
            assertErrorReply(in, 4, ResultCode.UNSUPPORTED_SCHEMA, 30);
            assertErrorReply(in, 5, ResultCode.MALFORMED_MESSAGE, 30);
            assertErrorReply(in, 6, ResultCode.UNKNOWN_MESSAGE_TYPE, BalanceReplyDecoder.TEMPLATE_ID);
            assertBalanceReply(in, 7);
            assertErrorReply(in, 8, ResultCode.UNSUPPORTED_SCHEMA, 30);
        }

        assertEquals(SETUP_COMMAND_COUNT, new ServerTestSupport.Requests(goodClient).stateHash().lastSequence(),
            "refused frames never reach the journal");
    }

    @Test
    void shouldCloseOnOversizeFrameLengthAfterErrorReply() throws Exception
    {
        assertClosedAfterErrorReply(FrameDescriptor.REQUEST_FRAME_LENGTH_MAX + 1, ResultCode.FRAME_TOO_LARGE);
    }

    @Test
    void shouldCloseOnNegativeFrameLengthAfterErrorReply() throws Exception
    {
        assertClosedAfterErrorReply(-1, ResultCode.FRAME_TOO_LARGE);
    }

    @Test
    void shouldCloseOnFrameTooShortForCorrelationId() throws Exception
    {
        assertClosedAfterErrorReply(3, ResultCode.MALFORMED_MESSAGE);
    }

    @Test
    void shouldSurviveTruncatedFrameAndRandomGarbage() throws Exception
    {
        try (Socket socket = connect())
        {
            final ByteBuffer frame = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            frame.putInt(40).putLong(1).putInt(0xCAFE);
            socket.getOutputStream().write(frame.array(), 0, frame.position());
        }

        final Random random = new Random(42);
        for (int i = 0; i < 20; i++)
        {
            final byte[] garbage = new byte[1 + random.nextInt(600)];
            random.nextBytes(garbage);
            try (Socket socket = connect())
            {
                socket.getOutputStream().write(garbage);
                socket.shutdownOutput();
                drainUntilClosed(socket.getInputStream());
            }
            catch (final SocketException ignore)
            {
                // The server may close first and reset the rest: that is a clean refusal too.
            }
        }

        assertGoodClientServed();
        assertEquals(SETUP_COMMAND_COUNT, new ServerTestSupport.Requests(goodClient).stateHash().lastSequence());
    }

    private void assertClosedAfterErrorReply(final int frameLength, final ResultCode expectedCode) throws Exception
    {
        try (Socket socket = connect())
        {
            final ByteBuffer frame = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
            putFrame(frame, 1, message, encoder.balanceQuery(message, 0, CONSUMER_ID));
            frame.putInt(frameLength).putLong(2).putLong(0);
            socket.getOutputStream().write(frame.array(), 0, frame.position());

            final DataInputStream in = new DataInputStream(socket.getInputStream());
            assertBalanceReply(in, 1);
            assertErrorReply(in, 0, expectedCode, 0);
            assertThrows(EOFException.class, in::readByte, "connection closed after the error reply");
        }
        assertGoodClientServed();
    }

    private void assertGoodClientServed() throws Exception
    {
        assertEquals(100_000, new ServerTestSupport.Requests(goodClient).balance(CONSUMER_ID).walletFen());
        try (WodianClient fresh = ServerTestSupport.connect(server))
        {
            assertEquals(100_000, new ServerTestSupport.Requests(fresh).balance(CONSUMER_ID).walletFen());
        }
    }

    private Socket connect() throws IOException
    {
        final Socket socket = new Socket(HOST, server.port());
        socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        assertEquals(ResultCode.OK, ServerTestSupport.logOn(socket, ServerTestSupport.ADMIN));
        return socket;
    }

    private static void putFrame(
        final ByteBuffer frames, final long correlationId, final UnsafeBuffer message, final int length)
    {
        frames.putInt(FrameDescriptor.frameLength(length)).putLong(correlationId);
        message.getBytes(0, frames, frames.position(), length);
        frames.position(frames.position() + length);
    }

    private UnsafeBuffer readFrame(final DataInputStream in, final long expectedCorrelationId) throws IOException
    {
        final byte[] frameHeader = new byte[FrameDescriptor.HEADER_LENGTH];
        in.readFully(frameHeader);
        final ByteBuffer fields = ByteBuffer.wrap(frameHeader).order(ByteOrder.LITTLE_ENDIAN);
        final int frameLength = fields.getInt(0);
        assertEquals(expectedCorrelationId, fields.getLong(FrameDescriptor.CORRELATION_ID_OFFSET));
        final byte[] message = new byte[frameLength - FrameDescriptor.CORRELATION_ID_LENGTH];
        in.readFully(message);
        return new UnsafeBuffer(message);
    }

    private void assertBalanceReply(final DataInputStream in, final long correlationId) throws IOException
    {
        final UnsafeBuffer reply = readFrame(in, correlationId);
        assertEquals(BalanceReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId());
        assertEquals(100_000, new BalanceReplyDecoder().wrapAndApplyHeader(reply, 0, header).walletFen());
    }

    private void assertErrorReply(
        final DataInputStream in, final long correlationId, final ResultCode code, final int templateId)
        throws IOException
    {
        final UnsafeBuffer reply = readFrame(in, correlationId);
        assertEquals(ErrorReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId());
        errorReply.wrapAndApplyHeader(reply, 0, header);
        assertEquals(code, errorReply.code());
        assertEquals(templateId, errorReply.templateId());
    }

    private static void drainUntilClosed(final InputStream in) throws IOException
    {
        final byte[] scratch = new byte[4096];
        int total = 0;
        int read;
        while ((read = in.read(scratch)) >= 0)
        {
            total += read;
            assertTrue(total < 1_000_000, "bounded reply volume for bounded garbage");
        }
    }
}
