package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.DistributionState;
import com.wodian.protocol.sbe.DistributionStatusReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.PaymentState;
import com.wodian.protocol.sbe.PaymentStatusReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static com.wodian.net.server.ServerTestSupport.CONSUMER_ID;
import static com.wodian.net.server.ServerTestSupport.HOST;
import static com.wodian.net.server.ServerTestSupport.MERCHANT_ID;
import static com.wodian.net.server.ServerTestSupport.TERMINAL_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's own Tick advances engine time while no client sends a command, so a hold expires on time, and comes
 * every millisecond while a pool distribution runs, so it finishes without client traffic.
 */
class TickTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldExpireHoldWithoutClientTraffic() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).tickIntervalMs(20);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();

            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            // The hold must outlive the next two round trips (the held balance is checked below) even on a loaded
            // machine: with a 50 ms TTL a slow reply let the tick expire it first ("expected 500 was 0"); 5 s leaves
            // room for a stall of seconds, and the wait below (30 s) for the expiry after it.
            final long ttlMs = 5_000;
            final UnsafeBuffer tryReply = new UnsafeBuffer(client.call(request, 0,
                encoder.tryPayment(request, 0, MERCHANT_ID, TERMINAL_ID, 9, CONSUMER_ID, 500, ttlMs),
                ServerTestSupport.TIMEOUT_MS));
            assertEquals(ResultCode.OK, new PaymentReplyDecoder().wrapAndApplyHeader(tryReply, 0, header).code());
            assertEquals(500, requests.balance(CONSUMER_ID).heldFen());

            final PaymentStatusReplyDecoder status = new PaymentStatusReplyDecoder();
            final long deadlineMs = System.currentTimeMillis() + ServerTestSupport.TIMEOUT_MS;
            PaymentState state;
            do
            {
                Thread.sleep(20);
                final UnsafeBuffer reply = new UnsafeBuffer(client.call(request, 0,
                    encoder.paymentStatusQuery(request, 0, MERCHANT_ID, 9), ServerTestSupport.TIMEOUT_MS));
                state = status.wrapAndApplyHeader(reply, 0, header).state();
            }
            while (PaymentState.HELD == state && System.currentTimeMillis() < deadlineMs);

            assertEquals(PaymentState.EXPIRED, state);
            assertEquals(0, requests.balance(CONSUMER_ID).heldFen());
            assertEquals(100_000, requests.balance(CONSUMER_ID).walletFen());
            assertTrue(requests.stateHash().lastSequence() > 5, "Ticks are journaled commands");
        }
    }

    @Test
    void shouldFinishADistributionWithoutClientTraffic() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)
            .tickIntervalMs(3_600_000)
            .engineConfig(com.wodian.engine.EngineConfig.small().distributionSliceEntries(1));
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            client.call(request, 0, encoder.setMerchantRules(request, 0, MERCHANT_ID, 1, 1_000, 0, 0, false,
                DistributionMode.WALLET_REBATE, 0, 0, 0), ServerTestSupport.TIMEOUT_MS);
            for (int c = 0; c < 50; c++)
            {
                final long consumerId = 5_000 + c;
                client.call(request, 0, encoder.registerConsumer(request, 0, consumerId, 0),
                    ServerTestSupport.TIMEOUT_MS);
                client.call(request, 0, encoder.topUp(request, 0, consumerId, consumerId, 10_000),
                    ServerTestSupport.TIMEOUT_MS);
                client.call(request, 0, encoder.pay(request, 0, MERCHANT_ID, TERMINAL_ID, consumerId, consumerId,
                    1_000 + c), ServerTestSupport.TIMEOUT_MS);
            }
            client.call(request, 0, encoder.distributePool(request, 0, MERCHANT_ID, 1, 0),
                ServerTestSupport.TIMEOUT_MS);

            // Slices of one entry: several hundred inputs are needed, and only the server's Ticks provide them.
            final DistributionStatusReplyDecoder status = new DistributionStatusReplyDecoder();
            final long deadlineMs = System.currentTimeMillis() + ServerTestSupport.TIMEOUT_MS;
            DistributionState state;
            do
            {
                Thread.sleep(20);
                final UnsafeBuffer reply = new UnsafeBuffer(client.call(request, 0,
                    encoder.distributionStatusQuery(request, 0, MERCHANT_ID, 1), ServerTestSupport.TIMEOUT_MS));
                state = status.wrapAndApplyHeader(reply, 0, header).state();
            }
            while (DistributionState.DONE != state && System.currentTimeMillis() < deadlineMs);
            assertEquals(DistributionState.DONE, state);
            assertEquals(50, status.recipients());
        }
    }
}
