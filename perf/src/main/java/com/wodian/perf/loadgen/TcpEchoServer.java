package com.wodian.perf.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The ceiling of the network path alone: a loopback TCP server that writes back every byte it reads, on one thread
 * with one selector, as the Wodian server's network thread does in its default (select) idle strategy. A Wodian
 * frame comes back unchanged, correlation id included, so a {@link com.wodian.net.client.WodianClient} and the
 * {@link LoadGenerator} drive it exactly as they drive the real server: same framing, same pipelining, same pacing;
 * the difference between the two is the server's pipeline (rings, journal, engine) and nothing else.
 */
public final class TcpEchoServer implements AutoCloseable
{
    private static final int BUFFER_LENGTH = 64 * 1024;

    private final ServerSocketChannel acceptor;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_LENGTH);
    private final Consumer<SelectionKey> selectedKeyHandler = this::onSelected;

    /** Set by {@link #close()}; volatile because the echo thread polls it. */
    private volatile boolean running = true;

    private TcpEchoServer(final ServerSocketChannel acceptor, final Selector selector)
    {
        this.acceptor = acceptor;
        this.selector = selector;
        this.thread = new Thread(this::run, "wodian-echo");
        this.thread.setDaemon(true);
    }

    /** Starts an echo server on {@code host:port} (port 0: a free one). */
    public static TcpEchoServer start(final String host, final int port) throws IOException
    {
        final ServerSocketChannel acceptor = ServerSocketChannel.open();
        acceptor.bind(new InetSocketAddress(host, port));
        acceptor.configureBlocking(false);
        final Selector selector = Selector.open();
        acceptor.register(selector, SelectionKey.OP_ACCEPT);
        final TcpEchoServer server = new TcpEchoServer(acceptor, selector);
        server.thread.start();
        return server;
    }

    public int port()
    {
        return ((InetSocketAddress)acceptor.socket().getLocalSocketAddress()).getPort();
    }

    private void run()
    {
        try
        {
            // The ready keys go to a handler, as in the server's receiver: no selected-key set to iterate, so the
            // echo thread allocates nothing per select (an iterator and set entries each time, before).
            while (running)
            {
                selector.select(selectedKeyHandler, 100);
            }
        }
        catch (final IOException ex)
        {
            if (running)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private void onSelected(final SelectionKey key)
    {
        if (!key.isValid())
        {
            return;
        }
        if (key.isAcceptable())
        {
            try
            {
                accept();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        else if (key.isReadable())
        {
            echo(key);
        }
    }

    private void accept() throws IOException
    {
        final SocketChannel channel = acceptor.accept();
        if (channel != null)
        {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
            channel.register(selector, SelectionKey.OP_READ);
        }
    }

    /** Reads what is there and writes it all back (spinning on a full socket: a probe, not a server). */
    private void echo(final SelectionKey key)
    {
        final SocketChannel channel = (SocketChannel)key.channel();
        try
        {
            buffer.clear();
            final int read = channel.read(buffer);
            if (read < 0)
            {
                key.cancel();
                channel.close();
                return;
            }
            buffer.flip();
            while (buffer.hasRemaining())
            {
                if (channel.write(buffer) == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }
        catch (final IOException ex)
        {
            key.cancel();
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Already failing: the connection is gone either way.
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(5_000);
            for (final SelectionKey key : selector.keys())
            {
                key.channel().close();
            }
            selector.close();
            acceptor.close();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
