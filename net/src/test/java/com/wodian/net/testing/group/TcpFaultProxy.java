package com.wodian.net.testing.group;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy for fault-injection tests: listens on 127.0.0.1 (ephemeral port) and forwards every accepted connection
 * to one target address, with a fault mode switchable at run time.
 *
 * <ul>
 * <li>{@link Mode#PASS}: bytes flow both ways unchanged.</li>
 * <li>{@link Mode#DELAY}: every chunk read is written {@code delayMs} later, in both directions; byte order is kept
 * (one FIFO queue and one writer per direction).</li>
 * <li>{@link Mode#BLACKHOLE}: connections stay open, and bytes read in either direction are swallowed; new connections
 * are accepted and swallowed too. A connection that lost bytes can never carry a valid stream again (TCP itself never
 * loses bytes), so on leaving BLACKHOLE every such connection is reset: this models a partition that outlasted TCP's
 * retransmission timeout, and the peers must reconnect.</li>
 * <li>{@link Mode#CUT}: every current connection is reset, and new ones are reset right after accept, until the mode
 * changes.</li>
 * </ul>
 *
 * <p>Bounded: at most {@value #CONNECTIONS_MAX} connections at once (further ones are reset), four threads per
 * connection (a reader and a writer per direction) plus the accept thread, and at most {@value #QUEUED_CHUNKS_MAX}
 * chunks of at most {@value #CHUNK_LENGTH_MAX} bytes queued per direction (a reader waits when its queue is full).
 * {@link #close()} stops everything and joins every thread.
 */
public final class TcpFaultProxy implements AutoCloseable
{
    /** What the proxy does to the bytes of its connections. */
    public enum Mode
    {
        PASS, DELAY, BLACKHOLE, CUT
    }

    public static final int CONNECTIONS_MAX = 16;
    public static final int CHUNK_LENGTH_MAX = 16 * 1024;
    public static final int QUEUED_CHUNKS_MAX = 256;
    /** How long close() waits for a pump thread: a starved 2-vCPU runner can delay one by seconds. */
    private static final long JOIN_TIMEOUT_MS = 30_000;
    private static final int CONNECT_TIMEOUT_MS = 1_000;

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket serverSocket;
    private final Thread acceptThread;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    /** Directions of connections whose first bytes were a TLS handshake record, and those whose were not. */
    private final AtomicInteger tlsStreams = new AtomicInteger();
    private final AtomicInteger clearStreams = new AtomicInteger();

    /** Read by the reader threads for every chunk; volatile so that a switch applies to the next chunk. */
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMs;
    private volatile boolean closed;

    public TcpFaultProxy(final String name, final InetSocketAddress target) throws IOException
    {
        this.name = name;
        this.target = target;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptThread = new Thread(this::acceptLoop, "fault-proxy-accept-" + name);
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /** The port peers dial to reach the target through this proxy. */
    public int port()
    {
        return serverSocket.getLocalPort();
    }

    public Mode mode()
    {
        return mode;
    }

    /** Bytes flow again; connections that lost bytes in a blackhole are reset first. */
    public void pass()
    {
        switchTo(Mode.PASS, 0);
    }

    /** Every chunk, both ways, is delivered {@code delayMs} after it was read, in order. */
    public void delay(final long delayMs)
    {
        if (delayMs <= 0)
        {
            throw new IllegalArgumentException("delayMs must be > 0: " + delayMs);
        }
        switchTo(Mode.DELAY, delayMs);
    }

    /** Connections stay open, bytes are swallowed both ways. */
    public void blackhole()
    {
        switchTo(Mode.BLACKHOLE, 0);
    }

    /** Every connection is reset, new ones too, until another mode is set. */
    public void cut()
    {
        switchTo(Mode.CUT, 0);
    }

    /** Directions (two per connection) whose first bytes were a TLS handshake record: {@code 16 03 01..04}. */
    public int tlsStreams()
    {
        return tlsStreams.get();
    }

    /** Directions whose first bytes (three or more in the first read) were anything else. */
    public int clearStreams()
    {
        return clearStreams.get();
    }

    /** Connections currently open through the proxy. */
    public int connectionCount()
    {
        return links.size();
    }

    private synchronized void switchTo(final Mode newMode, final long newDelayMs)
    {
        final Mode oldMode = mode;
        delayMs = newDelayMs;
        mode = newMode;
        if (newMode == Mode.CUT)
        {
            for (final Link link : links)
            {
                link.reset();
            }
        }
        else if (oldMode == Mode.BLACKHOLE && newMode != Mode.BLACKHOLE)
        {
            for (final Link link : links)
            {
                if (link.swallowed)
                {
                    link.reset();
                }
            }
        }
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            final Socket downstream;
            try
            {
                downstream = serverSocket.accept();
            }
            catch (final IOException ex)
            {
                // Closed by close(), or a transient accept failure: the loop condition decides.
                continue;
            }
            if (mode == Mode.CUT || links.size() >= CONNECTIONS_MAX || closed)
            {
                resetQuietly(downstream);
                continue;
            }
            final Socket upstream = new Socket();
            try
            {
                upstream.connect(target, CONNECT_TIMEOUT_MS);
            }
            catch (final IOException ex)
            {
                // The target is down: the peer sees its connection reset, as if it had dialled the target itself.
                resetQuietly(upstream);
                resetQuietly(downstream);
                continue;
            }
            final Link link = new Link(downstream, upstream);
            links.add(link);
            link.start();
        }
    }

    /** Stops accepting, resets every connection, joins every thread. */
    @Override
    public void close()
    {
        closed = true;
        try
        {
            serverSocket.close();
        }
        catch (final IOException ignore)
        {
            // Closing anyway.
        }
        join(acceptThread);
        final List<Link> open = new ArrayList<>(links);
        for (final Link link : open)
        {
            link.reset();
        }
        for (final Link link : open)
        {
            link.join();
        }
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join(JOIN_TIMEOUT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            throw new IllegalStateException("thread did not stop: " + thread.getName());
        }
    }

    private static void resetQuietly(final Socket socket)
    {
        try
        {
            // Linger 0: the close sends RST, so the peer learns at once (no FIN/TIME_WAIT dance).
            if (!socket.isClosed())
            {
                socket.setSoLinger(true, 0);
            }
        }
        catch (final SocketException ignore)
        {
            // Already closed.
        }
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // Closing anyway.
        }
    }

    /** A chunk read at {@code readNs}; an empty one (length 0) marks the end of the stream. */
    private record Chunk(long readNs, byte[] bytes)
    {
    }

    /** One proxied connection: the accepted socket and the one dialled to the target, a pump per direction. */
    private final class Link
    {
        private final Socket downstream;
        private final Socket upstream;
        private final List<Thread> threads = new ArrayList<>(4);
        /** Set by a reader that swallowed bytes; volatile: read by the thread that switches modes. */
        private volatile boolean swallowed;
        private volatile boolean reset;
        private final AtomicInteger endedDirections = new AtomicInteger();

        Link(final Socket downstream, final Socket upstream)
        {
            this.downstream = downstream;
            this.upstream = upstream;
        }

        void start()
        {
            final String id = name + "-" + downstream.getPort();
            pump(downstream, upstream, id + "-out");
            pump(upstream, downstream, id + "-in");
            for (final Thread thread : threads)
            {
                thread.setDaemon(true);
                thread.start();
            }
        }

        private void pump(final Socket from, final Socket to, final String id)
        {
            final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS_MAX);
            threads.add(new Thread(() -> read(from, queue), "fault-proxy-read-" + id));
            threads.add(new Thread(() -> write(queue, to), "fault-proxy-write-" + id));
        }

        private void read(final Socket from, final BlockingQueue<Chunk> queue)
        {
            final byte[] chunk = new byte[CHUNK_LENGTH_MAX];
            boolean first = true;
            try
            {
                final InputStream in = from.getInputStream();
                while (true)
                {
                    final int length = in.read(chunk);
                    if (length < 0)
                    {
                        break;
                    }
                    if (first)
                    {
                        first = false;
                        countStream(chunk, length);
                    }
                    final Mode current = mode;
                    if (current == Mode.BLACKHOLE || current == Mode.CUT)
                    {
                        swallowed = true;
                        continue;
                    }
                    queue.put(new Chunk(System.nanoTime(), Arrays.copyOf(chunk, length)));
                }
                queue.put(new Chunk(System.nanoTime(), new byte[0]));
            }
            catch (final IOException | InterruptedException ex)
            {
                reset();
            }
        }

        /** A TLS stream starts with a handshake record, type 0x16, version 3.1 to 3.4 (a clear frame cannot). */
        private void countStream(final byte[] firstBytes, final int length)
        {
            if (length >= 3)
            {
                final boolean tls = firstBytes[0] == 0x16 && firstBytes[1] == 0x03 && firstBytes[2] >= 0x01 &&
                    firstBytes[2] <= 0x04;
                (tls ? tlsStreams : clearStreams).incrementAndGet();
            }
        }

        private void write(final BlockingQueue<Chunk> queue, final Socket to)
        {
            try
            {
                final OutputStream out = to.getOutputStream();
                while (!reset)
                {
                    final Chunk chunk = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (null == chunk)
                    {
                        continue;
                    }
                    if (chunk.bytes().length == 0)
                    {
                        // The other side closed its sending half: pass the end of stream on, keep the other way open.
                        to.shutdownOutput();
                        if (endedDirections.incrementAndGet() == 2)
                        {
                            reset();
                        }
                        return;
                    }
                    // The delay is counted from the read, so a chunk that waited behind another is not delayed twice.
                    final long dueNs = chunk.readNs() + TimeUnit.MILLISECONDS.toNanos(delayMs);
                    long waitNs;
                    while (mode == Mode.DELAY && (waitNs = dueNs - System.nanoTime()) > 0 && !reset)
                    {
                        TimeUnit.NANOSECONDS.sleep(Math.min(waitNs, TimeUnit.MILLISECONDS.toNanos(50)));
                    }
                    final Mode current = mode;
                    if (current == Mode.BLACKHOLE || current == Mode.CUT)
                    {
                        swallowed = true;
                        continue;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            }
            catch (final IOException | InterruptedException ex)
            {
                reset();
            }
        }

        void reset()
        {
            reset = true;
            resetQuietly(downstream);
            resetQuietly(upstream);
            links.remove(this);
        }

        void join()
        {
            for (final Thread thread : threads)
            {
                TcpFaultProxy.join(thread);
            }
        }
    }
}
