package com.wodian.net.testing.group;

import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The outcomes every scenario on a {@link ReplicaGroup} under a {@link PosLoad} ends with (the fault tests, the
 * replacement test and the soak share them): no acknowledged payment lost, none applied twice, every live node at one
 * state hash, the terminal's success ratio. Outcomes only: who leads and how long a step takes are never asserted
 * here, and every wait has a generous bounded deadline.
 *
 * <p>How a lost or doubled payment shows: payment {@code id} debits consumer {@link PosLoad#consumerOf} by
 * {@link PosLoad#amountOf} and ids are never reused, so after the terminal's unanswered payments are retried with
 * their keys, each wallet must be its top-up minus exactly the payments sent to that consumer: a lost acknowledged
 * payment is a missing debit, a double one an extra debit.
 */
public final class GroupChecks
{
    public static final long CALL_TIMEOUT_MS = 30_000;
    public static final double SUCCESS_RATIO_MIN = 0.9999;
    private static final int CALL_RETRIES_MAX = 20;

    private final ReplicaGroup group;
    /** Appended to failure messages (e.g. the scenario's seed). */
    private final String context;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);

    /** What {@link #verifyNoPaymentLostOrDoubled} found when it passed. */
    public record Outcome(int retriedAtEnd, ReplicaGroup.NodeHash state, int primary)
    {
    }

    public GroupChecks(final ReplicaGroup group, final String context)
    {
        this.group = group;
        this.context = context;
    }

    /** The merchant, terminal and topped-up consumers the {@link PosLoad} pays with, through whichever node leads. */
    public void setUpParties() throws Exception
    {
        try (WodianClient client = WodianClient.connect(patient(PosLoad.clientConfig(group))))
        {
            requireOk(client, encoder.registerMerchant(buffer, 0, PosLoad.MERCHANT_ID, 0, 0, 0, 0, false));
            requireOk(client, encoder.registerTerminal(buffer, 0, PosLoad.TERMINAL_ID, PosLoad.MERCHANT_ID));
            for (long consumerId = 1; consumerId <= PosLoad.CONSUMERS; consumerId++)
            {
                requireOk(client, encoder.registerConsumer(buffer, 0, consumerId, PosLoad.MERCHANT_ID));
                requireOk(client, encoder.topUp(buffer, 0, consumerId, consumerId, PosLoad.TOP_UP_FEN));
            }
        }
    }

    /**
     * The terminal drained, its unanswered payments retried with their keys, then the wallets exact at the primary
     * and, once every live node answers the same state hash, at every other live node; and the success ratio.
     */
    public Outcome verifyNoPaymentLostOrDoubled(final PosLoad pos, final long timeoutMs) throws Exception
    {
        pos.stopAndDrain(timeoutMs);
        final BitSet unacknowledged = pos.unacknowledged();
        try (WodianClient client = WodianClient.connect(patient(PosLoad.clientConfig(group))))
        {
            for (int id = unacknowledged.nextSetBit(0); id >= 0; id = unacknowledged.nextSetBit(id + 1))
            {
                requireOk(client, encoder.pay(buffer, 0, PosLoad.MERCHANT_ID, PosLoad.TERMINAL_ID, id,
                    PosLoad.consumerOf(id), PosLoad.amountOf(id)));
            }
        }
        final long[] expectedFen = expectedWallets(pos.sent());
        // Queries are answered by whichever node they reach (a standby from its own engine, which may trail the
        // commit by a heartbeat): the wallets are read at the primary itself, then at every node once all agree.
        final int primary = group.awaitLeader(-1, timeoutMs);
        assertWallets(primary, expectedFen, "the primary", pos);
        final ReplicaGroup.NodeHash same = group.awaitSameState(timeoutMs);
        for (int node = 0; node < ReplicaGroup.NODES; node++)
        {
            if (node != primary && group.isAlive(node))
            {
                assertWallets(node, expectedFen, "a standby at the primary's state", pos);
            }
        }
        assertTrue(pos.sentCount() > 0, "payments were sent");
        assertTrue(pos.successRatio() >= SUCCESS_RATIO_MIN, () -> "client-observed success ratio " +
            pos.successRatio() + " below " + SUCCESS_RATIO_MIN + " (" + context + "): " + pos.summary());
        return new Outcome(unacknowledged.cardinality(), same, primary);
    }

    /** The config with the child-JVM connect and logon limits (the nodes may have just been restarted). */
    public static ClientConfig patient(final ClientConfig config)
    {
        return config.connectTimeoutMs(ChildServerProcess.CONNECT_TIMEOUT_MS)
            .logonTimeoutMs(ChildServerProcess.LOGON_TIMEOUT_MS);
    }

    /** Each consumer's wallet once every payment sent is applied exactly once. */
    public static long[] expectedWallets(final BitSet sent)
    {
        final long[] expectedFen = new long[PosLoad.CONSUMERS + 1];
        Arrays.fill(expectedFen, PosLoad.TOP_UP_FEN);
        for (int id = sent.nextSetBit(0); id >= 0; id = sent.nextSetBit(id + 1))
        {
            expectedFen[(int)PosLoad.consumerOf(id)] -= PosLoad.amountOf(id);
        }
        return expectedFen;
    }

    private void assertWallets(final int node, final long[] expectedFen, final String role, final PosLoad pos)
        throws Exception
    {
        try (WodianClient client = WodianClient.connect(patient(new ClientConfig()
            .node("127.0.0.1", group.clientPort(node)).credentials(group.admin()))))
        {
            for (long consumerId = 1; consumerId <= PosLoad.CONSUMERS; consumerId++)
            {
                final byte[] reply = client.call(buffer, 0, encoder.balanceQuery(buffer, 0, consumerId),
                    CALL_TIMEOUT_MS);
                final BalanceReplyDecoder balance = new BalanceReplyDecoder()
                    .wrapAndApplyHeader(new UnsafeBuffer(reply), 0, new MessageHeaderDecoder());
                assertEquals(expectedFen[(int)consumerId], balance.walletFen(), "wallet of consumer " + consumerId +
                    " on node " + node + ", " + role + " (" + context + "): every acknowledged payment once, " +
                    "none twice\n" + pos.summary() + "\n" + group.describe());
            }
        }
    }

    /** Waits (bounded) until every live node has applied what the primary has committed, give or take a window. */
    public void awaitCaughtUp(final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadlineNs)
        {
            final int leader = group.leader();
            final ReplicaGroup.NodeStatus primary = leader < 0 ? null : group.status(leader);
            boolean caughtUp = null != primary;
            for (int i = 0; i < ReplicaGroup.NODES && caughtUp; i++)
            {
                if (group.isAlive(i) && i != leader)
                {
                    final ReplicaGroup.NodeStatus standby = group.status(i);
                    caughtUp = null != standby && standby.appliedIndex() >= primary.commitIndex() - PosLoad.WINDOW;
                }
            }
            if (caughtUp)
            {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("standbys did not catch up within " + timeoutMs + " ms (" + context + ")\n" +
            group.describe() + group.logTails(30));
    }

    /** The value at {@code quantile} (0..1) of values, nearest rank. */
    public static long percentile(final List<Long> values, final double quantile)
    {
        final List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        final int index = (int)Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /**
     * A command that must succeed; retried (same bytes, so same key) while a node answers NOT_PRIMARY or
     * PRIMARY_LOST, or no reply comes in time, as a client that follows the primary would.
     */
    public void requireOk(final WodianClient client, final int length) throws Exception
    {
        final String command = MessageText.describe(buffer, 0, length);
        final byte[] message = new byte[length];
        buffer.getBytes(0, message);
        String last = "";
        for (int attempt = 0; attempt < CALL_RETRIES_MAX; attempt++)
        {
            final byte[] reply;
            try
            {
                reply = client.call(new UnsafeBuffer(message), 0, length, CALL_TIMEOUT_MS);
            }
            catch (final TimeoutException ex)
            {
                last = "no reply in " + CALL_TIMEOUT_MS + " ms";
                continue;
            }
            final int code = PosLoad.resultCode(new UnsafeBuffer(reply), 0, reply.length);
            if (code == ResultCode.OK.value())
            {
                return;
            }
            last = MessageText.describe(new UnsafeBuffer(reply), 0, reply.length);
            if (code != ResultCode.NOT_PRIMARY.value() && code != ResultCode.PRIMARY_LOST.value())
            {
                break;
            }
            Thread.sleep(50);
        }
        fail(command + " -> " + last + " (" + context + ")");
    }
}
