package com.wodian.tools;

import com.wodian.net.testing.group.ReplicaGroup;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario of {@link ReplicationFaultTest} (kill -9 of the primary and of a standby, a slow standby, partitions,
 * the whole group killed, a snapshot install cut by kill -9) again with mutual TLS between the nodes (issue 19: "the
 * replica-group fault tests pass with TLS on"): each node presents its {@code node-N} certificate of {@code wodian
 * certs} and accepts only peers whose certificates name a member of the group. The outcomes asserted are the same
 * (no acknowledged payment lost or applied twice, one state hash on every live node, the success ratio); on top,
 * every replication connection the fault proxies carried must have started with a TLS handshake record, so a group
 * that fell back to clear text fails here.
 */
class ReplicationFaultTlsTest extends ReplicationFaultTest
{
    private ReplicaGroup tlsGroup;

    @Override
    ReplicaGroup newGroup(final Path dir, final List<String> options) throws Exception
    {
        final Path certificates = dir.resolve("pki");
        final CliTest.Run certs = CliTest.wodian("certs", "--dir", certificates.toString(), "--nodes", "0,1,2",
            "--hosts", "127.0.0.1", "--days", "2");
        assertEquals(0, certs.exitCode(), () -> "wodian certs: " + certs.out());
        tlsGroup = super.newGroup(dir, options).mutualTls(certificates);
        return tlsGroup;
    }

    /** Runs before the base class closes the group (JUnit runs a subclass's {@code AfterEach} first). */
    @AfterEach
    void everyReplicationConnectionWasTls()
    {
        if (null == tlsGroup)
        {
            return;
        }
        System.out.println("replication connection directions through the fault proxies: " + tlsGroup.tlsStreams() +
            " started with a TLS record, " + tlsGroup.clearStreams() + " with anything else");
        assertTrue(tlsGroup.tlsStreams() > 0, "the nodes replicated through the proxies over TLS");
        assertEquals(0, tlsGroup.clearStreams(), "replication connections that did not start with a TLS record");
    }
}
