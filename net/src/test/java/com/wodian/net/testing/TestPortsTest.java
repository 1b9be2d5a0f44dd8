package com.wodian.net.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ports {@link TestPorts} hands out lie below the kernel's ephemeral range: a port inside it can be taken by any
 * outbound connection between the choice and the server's bind (a CI run failed that way).
 */
final class TestPortsTest
{
    private static final Path RANGE_FILE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @Test
    void readsTheEphemeralRangeOfThisMachine() throws Exception
    {
        assumeTrue(Files.isReadable(RANGE_FILE), "no /proc port range on this system");
        final int low = Integer.parseInt(Files.readAllLines(RANGE_FILE).get(0).trim().split("\\s+")[0]);
        assumeTrue(low >= 13_024, "an ephemeral range too low for ports below it: " + low);
        assertEquals(low, TestPorts.ephemeralLow());
    }

    @Test
    void portsAreDistinctAndBelowTheEphemeralRange() throws Exception
    {
        assumeTrue(Files.isReadable(RANGE_FILE), "no /proc port range on this system");
        final int low = TestPorts.ephemeralLow();
        for (int round = 0; round < 20; round++)
        {
            final int[] ports = TestPorts.reserve(6);
            final Set<Integer> distinct = new HashSet<>();
            for (final int port : ports)
            {
                assertTrue(port >= 1_024 && port < low, "port " + port + " outside [1024, " + low + ")");
                distinct.add(port);
            }
            assertEquals(ports.length, distinct.size());
        }
    }

    /**
     * Two reserves in a row (a group's replication ports, then its client ports) must not share a port: each is free
     * when checked and unbound until its server starts, so without the JVM's record of what it handed out 2,000
     * ports drawn from 12,000 repeat about 160 times.
     */
    @Test
    void noPortIsHandedOutTwiceInOneJvm() throws Exception
    {
        assumeTrue(Files.isReadable(RANGE_FILE), "no /proc port range on this system");
        assumeTrue(TestPorts.ephemeralLow() >= 13_024, "an ephemeral range too low for ports below it");
        final Set<Integer> seen = new HashSet<>();
        for (int call = 0; call < 1_000; call++)
        {
            for (final int port : TestPorts.reserve(2))
            {
                assertTrue(seen.add(port), "port " + port + " handed out twice (call " + call + ")");
            }
        }
    }

    /**
     * Two test JVMs on one host (two CIs at once) must not hand out the same port: a child JVM reserves ports with its
     * temporary folder set to ours; while it runs, each of them is refused to a claimant of that folder's claims file
     * here, and once it has exited each is free to claim again (the kernel dropped its locks).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void portsHandedOutInAnotherJvmAreRefusedHereUntilItExits(@TempDir final Path dir) throws Exception
    {
        assumeTrue(Files.isReadable(RANGE_FILE), "no /proc port range on this system");
        assumeTrue(TestPorts.ephemeralLow() >= 13_024, "an ephemeral range too low for ports below it");
        final Process child = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + dir,
            "-cp", System.getProperty("java.class.path"), HoldingJvm.class.getName(), "40"))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final int[] held = portsPrintedBy(child);
        final PortClaims here = new PortClaims(dir.resolve("wodian-test-ports.lock"));
        for (final int port : held)
        {
            assertFalse(here.claim(port), "port " + port + " held by the child JVM was claimed here");
        }
        child.getOutputStream().close();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not exit on end of input");
        for (final int port : held)
        {
            assertTrue(here.claim(port), "port " + port + " still refused after its holder exited");
        }
    }

    private static int[] portsPrintedBy(final Process child) throws Exception
    {
        final BufferedReader out =
            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
        for (String line = out.readLine(); null != line; line = out.readLine())
        {
            if (line.startsWith("ports "))
            {
                final int[] ports = Arrays.stream(line.substring(6).trim().split(" ")).mapToInt(Integer::parseInt)
                    .toArray();
                assertEquals(40, ports.length, line);
                return ports;
            }
        }
        return fail("the child JVM printed no ports (exit " + child.waitFor() + ")");
    }

    /** A JVM that reserves ports, prints them on one line and holds them until its standard input ends. */
    public static final class HoldingJvm
    {
        public static void main(final String[] args) throws Exception
        {
            final int[] ports = TestPorts.reserve(Integer.parseInt(args[0]));
            final StringBuilder line = new StringBuilder("ports");
            for (final int port : ports)
            {
                line.append(' ').append(port);
            }
            System.out.println(line);
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // held until the parent closes our input
            }
        }
    }
}
