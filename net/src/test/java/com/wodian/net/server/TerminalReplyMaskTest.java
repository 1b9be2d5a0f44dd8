package com.wodian.net.server;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
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

import static com.wodian.net.server.ServerTestSupport.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Security review 2026-12-05 B10: a terminal reads the status of any payment of its merchant, but the card number
 * (consumerId) in that reply is cut to its last four digits; an admin still reads it whole. Before, any terminal of
 * the merchant read every payment's whole card number.
 */
class TerminalReplyMaskTest
{
    private static final long MERCHANT = 1;
    private static final long TERMINAL_A = 11;
    private static final long TERMINAL_B = 12;
    private static final long CARD_NUMBER = 6_222_020_200_112_233L;
    private static final Credentials TERMINAL_A_CREDENTIALS = Credentials.terminal(TERMINAL_A, secret(11));
    private static final Credentials TERMINAL_B_CREDENTIALS = Credentials.terminal(TERMINAL_B, secret(12));

    @TempDir
    Path dataDir;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    private static byte[] secret(final int seed)
    {
        return ServerTestSupport.secret(seed);
    }

    @Test
    void aTerminalReadsOnlyTheLastFourDigitsOfAPaymentsCardNumber() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().credentialStore(new CredentialStore()
            .add(ServerTestSupport.ADMIN, 0)
            .add(TERMINAL_A_CREDENTIALS, MERCHANT)
            .add(TERMINAL_B_CREDENTIALS, MERCHANT));
        try (WodianServer server = WodianServer.launch(config);
            WodianClient admin = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
            assertEquals(ResultCode.OK, requests.registerMerchant(MERCHANT));
            assertEquals(ResultCode.OK, requests.registerTerminal(TERMINAL_A, MERCHANT));
            assertEquals(ResultCode.OK, requests.registerTerminal(TERMINAL_B, MERCHANT));
            assertEquals(ResultCode.OK, requests.registerConsumer(CARD_NUMBER));
            assertEquals(ResultCode.OK, requests.topUp(CARD_NUMBER, 1, 100_000));
            try (WodianClient terminalA = ServerTestSupport.connect(server, TERMINAL_A_CREDENTIALS);
                WodianClient terminalB = ServerTestSupport.connect(server, TERMINAL_B_CREDENTIALS))
            {
                final UnsafeBuffer paid = call(terminalA, encoder.pay(request, 0, MERCHANT, TERMINAL_A, 7,
                    CARD_NUMBER, 1_000));
                assertEquals(PaymentReplyDecoder.TEMPLATE_ID, header.wrap(paid, 0).templateId());
                assertEquals(ResultCode.OK, new PaymentReplyDecoder().wrapAndApplyHeader(paid, 0, header).code());

                for (final WodianClient terminal : new WodianClient[]{ terminalA, terminalB })
                {
                    final PaymentStatusReplyDecoder status = status(terminal, 7);
                    assertEquals(PaymentState.CONFIRMED, status.state(), "the status itself is the terminal's to read");
                    assertEquals(1_000, status.amountFen());
                    assertEquals(2233, status.consumerId(), "a terminal reads the last four digits only");
                }
                assertEquals(CARD_NUMBER, status(admin, 7).consumerId(), "an admin reads the whole number");
            }
        }
    }

    private UnsafeBuffer call(final WodianClient client, final int length) throws Exception
    {
        return new UnsafeBuffer(client.call(request, 0, length, TIMEOUT_MS));
    }

    private PaymentStatusReplyDecoder status(final WodianClient client, final long paymentId) throws Exception
    {
        final UnsafeBuffer reply = call(client, encoder.paymentStatusQuery(request, 0, MERCHANT, paymentId));
        assertEquals(PaymentStatusReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId());
        return new PaymentStatusReplyDecoder().wrapAndApplyHeader(reply, 0, header);
    }
}
