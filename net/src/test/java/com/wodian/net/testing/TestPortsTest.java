package com.wodian.net.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

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
}
