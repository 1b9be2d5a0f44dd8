package com.wodian.net.server;

import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static com.wodian.net.server.ServerTestSupport.CONSUMER_ID;
import static com.wodian.net.server.ServerTestSupport.HOST;
import static com.wodian.net.server.ServerTestSupport.MERCHANT_ID;
import static com.wodian.net.server.ServerTestSupport.TERMINAL_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many requests in flight on one connection: every reply reaches the listener of its request, in request order,
 * also when the rings are far smaller than the burst (back-pressure instead of loss).
 */
class PipeliningTest
{
    private static final int REQUEST_COUNT = 10_000;
    /** Enough for hundreds of full-ring rounds; each round waits for a thread wake-up, so keep it modest. */
    private static final int TINY_RING_REQUEST_COUNT = 2_000;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldMatchTenThousandPipelinedRepliesByCorrelationId(final ThreadingMode mode) throws Exception
    {
        pipeline(ServerTestSupport.config(dataDir, mode), REQUEST_COUNT);
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldApplyEveryRequestWhenRingsAreTiny(final ThreadingMode mode) throws Exception
    {
        pipeline(ServerTestSupport.config(dataDir, mode).inputRingSize(8).outputRingSize(8)
            .durabilityPolicy(DurabilityPolicy.PAGE_CACHE), TINY_RING_REQUEST_COUNT);
    }

    private static void pipeline(final ServerConfig config, final int requestCount) throws Exception
    {
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();

            final ReplyChecker checker = new ReplyChecker(requestCount);
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
            for (int i = 0; i < requestCount; i++)
            {
                final long paymentId = 1_000 + i;
                final int length = encoder.pay(request, 0, MERCHANT_ID, TERMINAL_ID, paymentId, CONSUMER_ID, 1);
                final long correlationId = client.send(request, 0, length, checker);
                checker.expect(i, correlationId, paymentId);
            }
            client.flush();

            assertTrue(checker.done.await(ServerTestSupport.TIMEOUT_MS, TimeUnit.MILLISECONDS),
                "replies received: " + checker.receivedCount);
            assertNull(checker.error.get());
            assertEquals(100_000 - requestCount, requests.balance(CONSUMER_ID).walletFen());
            assertEquals(4 + requestCount, requests.stateHash().lastSequence());
        }
    }

    /** Checks each reply against the request sent at the same position; runs on the client's receiver thread. */
    private static final class ReplyChecker implements com.wodian.net.client.ReplyListener
    {
        final long[] correlationIds;
        final long[] paymentIds;
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<String> error = new AtomicReference<>();
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final PaymentReplyDecoder reply = new PaymentReplyDecoder();
        volatile int receivedCount;

        ReplyChecker(final int requestCount)
        {
            correlationIds = new long[requestCount];
            paymentIds = new long[requestCount];
        }

        void expect(final int index, final long correlationId, final long paymentId)
        {
            // Written before the reply can arrive: the request is still in the client's send buffer.
            correlationIds[index] = correlationId;
            paymentIds[index] = paymentId;
        }

        @Override
        public void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            final int index = receivedCount;
            reply.wrapAndApplyHeader(buffer, offset, header);
            if (correlationId != correlationIds[index] || reply.paymentId() != paymentIds[index] ||
                reply.code() != ResultCode.OK)
            {
                error.compareAndSet(null, "reply " + index + ": correlationId " + correlationId + " paymentId " +
                    reply.paymentId() + " code " + reply.code());
            }
            receivedCount = index + 1;
            if (index + 1 == correlationIds.length)
            {
                done.countDown();
            }
        }
    }
}
