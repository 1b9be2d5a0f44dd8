package com.wodian.net.server;

import com.wodian.net.auth.Credentials;
import com.wodian.net.client.WodianClient;
import com.wodian.net.metrics.ServerCounters.GatewayLimit;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review 2026-12-05 B12: a terminal identity's messages beyond its command budget are answered 901
 * SERVER_BUSY by the gateway and never journaled (before, every Pay a flooding terminal sent took a journal entry and a
 * key); the budget is the identity's own (another terminal pays), and admins have none. Budget 5 at once, then 1 a
 * second: 200 Pays back to back cannot all pass however slow the machine (they would need 195 s).
 */
class CommandBudgetTest
{
    private static final int PAYS = 200;
    private static final int BURST = 5;
    private static final Credentials OTHER_TERMINAL = Credentials.terminal(12, ServerTestSupport.secret(3));

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void paysBeyondTheBudgetAreRefusedBusyAndNotJournaled() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().credentialStore(ServerTestSupport.credentialStore()
            .add(OTHER_TERMINAL, ServerTestSupport.MERCHANT_ID)).commandsPerPrincipal(1, BURST);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient admin = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
            requests.setUpParties();
            assertEquals(ResultCode.OK, requests.registerTerminal(OTHER_TERMINAL.principalId(),
                ServerTestSupport.MERCHANT_ID));
            final long sequenceBefore = requests.stateHash().lastSequence();

            final int[] counts;
            try (WodianClient terminal = ServerTestSupport.connect(server, ServerTestSupport.TERMINAL))
            {
                counts = pay(terminal, ServerTestSupport.TERMINAL_ID, 1_000, PAYS);
            }
            assertEquals(PAYS, counts[0] + counts[1], "every Pay answered OK or SERVER_BUSY");
            assertTrue(counts[0] >= BURST, "the burst passes: " + counts[0]);
            assertTrue(counts[1] > 0, "Pays beyond the budget are refused: " + counts[0] + " OK");
            assertEquals(counts[1], server.gatewayLimitCount(GatewayLimit.COMMAND_BUDGET));
            assertEquals(sequenceBefore + counts[0], requests.stateHash().lastSequence(),
                "only the Pays that passed are journaled");

            try (WodianClient other = ServerTestSupport.connect(server, OTHER_TERMINAL))
            {
                assertEquals(BURST, pay(other, OTHER_TERMINAL.principalId(), 5_000, BURST)[0],
                    "another terminal has its own budget");
            }
            for (int i = 0; i < 2 * BURST; i++)
            {
                assertEquals(100_000 - counts[0] - BURST, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen(),
                    "admins have no budget");
            }
        }
    }

    /** @return {OK, SERVER_BUSY} counts of {@code count} Pays of 1 fen, sent one after another. */
    private static int[] pay(final WodianClient client, final long terminalId, final long firstPaymentId,
        final int count) throws Exception
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
        final int[] counts = new int[2];
        for (int i = 0; i < count; i++)
        {
            final int length = encoder.pay(request, 0, ServerTestSupport.MERCHANT_ID, terminalId, firstPaymentId + i,
                ServerTestSupport.CONSUMER_ID, 1);
            final byte[] reply = client.call(request, 0, length, ServerTestSupport.TIMEOUT_MS);
            final int code = ReplyCodes.codeOf(new UnsafeBuffer(reply), 0, reply.length);
            if (ResultCode.OK.value() == code)
            {
                counts[0]++;
            }
            else
            {
                assertEquals(ResultCode.SERVER_BUSY.value(), code);
                counts[1]++;
            }
        }
        return counts;
    }
}
