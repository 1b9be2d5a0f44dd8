package com.wodian.net.server;

import com.wodian.net.FrameDescriptor;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static com.wodian.net.server.ServerTestSupport.CONSUMER_ID;
import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that sends but does not read is disconnected once its replies fill the session's send buffer; the
 * server neither blocks nor grows for it, and keeps serving everyone else.
 */
class SlowReaderTest
{
    private static final int REQUEST_COUNT = 20_000;
    private static final int REPLY_FRAME_LENGTH = FrameDescriptor.HEADER_LENGTH + 8 + 34;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldDisconnectClientThatDoesNotRead(final ThreadingMode mode) throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, mode)
            .sendBufferLength(4096)
            .socketSendBufferLength(4096);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient goodClient = ServerTestSupport.connect(server);
            Socket slowReader = new Socket())
        {
            new ServerTestSupport.Requests(goodClient).setUpParties();

            slowReader.setReceiveBufferSize(4096);
            slowReader.connect(new InetSocketAddress(HOST, server.port()));
            slowReader.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
            assertEquals(com.wodian.protocol.sbe.ResultCode.OK,
                ServerTestSupport.logOn(slowReader, ServerTestSupport.ADMIN));
            final Thread writer = new Thread(() -> writeQueries(slowReader), "slow-reader-writer");
            writer.start();

            final long deadlineNs = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                ServerTestSupport.TIMEOUT_MS);
            while (server.slowReaderDisconnectCount() == 0 && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(5);
            }
            assertEquals(1, server.slowReaderDisconnectCount());

            final long replyBytes = readUntilClosed(slowReader.getInputStream());
            assertTrue(replyBytes < (long)REQUEST_COUNT * REPLY_FRAME_LENGTH,
                "replies after the disconnect are dropped: " + replyBytes + " bytes");
            writer.join(ServerTestSupport.TIMEOUT_MS);
            assertTrue(!writer.isAlive(), "the writer is not blocked forever: the server closed the socket");

            assertEquals(100_000, new ServerTestSupport.Requests(goodClient).balance(CONSUMER_ID).walletFen());
        }
    }

    private static void writeQueries(final Socket socket)
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
        final int messageLength = encoder.balanceQuery(message, 0, CONSUMER_ID);
        final ByteBuffer frames = ByteBuffer.allocate(REQUEST_COUNT * (FrameDescriptor.HEADER_LENGTH + messageLength))
            .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < REQUEST_COUNT; i++)
        {
            frames.putInt(FrameDescriptor.frameLength(messageLength)).putLong(i + 1);
            message.getBytes(0, frames, frames.position(), messageLength);
            frames.position(frames.position() + messageLength);
        }
        try
        {
            final OutputStream out = socket.getOutputStream();
            out.write(frames.array(), 0, frames.position());
            out.flush();
        }
        catch (final IOException ignore)
        {
            // Expected once the server has closed the connection.
        }
    }

    private static long readUntilClosed(final InputStream in)
    {
        final byte[] scratch = new byte[64 * 1024];
        long total = 0;
        try
        {
            int read;
            while ((read = in.read(scratch)) >= 0)
            {
                total += read;
            }
        }
        catch (final SocketTimeoutException ex)
        {
            // Not a close: a server that never closes the slow reader's socket must fail here.
            throw new AssertionError("the slow reader's socket was not closed within " + ServerTestSupport.TIMEOUT_MS +
                " ms (" + total + " bytes read)", ex);
        }
        catch (final IOException ignore)
        {
            // A reset is a close too.
        }
        return total;
    }
}
