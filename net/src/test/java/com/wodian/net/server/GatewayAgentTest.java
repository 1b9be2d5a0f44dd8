package com.wodian.net.server;

import com.wodian.net.gateway.GatewayAgent;
import com.wodian.net.gateway.GatewayContext;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.AckDecoder;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plugged {@link GatewayAgent} publishes into the same input ring as native clients, on the receiving thread, and
 * gets its sessions' replies (and their close) in request order, in both threading modes.
 */
class GatewayAgentTest
{
    private static final long TIMEOUT_MS = ServerTestSupport.TIMEOUT_MS;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void commandsQueriesAndRefusalsComeBackToTheGatewayInOrder(final ThreadingMode mode) throws Exception
    {
        final TestGateway[] holder = new TestGateway[1];
        final ServerConfig config = ServerTestSupport.config(dataDir, mode)
            .addGateway((context) -> holder[0] = new TestGateway(context));
        try (WodianServer server = WodianServer.launch(config))
        {
            final TestGateway gateway = holder[0];
            assertNotNull(gateway, "the factory ran at start-up");
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
            gateway.submit(7, message, encoder.registerMerchant(message, 0, 501, 1, 100, 0, 0, false));
            gateway.submit(8, message, encoder.stateHashQuery(message, 0));
            gateway.submit(9, message, 3); // too short for a message header
            gateway.submitClose();

            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final Reply ack = gateway.nextReply();
            assertEquals(7, ack.correlationId);
            assertEquals(AckDecoder.TEMPLATE_ID, header.wrap(ack.message, 0).templateId());
            assertEquals(ResultCode.OK, new AckDecoder().wrap(ack.message, MessageHeaderDecoder.ENCODED_LENGTH,
                header.blockLength(), header.version()).code());

            final Reply hash = gateway.nextReply();
            assertEquals(8, hash.correlationId);
            assertEquals(StateHashReplyDecoder.TEMPLATE_ID, header.wrap(hash.message, 0).templateId());

            final Reply refusal = gateway.nextReply();
            assertEquals(9, refusal.correlationId);
            assertEquals(ErrorReplyDecoder.TEMPLATE_ID, header.wrap(refusal.message, 0).templateId());
            assertEquals(ResultCode.MALFORMED_MESSAGE, new ErrorReplyDecoder().wrap(refusal.message,
                MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version()).code());

            final Reply closed = gateway.nextReply();
            assertEquals(-1, closed.correlationId, "the session's close comes after its replies");
            assertEquals(gateway.sessionId, closed.sessionId);
            assertNotNull(gateway.onStartThread, "onStart ran");
            assertTrue(!gateway.dutyCycleBeforeStart, "onStart ran before the first duty cycle");
            assertEquals(gateway.firstDutyCycleThread, gateway.onStartThread,
                "onStart ran on the thread that runs the duty cycles (the receiving thread)");
        }
        assertTrue(holder[0].closed, "the server closes its gateways");
    }

    @Test
    void sessionIdsAreTheGatewaysOwn()
    {
        final GatewayContext first = new ServerGatewayContext(0, null, null);
        final GatewayContext second = new ServerGatewayContext(1, null, null);
        final long id = first.sessionId(42);
        assertTrue(ServerGatewayContext.isGatewaySession(id));
        assertEquals(0, ServerGatewayContext.gatewayIndex(id));
        assertEquals(42, ServerGatewayContext.localId(id));
        assertEquals(1, ServerGatewayContext.gatewayIndex(second.sessionId(42)));
        assertThrows(IllegalArgumentException.class, () -> first.sessionId(0));
        assertThrows(IllegalArgumentException.class, () -> second.publishClose(id));
    }

    private record Reply(long sessionId, long correlationId, UnsafeBuffer message)
    {
    }

    /** Publishes what the test thread queues, on the receiving thread, and collects replies from the sender's. */
    private static final class TestGateway implements GatewayAgent
    {
        private final GatewayContext context;
        private final long sessionId;
        private final ConcurrentLinkedQueue<byte[]> toPublish = new ConcurrentLinkedQueue<>();
        private final LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        /** The thread onStart ran on, and the one the first duty cycle ran on: they must be the same. */
        private volatile String onStartThread;
        private volatile String firstDutyCycleThread;
        private volatile boolean dutyCycleBeforeStart;
        private volatile boolean closed;

        TestGateway(final GatewayContext context)
        {
            this.context = context;
            this.sessionId = context.sessionId(1);
        }

        void submit(final long correlationId, final DirectBuffer message, final int length)
        {
            final byte[] bytes = new byte[length + Long.BYTES];
            new UnsafeBuffer(bytes).putLong(0, correlationId);
            message.getBytes(0, bytes, Long.BYTES, length);
            toPublish.add(bytes);
            context.selector().wakeup(); // the receiving thread may sleep in its selector ("select" idle)
        }

        void submitClose()
        {
            toPublish.add(new byte[0]);
            context.selector().wakeup();
        }

        Reply nextReply() throws InterruptedException
        {
            final Reply reply = replies.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(reply, "no reply within " + TIMEOUT_MS + " ms");
            return reply;
        }

        @Override
        public void onStart()
        {
            onStartThread = Thread.currentThread().getName();
        }

        @Override
        public int doWork()
        {
            if (null == firstDutyCycleThread)
            {
                firstDutyCycleThread = Thread.currentThread().getName();
                dutyCycleBeforeStart = null == onStartThread;
            }
            int workCount = 0;
            while (context.hasCapacity() && !toPublish.isEmpty())
            {
                final UnsafeBuffer bytes = new UnsafeBuffer(toPublish.poll());
                if (0 == bytes.capacity())
                {
                    context.publishClose(sessionId);
                }
                else
                {
                    final long correlationId = bytes.getLong(0);
                    context.publish(sessionId, correlationId, bytes, Long.BYTES, bytes.capacity() - Long.BYTES);
                }
                workCount++;
            }
            return workCount;
        }

        @Override
        public void onReply(
            final long sessionId, final long correlationId, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            replies.add(new Reply(sessionId, correlationId, new UnsafeBuffer(copy)));
        }

        @Override
        public void onSessionClosed(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            replies.add(new Reply(sessionId, -1, new UnsafeBuffer(new byte[0])));
        }

        @Override
        public void onClose()
        {
            closed = true;
        }

        @Override
        public String roleName()
        {
            return "test-gateway";
        }
    }
}
