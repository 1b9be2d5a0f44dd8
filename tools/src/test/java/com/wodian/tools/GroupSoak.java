package com.wodian.tools;

import com.wodian.net.auth.Credentials;
import com.wodian.net.testing.group.GroupChecks;
import com.wodian.net.testing.group.PosLoad;
import com.wodian.net.testing.group.ReplicaGroup;
import com.wodian.net.testing.group.TcpFaultProxy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The group soak for manual runs (perf/scripts/soak-group.sh; docs/replication.md, "Soak"): a {@link ReplicaGroup} of
 * three server processes under a {@link PosLoad} terminal for a number of minutes, with one fault after another at
 * seeded random moments: kill -9 of the primary or of a standby (restarted on its data folder), a partition of the
 * primary or of a standby (CUT or BLACKHOLE through the fault proxies, then healed), and membership changes (a random
 * node removed with {@code wodian group remove}, killed, wiped, restarted empty with {@code --join} and added back
 * with {@code wodian group add}) at a third and two thirds of the run. After each fault the group must catch up
 * within a bounded time; at the end the {@link GroupChecks}: no acknowledged payment lost or applied twice, every node
 * at one state hash, the success ratio. Failover time (kill or partition of the primary to the first payment
 * acknowledged by another node) is reported with p50/p99/max.
 *
 * <p>Arguments: {@code --minutes N} (30), {@code --seed N} (random, printed), {@code --dir DIR} (the groups' data and
 * logs; required), {@code --keys-max N} (the servers' idempotency keys; default from the rate and the minutes),
 * {@code --pause-ms MIN-MAX} (5000-20000, between faults), {@code --install-behind-entries N} (5000: a node further
 * behind gets a snapshot install). The rate is the system property
 * {@code wodian.replication.rate} (PosLoad). Exit status 0 when every check passed, 1 otherwise.
 */
final class GroupSoak
{
    private static final long LEADER_TIMEOUT_MS = 30_000;
    private static final long FAILOVER_TIMEOUT_MS = 30_000;
    private static final long CATCH_UP_TIMEOUT_MS = 120_000;
    private static final long VERIFY_TIMEOUT_MS = 120_000;
    /**
     * The terminal's client logs every reconnect: hundreds of faults would bury the summary. Held here: JUL keeps
     * loggers weakly, and a collected one forgets its level.
     */
    private static final Logger CLIENT_LOG = Logger.getLogger("com.wodian.net.client");

    private final SoakOptions options;
    private final Random random;
    private final SoakReport report;
    private ReplicaGroup group;
    private GroupChecks checks;
    private PosLoad pos;
    private Path secrets;

    private GroupSoak(final SoakOptions options)
    {
        this.options = options;
        this.random = new Random(options.seed());
        this.report = new SoakReport(options);
    }

    public static void main(final String[] args) throws Exception
    {
        final SoakOptions options = SoakOptions.parse(args);
        CLIENT_LOG.setLevel(Level.WARNING);
        final GroupSoak soak = new GroupSoak(options);
        final Thread cleanup = new Thread(soak::closeQuietly, "soak-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        boolean passed = false;
        try
        {
            soak.run();
            passed = true;
        }
        catch (final Throwable failure)
        {
            soak.report.failed(failure, soak.group);
        }
        finally
        {
            soak.closeQuietly();
        }
        System.out.println(soak.report.summary(passed));
        System.out.flush();
        Runtime.getRuntime().halt(passed ? 0 : 1);
    }

    private void run() throws Exception
    {
        startGroup();
        final long startNs = System.nanoTime();
        final long endNs = startNs + TimeUnit.MINUTES.toNanos(options.minutes());
        final long[] membershipAtNs = {startNs + (endNs - startNs) / 3, startNs + 2 * (endNs - startNs) / 3};
        int membershipChanges = 0;
        while (System.nanoTime() < endNs)
        {
            pause(endNs);
            if (System.nanoTime() >= endNs)
            {
                break;
            }
            if (membershipChanges < membershipAtNs.length && System.nanoTime() >= membershipAtNs[membershipChanges])
            {
                replaceANode();
                membershipChanges++;
            }
            else
            {
                injectRandomFault();
            }
            checks.awaitCaughtUp(CATCH_UP_TIMEOUT_MS);
        }
        if (membershipChanges == 0)
        {
            replaceANode(); // a run too short to reach a third: the change still happens once
            checks.awaitCaughtUp(CATCH_UP_TIMEOUT_MS);
        }
        report.loadNow("before the final checks");
        final GroupChecks.Outcome outcome = checks.verifyNoPaymentLostOrDoubled(pos, VERIFY_TIMEOUT_MS);
        report.passedChecks(outcome, pos, group.describe(), wholeGroupCommitted());
    }

    private void startGroup() throws Exception
    {
        group = new ReplicaGroup(options.dir(), List.of("--ack-policy", "quorum", "--keys-max",
            Long.toString(options.keysMax()), "--snapshot-every-inputs", "20000", "--snapshot-retain", "3"));
        // A node further behind than this is repaired by a snapshot install, not from the journal (a wiped one always
        // is, a restarted one when it was down long enough). Heap: a node holds its engine's state twice (the engine
        // and the snapshotter's replica engine), and both grow with the payments; at 1 GB the 20:06 UTC 2026-12-03
        // soak ran out of heap on the engine thread after ~1 M payments (keys-max 2.7 M), so 3 GB per node.
        group.jvmOptions(List.of("-Xmx3g", "-Dwodian.replication.installBehindEntries=" +
            options.installBehindEntries()));
        secrets = options.dir().resolve("admin-secrets");
        Credentials.save(secrets, List.of(group.admin()));
        group.startAll();
        group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        checks = new GroupChecks(group, "soak seed " + options.seed());
        checks.setUpParties();
        pos = new PosLoad(group);
        pos.start();
        if (!pos.awaitAcknowledgedAbove(100, LEADER_TIMEOUT_MS))
        {
            throw new AssertionError("no payment acknowledged after the start\n" + group.describe());
        }
        report.loadNow("at the start");
    }

    private void pause(final long endNs) throws InterruptedException
    {
        final long pauseMs = options.pauseMinMs() + random.nextInt(
            (int)Math.max(1, options.pauseMaxMs() - options.pauseMinMs()));
        final long untilNs = Math.min(endNs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs));
        final int ackedBefore = pos.acknowledgedCount();
        while (System.nanoTime() < untilNs)
        {
            Thread.sleep(Math.max(1, Math.min(1_000, TimeUnit.NANOSECONDS.toMillis(untilNs - System.nanoTime()))));
        }
        // Fails fast when the terminal itself failed (PosLoad rethrows its failure).
        pos.awaitAcknowledgedAbove(ackedBefore, FAILOVER_TIMEOUT_MS);
    }

    private void injectRandomFault() throws Exception
    {
        final int primary = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        final int standby = (primary + 1 + random.nextInt(ReplicaGroup.NODES - 1)) % ReplicaGroup.NODES;
        final TcpFaultProxy.Mode partition = random.nextBoolean() ? TcpFaultProxy.Mode.CUT :
            TcpFaultProxy.Mode.BLACKHOLE;
        final long downMs = 1_000 + random.nextInt(5_000);
        final int kind = random.nextInt(100);
        if (kind < 35)
        {
            killAndRestart(primary, true, downMs);
        }
        else if (kind < 60)
        {
            partitionAndHeal(primary, true, partition, downMs);
        }
        else if (kind < 80)
        {
            killAndRestart(standby, false, downMs);
        }
        else
        {
            partitionAndHeal(standby, false, partition, downMs);
        }
    }

    private void killAndRestart(final int node, final boolean isPrimary, final long downMs) throws Exception
    {
        final String what = "kill -9 " + (isPrimary ? "primary " : "standby ") + node;
        final long faultNs = System.nanoTime();
        pos.watchFailover(faultNs, isPrimary ? group.clientAddress(node) : "");
        group.kill(node);
        final long failoverMs = awaitFirstAck(what, faultNs);
        Thread.sleep(Math.max(0, downMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultNs)));
        group.start(node);
        report.fault(isPrimary ? "kill-primary" : "kill-standby", what + ", down " + downMs + " ms", failoverMs,
            isPrimary);
    }

    private void partitionAndHeal(final int node, final boolean isPrimary, final TcpFaultProxy.Mode mode,
        final long heldMs) throws Exception
    {
        final String what = mode + " partition of " + (isPrimary ? "primary " : "standby ") + node;
        final long faultNs = System.nanoTime();
        pos.watchFailover(faultNs, isPrimary ? group.clientAddress(node) : "");
        group.partition(node, mode);
        final long failoverMs = awaitFirstAck(what, faultNs);
        Thread.sleep(Math.max(0, heldMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultNs)));
        group.healAll();
        report.fault(isPrimary ? "partition-primary" : "partition-standby", what + ", held " + heldMs + " ms",
            failoverMs, isPrimary);
    }

    /** Milliseconds from the fault to the first payment acknowledged (by another node after a primary fault). */
    private long awaitFirstAck(final String what, final long faultNs) throws InterruptedException
    {
        final long firstAckNs = pos.awaitFirstAckAfterWatch(FAILOVER_TIMEOUT_MS);
        if (firstAckNs == 0)
        {
            throw new AssertionError("no payment acknowledged within " + FAILOVER_TIMEOUT_MS + " ms after " + what +
                "\n" + pos.summary() + "\n" + group.describe() + group.logTails(30));
        }
        return TimeUnit.NANOSECONDS.toMillis(firstAckNs - faultNs);
    }

    /**
     * The membership path (docs/replication.md, "Membership changes"): remove, kill -9, wipe, restart empty with
     * {@code --join}, add. The node is chosen at random, so it is sometimes the primary (which hands over).
     */
    private void replaceANode() throws Exception
    {
        final int node = random.nextInt(ReplicaGroup.NODES);
        final boolean wasPrimary = node == group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        final long startNs = System.nanoTime();
        requireGroupCommand("remove", node);
        group.kill(node);
        group.wipeKeepingCredentials(node);
        awaitSnapshotsOnLiveNodes();
        group.start(node, List.of("--join"));
        requireGroupCommand("add", node);
        report.membership("remove, wipe, --join, add of node " + node + (wasPrimary ? " (the primary)" : "") +
            " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms");
    }

    private void requireGroupCommand(final String action, final int node)
    {
        final CliTest.Run run = CliTest.wodian("group", action, "--peers", group.clientAddresses(), "--node",
            Integer.toString(node), "--credentials", secrets.toString(), "--wait-ms", "120000");
        if (run.exitCode() != 0)
        {
            throw new AssertionError("wodian group " + action + " --node " + node + " failed: " + run.out() + "\n" +
                group.describe());
        }
    }

    private void awaitSnapshotsOnLiveNodes() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_TIMEOUT_MS);
        while (!group.everyLiveNodeHoldsASnapshot())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("not every live node took a snapshot\n" + group.describe());
            }
            Thread.sleep(100);
        }
    }

    /** {@code wodian status}: every node reports the whole group as voters, the configuration committed. */
    private boolean wholeGroupCommitted()
    {
        final CliTest.Run status = CliTest.wodian("status", "--peers", group.clientAddresses(), "--credentials",
            secrets.toString(), "--no-hash");
        return status.out().split("configuration: voters 0,1,2 learners - \\(committed\\)", -1).length - 1 ==
            ReplicaGroup.NODES;
    }

    private void closeQuietly()
    {
        try
        {
            if (null != pos)
            {
                pos.close();
            }
        }
        catch (final Exception | AssertionError ignore)
        {
            // Stopping: the group below must still be killed.
        }
        try
        {
            if (null != group)
            {
                group.close();
            }
        }
        catch (final Exception | AssertionError ignore)
        {
            // Best effort at exit; the script kills the process group as well.
        }
    }
}
