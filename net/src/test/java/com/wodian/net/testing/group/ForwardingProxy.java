package com.wodian.net.testing.group;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback port, bound (port 0) before the server it forwards to exists, whose target is set once that server has
 * bound its own port 0: lets a test name a server's client address in its configuration (--client-peers) without
 * probing for a free port first.
 */
public final class ForwardingProxy implements AutoCloseable
{
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile int targetPort;

    public ForwardingProxy() throws IOException
    {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "forwarding-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port()
    {
        return listener.getLocalPort();
    }

    public void target(final int port)
    {
        targetPort = port;
    }

    private void acceptLoop()
    {
        while (!listener.isClosed())
        {
            try
            {
                final Socket client = listener.accept();
                final Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pump(client, server);
                pump(server, client);
            }
            catch (final IOException closedOrRefused)
            {
                // Closed: the loop ends; a refused target: the client's connection is dropped, as a dead node's.
            }
        }
    }

    private static void pump(final Socket from, final Socket to)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
            {
                int read;
                while ((read = in.read(buffer)) >= 0)
                {
                    out.write(buffer, 0, read);
                }
            }
            catch (final IOException ended)
            {
                // Either side closed.
            }
            finally
            {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "forwarding-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException
    {
        listener.close();
        sockets.forEach(ForwardingProxy::closeQuietly);
        try
        {
            acceptor.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
