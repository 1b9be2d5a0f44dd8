package com.wodian.net.cluster.stage;

import com.wodian.journal.consensus.AckPolicy;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.cluster.transport.MessageHandler;
import com.wodian.net.cluster.transport.ReplicationTransport;
import com.wodian.net.testing.IgnoringMessageHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A joining node under other engine limits stops only once its own hello has gone out to every peer (or after
 * {@link JoinLimitsCheck#HELLOS_WAIT_MS} for a peer that is down): the primary refuses {@code group add} of it only
 * when it refused that hello itself. Real transports on loopback; the check is given its clock, so no test waits.
 */
class JoinLimitsCheckTest
{
    private static final String GROUP_LIMITS = "consumersMax=10000,merchantsMax=1000";
    private static final String JOINER_LIMITS = "consumersMax=10000,merchantsMax=2000";
    private static final int JOINER = 2;

    private final List<ReplicationTransport> toClose = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        toClose.forEach(ReplicationTransport::close);
    }

    @Test
    void aRefusedJoinerWaitsUntilItsHelloReachedEveryPeer()
    {
        final ReplicationTransport primary = transport(0, GROUP_LIMITS);
        final ReplicationTransport member = transport(1, GROUP_LIMITS);
        final ReplicationTransport joiner = transport(JOINER, JOINER_LIMITS);
        final JoinLimitsCheck check = new JoinLimitsCheck(new ReplicaGroupConfig(JOINER, new InetSocketAddress[] {
            primary.localAddress(), member.localAddress(), joiner.localAddress()}, AckPolicy.QUORUM));
        // The member and the joiner dial each other; the joiner's dial to the primary is not made yet.
        member.peerAddress(JOINER, joiner.localAddress());
        joiner.peerAddress(1, member.localAddress());
        pollUntil(check, new ReplicationTransport[] {member, joiner},
            () -> null != joiner.engineLimitsRefusal(1) && null != member.engineLimitsRefusal(JOINER));

        final long nowMs = 1_000;
        assertNull(check.refusal(joiner, nowMs), "refused by a member, but its hello has not reached the primary");
        assertNull(check.refusal(joiner, nowMs + JoinLimitsCheck.HELLOS_WAIT_MS - 1));

        joiner.peerAddress(0, primary.localAddress());
        pollUntil(check, new ReplicationTransport[] {primary, joiner},
            () -> null != primary.engineLimitsRefusal(JOINER));
        final String refusal = check.refusal(joiner, nowMs + 1);
        assertNotNull(refusal, "every peer has its hello: it stops");
        assertTrue(refusal.contains("started with --join") &&
            refusal.contains("merchantsMax 2000 (node 2) / 1000 (node 1)"), refusal);
    }

    @Test
    void aRefusedJoinerStopsAfterTheWaitWhenAPeerIsDown()
    {
        final ReplicationTransport member = transport(1, GROUP_LIMITS);
        final ReplicationTransport joiner = transport(JOINER, JOINER_LIMITS);
        // Node 0 is named by --peers, but the joiner's transport never reaches it (a member that is down).
        final JoinLimitsCheck check = new JoinLimitsCheck(new ReplicaGroupConfig(JOINER, new InetSocketAddress[] {
            new InetSocketAddress("127.0.0.1", 1), member.localAddress(), joiner.localAddress()}, AckPolicy.QUORUM));
        member.peerAddress(JOINER, joiner.localAddress());
        joiner.peerAddress(1, member.localAddress());
        pollUntil(check, new ReplicationTransport[] {member, joiner}, () -> null != joiner.engineLimitsRefusal(1));

        final long nowMs = 5_000;
        assertNull(check.refusal(joiner, nowMs));
        assertNotNull(check.refusal(joiner, nowMs + JoinLimitsCheck.HELLOS_WAIT_MS), "stops after the wait");
    }

    private ReplicationTransport transport(final int id, final String limits)
    {
        final InetSocketAddress[] addresses = new InetSocketAddress[3];
        addresses[id] = new InetSocketAddress("127.0.0.1", 0);
        final ReplicationTransport transport =
            new ReplicationTransport(id, "wodian-test", addresses, (payload, into) -> false).engineLimits(limits);
        toClose.add(transport);
        return transport;
    }

    /** Polls and flushes as the replication stage does, the check noting the hellos after each flush. */
    private static void pollUntil(
        final JoinLimitsCheck check, final ReplicationTransport[] transports, final BooleanSupplier done)
    {
        // Refused peers send nothing but hellos.
        final MessageHandler handler = new IgnoringMessageHandler();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long nowMs = 0;
        while (System.nanoTime() - deadlineNs < 0)
        {
            for (final ReplicationTransport transport : transports)
            {
                transport.poll(nowMs, handler);
                transport.flush();
            }
            check.afterFlush(transports[transports.length - 1]);
            if (done.getAsBoolean())
            {
                return;
            }
            nowMs++;
            LockSupport.parkNanos(100_000);
        }
        fail("condition not reached in 30 s");
    }
}
