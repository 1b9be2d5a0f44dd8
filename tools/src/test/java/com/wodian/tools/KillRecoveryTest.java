package com.wodian.tools;

import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.ServerMain;
import com.wodian.net.testing.group.ChildServerProcess;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An acknowledged success survives {@code kill -9}: a real server JVM ({@link ServerMain}, started with the same
 * java, class path and JVM flags as this test) takes payments, is killed without warning after the last reply, and a
 * new JVM on the same data directory recovers the same state hash and the same balances.
 */
class KillRecoveryTest
{
    /** Recovery from a snapshot and the journal's tail after it, not from the journal alone. */
    private static final List<String> SNAPSHOTS_OFTEN =
        List.of("--snapshots", "on", "--snapshot-every-inputs", "400", "--snapshot-retain", "2");

    private static final long CALL_TIMEOUT_MS = 30_000;
    private static final int CONSUMERS = 50;
    private static final long MERCHANT_ID = 7;
    private static final long TERMINAL_ID = 701;
    private static final long TOP_UP_FEN = 1_000_000;
    private static final int ASYNC_PAYMENTS = 500;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);

    @Test
    // A backstop, not a schedule: two child JVM starts, each allowed ChildServerProcess.START_TIMEOUT_MS (120 s).
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void acknowledgedPaymentsSurviveKillNine(@TempDir final Path dir) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final DemoCommand.StateHash before;
        final byte[][] balancesBefore;
        final byte[] statementBefore;
        final com.wodian.net.auth.Credentials admin = EmbeddedServer.provisionAdmin(dataDir);
        final ChildServerProcess first =
            ChildServerProcess.start(dataDir, dir.resolve("first.log"), List.of(), SNAPSHOTS_OFTEN);
        try
        {
            try (WodianClient client = first.connect(admin))
            {
                requireOk(client, encoder.registerMerchant(buffer, 0, MERCHANT_ID, 2, 300, 150, 60, true));
                requireOk(client, encoder.registerTerminal(buffer, 0, TERMINAL_ID, MERCHANT_ID));
                for (long consumerId = 1; consumerId <= CONSUMERS; consumerId++)
                {
                    requireOk(client, encoder.registerConsumer(buffer, 0, consumerId, MERCHANT_ID));
                    requireOk(client, encoder.topUp(buffer, 0, consumerId, consumerId, TOP_UP_FEN));
                }
                // Two-phase payments: some confirmed, some left held (a hold must survive the crash too).
                for (long paymentId = 1; paymentId <= 40; paymentId++)
                {
                    requireOk(client, encoder.tryPayment(buffer, 0, MERCHANT_ID, TERMINAL_ID, paymentId,
                        1 + paymentId % CONSUMERS, 1_000 + paymentId, 600_000));
                    if (paymentId % 2 == 0)
                    {
                        requireOk(client, encoder.confirm(buffer, 0, MERCHANT_ID, TERMINAL_ID, paymentId));
                    }
                }
                requireOk(client, encoder.refund(buffer, 0, MERCHANT_ID, TERMINAL_ID, 2, 1, 500));
                sendPaymentsPipelined(client);
                before = DemoCommand.stateHash(client);
                balancesBefore = balances(client);
                statementBefore = call(client, encoder.merchantStatementQuery(buffer, 0, MERCHANT_ID));
            }
            assertTrue(before.lastSequence() >= 2 + 2L * CONSUMERS + 60 + ASYNC_PAYMENTS,
                "every command was journaled: " + before);
        }
        finally
        {
            first.kill();
        }

        final ChildServerProcess second = ChildServerProcess.start(dataDir, dir.resolve("second.log"), List.of(),
            SNAPSHOTS_OFTEN);
        try (WodianClient client = second.connect(admin))
        {
            assertEquals(before, DemoCommand.stateHash(client), "state after kill -9 and recovery");
            final byte[][] balancesAfter = balances(client);
            for (int i = 0; i < CONSUMERS; i++)
            {
                assertArrayEquals(balancesBefore[i], balancesAfter[i], "balance of consumer " + (i + 1));
            }
            assertArrayEquals(statementBefore, call(client, encoder.merchantStatementQuery(buffer, 0, MERCHANT_ID)),
                "merchant statement");
            // The recovered server still takes payments: a new key, and an old key repeated is not applied twice.
            requireOk(client, encoder.pay(buffer, 0, MERCHANT_ID, TERMINAL_ID, 1_000_000, 3, 700));
            requireOk(client, encoder.pay(buffer, 0, MERCHANT_ID, TERMINAL_ID, 1_001, 1 + 1_001 % CONSUMERS, 101));
            assertEquals(before.lastSequence() + 2, DemoCommand.stateHash(client).lastSequence());
        }
        finally
        {
            second.stop();
        }
    }

    /** Payments sent without waiting, every reply awaited: the kill comes right after the last acknowledgement. */
    private void sendPaymentsPipelined(final WodianClient client) throws InterruptedException
    {
        final CountDownLatch replies = new CountDownLatch(ASYNC_PAYMENTS);
        final AtomicInteger refused = new AtomicInteger();
        final AtomicReference<String> firstRefusal = new AtomicReference<>();
        final ReplyListener listener = (correlationId, reply, offset, length) ->
        {
            if (ReplyCodes.resultCodeOf(reply, offset, length) != ResultCode.OK && refused.getAndIncrement() == 0)
            {
                firstRefusal.set(MessageText.describe(reply, offset, length));
            }
            replies.countDown();
        };
        for (int i = 0; i < ASYNC_PAYMENTS; i++)
        {
            final long paymentId = 1_000 + i;
            final int length = encoder.pay(buffer, 0, MERCHANT_ID, TERMINAL_ID, paymentId,
                1 + paymentId % CONSUMERS, 100 + i);
            client.send(buffer, 0, length, listener);
        }
        client.flush();
        assertTrue(replies.await(60, TimeUnit.SECONDS), "all pipelined payments answered");
        assertEquals(0, refused.get(), () -> "pipelined payments refused, first: " + firstRefusal.get());
    }

    private byte[][] balances(final WodianClient client) throws IOException, TimeoutException
    {
        final byte[][] balances = new byte[CONSUMERS][];
        for (int i = 0; i < CONSUMERS; i++)
        {
            balances[i] = call(client, encoder.balanceQuery(buffer, 0, i + 1));
        }
        return balances;
    }

    private byte[] call(final WodianClient client, final int length) throws IOException, TimeoutException
    {
        return client.call(buffer, 0, length, CALL_TIMEOUT_MS);
    }

    private void requireOk(final WodianClient client, final int length) throws IOException, TimeoutException
    {
        final String command = MessageText.describe(buffer, 0, length);
        final byte[] reply = call(client, length);
        final ResultCode code = ReplyCodes.resultCodeOf(new UnsafeBuffer(reply), 0, reply.length);
        if (code != ResultCode.OK)
        {
            fail(command + " -> " + MessageText.describe(new UnsafeBuffer(reply), 0, reply.length));
        }
    }
}
