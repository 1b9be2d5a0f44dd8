package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
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
 * The server's own Tick advances engine time while no client sends a command, so a hold expires on time.
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
            WodianClient client = WodianClient.connect(HOST, server.port()))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();

            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final UnsafeBuffer tryReply = new UnsafeBuffer(client.call(request, 0,
                encoder.tryPayment(request, 0, MERCHANT_ID, TERMINAL_ID, 9, CONSUMER_ID, 500, 50),
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
}
