package com.wodian.net.cluster;

import com.wodian.journal.consensus.AckPolicy;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review B11: a replica group without node TLS needs {@code --insecure} on loopback too. A clear-text group
 * on one host handed its whole journal to a local process that bound a stopped member's address and said hello as
 * it; before, only groups with an address off the machine were refused.
 */
class GroupOptionsTest
{
    @Test
    void aClearTextGroupNeedsInsecureAlsoOnLoopback()
    {
        final GroupOptions loopback = new GroupOptions();
        loopback.replicaGroup(new ReplicaGroupConfig(0, new InetSocketAddress[] {
            new InetSocketAddress("127.0.0.1", 7801), new InetSocketAddress("127.0.0.1", 7802)}, AckPolicy.QUORUM));
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> loopback.validate(false, (host) -> true));
        assertTrue(refused.getMessage().startsWith("refusing clear-text replication on loopback without --insecure"),
            refused.getMessage());
        loopback.validate(true, (host) -> true);

        final GroupOptions lan = new GroupOptions();
        lan.replicaGroup(new ReplicaGroupConfig(0, new InetSocketAddress[] {
            new InetSocketAddress("127.0.0.1", 7801), new InetSocketAddress("10.0.0.2", 7801)}, AckPolicy.QUORUM));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lan.validate(false, "127.0.0.1"::equals))
            .getMessage().contains("10.0.0.2:7801, which is not a loopback address"));
        lan.validate(true, "127.0.0.1"::equals);
    }
}
