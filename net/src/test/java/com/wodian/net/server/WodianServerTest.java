package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import static com.wodian.net.server.ServerTestSupport.CONSUMER_ID;
import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * End to end through a real socket: client, receiver, journal, engine, sender, in both threading modes.
 */
class WodianServerTest
{
    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldRegisterTopUpPayAndAnswerBalance(final ThreadingMode mode) throws Exception
    {
        registerTopUpPayAndQuery(ServerTestSupport.config(dataDir, mode));
    }

    /** Every stage strategy reaches the same replies: idle strategies change threads' waiting, never results. */
    @ParameterizedTest
    @CsvSource({
        "COMPACT, sleeping, backoff, backoff",
        "COMPACT, blocking, sleeping, backoff",
        "COMPACT, yielding, yielding, backoff",
        "DEDICATED, blocking, backoff, backoff",
        "DEDICATED, sleeping, select, sleeping",
        "DEDICATED, busy-spin, noop, busy-spin",
        "COMPACT, spin-blocking, spin-select, backoff",
        "SHARED, blocking, spin-select, backoff",
        "DEDICATED, spin-blocking, spin-select, spin-select" })
    void shouldGiveTheSameRepliesWithEveryStrategy(
        final ThreadingMode mode, final String pipelineWait, final String networkIdle, final String senderIdle)
        throws Exception
    {
        registerTopUpPayAndQuery(ServerTestSupport.config(dataDir, mode)
            .pipelineWaitStrategy(pipelineWait)
            .networkIdleStrategy(networkIdle)
            .senderIdleStrategy(senderIdle));
    }

    private static void registerTopUpPayAndQuery(final ServerConfig config) throws Exception
    {
        // No idle Ticks: on a loaded machine a second between two requests would journal one and move the sequence.
        try (WodianServer server = WodianServer.launch(config.tickIntervalMs(3_600_000));
            WodianClient client = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();

            final PaymentReplyDecoder payReply = requests.pay(7, 2_500);
            assertEquals(ResultCode.OK, payReply.code());
            assertEquals(7, payReply.paymentId());
            assertEquals(2_500, payReply.amountFen());
            assertEquals(25, payReply.pointsEarned());

            final BalanceReplyDecoder balance = requests.balance(CONSUMER_ID);
            assertEquals(ResultCode.OK, balance.code());
            assertEquals(100_000 - 2_500, balance.walletFen());
            assertEquals(0, balance.heldFen());
            assertEquals(25, balance.points());

            final PaymentReplyDecoder overdraft = requests.pay(8, 100_000);
            assertEquals(ResultCode.INSUFFICIENT_FUNDS, overdraft.code());

            final StateHashReplyDecoder stateHash = requests.stateHash();
            assertEquals(ResultCode.OK, stateHash.code());
            assertEquals(6, stateHash.lastSequence(), "six commands journaled, queries not");
            assertNotEquals(0, stateHash.stateHash());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldServeSeveralClientsAtOnce(final ThreadingMode mode) throws Exception
    {
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, mode));
            WodianClient first = ServerTestSupport.connect(server);
            WodianClient second = ServerTestSupport.connect(server))
        {
            new ServerTestSupport.Requests(first).setUpParties();
            final ServerTestSupport.Requests secondRequests = new ServerTestSupport.Requests(second);
            assertEquals(100_000, secondRequests.balance(CONSUMER_ID).walletFen());
            assertEquals(ResultCode.UNKNOWN_CONSUMER, secondRequests.balance(999).code());
        }
    }
}
