package com.wodian.net.server;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.PaymentState;
import com.wodian.protocol.sbe.PaymentStatusReplyDecoder;
import com.wodian.protocol.sbe.RefundReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static com.wodian.net.server.ServerTestSupport.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A terminal acts only for itself and its own merchant; a consumer session asks only about itself; admin commands
 * need the admin role. Terminal A of merchant X must not confirm, cancel, refund or query merchant Y's payments,
 * whatever ids it puts in the message, and each refusal names its cause.
 */
class AuthorizationTest
{
    private static final long MERCHANT_X = 1;
    private static final long MERCHANT_Y = 2;
    private static final long TERMINAL_A = 11;
    private static final long TERMINAL_B = 21;
    /** Registered in the engine under merchant X, but its credential (wrongly) claims merchant Y. */
    private static final long TERMINAL_C = 12;
    private static final long CONSUMER = 1001;
    private static final long OTHER_CONSUMER = 1002;

    private static final Credentials TERMINAL_A_CREDENTIALS = Credentials.terminal(TERMINAL_A, secret(11));
    private static final Credentials TERMINAL_B_CREDENTIALS = Credentials.terminal(TERMINAL_B, secret(21));
    private static final Credentials TERMINAL_C_CREDENTIALS = Credentials.terminal(TERMINAL_C, secret(12));
    private static final Credentials CONSUMER_CREDENTIALS = Credentials.consumer(CONSUMER, secret(31));
    /** A read-only operator: an admin id whose credential may only read (security review B9). */
    private static final Credentials OPERATOR_CREDENTIALS = Credentials.admin(7, secret(41));
    /** The money desk's admin id: moves money, changes no configuration ("Admin kinds"). */
    private static final Credentials FUNDS_CREDENTIALS = Credentials.admin(8, secret(42));
    /** A configuration admin id: registers, sets rules and settings, moves no money ("Admin kinds"). */
    private static final Credentials CONFIG_CREDENTIALS = Credentials.admin(9, secret(43));

    @TempDir
    Path dataDir;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private WodianServer server;
    private WodianClient admin;
    private WodianClient terminalA;
    private WodianClient terminalB;

    private static byte[] secret(final int seed)
    {
        return ServerTestSupport.secret(seed);
    }

    @BeforeEach
    void launch() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().credentialStore(new CredentialStore()
            .add(ServerTestSupport.ADMIN, 0)
            .add(TERMINAL_A_CREDENTIALS, MERCHANT_X)
            .add(TERMINAL_B_CREDENTIALS, MERCHANT_Y)
            .add(TERMINAL_C_CREDENTIALS, MERCHANT_Y)
            .add(CONSUMER_CREDENTIALS, 0)
            .addOperator(OPERATOR_CREDENTIALS)
            .addAdmin(FUNDS_CREDENTIALS, com.wodian.net.auth.AdminKind.FUNDS)
            .addAdmin(CONFIG_CREDENTIALS, com.wodian.net.auth.AdminKind.CONFIG));
        server = WodianServer.launch(config);
        admin = ServerTestSupport.connect(server);
        final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
        assertEquals(ResultCode.OK, requests.registerMerchant(MERCHANT_X));
        assertEquals(ResultCode.OK, requests.registerMerchant(MERCHANT_Y));
        assertEquals(ResultCode.OK, requests.registerTerminal(TERMINAL_A, MERCHANT_X));
        assertEquals(ResultCode.OK, requests.registerTerminal(TERMINAL_C, MERCHANT_X));
        assertEquals(ResultCode.OK, requests.registerTerminal(TERMINAL_B, MERCHANT_Y));
        assertEquals(ResultCode.OK, requests.registerConsumer(CONSUMER));
        assertEquals(ResultCode.OK, requests.registerConsumer(OTHER_CONSUMER));
        assertEquals(ResultCode.OK, requests.topUp(CONSUMER, 1, 100_000));
        terminalA = ServerTestSupport.connect(server, TERMINAL_A_CREDENTIALS);
        terminalB = ServerTestSupport.connect(server, TERMINAL_B_CREDENTIALS);
        assertEquals(MERCHANT_X, terminalA.merchantId());
    }

    @AfterEach
    void close()
    {
        terminalA.close();
        terminalB.close();
        admin.close();
        server.close();
    }

    @Test
    void terminalOfMerchantXCannotTouchOrSeePaymentsOfMerchantY() throws Exception
    {
        // Merchant Y's terminal B: one held payment (7) and one confirmed payment (8).
        assertEquals(ResultCode.OK, payment(call(terminalB,
            encoder.tryPayment(request, 0, MERCHANT_Y, TERMINAL_B, 7, CONSUMER, 1_000, 600_000))).code());
        assertEquals(ResultCode.OK, payment(call(terminalB,
            encoder.pay(request, 0, MERCHANT_Y, TERMINAL_B, 8, CONSUMER, 2_000))).code());

        // Terminal A naming itself but merchant Y: the gateway refuses, the engine never sees it.
        assertRefused(call(terminalA, encoder.confirm(request, 0, MERCHANT_Y, TERMINAL_A, 7)),
            ResultCode.MERCHANT_MISMATCH);
        assertRefused(call(terminalA, encoder.cancel(request, 0, MERCHANT_Y, TERMINAL_A, 7)),
            ResultCode.MERCHANT_MISMATCH);
        assertRefused(call(terminalA, encoder.refund(request, 0, MERCHANT_Y, TERMINAL_A, 8, 1, 500)),
            ResultCode.MERCHANT_MISMATCH);
        assertRefused(call(terminalA, encoder.paymentStatusQuery(request, 0, MERCHANT_Y, 7)),
            ResultCode.MERCHANT_MISMATCH);
        assertRefused(call(terminalA, encoder.merchantStatementQuery(request, 0, MERCHANT_Y)),
            ResultCode.MERCHANT_MISMATCH);

        // Terminal A impersonating terminal B.
        assertRefused(call(terminalA, encoder.confirm(request, 0, MERCHANT_Y, TERMINAL_B, 7)),
            ResultCode.TERMINAL_MISMATCH);
        assertRefused(call(terminalA, encoder.cancel(request, 0, MERCHANT_Y, TERMINAL_B, 7)),
            ResultCode.TERMINAL_MISMATCH);
        assertRefused(call(terminalA, encoder.refund(request, 0, MERCHANT_Y, TERMINAL_B, 8, 1, 500)),
            ResultCode.TERMINAL_MISMATCH);

        // Terminal A with its own ids asks about its own merchant: payment 7 is not merchant X's.
        assertEquals(PaymentState.NONE, status(terminalA, MERCHANT_X, 7).state());

        // Terminal C is registered under X in the engine but its credential says Y: the engine's own check refuses.
        try (WodianClient terminalC = ServerTestSupport.connect(server, TERMINAL_C_CREDENTIALS))
        {
            assertEquals(ResultCode.TERMINAL_NOT_OF_MERCHANT, payment(call(terminalC,
                encoder.confirm(request, 0, MERCHANT_Y, TERMINAL_C, 7))).code());
            assertEquals(ResultCode.TERMINAL_NOT_OF_MERCHANT, refund(call(terminalC,
                encoder.refund(request, 0, MERCHANT_Y, TERMINAL_C, 8, 1, 500))).code());
        }

        // Nothing changed: payment 7 is still held, payment 8 not refunded; its own terminal can still settle it.
        final PaymentStatusReplyDecoder held = status(admin, MERCHANT_Y, 7);
        assertEquals(PaymentState.HELD, held.state());
        final PaymentStatusReplyDecoder confirmed = status(terminalB, MERCHANT_Y, 8);
        assertEquals(PaymentState.CONFIRMED, confirmed.state());
        assertEquals(0, confirmed.refundedFen());
        assertEquals(ResultCode.OK, payment(call(terminalB,
            encoder.confirm(request, 0, MERCHANT_Y, TERMINAL_B, 7))).code());
    }

    @Test
    void rolesLimitWhatASessionMaySend() throws Exception
    {
        assertRefused(call(terminalA, encoder.registerTerminal(request, 0, 99, MERCHANT_X)),
            ResultCode.ADMIN_ROLE_REQUIRED);
        assertRefused(call(terminalA, encoder.topUp(request, 0, CONSUMER, 77, 1_000_000)),
            ResultCode.ADMIN_ROLE_REQUIRED);
        assertRefused(call(terminalA, encoder.withdraw(request, 0, MERCHANT_X, 1, 1)),
            ResultCode.ADMIN_ROLE_REQUIRED);
        assertRefused(call(terminalA, encoder.adjustPoints(request, 0, CONSUMER, 1, 1_000)),
            ResultCode.ADMIN_ROLE_REQUIRED);
        assertRefused(call(terminalA, encoder.distributePool(request, 0, MERCHANT_X, 1, 0)),
            ResultCode.ADMIN_ROLE_REQUIRED);
        assertRefused(call(terminalA, encoder.stateHashQuery(request, 0)), ResultCode.ADMIN_ROLE_REQUIRED);
        assertRefused(call(terminalA, encoder.tick(request, 0)), ResultCode.ADMIN_ROLE_REQUIRED);
        // A terminal cannot lift the key quota or the terminal binding meant to hold it.
        assertRefused(call(terminalA, encoder.setEngineSetting(request, 0,
            com.wodian.protocol.sbe.EngineSetting.MERCHANT_KEYS_MAX, 0)), ResultCode.ADMIN_ROLE_REQUIRED);
        assertRefused(call(terminalA, encoder.balanceQuery(request, 0, CONSUMER)),
            ResultCode.NOT_PERMITTED_FOR_ROLE);
        assertRefused(call(terminalA, encoder.consumerStatementQuery(request, 0, CONSUMER)),
            ResultCode.NOT_PERMITTED_FOR_ROLE);

        try (WodianClient consumer = ServerTestSupport.connect(server, CONSUMER_CREDENTIALS))
        {
            final UnsafeBuffer own = call(consumer, encoder.balanceQuery(request, 0, CONSUMER));
            assertEquals(com.wodian.protocol.sbe.BalanceReplyDecoder.TEMPLATE_ID, header.wrap(own, 0).templateId());
            assertRefused(call(consumer, encoder.balanceQuery(request, 0, OTHER_CONSUMER)),
                ResultCode.CONSUMER_MISMATCH);
            assertRefused(call(consumer, encoder.consumerStatementQuery(request, 0, OTHER_CONSUMER)),
                ResultCode.CONSUMER_MISMATCH);
            assertRefused(call(consumer, encoder.pay(request, 0, MERCHANT_X, TERMINAL_A, 5, CONSUMER, 1)),
                ResultCode.NOT_PERMITTED_FOR_ROLE);
            assertRefused(call(consumer, encoder.paymentStatusQuery(request, 0, MERCHANT_X, 5)),
                ResultCode.NOT_PERMITTED_FOR_ROLE);
            assertRefused(call(consumer, encoder.topUp(request, 0, CONSUMER, 78, 1)),
                ResultCode.ADMIN_ROLE_REQUIRED);
        }

        try (WodianClient operator = ServerTestSupport.connect(server, OPERATOR_CREDENTIALS))
        {
            // A read-only operator (security review B9) reads the state and totals a status or health check needs...
            assertEquals(com.wodian.protocol.sbe.StateHashReplyDecoder.TEMPLATE_ID,
                header.wrap(call(operator, encoder.stateHashQuery(request, 0)), 0).templateId());
            assertEquals(com.wodian.protocol.sbe.MerchantStatementReplyDecoder.TEMPLATE_ID,
                header.wrap(call(operator, encoder.merchantStatementQuery(request, 0, MERCHANT_X)), 0).templateId());
            // ...but moves no money, changes no setting and reads no consumer's balance or card number.
            assertRefused(call(operator, encoder.topUp(request, 0, CONSUMER, 79, 1_000_000)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(operator, encoder.withdraw(request, 0, MERCHANT_X, 2, 1)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(operator, encoder.setEngineSetting(request, 0,
                com.wodian.protocol.sbe.EngineSetting.MERCHANT_KEYS_MAX, 0)), ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(operator, encoder.registerTerminal(request, 0, 98, MERCHANT_X)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(operator, encoder.balanceQuery(request, 0, CONSUMER)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(operator, encoder.paymentStatusQuery(request, 0, MERCHANT_X, 1)),
                ResultCode.ADMIN_ROLE_REQUIRED);
        }

        // A refusal leaves the session usable: terminal A still pays for its own merchant.
        assertEquals(ResultCode.OK, payment(call(terminalA,
            encoder.pay(request, 0, MERCHANT_X, TERMINAL_A, 1, CONSUMER, 100))).code());
        assertEquals(9, new ServerTestSupport.Requests(admin).stateHash().lastSequence(),
            "8 set-up commands and one payment: no refused message was journaled");
        assertAdminAuditTrail();
    }

    /**
     * The admin audit trail (security review B6) records who sent each admin command, from where, and its result:
     * the admin's set-up and the operator's refused changes, not the queries nor the terminals' and consumer's
     * attempts. The file is written off the pipeline: polled (30 s at most) for the operator's last change.
     */
    private void assertAdminAuditTrail() throws Exception
    {
        final Path trail = dataDir.resolve(AdminAuditFile.FILE_NAME);
        final long deadlineMs = System.currentTimeMillis() + 30_000;
        java.util.List<String> lines = java.util.List.of();
        while (lines.stream().noneMatch((l) -> l.contains("command=RegisterTerminal terminalId=98")) &&
            System.currentTimeMillis() < deadlineMs)
        {
            Thread.sleep(20);
            lines = java.nio.file.Files.exists(trail) ? AdminAuditTest.records(trail) : lines;
        }
        final String all = String.join("\n", lines);
        assertEquals(1, lines.stream().filter((l) -> l.contains(" principal=1 role=ADMIN from=127.0.0.1 ") &&
            l.contains(" command=TopUp consumerId=**** externalRef=1 amountFen=100000") && l.endsWith(" result=OK"))
            .count(), all);
        assertEquals(4, lines.stream().filter((l) -> l.contains(" principal=7 role=OPERATOR from=127.0.0.1 ") &&
            l.endsWith(" result=ADMIN_ROLE_REQUIRED")).count(), "topUp, withdraw, setting, register: " + all);
        assertEquals(8 + 4, lines.size(), "8 set-up commands and the operator's 4 changes, nothing else: " + all);
    }

    /**
     * Separate admin kinds for funds and configuration (docs/security.md, "Admin kinds"): a funds admin moves money,
     * pays and refunds for a terminal, reads a balance, and is refused every change of configuration; a configuration
     * admin registers and sets rules and settings, and is refused every movement of money and every consumer's
     * balance. Each refusal is 757 and journals nothing; the trail records both kinds' commands, an admin's payment and
     * refund among them (review R22: an admin's refund was attributed to no one).
     */
    @Test
    void fundsAndConfigurationAdminsMayEachOnlyTheirOwnPart() throws Exception
    {
        try (WodianClient funds = ServerTestSupport.connect(server, FUNDS_CREDENTIALS);
            WodianClient config = ServerTestSupport.connect(server, CONFIG_CREDENTIALS))
        {
            assertEquals(ResultCode.OK, new ServerTestSupport.Requests(funds).topUp(CONSUMER, 2, 5_000));
            assertEquals(ResultCode.OK, payment(call(funds,
                encoder.pay(request, 0, MERCHANT_X, TERMINAL_A, 61, CONSUMER, 300))).code());
            assertEquals(ResultCode.OK, refund(call(funds,
                encoder.refund(request, 0, MERCHANT_X, TERMINAL_A, 61, 62, 300))).code());
            assertEquals(com.wodian.protocol.sbe.BalanceReplyDecoder.TEMPLATE_ID,
                header.wrap(call(funds, encoder.balanceQuery(request, 0, CONSUMER)), 0).templateId());
            assertRefused(call(funds, encoder.registerTerminal(request, 0, 97, MERCHANT_X)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(funds, encoder.setEngineSetting(request, 0,
                com.wodian.protocol.sbe.EngineSetting.MERCHANT_KEYS_MAX, 0)), ResultCode.ADMIN_ROLE_REQUIRED);

            assertEquals(ResultCode.OK, new ServerTestSupport.Requests(config).registerTerminal(96, MERCHANT_X));
            assertEquals(com.wodian.protocol.sbe.StateHashReplyDecoder.TEMPLATE_ID,
                header.wrap(call(config, encoder.stateHashQuery(request, 0)), 0).templateId());
            assertRefused(call(config, encoder.topUp(request, 0, CONSUMER, 3, 1_000_000)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(config, encoder.withdraw(request, 0, MERCHANT_X, 4, 1)), ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(config, encoder.refund(request, 0, MERCHANT_X, TERMINAL_A, 61, 63, 1)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(config, encoder.balanceQuery(request, 0, CONSUMER)), ResultCode.ADMIN_ROLE_REQUIRED);
        }
        assertEquals(8 + 4, new ServerTestSupport.Requests(admin).stateHash().lastSequence(),
            "8 set-up commands, the funds admin's top-up, payment and refund, the configuration admin's registration");

        final java.util.List<String> lines = trailWith("command=Refund merchantId=1 terminalId=11 paymentId=61 " +
            "refundId=63");
        final String all = String.join("\n", lines);
        assertEquals(3, lines.stream().filter((l) -> l.contains(" principal=8 role=FUNDS ") &&
            l.endsWith(" result=OK")).count(), "top-up, payment, refund: " + all);
        assertEquals(1, lines.stream().filter((l) -> l.contains(" principal=8 role=FUNDS ") &&
            l.contains(" command=Refund ") && l.endsWith(" result=OK")).count(), all);
        assertEquals(2, lines.stream().filter((l) -> l.contains(" principal=8 role=FUNDS ") &&
            l.endsWith(" result=ADMIN_ROLE_REQUIRED")).count(), all);
        assertEquals(1, lines.stream().filter((l) -> l.contains(" principal=9 role=CONFIG ") &&
            l.endsWith(" result=OK")).count(), all);
        assertEquals(3, lines.stream().filter((l) -> l.contains(" principal=9 role=CONFIG ") &&
            l.endsWith(" result=ADMIN_ROLE_REQUIRED")).count(), "top-up, withdraw, refund: " + all);
    }

    /**
     * AccountEvent (schema 13) comes from the platform's account service, an admin: a terminal, a consumer and a funds
     * admin are refused 757 before the journal; a configuration admin and a full admin are answered by the engine (an
     * Ack naming the consumer: OK, or 200 for a consumer never registered); a kind the schema does not define is refused
     * 101 by the gateway. Only the engine's answers were journaled.
     */
    @Test
    void accountEventsComeOnlyFromAnAdminWithTheConfigurationRight() throws Exception
    {
        final com.wodian.protocol.sbe.AccountEventKind reset =
            com.wodian.protocol.sbe.AccountEventKind.CREDENTIAL_RESET;
        assertRefused(call(terminalA, encoder.accountEvent(request, 0, CONSUMER, reset)),
            ResultCode.ADMIN_ROLE_REQUIRED);
        try (WodianClient consumer = ServerTestSupport.connect(server, CONSUMER_CREDENTIALS);
            WodianClient funds = ServerTestSupport.connect(server, FUNDS_CREDENTIALS);
            WodianClient config = ServerTestSupport.connect(server, CONFIG_CREDENTIALS))
        {
            assertRefused(call(consumer, encoder.accountEvent(request, 0, CONSUMER, reset)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertRefused(call(funds, encoder.accountEvent(request, 0, CONSUMER, reset)),
                ResultCode.ADMIN_ROLE_REQUIRED);
            assertAck(call(config, encoder.accountEvent(request, 0, CONSUMER,
                com.wodian.protocol.sbe.AccountEventKind.PHONE_REBOUND)), ResultCode.OK, CONSUMER);
        }
        assertAck(call(admin, encoder.accountEvent(request, 0, OTHER_CONSUMER, reset)), ResultCode.OK, OTHER_CONSUMER);
        assertAck(call(admin, encoder.accountEvent(request, 0, 4_040, reset)), ResultCode.UNKNOWN_CONSUMER, 4_040);
        final int length = encoder.accountEvent(request, 0, CONSUMER, reset);
        request.putByte(CommandEncoder.HEADER_LENGTH +
            com.wodian.protocol.sbe.AccountEventEncoder.kindEncodingOffset(), (byte)5);
        assertRefused(call(admin, length), ResultCode.MALFORMED_MESSAGE);
        assertEquals(8 + 3, new ServerTestSupport.Requests(admin).stateHash().lastSequence(),
            "8 set-up commands and the three account events the engine answered");
    }

    private void assertAck(final UnsafeBuffer reply, final ResultCode code, final long id)
    {
        assertEquals(com.wodian.protocol.sbe.AckDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId(), "an Ack");
        final com.wodian.protocol.sbe.AckDecoder ack =
            new com.wodian.protocol.sbe.AckDecoder().wrapAndApplyHeader(reply, 0, header);
        assertEquals(code, ack.code());
        assertEquals(com.wodian.protocol.sbe.AccountEventDecoder.TEMPLATE_ID, ack.commandTemplateId());
        assertEquals(id, ack.id());
    }

    /** The admin audit trail's lines once one contains {@code text} (written off the pipeline: 30 s at most). */
    private java.util.List<String> trailWith(final String text) throws Exception
    {
        final Path trail = dataDir.resolve(AdminAuditFile.FILE_NAME);
        final long deadlineMs = System.currentTimeMillis() + 30_000;
        java.util.List<String> lines = java.util.List.of();
        while (lines.stream().noneMatch((l) -> l.contains(text)) && System.currentTimeMillis() < deadlineMs)
        {
            Thread.sleep(20);
            lines = java.nio.file.Files.exists(trail) ? AdminAuditTest.records(trail) : lines;
        }
        return lines;
    }

    /**
     * ConsumerVouchersQuery: a terminal for its own merchant only (any consumer), the consumer for itself (any merchant
     * or all), an admin for anything (docs/security.md).
     */
    @Test
    void aConsumersVouchersAreListedForItsOwnMerchantsTerminalsAndForTheConsumer() throws Exception
    {
        assertEquals(ResultCode.OK, vouchers(call(terminalA,
            encoder.consumerVouchersQuery(request, 0, CONSUMER, MERCHANT_X, 0))).code());
        assertEquals(ResultCode.OK, vouchers(call(terminalA,
            encoder.consumerVouchersQuery(request, 0, OTHER_CONSUMER, MERCHANT_X, 0))).code());
        assertRefused(call(terminalA, encoder.consumerVouchersQuery(request, 0, CONSUMER, MERCHANT_Y, 0)),
            ResultCode.MERCHANT_MISMATCH);
        assertRefused(call(terminalA, encoder.consumerVouchersQuery(request, 0, CONSUMER, 0, 0)),
            ResultCode.MERCHANT_MISMATCH);
        try (WodianClient consumer = ServerTestSupport.connect(server, CONSUMER_CREDENTIALS))
        {
            assertEquals(ResultCode.OK, vouchers(call(consumer,
                encoder.consumerVouchersQuery(request, 0, CONSUMER, 0, 0))).code());
            assertEquals(ResultCode.OK, vouchers(call(consumer,
                encoder.consumerVouchersQuery(request, 0, CONSUMER, MERCHANT_Y, 0))).code());
            assertRefused(call(consumer, encoder.consumerVouchersQuery(request, 0, OTHER_CONSUMER, 0, 0)),
                ResultCode.CONSUMER_MISMATCH);
        }
        assertEquals(ResultCode.OK, vouchers(call(admin,
            encoder.consumerVouchersQuery(request, 0, OTHER_CONSUMER, 0, 0))).code());
    }

    private com.wodian.protocol.sbe.ConsumerVouchersReplyDecoder vouchers(final UnsafeBuffer reply)
    {
        assertEquals(com.wodian.protocol.sbe.ConsumerVouchersReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId());
        return new com.wodian.protocol.sbe.ConsumerVouchersReplyDecoder().wrapAndApplyHeader(reply, 0, header);
    }

    private UnsafeBuffer call(final WodianClient client, final int length) throws Exception
    {
        return new UnsafeBuffer(client.call(request, 0, length, TIMEOUT_MS));
    }

    /**
     * Security review item 17: a consumer's id is its card number (ISO DE2); a failed consumer logon is logged at
     * WARNING with the id masked to its last four digits, never whole.
     */
    @Test
    void aFailedConsumerLogonIsLoggedWithTheCardNumberMasked() throws Exception
    {
        final long cardNumber = 6_200_000_000_012_345_678L;
        final java.util.List<String> lines;
        try (com.wodian.net.testing.LogCapture capture = com.wodian.net.testing.LogCapture.of("com.wodian.net.server"))
        {
            lines = capture.lines();
            org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () ->
                ServerTestSupport.connect(server, Credentials.consumer(cardNumber, secret(99))).close());
            final long deadlineMs = System.currentTimeMillis() + TIMEOUT_MS;
            while (lines.stream().noneMatch((line) -> line.startsWith("failed logon")) &&
                System.currentTimeMillis() < deadlineMs)
            {
                Thread.sleep(10);
            }
        }
        final String line = lines.stream().filter((l) -> l.startsWith("failed logon")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(line.contains("****5678"), line);
        org.junit.jupiter.api.Assertions.assertFalse(line.replace(",", "").contains("620000000001"), line);
    }

    private void assertRefused(final UnsafeBuffer reply, final ResultCode code)
    {
        assertEquals(ErrorReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId(), "an ErrorReply");
        assertEquals(code, new ErrorReplyDecoder().wrapAndApplyHeader(reply, 0, header).code());
    }

    private PaymentReplyDecoder payment(final UnsafeBuffer reply)
    {
        assertEquals(PaymentReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId());
        return new PaymentReplyDecoder().wrapAndApplyHeader(reply, 0, header);
    }

    private RefundReplyDecoder refund(final UnsafeBuffer reply)
    {
        assertEquals(RefundReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId());
        return new RefundReplyDecoder().wrapAndApplyHeader(reply, 0, header);
    }

    private PaymentStatusReplyDecoder status(final WodianClient client, final long merchantId, final long paymentId)
        throws Exception
    {
        final UnsafeBuffer reply = call(client, encoder.paymentStatusQuery(request, 0, merchantId, paymentId));
        assertEquals(PaymentStatusReplyDecoder.TEMPLATE_ID, header.wrap(reply, 0).templateId());
        return new PaymentStatusReplyDecoder().wrapAndApplyHeader(reply, 0, header);
    }
}
