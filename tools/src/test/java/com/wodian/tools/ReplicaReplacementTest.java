package com.wodian.tools;

import com.wodian.net.auth.Credentials;
import com.wodian.net.testing.group.GroupChecks;
import com.wodian.net.testing.group.PosLoad;
import com.wodian.net.testing.group.ReplicaGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Replacing a node of a running group under load, with real processes and the operator's commands
 * (docs/replication.md, "Membership changes"): {@code wodian group remove} of the primary, kill -9, its data folder
 * wiped, restarted empty with {@code --join}, {@code wodian group add}. Payments flow throughout. It asserts outcomes
 * only: every acknowledged payment applied once (the wallets), every node at one state hash, the new node a voter that
 * was repaired by a snapshot. Who leads when, and how long each step takes, are not asserted (schedule properties are
 * the simulation's: GroupSimulation changes membership under faults).
 */
// A backstop, not a schedule: four child JVM starts (each allowed ChildServerProcess.START_TIMEOUT_MS), two group
// commands allowed 120 s each and several polled waits of 30-60 s; a real hang is still caught here and by Surefire.
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ReplicaReplacementTest
{
    private static final long LEADER_TIMEOUT_MS = 30_000;
    private static final long FLOW_TIMEOUT_MS = 30_000;
    private static final long CONVERGE_TIMEOUT_MS = 60_000;

    private ReplicaGroup group;
    private GroupChecks checks;
    private PosLoad pos;
    private Path secrets;

    @AfterEach
    void stop() throws Exception
    {
        if (null != pos)
        {
            pos.close();
        }
        if (null != group)
        {
            group.close();
        }
    }

    @Test
    void thePrimaryIsReplacedByAWipedNodeUnderLoad(@TempDir final Path dir) throws Exception
    {
        group = new ReplicaGroup(dir, List.of("--ack-policy", "quorum", "--snapshot-every-inputs", "300",
            "--snapshot-retain", "3"));
        group.jvmOptions(List.of("-Dwodian.replication.installBehindEntries=100"));
        secrets = dir.resolve("admin-secrets");
        Credentials.save(secrets, List.of(group.admin())); // the operator's side of the admin identity
        group.startAll();
        group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        checks = new GroupChecks(group, "replacement");
        checks.setUpParties();
        pos = new PosLoad(group);
        pos.start();
        assertTrue(pos.awaitAcknowledgedAbove(500, FLOW_TIMEOUT_MS), "payments flow\n" + group.describe());

        final int replaced = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        final CliTest.Run removed = groupCommand("remove", replaced);
        assertEquals(0, removed.exitCode(), "wodian group remove: " + removed.out() + "\n" + group.describe());
        group.kill(replaced);
        group.wipeKeepingCredentials(replaced);
        final int ackedWithTwoVoters = pos.acknowledgedCount();
        assertTrue(pos.awaitAcknowledgedAbove(ackedWithTwoVoters + 200, FLOW_TIMEOUT_MS),
            "payments flow with two voters\n" + group.describe());

        awaitSnapshotsOnLiveNodes();
        group.start(replaced, List.of("--join"));
        final CliTest.Run added = groupCommand("add", replaced);
        assertEquals(0, added.exitCode(), "wodian group add: " + added.out() + "\n" + group.describe());
        final int ackedAfterAdd = pos.acknowledgedCount();
        assertTrue(pos.awaitAcknowledgedAbove(ackedAfterAdd + 200, FLOW_TIMEOUT_MS),
            "payments flow after the add\n" + group.describe());

        for (int node = 0; node < ReplicaGroup.NODES; node++)
        {
            assertTrue(group.isAlive(node), "node " + node + " runs\n" + group.describe());
        }
        checks.verifyNoPaymentLostOrDoubled(pos, CONVERGE_TIMEOUT_MS);
        assertTrue(Files.readString(group.lastLog(replaced)).contains("snapshot installed at sequence"),
            "the wiped node was repaired by a snapshot install");
        final CliTest.Run status = awaitStatusOfWholeGroup(secrets);
        assertEquals(3, committedConfigurations(status),
            "every node reports the whole group, committed:\n" + status.out());
    }

    /**
     * {@code wodian status} until all three nodes report the whole group, committed (bounded): polled, each node given
     * 30 s, because a node that answers the CLI later than its limit is shown as unreachable.
     */
    private CliTest.Run awaitStatusOfWholeGroup(final Path secrets) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MS);
        CliTest.Run status = CliTest.wodian("status", "--peers", group.clientAddresses(), "--credentials",
            secrets.toString(), "--no-hash", "--timeout-ms", "30000");
        while (committedConfigurations(status) != 3 && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(200);
            status = CliTest.wodian("status", "--peers", group.clientAddresses(), "--credentials",
                secrets.toString(), "--no-hash", "--timeout-ms", "30000");
        }
        return status;
    }

    private static int committedConfigurations(final CliTest.Run status)
    {
        return status.out().split("configuration: voters 0,1,2 learners - \\(committed\\)", -1).length - 1;
    }

    private CliTest.Run groupCommand(final String action, final int node)
    {
        return CliTest.wodian("group", action, "--peers", group.clientAddresses(), "--node", Integer.toString(node),
            "--credentials", secrets.toString(), "--wait-ms", "120000");
    }

    /**
     * Waits (bounded) until every live node holds a valid snapshot, so that whichever leads sends the new node its
     * own (the learner may otherwise be caught up from the journal alone, which is correct but not what this tests).
     */
    private void awaitSnapshotsOnLiveNodes() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLOW_TIMEOUT_MS);
        while (!group.everyLiveNodeHoldsASnapshot())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("not every live node took a snapshot within " + FLOW_TIMEOUT_MS + " ms\n" + group.describe());
            }
            Thread.sleep(50);
        }
    }
}
