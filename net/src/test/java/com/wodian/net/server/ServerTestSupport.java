package com.wodian.net.server;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.AckDecoder;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Shared set-up of the net tests: a small server on an ephemeral loopback port, and blocking request helpers that
 * decode the replies.
 */
final class ServerTestSupport
{
    static final long TIMEOUT_MS = 10_000;
    static final String HOST = "127.0.0.1";

    static final long MERCHANT_ID = 1;
    static final long TERMINAL_ID = 11;
    static final long CONSUMER_ID = 1001;

    private ServerTestSupport()
    {
    }

    /** A server config for tests: loopback, ephemeral port, small engine, the given threading mode. */
    static ServerConfig config(final Path dataDir, final ThreadingMode mode)
    {
        return new ServerConfig()
            .dataDir(dataDir)
            .host(HOST)
            .port(0)
            .threadingMode(mode)
            .durabilityPolicy(DurabilityPolicy.SYNC)
            .engineConfig(EngineConfig.small())
            .inputRingSize(1024)
            .outputRingSize(1024)
            .sessionsMax(64)
            .shutdownTimeoutMs(5_000);
    }

    /** Blocking requests over one client, each reply decoded with the generated SBE decoders. */
    static final class Requests
    {
        private final WodianClient client;
        private final CommandEncoder encoder = new CommandEncoder();
        private final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final AckDecoder ack = new AckDecoder();
        final PaymentReplyDecoder payment = new PaymentReplyDecoder();
        final BalanceReplyDecoder balance = new BalanceReplyDecoder();
        final StateHashReplyDecoder stateHash = new StateHashReplyDecoder();

        Requests(final WodianClient client)
        {
            this.client = client;
        }

        UnsafeBuffer call(final int length) throws Exception
        {
            return new UnsafeBuffer(client.call(request, 0, length, TIMEOUT_MS));
        }

        ResultCode registerMerchant(final long merchantId) throws Exception
        {
            return ack(call(encoder.registerMerchant(request, 0, merchantId, 1, 100, 0, 0, false)));
        }

        ResultCode registerConsumer(final long consumerId) throws Exception
        {
            return ack(call(encoder.registerConsumer(request, 0, consumerId, 0)));
        }

        ResultCode registerTerminal(final long terminalId, final long merchantId) throws Exception
        {
            return ack(call(encoder.registerTerminal(request, 0, terminalId, merchantId)));
        }

        ResultCode topUp(final long consumerId, final long externalRef, final long amountFen) throws Exception
        {
            return ack(call(encoder.topUp(request, 0, consumerId, externalRef, amountFen)));
        }

        PaymentReplyDecoder pay(final long paymentId, final long amountFen) throws Exception
        {
            final UnsafeBuffer reply = call(
                encoder.pay(request, 0, MERCHANT_ID, TERMINAL_ID, paymentId, CONSUMER_ID, amountFen));
            assertEquals(PaymentReplyDecoder.TEMPLATE_ID, templateId(reply));
            return payment.wrapAndApplyHeader(reply, 0, header);
        }

        BalanceReplyDecoder balance(final long consumerId) throws Exception
        {
            final UnsafeBuffer reply = call(encoder.balanceQuery(request, 0, consumerId));
            assertEquals(BalanceReplyDecoder.TEMPLATE_ID, templateId(reply));
            return balance.wrapAndApplyHeader(reply, 0, header);
        }

        StateHashReplyDecoder stateHash() throws Exception
        {
            final UnsafeBuffer reply = call(encoder.stateHashQuery(request, 0));
            assertEquals(StateHashReplyDecoder.TEMPLATE_ID, templateId(reply));
            return stateHash.wrapAndApplyHeader(reply, 0, header);
        }

        /** Merchant 1 with terminal 11, consumer 1001 with a top-up of 1 000 yuan. */
        void setUpParties() throws Exception
        {
            assertEquals(ResultCode.OK, registerMerchant(MERCHANT_ID));
            assertEquals(ResultCode.OK, registerConsumer(CONSUMER_ID));
            assertEquals(ResultCode.OK, registerTerminal(TERMINAL_ID, MERCHANT_ID));
            assertEquals(ResultCode.OK, topUp(CONSUMER_ID, 1, 100_000));
        }

        private ResultCode ack(final UnsafeBuffer reply)
        {
            assertEquals(AckDecoder.TEMPLATE_ID, templateId(reply));
            return ack.wrapAndApplyHeader(reply, 0, header).code();
        }

        private int templateId(final UnsafeBuffer reply)
        {
            return header.wrap(reply, 0).templateId();
        }
    }
}
