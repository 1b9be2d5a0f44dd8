package com.wodian.tools;

import com.wodian.net.testing.group.GroupChecks;
import com.wodian.net.testing.group.PosLoad;
import com.wodian.net.testing.group.ReplicaGroup;
import com.wodian.net.testing.group.TcpFaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fault injection with real processes on loopback (issue 8, point 5): a {@link ReplicaGroup} of three server JVMs
 * (a primary and two hot standbys, replication links through {@link TcpFaultProxy}s) takes pipelined payments from a
 * {@link PosLoad} terminal while a test kills, restarts, partitions or slows nodes.
 *
 * <p>After each scenario: every payment the terminal saw acknowledged is present on the primary and none is applied
 * twice (the terminal's unanswered payments are retried with their keys, then each consumer's wallet must be its
 * top-up minus exactly the payments sent to it: a lost acknowledged payment shows as a missing debit, a double one as
 * an extra debit); every live node answers StateHashQuery with the same last sequence and state hash; and the
 * terminal's success ratio (OK replies, with its retries, over payments not declined for business reasons) is at
 * least 99.99 %. Failover time is measured from the kill (or the partition) of the primary to the first payment
 * acknowledged by another node, and printed per round with its p99.
 *
 * <p>Scenarios: kill -9 of the primary at a random moment under load, {@code wodian.replication.kills} rounds (5),
 * the killed node restarted on its data folder each time; kill -9 of a standby, restarted, then the other standby's
 * links delayed (a slow standby) while paying; the primary partitioned from both standbys by CUT, healed (it must
 * rejoin as a standby), then the new primary partitioned by BLACKHOLE, healed.
 *
 * <p>Seedable: {@code -Dwodian.replication.seed=N} replays the same kill moments and node choices (not the same
 * elections: those depend on timing); the seed is printed. The terminal's pace is {@code wodian.replication.rate}.
 */
// A backstop, not a schedule: every wait inside is polled with its own 30-s deadline and several follow one another
// per kill round (the slowest scenario took 28.6 s on a loaded box), and a JUnit timeout reports no seed or group
// state; a real hang is still caught here, and by Surefire's fork timeout.
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ReplicationFaultTest
{
    private static final long SEED = Long.getLong("wodian.replication.seed", System.nanoTime());
    private static final List<String> GROUP_OPTIONS = List.of("--ack-policy", "quorum");
    private static final int KILL_ROUNDS = Integer.getInteger("wodian.replication.kills", 5);
    private static final long LEADER_TIMEOUT_MS = 30_000;
    private static final long FAILOVER_TIMEOUT_MS = 30_000;
    private static final long CONVERGE_TIMEOUT_MS = 30_000;
    private static final int PORT_ATTEMPTS_MAX = 3;

    private final Random random = new Random(SEED);
    private final List<String> report = new ArrayList<>();
    private ReplicaGroup group;
    private GroupChecks checks;
    private PosLoad pos;

    @AfterEach
    void stopGroup() throws Exception
    {
        if (null != pos)
        {
            pos.close();
        }
        if (null != group)
        {
            group.close();
        }
        System.out.println("ReplicationFaultTest seed " + SEED + "\n" + String.join("\n", report));
    }

    @Test
    void killNineOfThePrimaryAtRandomMomentsUnderLoad(@TempDir final Path dir) throws Exception
    {
        startGroupAndSetUp(dir);
        pos.start();
        final List<Long> failoverMs = new ArrayList<>();
        report.add("round | killed | kill after (ms) | failover (ms) | new primary | restart (ms) | caught up (ms) " +
            "| acknowledged so far");
        for (int round = 1; round <= KILL_ROUNDS; round++)
        {
            final int primary = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
            final int ackedBefore = pos.acknowledgedCount();
            assertTrue(pos.awaitAcknowledgedAbove(ackedBefore, FAILOVER_TIMEOUT_MS), "payments flow before round " +
                round + "\n" + group.describe());
            final long killAfterMs = 50 + random.nextInt(450);
            Thread.sleep(killAfterMs);

            final long killNs = System.nanoTime();
            pos.watchFailover(killNs, group.clientAddress(primary));
            group.kill(primary);
            final long firstAckNs = pos.awaitFirstAckAfterWatch(FAILOVER_TIMEOUT_MS);
            if (firstAckNs == 0)
            {
                fail("no payment acknowledged within " + FAILOVER_TIMEOUT_MS + " ms after kill -9 of primary " +
                    primary + " in round " + round + " (seed " + SEED + ")\n" + pos.summary() + "\n" +
                    group.describe() + logTails());
            }
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(firstAckNs - killNs);
            failoverMs.add(elapsedMs);
            final int newPrimary = group.awaitLeader(primary, LEADER_TIMEOUT_MS);
            final long restartNs = System.nanoTime();
            group.start(primary);
            final long listeningNs = System.nanoTime();
            awaitCaughtUp();
            report.add(String.format("%5d | %6d | %15d | %13d | %11d | %12d | %14d | %d", round, primary, killAfterMs,
                elapsedMs, newPrimary, TimeUnit.NANOSECONDS.toMillis(listeningNs - restartNs),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - listeningNs), pos.acknowledgedCount()));
        }
        report.add("failover p99 over " + failoverMs.size() + " kills: " + GroupChecks.percentile(failoverMs, 0.99) +
            " ms (max " + Collections.max(failoverMs) + " ms, target < 1000 ms)");
        verifyAfterLoad();
    }

    /** A standby killed under load and restarted, then the other standby slowed down, then healed. */
    @Test
    void killNineOfAStandbyThenASlowStandbyUnderLoad(@TempDir final Path dir) throws Exception
    {
        startGroupAndSetUp(dir);
        pos.start();
        final int primary = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        final int standby = (primary + 1 + random.nextInt(2)) % ReplicaGroup.NODES;
        assertTrue(pos.awaitAcknowledgedAbove(0, FAILOVER_TIMEOUT_MS), "payments flow");
        Thread.sleep(50 + random.nextInt(450));

        final long killNs = System.nanoTime();
        pos.watchFailover(killNs, "");
        group.kill(standby);
        final long firstAckNs = pos.awaitFirstAckAfterWatch(FAILOVER_TIMEOUT_MS);
        assertNotEquals(0, firstAckNs, () -> "payments go on with one standby down\n" + pos.summary());
        final int ackedWithOneDown = pos.acknowledgedCount();
        assertTrue(pos.awaitAcknowledgedAbove(ackedWithOneDown + 200, FAILOVER_TIMEOUT_MS),
            "payments keep flowing with one standby down\n" + group.describe());
        // Losing a standby needs no election; one may still happen if the primary is starved of CPU past the
        // election timeout (see the slow-standby note below), so a move is reported, not failed.
        final int leaderWithOneDown = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        if (leaderWithOneDown != primary)
        {
            report.add("note: leadership moved from " + primary + " to " + leaderWithOneDown + " with standby " +
                standby + " down (an election under CPU starvation)");
        }
        group.start(standby);
        awaitCaughtUp();
        report.add("standby " + standby + " killed under load: first acknowledgement after the kill in " +
            TimeUnit.NANOSECONDS.toMillis(firstAckNs - killNs) + " ms; the primary was " + primary + "; " +
            "the restarted standby caught up");

        final int leaderBeforeSlow = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        int slow = 0;
        while (slow == leaderBeforeSlow || slow == standby)
        {
            slow++; // the standby that was not restarted, unless it leads by now
        }
        final long delayMs = 20 + random.nextInt(60);
        group.slow(slow, delayMs);
        final int ackedBefore = pos.acknowledgedCount();
        final long slowStartNs = System.nanoTime();
        // An outcome, not a rate: 200 more payments while the standby is slow (an election under CPU starvation can
        // take seconds of a fixed window), and the slow period lasts at least 2 s either way.
        assertTrue(pos.awaitAcknowledgedAbove(ackedBefore + 200, FAILOVER_TIMEOUT_MS), "payments flow while standby " +
            slow + " is slow: " + (pos.acknowledgedCount() - ackedBefore));
        Thread.sleep(Math.max(0, 2_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - slowStartNs)));
        // Which node leads while one is slow is not asserted here. With a 300 ms election timeout, a JVM starved of
        // CPU for that long (three servers, the terminal and Maven on two cores) lets a standby time out, and once
        // the primary has stepped down the slow standby, its log complete again, may win: correct Raft behaviour.
        // That a slow but healthy standby neither starts an election nor leads is asserted where time is simulated
        // (ConsensusSimulationTest.aSlowStandbyNeitherDisruptsNorTakesOver); here the group must keep a leader,
        // keep paying, lose nothing and converge after the heal.
        final int leaderWhileSlow = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        if (leaderWhileSlow != leaderBeforeSlow)
        {
            report.add("note: leadership moved from " + leaderBeforeSlow + " to " + leaderWhileSlow + " while " +
                slow + " was slow (an election under CPU starvation)");
        }
        final long slowMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - slowStartNs);
        final int ackedWhileSlow = pos.acknowledgedCount() - ackedBefore;
        group.healAll();
        awaitCaughtUp();
        report.add("standby " + slow + " delayed " + delayMs + " ms each way for " + slowMs + " ms: " +
            ackedWhileSlow + " payments acknowledged meanwhile; it caught up after the heal");
        verifyAfterLoad();
    }

    /**
     * The primary cut off from both standbys (its client port still up), healed, then the new primary blackholed
     * (connections kept, bytes swallowed), healed: each time a standby takes over, and the old primary rejoins as a
     * standby of the new one.
     */
    @Test
    void partitionedPrimaryIsReplacedAndRejoinsAsStandbyAfterTheHeal(@TempDir final Path dir) throws Exception
    {
        startGroupAndSetUp(dir);
        pos.start();
        for (final TcpFaultProxy.Mode partition : List.of(TcpFaultProxy.Mode.CUT, TcpFaultProxy.Mode.BLACKHOLE))
        {
            final int primary = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
            awaitCaughtUp();
            assertTrue(pos.awaitAcknowledgedAbove(pos.acknowledgedCount(), FAILOVER_TIMEOUT_MS), "payments flow");
            Thread.sleep(50 + random.nextInt(450));

            final long cutNs = System.nanoTime();
            pos.watchFailover(cutNs, group.clientAddress(primary));
            group.partition(primary, partition);
            final StepDownWatch stepDown = new StepDownWatch(primary);
            final long firstAckNs = pos.awaitFirstAckAfterWatch(FAILOVER_TIMEOUT_MS);
            final long stepDownNs = stepDown.await(FAILOVER_TIMEOUT_MS);
            if (firstAckNs == 0)
            {
                fail("no payment acknowledged by another node within " + FAILOVER_TIMEOUT_MS + " ms after a " +
                    partition + " partition of primary " + primary + " (seed " + SEED + ")\n" + pos.summary() +
                    "\n" + group.describe() + logTails());
            }
            final int newPrimary = group.awaitLeader(primary, LEADER_TIMEOUT_MS);
            final int ackedInPartition = pos.acknowledgedCount();
            assertTrue(pos.awaitAcknowledgedAbove(ackedInPartition + 100, FAILOVER_TIMEOUT_MS),
                "payments flow on the majority side");

            group.healAll();
            final int leaderAfterHeal = awaitFollowsCurrentLeader(primary);
            awaitCaughtUp();
            report.add("primary " + primary + " partitioned (" + partition + "): first acknowledgement by node " +
                newPrimary + " after " + TimeUnit.NANOSECONDS.toMillis(firstAckNs - cutNs) + " ms; the isolated " +
                "primary stopped claiming leadership after " + (stepDownNs == 0 ? "(never seen)" :
                TimeUnit.NANOSECONDS.toMillis(stepDownNs - cutNs) + " ms (polled)") + "; after the heal node " +
                primary + " follows " + leaderAfterHeal);
        }
        verifyAfterLoad();
    }

    /**
     * Issue 16: snapshots are on by default in a group. Every node snapshots often (every 300 inputs); once each has
     * two, the load stops and all three are killed -9 at once (a snapshot write may be cut), then restarted: each
     * starts from a snapshot (its log says so), they elect a primary, converge, and no acknowledged payment is lost
     * or applied twice.
     */
    @Test
    void wholeGroupKilledAndRestartedFromSnapshots(@TempDir final Path dir) throws Exception
    {
        startGroupAndSetUp(dir, List.of("--ack-policy", "quorum", "--snapshot-every-inputs", "300",
            "--snapshot-retain", "3"));
        pos.start();
        assertTrue(pos.awaitAcknowledgedAbove(600, FAILOVER_TIMEOUT_MS), "payments flow\n" + group.describe());
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MS);
        for (int node = 0; node < ReplicaGroup.NODES; node++)
        {
            while (group.validSnapshots(node) < 2)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    fail("node " + node + " has fewer than two snapshots\n" + group.describe() + logTails());
                }
                Thread.sleep(50);
            }
        }
        pos.stopAndDrain(CONVERGE_TIMEOUT_MS);
        // Each node's stored commit mark (written every 200 ms) must have passed one of its snapshots, or it would
        // rightly recover from the journal alone.
        final long markDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MS);
        for (int node = 0; node < ReplicaGroup.NODES; node++)
        {
            while (!group.commitMarkReachesASnapshot(node))
            {
                if (System.nanoTime() - markDeadlineNs > 0)
                {
                    fail("node " + node + ": commit mark below every snapshot\n" + group.describe() + logTails());
                }
                Thread.sleep(50);
            }
        }
        for (int node = 0; node < ReplicaGroup.NODES; node++)
        {
            group.kill(node);
        }
        final long restartNs = System.nanoTime();
        group.startAll();
        final int primary = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        final long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
        for (int node = 0; node < ReplicaGroup.NODES; node++)
        {
            final String log = Files.readString(group.lastLog(node));
            assertTrue(log.contains("recovered: snapshot at sequence"), "node " + node + " restarted from a " +
                "snapshot:\n" + log);
        }
        report.add("whole group killed -9 with snapshots on every node and restarted: primary " + primary +
            " elected " + electedMs + " ms after the restart began");
        verifyAfterLoad();
    }

    /**
     * Snapshot install with real processes (docs/replication.md, "Snapshot install"): while payments flow, a standby
     * is killed -9 and its data folder wiped (credentials kept); it comes back far behind the primary's newest snapshot
     * (installBehindEntries=100), is sent the snapshot in 16 KiB chunks over links slowed to 30 ms each way, and is
     * killed -9 again once part of it is on its disk; restarted, it resumes, installs, restarts its pipeline on the
     * snapshot and catches up. Outcomes only: no acknowledged payment lost or applied twice, one state hash.
     */
    @Test
    void aWipedStandbyKilledDuringSnapshotInstallIsRepaired(@TempDir final Path dir) throws Exception
    {
        group = newGroup(dir, List.of("--ack-policy", "quorum", "--snapshot-every-inputs", "300",
            "--snapshot-retain", "3"));
        group.jvmOptions(List.of("-Dwodian.replication.installBehindEntries=100",
            "-Dwodian.replication.snapshotChunkBytes=16384"));
        group.startAll();
        setUpStartedGroup();
        pos.start();
        assertTrue(pos.awaitAcknowledgedAbove(700, FAILOVER_TIMEOUT_MS), "payments flow\n" + group.describe());
        final int standby = (group.awaitLeader(-1, LEADER_TIMEOUT_MS) + 1) % ReplicaGroup.NODES;
        group.kill(standby);
        group.wipeKeepingCredentials(standby);
        group.slow(standby, 30);
        group.start(standby);

        final Path installDir = group.dataDir(standby).resolve("snapshot-install");
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MS);
        boolean killedDuringInstall = false;
        while (System.nanoTime() - deadlineNs < 0 && !group.installedSnapshot(standby))
        {
            if (partialBytes(installDir) > 0)
            {
                group.kill(standby);
                killedDuringInstall = !group.installedSnapshot(standby);
                break;
            }
            Thread.sleep(5);
        }
        final long partialAtKill = partialBytes(installDir);
        group.healAll();
        if (!group.isAlive(standby))
        {
            group.start(standby);
        }
        final long installDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MS);
        while (!group.installedSnapshot(standby))
        {
            if (System.nanoTime() - installDeadlineNs > 0)
            {
                fail("standby " + standby + " never installed a snapshot\n" + group.describe() + logTails());
            }
            Thread.sleep(50);
        }
        report.add("wiped standby " + standby + " repaired by snapshot install; killed -9 during the install: " +
            killedDuringInstall + " (" + partialAtKill + " bytes received by then)");
        verifyAfterLoad();
        assertTrue(group.isAlive(standby), "the repaired standby runs\n" + group.describe() + logTails());
        // The group's state already includes the standby's own hash; its status is polled too (one status call can
        // time out on a just-installed JVM, and an election in between appends a no-op that moves the sequence).
        final long repairedDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MS);
        ReplicaGroup.NodeStatus repaired = null;
        long groupSequence = -1;
        while (System.nanoTime() - repairedDeadlineNs < 0)
        {
            groupSequence = group.awaitSameState(CONVERGE_TIMEOUT_MS).lastSequence();
            repaired = group.status(standby);
            if (null != repaired && repaired.appliedIndex() == groupSequence)
            {
                return;
            }
            Thread.sleep(100);
        }
        fail("the repaired standby is not at the group's state " + groupSequence + ": " + repaired + " (seed " + SEED +
            ")\n" + group.describe() + logTails());
    }

    private static long partialBytes(final Path installDir) throws IOException
    {
        if (!Files.isDirectory(installDir))
        {
            return 0;
        }
        long bytes = 0;
        try (Stream<Path> files = Files.list(installDir))
        {
            for (final Path file : files.toList())
            {
                try
                {
                    bytes += Files.size(file);
                }
                catch (final NoSuchFileException ex)
                {
                    // moved into snapshots/ meanwhile
                }
            }
        }
        return bytes;
    }

    private void startGroupAndSetUp(final Path dir) throws Exception
    {
        startGroupAndSetUp(dir, GROUP_OPTIONS);
    }

    private void startGroupAndSetUp(final Path dir, final List<String> options) throws Exception
    {
        // A group's ports must be known before its nodes start (they name each other in --peers), so they are chosen
        // free and then bound by the child processes; another process can take one in between (seen once in CI:
        // "Address already in use"). That is the set-up's race, not the scenario's: start again on fresh ports.
        for (int attempt = 1; ; attempt++)
        {
            group = newGroup(attempt == 1 ? dir : dir.resolve("attempt-" + attempt), options);
            try
            {
                group.startAll();
                break;
            }
            catch (final Exception ex)
            {
                if (attempt == PORT_ATTEMPTS_MAX || !isAddressInUse(ex))
                {
                    throw ex;
                }
                report.add("group set-up attempt " + attempt + ": a port was taken before its node bound it; again");
                group.close();
            }
        }
        setUpStartedGroup();
    }

    private static boolean isAddressInUse(final Throwable failure)
    {
        for (Throwable cause = failure; null != cause; cause = cause.getCause())
        {
            if (String.valueOf(cause.getMessage()).contains("Address already in use"))
            {
                return true;
            }
        }
        return false;
    }

    /** The group of a scenario, not started; {@link ReplicationFaultTlsTest} turns on mutual TLS between its nodes. */
    ReplicaGroup newGroup(final Path dir, final List<String> options) throws Exception
    {
        return new ReplicaGroup(dir, options);
    }

    /** Sets up the parties the payments use on the group already started in {@link #group}. */
    private void setUpStartedGroup() throws Exception
    {
        group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        checks = new GroupChecks(group, "seed " + SEED);
        checks.setUpParties();
        pos = new PosLoad(group);
    }

    /** The outcomes every scenario ends with ({@link GroupChecks}), reported. */
    private void verifyAfterLoad() throws Exception
    {
        final GroupChecks.Outcome outcome = checks.verifyNoPaymentLostOrDoubled(pos, CONVERGE_TIMEOUT_MS);
        report.add(pos.summary());
        report.add(String.format("success ratio %.5f (min %.4f); %d unanswered payments retried at the end; live " +
            "nodes at sequence %d, state hash %016x", pos.successRatio(), GroupChecks.SUCCESS_RATIO_MIN,
            outcome.retriedAtEnd(), outcome.state().lastSequence(), outcome.state().stateHash()));
        report.add("group at the end (role 1 standby, 3 primary; truncations: unacknowledged journal tails cut " +
            "off):\n" + group.describe());
    }

    /** Polls a partitioned primary's own status until it no longer says it leads (fencing by check quorum). */
    private final class StepDownWatch
    {
        private final Thread thread;
        private volatile long steppedDownNs;
        private volatile boolean stop;

        StepDownWatch(final int node)
        {
            thread = new Thread(() ->
            {
                while (!stop)
                {
                    final ReplicaGroup.NodeStatus status = group.status(node);
                    if (null != status && status.role() != ReplicaGroup.ROLE_LEADER)
                    {
                        steppedDownNs = System.nanoTime();
                        return;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
            }, "step-down-watch");
            thread.setDaemon(true);
            thread.start();
        }

        /** When the node was first seen not leading, or 0 when it still led after timeoutMs. */
        long await(final long timeoutMs) throws InterruptedException
        {
            thread.join(timeoutMs);
            stop = true;
            thread.join();
            return steppedDownNs;
        }
    }

    private void awaitCaughtUp() throws InterruptedException
    {
        checks.awaitCaughtUp(CONVERGE_TIMEOUT_MS);
    }

    /** Waits (bounded) until the node reports the role and leader. */
    /**
     * Waits (bounded) until {@code node} follows the leader a majority agrees on now, and returns that leader. The
     * leader need not be the first one elected during the partition: a second, legitimate election (the healed
     * node's higher term forces one) may choose another node, and the outcome asserted is only that the old primary
     * rejoined as a standby.
     */
    private int awaitFollowsCurrentLeader(final int node) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MS);
        ReplicaGroup.NodeStatus status = null;
        int leader = -1;
        while (System.nanoTime() < deadlineNs)
        {
            leader = group.leader();
            status = group.status(node);
            if (leader >= 0 && leader != node && null != status &&
                status.role() == ReplicaGroup.ROLE_FOLLOWER && status.leaderId() == leader)
            {
                return leader;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node " + node + " does not follow the current leader (" + leader + ") within " +
            CONVERGE_TIMEOUT_MS + " ms: " + status + " (seed " + SEED + ")\n" + group.describe() + logTails());
    }

    private String logTails()
    {
        return group.logTails(30);
    }
}
