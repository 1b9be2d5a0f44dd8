package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.wodian.net.server.ServerTestSupport.CONSUMER_ID;
import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that hold resources without doing work: slowloris clients that trickle a frame one byte at a time
 * (before and after logon), silent clients, and a thousand concurrent logged-on connections.
 */
class SessionLimitsTest
{
    private static final int SLOWLORIS_COUNT = 60;
    private static final int CONNECTION_COUNT = 1_000;
    /**
     * Far above a logon (one took over 400 ms in a loaded run) and above a stall of the whole machine: at 6 s a stall
     * of the test JVM longer than that (no heartbeat sent, then the sweep runs first) closed the good client too.
     */
    private static final long LOGON_TIMEOUT_MS = 10_000;
    private static final long IDLE_TIMEOUT_MS = 15_000;
    /**
     * One byte every 100 ms of a frame of the largest length a request may have (264 + 4 bytes), at most 260 of them:
     * the frame never completes, and 26 s of trickling outlast both timeouts.
     */
    private static final long TRICKLE_STEP_MS = 100;
    private static final int TRICKLE_STEPS_MAX = 260;

    @TempDir
    Path dataDir;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    @Test
    // A backstop above the polled waits inside (the trickle's deadline, the reads' 30 s), not a schedule.
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void slowlorisAndSilentConnectionsAreClosedWhileHeartbeatingClientsStay() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).sessionsMax(256);
        // Timeouts well above a logon on a starved two-core machine, and a heartbeat interval far below the idle
        // timeout (60x), so that only the trickling connections can time out, not the good client after a stall.
        config.gateway().logonTimeoutMs(LOGON_TIMEOUT_MS).idleTimeoutMs(IDLE_TIMEOUT_MS).heartbeatIntervalMs(250);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient good = ServerTestSupport.connect(server))
        {
            new ServerTestSupport.Requests(good).setUpParties();
            final List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < SLOWLORIS_COUNT; i++)
            {
                final Socket socket = new Socket(HOST, server.port());
                socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
                if (i % 3 == 1)
                {
                    // Logged on, then trickles: the idle timeout counts complete frames, not bytes.
                    assertEquals(ResultCode.OK, ServerTestSupport.logOn(socket, ServerTestSupport.ADMIN));
                }
                sockets.add(socket);
            }

            // One more byte of a frame every step, on every connection but the silent ones (i % 3 == 2), until the
            // server has timed every one of them out (or the frame would be complete): the outcome ends it, not a
            // schedule. Stopped early on a slow machine, the connections are silent from then on and time out all
            // the same.
            final boolean[] writeFailed = new boolean[SLOWLORIS_COUNT];
            final byte[] frameStart = {8, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // length 264
            for (int step = 0; step < TRICKLE_STEPS_MAX && server.timedOutSessionCount() < SLOWLORIS_COUNT; step++)
            {
                for (int i = 0; i < SLOWLORIS_COUNT; i++)
                {
                    if (i % 3 != 2 && !writeFailed[i])
                    {
                        try
                        {
                            final OutputStream out = sockets.get(i).getOutputStream();
                            out.write(frameStart[step % frameStart.length]);
                            out.flush();
                        }
                        catch (final IOException ex)
                        {
                            writeFailed[i] = true;
                        }
                    }
                }
                Thread.sleep(TRICKLE_STEP_MS);
            }

            for (int i = 0; i < SLOWLORIS_COUNT; i++)
            {
                try (Socket socket = sockets.get(i))
                {
                    final ResultCode code = closingError(new DataInputStream(socket.getInputStream()));
                    final ResultCode expected = i % 3 == 1 ? ResultCode.IDLE_TIMEOUT : ResultCode.LOGON_TIMEOUT;
                    assertTrue(null == code || expected == code, "connection " + i + ": " + code);
                }
            }

            assertEquals(SLOWLORIS_COUNT, server.timedOutSessionCount(), "every slowloris and silent connection");

            // The good client was silent past both timeouts too, but its heartbeats kept it logged on.
            assertEquals(100_000, new ServerTestSupport.Requests(good).balance(CONSUMER_ID).walletFen());
            assertEquals(0, good.reconnectCount());
        }
    }

    @Test
    // Above the 30-s read limit below, which is the binding wait (30 s, launch included, could expire first).
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSilentConnectionIsClosedEvenWhenNothingElseHappens() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).tickIntervalMs(3_600_000);
        config.gateway().logonTimeoutMs(300);
        try (WodianServer server = WodianServer.launch(config);
            Socket socket = new Socket(HOST, server.port()))
        {
            socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
            // Closed with nothing else to wake the gateway (closingError fails if the 30-s read timeout comes first);
            // how punctually is not asserted: a loaded machine may be late by seconds.
            assertEquals(ResultCode.LOGON_TIMEOUT, closingError(new DataInputStream(socket.getInputStream())));
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aThousandConcurrentLoggedOnConnectionsAreServed() throws Exception
    {
        // Two descriptors a connection in this JVM (client and server side): a runner whose hard limit is lower skips.
        final java.lang.management.OperatingSystemMXBean os =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(!(os instanceof com.sun.management.UnixOperatingSystemMXBean) ||
            ((com.sun.management.UnixOperatingSystemMXBean)os).getMaxFileDescriptorCount() > 2L * CONNECTION_COUNT + 512,
            "too few file descriptors for " + CONNECTION_COUNT + " connections");
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)
            .sessionsMax(CONNECTION_COUNT + 16)
            .receiveBufferLength(4096)
            .sendBufferLength(8192);
        // The raw sockets send no heartbeats and wait for the other 999 logons before their query: on a starved
        // machine that can pass the 30-s idle default, and one logon the 5-s logon default. Neither is tested here.
        // Half of the thousand are terminal 11: no cap or command budget per identity here (SessionsPerPrincipalTest
        // and CommandBudgetTest test them).
        config.gateway().logonTimeoutMs(ServerTestSupport.TIMEOUT_MS).idleTimeoutMs(10 * ServerTestSupport.TIMEOUT_MS)
            .sessionsPerPrincipalMax(0).commandsPerPrincipal(0, 0);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient admin = ServerTestSupport.connect(server))
        {
            new ServerTestSupport.Requests(admin).setUpParties();
            final List<Socket> sockets = new ArrayList<>(CONNECTION_COUNT);
            try
            {
                for (int i = 0; i < CONNECTION_COUNT; i++)
                {
                    final Socket socket = new Socket(HOST, server.port());
                    sockets.add(socket);
                    socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
                    socket.setTcpNoDelay(true);
                    assertEquals(ResultCode.OK, ServerTestSupport.logOn(socket,
                        i % 2 == 0 ? ServerTestSupport.ADMIN : ServerTestSupport.TERMINAL), "logon " + i);
                }

                // All open at once: a query on each, all written before any reply is read.
                final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
                final CommandEncoder encoder = new CommandEncoder();
                for (int i = 0; i < CONNECTION_COUNT; i++)
                {
                    final int length = i % 2 == 0 ? encoder.balanceQuery(message, 0, CONSUMER_ID) :
                        encoder.paymentStatusQuery(message, 0, ServerTestSupport.MERCHANT_ID, i);
                    ServerTestSupport.writeFrame(sockets.get(i), i + 1, message, length);
                }
                for (int i = 0; i < CONNECTION_COUNT; i++)
                {
                    final UnsafeBuffer reply = ServerTestSupport.readFrame(
                        new DataInputStream(sockets.get(i).getInputStream()));
                    if (i % 2 == 0)
                    {
                        assertEquals(BalanceReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId());
                        assertEquals(100_000,
                            new BalanceReplyDecoder().wrapAndApplyHeader(reply, 0, header).walletFen());
                    }
                    else
                    {
                        assertEquals(com.wodian.protocol.sbe.PaymentStatusReplyDecoder.TEMPLATE_ID,
                            header.wrap(reply, 0).templateId());
                    }
                }
                // The thousand-and-second connection still gets served while all of them stay open.
                assertEquals(ResultCode.OK, new ServerTestSupport.Requests(admin).registerConsumer(5_000));
            }
            finally
            {
                for (final Socket socket : sockets)
                {
                    socket.close();
                }
            }
        }
    }

    /** Reads until the server closes: the code of its closing ErrorReply (correlation id 0), or null if none. */
    private ResultCode closingError(final DataInputStream in)
    {
        ResultCode code = null;
        try
        {
            while (true)
            {
                final UnsafeBuffer reply = ServerTestSupport.readFrame(in);
                if (ErrorReplyDecoder.TEMPLATE_ID == header.wrap(reply, 0).templateId())
                {
                    code = new ErrorReplyDecoder().wrapAndApplyHeader(reply, 0, header).code();
                }
            }
        }
        catch (final java.net.SocketTimeoutException notClosed)
        {
            throw new AssertionError("the server did not close the connection", notClosed);
        }
        catch (final IOException closed)
        {
            return code;
        }
    }
}
