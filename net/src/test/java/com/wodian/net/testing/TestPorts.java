package com.wodian.net.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Loopback ports for servers whose address must be known before they start (the nodes of a replica group name each
 * other in {@code --peers}). A port found free by binding port 0 lies in the kernel's ephemeral range, where any
 * outbound connection on the machine (a client, a proxy dialling a node) may take it between the choice and the
 * server's bind; these ports are chosen below that range, where only an explicit bind can take them.
 */
public final class TestPorts
{
    private static final Path EPHEMERAL_RANGE_FILE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int EPHEMERAL_LOW_DEFAULT = 32768;
    private static final int SPAN = 12_000;
    private static final int TRIES_MAX = 2_000;
    /** Printed once, so that a port clash seen in CI can be replayed (-Dwodian.test.ports.seed=N). */
    private static final long SEED =
        Long.getLong("wodian.test.ports.seed", System.nanoTime() ^ ProcessHandle.current().pid());
    private static final SplittableRandom RANDOM = new SplittableRandom(SEED);
    /**
     * Every port handed out on this host: a port is free when checked but stays unbound until its server starts, so a
     * second reserve (a group's client ports after its replication ports) could hand out the same number and one of
     * the two binds failed (CI run of 2026-12-06 00:57, ReplicaGroupServerTest: "cannot listen on 127.0.0.1:31180");
     * and so could another test JVM (two CIs at once, 2026-12-07 23:02: ReplicationFaultTlsTest in both). A port is
     * held until this JVM exits, in the one claims file of the host's temporary folder.
     */
    private static final PortClaims CLAIMS =
        new PortClaims(Path.of(System.getProperty("java.io.tmpdir"), "wodian-test-ports.lock"));

    static
    {
        System.out.println("TestPorts seed " + SEED + " (-Dwodian.test.ports.seed=" + SEED + " replays the choices)");
    }

    private TestPorts()
    {
    }

    /**
     * @return {@code count} ports, distinct from every other port handed out by a JVM of this host that is still
     *     running, each free when checked (bound and released)
     */
    public static synchronized int[] reserve(final int count) throws IOException
    {
        final int high = ephemeralLow();
        final int low = Math.max(1_024, high - SPAN);
        final int[] ports = new int[count];
        int found = 0;
        for (int tries = 0; found < count && tries < TRIES_MAX; tries++)
        {
            final int candidate = low + RANDOM.nextInt(Math.max(1, high - low));
            if (high - low < 100 || !CLAIMS.claim(candidate) || !isFree(candidate))
            {
                continue; // a port claimed but in use stays claimed: nobody here will want it either
            }
            ports[found++] = candidate;
        }
        for (; found < count; found++) // an unusual port layout: fall back to the kernel's choice
        {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
            {
                ports[found] = socket.getLocalPort();
            }
        }
        return ports;
    }

    private static boolean isFree(final int port)
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(false);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * The low end of the kernel's ephemeral range. Read as a stream to its end: {@code Files.readString} sizes its
     * buffer from the file's length, which /proc reports as 0, and returned "3" for "32768 60999" on our CI machine,
     * so every port fell back to the kernel's choice, inside the ephemeral range (the CI failure of 2026-12-03 16:25).
     */
    static int ephemeralLow()
    {
        try (InputStream in = Files.newInputStream(EPHEMERAL_RANGE_FILE))
        {
            final String range = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            final int low = Integer.parseInt(range.split("\\s+")[0]);
            return low >= 1_024 + SPAN ? low : EPHEMERAL_LOW_DEFAULT;
        }
        catch (final IOException | RuntimeException ex)
        {
            return EPHEMERAL_LOW_DEFAULT;
        }
    }
}
