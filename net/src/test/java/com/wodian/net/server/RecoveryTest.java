package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import static com.wodian.net.server.ServerTestSupport.CONSUMER_ID;
import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A restarted server replays its journal before it binds the port: same last sequence, same state hash, same
 * balances, and idempotency keys survive (a repeated Pay returns the first result and changes nothing).
 */
class RecoveryTest
{
    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldRecoverTheSameStateHashAfterRestart(final ThreadingMode mode) throws Exception
    {
        // No Tick may slip in between the two hash queries: it would be a journaled command of its own.
        final ServerConfig config = ServerTestSupport.config(dataDir, mode).tickIntervalMs(3_600_000);
        final long lastSequence;
        final long stateHash;
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            assertEquals(0, server.recoveredInputCount());
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            for (int i = 0; i < 50; i++)
            {
                assertEquals(ResultCode.OK, requests.pay(100 + i, 10 + i).code());
            }
            final StateHashReplyDecoder reply = requests.stateHash();
            lastSequence = reply.lastSequence();
            stateHash = reply.stateHash();
        }

        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            assertEquals(lastSequence, server.recoveredInputCount());
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            final StateHashReplyDecoder reply = requests.stateHash();
            assertEquals(lastSequence, reply.lastSequence());
            assertEquals(stateHash, reply.stateHash());

            final long walletFen = requests.balance(CONSUMER_ID).walletFen();
            assertEquals(ResultCode.OK, requests.pay(100, 10).code(), "the first result, again");
            assertEquals(walletFen, requests.balance(CONSUMER_ID).walletFen(), "and no second debit");
            assertEquals(lastSequence + 1, requests.stateHash().lastSequence(), "the repeat is journaled too");
        }
    }
}
