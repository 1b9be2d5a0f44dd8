package com.wodian.net.testing.group;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TcpFaultProxy} in front of a small echo server: each mode, switched at run time, and a clean close. */
// A backstop above the 30-s read limit (a JUnit timeout would otherwise report a slow read as a hang).
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpFaultProxyTest
{
    private static final int READ_TIMEOUT_MS = 30_000;

    private ServerSocket echoServer;
    private Thread echoAcceptor;
    private final List<Socket> echoSockets = new CopyOnWriteArrayList<>();
    private TcpFaultProxy proxy;

    @BeforeEach
    void startEchoServer() throws IOException
    {
        echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoAcceptor = new Thread(() ->
        {
            while (!echoServer.isClosed())
            {
                try
                {
                    final Socket socket = echoServer.accept();
                    echoSockets.add(socket);
                    final Thread echo = new Thread(() -> echo(socket), "echo-" + socket.getPort());
                    echo.setDaemon(true);
                    echo.start();
                }
                catch (final IOException ex)
                {
                    // Closed at the end of the test.
                }
            }
        }, "echo-accept");
        echoAcceptor.setDaemon(true);
        echoAcceptor.start();
        proxy = new TcpFaultProxy("echo",
            new InetSocketAddress(InetAddress.getLoopbackAddress(), echoServer.getLocalPort()));
    }

    @AfterEach
    void stop() throws Exception
    {
        proxy.close();
        echoServer.close();
        for (final Socket socket : echoSockets)
        {
            socket.close();
        }
        echoAcceptor.join(5_000);
    }

    private static void echo(final Socket socket)
    {
        final byte[] buffer = new byte[4096];
        try (socket)
        {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            int length;
            while ((length = in.read(buffer)) >= 0)
            {
                out.write(buffer, 0, length);
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            // The peer went away.
        }
    }

    private Socket connect() throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    private static byte[] roundTrip(final Socket socket, final String text) throws IOException
    {
        final byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(sent);
        socket.getOutputStream().flush();
        return socket.getInputStream().readNBytes(sent.length);
    }

    @Test
    void passForwardsBothWaysInOrder() throws IOException
    {
        try (Socket socket = connect())
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < 20_000; i++)
            {
                text.append(i % 10);
            }
            assertArrayEquals(text.toString().getBytes(StandardCharsets.US_ASCII), roundTrip(socket, text.toString()));
            assertEquals(1, proxy.connectionCount());
        }
    }

    @Test
    void delayHoldsBytesButKeepsTheirOrder() throws IOException
    {
        try (Socket socket = connect())
        {
            assertArrayEquals("warm".getBytes(StandardCharsets.US_ASCII), roundTrip(socket, "warm"));
            proxy.delay(100);
            final long startNs = System.nanoTime();
            final OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 10; i++)
            {
                out.write(("m" + i + ";").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            final byte[] echoed = socket.getInputStream().readNBytes("m0;m1;m2;m3;m4;m5;m6;m7;m8;m9;".length());
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals("m0;m1;m2;m3;m4;m5;m6;m7;m8;m9;", new String(echoed, StandardCharsets.US_ASCII));
            // Delayed on the way out and on the way back: at least twice the delay (a lower bound, not a timing test).
            assertTrue(elapsedMs >= 200, "round trip took " + elapsedMs + " ms");
            proxy.pass();
            assertArrayEquals("again".getBytes(StandardCharsets.US_ASCII), roundTrip(socket, "again"));
        }
    }

    @Test
    void blackholeSwallowsBytesKeepsConnectionsAndResetsThemOnHeal() throws IOException
    {
        try (Socket socket = connect())
        {
            assertArrayEquals("warm".getBytes(StandardCharsets.US_ASCII), roundTrip(socket, "warm"));
            proxy.blackhole();
            socket.setSoTimeout(300);
            socket.getOutputStream().write("lost".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(),
                "nothing comes back through a blackhole, and the connection stays open");
            assertEquals(1, proxy.connectionCount());

            proxy.pass();
            // The connection lost bytes, so the heal resets it; the peer must dial again.
            socket.setSoTimeout(READ_TIMEOUT_MS);
            assertThrows(IOException.class, () ->
            {
                if (socket.getInputStream().read() < 0)
                {
                    throw new IOException("end of stream");
                }
            });
        }
        try (Socket again = connect())
        {
            assertArrayEquals("healed".getBytes(StandardCharsets.US_ASCII), roundTrip(again, "healed"));
        }
    }

    @Test
    void cutResetsConnectionsAndRefusesNewOnesUntilPass() throws IOException
    {
        try (Socket socket = connect())
        {
            assertArrayEquals("warm".getBytes(StandardCharsets.US_ASCII), roundTrip(socket, "warm"));
            proxy.cut();
            assertThrows(IOException.class, () ->
            {
                if (roundTrip(socket, "gone").length < 4)
                {
                    throw new IOException("end of stream");
                }
            });
        }
        // The reset may come during the connect itself or at the first read: either way no byte gets through.
        assertThrows(IOException.class, () ->
        {
            try (Socket refused = connect())
            {
                if (roundTrip(refused, "refused").length < 7)
                {
                    throw new IOException("end of stream");
                }
            }
        });
        assertEquals(0, proxy.connectionCount());
        proxy.pass();
        try (Socket again = connect())
        {
            assertArrayEquals("healed".getBytes(StandardCharsets.US_ASCII), roundTrip(again, "healed"));
        }
    }

    @Test
    void closeStopsEveryThread() throws Exception
    {
        final Socket socket = connect();
        assertArrayEquals("warm".getBytes(StandardCharsets.US_ASCII), roundTrip(socket, "warm"));
        proxy.close();
        assertEquals(0, proxy.connectionCount());
        assertThrows(IOException.class, () ->
        {
            if (socket.getInputStream().read() < 0)
            {
                throw new IOException("end of stream");
            }
        });
        socket.close();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            assertTrue(!thread.getName().startsWith("fault-proxy-") || !thread.isAlive(),
                "proxy thread still running: " + thread.getName());
        }
    }
}
