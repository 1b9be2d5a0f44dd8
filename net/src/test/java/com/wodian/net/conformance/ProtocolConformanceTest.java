package com.wodian.net.conformance;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.ServerMain;
import com.wodian.net.server.ThreadingMode;
import com.wodian.net.server.WodianServer;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.ClusterStatusReplyDecoder;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentStatusReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/protocol.md and docs/result-codes.md as test cases, through a real socket with a client that knows only the
 * pages (frames and bytes, {@link WireSession}): the message table of section 6 (every request gets the reply
 * template listed, of the listed block length), the refusal and framing tables of section 5, the worked example of
 * section 7 byte for byte, the logon refusals of section 1.1, the request length rule of section 2, the lone
 * server's cluster status, the unknown payment key, the enum values, and every result code's number and name.
 * When a page and the server disagree, a test here fails: fix the page or the server.
 */
class ProtocolConformanceTest
{
    private static final int READ_TIMEOUT_MS = 30_000;
    /**
     * Twice the read limit: a session the server must close after a refusal (before logon) is then seen closed within
     * the read limit only if the refusal closed it, never because the logon timeout did.
     */
    private static final long LOGON_TIMEOUT_MS = 2L * READ_TIMEOUT_MS;
    private static final long MERCHANT_ID = 1;
    private static final long TERMINAL_ID = 11;
    private static final long CONSUMER_ID = 1001;
    private static final Credentials ADMIN = Credentials.admin(1, secret(1));

    @TempDir
    static Path dataDir;

    private static WodianServer server;
    private static String protocol;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private long correlationId = 100;

    @BeforeAll
    static void launch() throws Exception
    {
        protocol = DocPages.read("protocol.md");
        final ServerConfig config = new ServerConfig().dataDir(dataDir).host("127.0.0.1").port(0)
            .threadingMode(ThreadingMode.COMPACT).durabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .engineConfig(EngineConfig.small()).inputRingSize(1024).outputRingSize(1024).sessionsMax(64)
            .shutdownTimeoutMs(5_000);
        config.gateway().credentialStore(new CredentialStore().add(ADMIN, 0)).logonTimeoutMs(LOGON_TIMEOUT_MS);
        server = WodianServer.launch(config);
        // Section 7's example: consumer 1001 holds 1,000.00 CNY.
        final CommandEncoder setup = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        try (WireSession session = admin())
        {
            expectOk(session, buffer, setup.registerMerchant(buffer, 0, MERCHANT_ID, 1, 100, 0, 0, false));
            expectOk(session, buffer, setup.registerTerminal(buffer, 0, TERMINAL_ID, MERCHANT_ID));
            expectOk(session, buffer, setup.registerConsumer(buffer, 0, CONSUMER_ID, 0));
            expectOk(session, buffer, setup.topUp(buffer, 0, CONSUMER_ID, 1, 100_000));
        }
    }

    @AfterAll
    static void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    private static void expectOk(final WireSession session, final UnsafeBuffer buffer, final int length)
        throws IOException
    {
        session.send(9, buffer, length);
        assertEquals(0, session.read().code());
    }

    private static byte[] secret(final int seed)
    {
        final byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte)seed);
        return secret;
    }

    private static WireSession admin() throws IOException
    {
        final WireSession session = new WireSession(server.port(), READ_TIMEOUT_MS);
        assertEquals(0, session.logOn(ADMIN));
        return session;
    }

    // ------------------------------------------------------------------------------------------ section 6 tables

    /** Heading {@code #### Name (templateId N, blockLength B...}: template id to [name, blockLength]. */
    private static Map<Integer, Object[]> headings()
    {
        final Map<Integer, Object[]> headings = new TreeMap<>();
        final Matcher heading = Pattern.compile("(?m)^#### (\\w+) \\(templateId (\\d+), blockLength (\\d+)")
            .matcher(protocol);
        while (heading.find())
        {
            headings.put(Integer.parseInt(heading.group(2)),
                new Object[]{heading.group(1), Integer.parseInt(heading.group(3))});
        }
        return headings;
    }

    @Test
    void everyRequestOfTheMessageTableGetsTheListedReplyOfTheListedBlockLength() throws Exception
    {
        final Map<Integer, Object[]> headings = headings();
        final List<List<String>> table = DocPages.tableAfter(protocol, "Template ids, and which reply each request gets");
        int checked = 0;
        try (WireSession session = admin())
        {
            for (final List<String> row : table)
            {
                if (!row.get(0).matches("\\d+"))
                {
                    continue;
                }
                final int templateId = Integer.parseInt(row.get(0));
                final Object[] request = headings.get(templateId);
                assertTrue(null != request, "section 6 documents the layout of template " + templateId);
                final int length = zeroRequest(templateId, (String)request[0], (int)request[1]);
                session.send(++correlationId, message, length);
                final WireSession.Frame reply = session.read();
                assertEquals(correlationId, reply.correlationId());
                final List<Integer> listed = numbers(row.get(3));
                assertTrue(listed.contains(reply.templateId()), row + ": got reply template " + reply.templateId() +
                    " code " + reply.code());
                final Object[] replyHeading = headings.get(reply.templateId());
                assertEquals(replyHeading[1], reply.blockLength(), "blockLength of " + replyHeading[0]);
                checked++;
            }
        }
        assertTrue(checked >= 30, "the table lists every request: " + checked);
    }

    /**
     * A request of the documented block length, all fields 0 except the enum and boolean fields (1, a defined value
     * of every enum in section 6): the server must answer it with the template the table lists, whatever the code.
     */
    private int zeroRequest(final int templateId, final String name, final int blockLength)
    {
        message.setMemory(0, CommandCatalog.MAX_MESSAGE_LENGTH, (byte)0);
        message.putShort(0, (short)blockLength, ByteOrder.LITTLE_ENDIAN);
        message.putShort(2, (short)templateId, ByteOrder.LITTLE_ENDIAN);
        message.putShort(4, (short)CommandCatalog.SCHEMA_ID, ByteOrder.LITTLE_ENDIAN);
        message.putShort(6, (short)CommandCatalog.SCHEMA_VERSION, ByteOrder.LITTLE_ENDIAN);
        for (final List<String> field : DocPages.tableAfter(protocol, "#### " + name + " (templateId " + templateId))
        {
            if (field.size() >= 3 && field.get(0).matches("\\d+") &&
                field.get(2).matches(
                    ".*(BooleanType|PartyType|DistributionMode|RiskMode|RiskAction|SessionRole|EngineSetting|WithdrawSource|AccountEventKind).*"))
            {
                message.putByte(MessageHeaderDecoder.ENCODED_LENGTH + Integer.parseInt(field.get(0)), (byte)1);
            }
        }
        return MessageHeaderDecoder.ENCODED_LENGTH + blockLength;
    }

    private static List<Integer> numbers(final String text)
    {
        final List<Integer> numbers = new ArrayList<>();
        final Matcher number = Pattern.compile("\\d+").matcher(text);
        while (number.find())
        {
            numbers.add(Integer.parseInt(number.group()));
        }
        return numbers;
    }

    @Test
    void theEnumValuesOfSection6AreTheSchemas() throws Exception
    {
        final Matcher enumText = Pattern.compile("`(\\w+)` uint8 \\(([^)]*)\\)").matcher(protocol);
        int checked = 0;
        while (enumText.find())
        {
            final Class<?> type = Class.forName("com.wodian.protocol.sbe." + enumText.group(1));
            final Map<String, Integer> documented = new TreeMap<>();
            for (final String value : enumText.group(2).split(",\\s*"))
            {
                final String[] parts = value.trim().split(" ");
                documented.put(parts[1], Integer.parseInt(parts[0]));
            }
            final Map<String, Integer> schema = new TreeMap<>();
            for (final Object constant : type.getEnumConstants())
            {
                if (!"NULL_VAL".equals(((Enum<?>)constant).name()))
                {
                    schema.put(((Enum<?>)constant).name(),
                        ((Number)type.getMethod("value").invoke(constant)).intValue());
                }
            }
            assertEquals(schema, documented, enumText.group(1));
            checked++;
        }
        assertTrue(checked >= 10, "enums documented: " + checked);
    }

    @Test
    void theDocumentedSchemaVersionAndListeningLineAreTheServers()
    {
        assertTrue(protocol.contains("(schema id **" + CommandCatalog.SCHEMA_ID + "**, version **" +
            CommandCatalog.SCHEMA_VERSION + "**)"), "schema id and version in the page's first lines");
        assertTrue(protocol.contains("`" + ServerMain.LISTENING_PREFIX + "N`"), "the listening line");
    }

    // --------------------------------------------------------------------------------------------------- section 5

    @Test
    void everyCodeOfTheRefusalTableIsAnErrorReplyAndTheConnectionStays() throws Exception
    {
        final TreeSet<Integer> documented = new TreeSet<>();
        for (final List<String> row : DocPages.tableAfter(protocol, "### Refused messages"))
        {
            if (row.get(0).matches("\\d+"))
            {
                documented.add(Integer.parseInt(row.get(0)));
            }
        }
        assertEquals(new TreeSet<>(List.of(100, 101, 102)), documented, "the gateway's own codes");
        try (WireSession session = admin())
        {
            // 101: shorter than a header; a block shorter than the fields; a block beyond the message; an enum value.
            expectRefused(session, 101, 0, 4, m -> encoder.balanceQuery(m, 0, CONSUMER_ID));
            expectRefused(session, 101, 30, -1, m ->
            {
                encoder.balanceQuery(m, 0, CONSUMER_ID);
                m.putShort(0, (short)4, ByteOrder.LITTLE_ENDIAN);
                return 12;
            });
            expectRefused(session, 101, 30, -1, m -> encoder.balanceQuery(m, 0, CONSUMER_ID) - 1);
            expectRefused(session, 101, 6, -1, m ->
            {
                final int length = encoder.setBlocked(m, 0, com.wodian.protocol.sbe.PartyType.CONSUMER, 5, true);
                m.putByte(8, (byte)9);
                return length;
            });
            // 102: another schema id; version 0; a version above the server's.
            expectRefused(session, 102, 30, -1, m -> withShort(m, 4, 1234));
            expectRefused(session, 102, 30, -1, m -> withShort(m, 6, 0));
            expectRefused(session, 102, 30, -1, m -> withShort(m, 6, CommandCatalog.SCHEMA_VERSION + 1));
            // ConsumerVouchersQuery (version 7): from a version-6 sender; a block without its cursor; cut short.
            expectRefused(session, 102, 41, -1, m ->
            {
                final int length = encoder.consumerVouchersQuery(m, 0, CONSUMER_ID, 0, 0);
                m.putShort(6, (short)6, ByteOrder.LITTLE_ENDIAN);
                return length;
            });
            expectRefused(session, 101, 41, -1, m ->
            {
                final int length = encoder.consumerVouchersQuery(m, 0, CONSUMER_ID, 0, 0);
                m.putShort(0, (short)16, ByteOrder.LITTLE_ENDIAN);
                return length - 8;
            });
            expectRefused(session, 101, 41, -1, m -> encoder.consumerVouchersQuery(m, 0, CONSUMER_ID, 0, 0) - 1);
            // 100: an unknown template; a reply template sent as a request.
            expectRefused(session, 100, 99, -1, m -> withShort(m, 2, 99));
            expectRefused(session, 100, 103, -1, m -> withShort(m, 2, 103));
            assertBalance(session, 100_000);
        }
    }

    private int withShort(final UnsafeBuffer m, final int offset, final int value)
    {
        final int length = encoder.balanceQuery(m, 0, CONSUMER_ID);
        m.putShort(offset, (short)value, ByteOrder.LITTLE_ENDIAN);
        return length;
    }

    private void expectRefused(
        final WireSession session, final int code, final int templateId, final int length,
        final java.util.function.ToIntFunction<UnsafeBuffer> build) throws IOException
    {
        final int built = build.applyAsInt(message);
        session.send(++correlationId, message, length >= 0 ? length : built);
        final WireSession.Frame reply = session.read();
        assertEquals(correlationId, reply.correlationId());
        assertEquals(ErrorReplyDecoder.TEMPLATE_ID, reply.templateId());
        final ErrorReplyDecoder error = new ErrorReplyDecoder()
            .wrapAndApplyHeader(reply.message(), 0, new MessageHeaderDecoder());
        assertEquals(code, error.code().value(), "code for template " + templateId);
        assertEquals(templateId, error.templateId());
    }

    private void assertBalance(final WireSession session, final long walletFen) throws IOException
    {
        session.send(++correlationId, message, encoder.balanceQuery(message, 0, CONSUMER_ID));
        final WireSession.Frame reply = session.read();
        assertEquals(correlationId, reply.correlationId());
        assertEquals(BalanceReplyDecoder.TEMPLATE_ID, reply.templateId());
        assertEquals(walletFen, new BalanceReplyDecoder()
            .wrapAndApplyHeader(reply.message(), 0, new MessageHeaderDecoder()).walletFen());
    }

    @Test
    void everyRowOfTheFramingTableIsAnErrorReplyWithCorrelationIdZeroThenAClose() throws Exception
    {
        final List<List<String>> rows = DocPages.tableAfter(protocol, "### Broken framing");
        assertEquals(2, rows.size(), "rows of the framing table");
        for (final List<String> row : rows)
        {
            final int code = numbers(row.get(1)).get(0);
            final int[] frameLengths = row.get(0).startsWith("greater than 264") ?
                new int[]{265, 100_000, -1} : row.get(0).startsWith("0 to 7") ? new int[]{0, 7} : null;
            assertTrue(null != frameLengths, "a row this test knows: " + row);
            for (final int frameLength : frameLengths)
            {
                try (WireSession session = admin())
                {
                    session.sendFrame(frameLength, 77, new byte[16], 16);
                    final WireSession.Frame reply = session.read();
                    assertEquals(0, reply.correlationId(), "frameLength " + frameLength);
                    assertEquals(ErrorReplyDecoder.TEMPLATE_ID, reply.templateId());
                    assertEquals(code, reply.code(), "frameLength " + frameLength);
                    assertTrue(session.closedByServer(), "closed after frameLength " + frameLength);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------- sections 1.1, 2, 7

    @Test
    void refusedLogonsAreALogonReplyAndAClose() throws Exception
    {
        for (final int role : new int[]{0, 9, 255})
        {
            try (WireSession session = new WireSession(server.port(), READ_TIMEOUT_MS))
            {
                final int length = new com.wodian.protocol.sbe.LogonEncoder()
                    .wrapAndApplyHeader(message, 0, new com.wodian.protocol.sbe.MessageHeaderEncoder())
                    .role(SessionRole.ADMIN).principalId(1).encodedLength() + 8;
                message.putByte(8, (byte)role);
                session.send(1, message, length);
                final WireSession.Frame reply = session.read();
                assertEquals(121, reply.templateId(), "LogonReply, role " + role);
                assertEquals(101, reply.code(), "role " + role);
                assertTrue(session.closedByServer(), "role " + role);
            }
        }
        try (WireSession session = new WireSession(server.port(), READ_TIMEOUT_MS))
        {
            assertEquals(751, session.logOn(Credentials.admin(1, secret(2))), "wrong secret");
            assertTrue(session.closedByServer());
        }
        try (WireSession session = new WireSession(server.port(), READ_TIMEOUT_MS))
        {
            session.send(5, message, encoder.balanceQuery(message, 0, CONSUMER_ID));
            final WireSession.Frame reply = session.read();
            assertEquals(ErrorReplyDecoder.TEMPLATE_ID, reply.templateId());
            assertEquals(750, reply.code(), "before logon");
            assertTrue(session.closedByServer());
        }
    }

    @Test
    void aLongerBlockAndTrailingBytesAreAccepted() throws Exception
    {
        try (WireSession session = admin())
        {
            final int length = encoder.balanceQuery(message, 0, CONSUMER_ID);
            message.putShort(0, (short)16, ByteOrder.LITTLE_ENDIAN);
            message.putLong(length, 0x5555_5555_5555_5555L);
            message.putInt(length + 8, 0x7777_7777);
            session.send(++correlationId, message, length + 12);
            final WireSession.Frame reply = session.read();
            assertEquals(BalanceReplyDecoder.TEMPLATE_ID, reply.templateId());
            assertEquals(0, reply.code());
        }
    }

    @Test
    void theWorkedExampleIsWhatTheServerSends() throws Exception
    {
        final String section = protocol.substring(protocol.indexOf("## 7. Worked example"));
        final byte[] request = hexOf(DocPages.codeBlockAfter(section, "BalanceQuery for consumer 1001"));
        final byte[] reply = hexOf(DocPages.codeBlockAfter(section, "Its reply, a BalanceReply"));
        try (WireSession session = admin())
        {
            session.sendRaw(request);
            assertArrayEquals(reply, session.readBytes(reply.length), "the reply's bytes");
        }
    }

    /** The hex bytes at the start of each line of a worked example (the text after two spaces is a comment). */
    private static byte[] hexOf(final List<String> lines)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (final String line : lines)
        {
            final String hex = line.split("\\s{2,}")[0].replace(" ", "");
            bytes.writeBytes(HexFormat.of().parseHex(hex));
        }
        return bytes.toByteArray();
    }

    // --------------------------------------------------------------------------------------- documented replies

    @Test
    void aLoneServerReportsRoleAloneAndNoLeader() throws Exception
    {
        try (WireSession session = admin())
        {
            session.send(++correlationId, message, encoder.clusterStatusQuery(message, 0, false));
            final WireSession.Frame reply = session.read();
            assertEquals(ClusterStatusReplyDecoder.TEMPLATE_ID, reply.templateId());
            final ClusterStatusReplyDecoder status = new ClusterStatusReplyDecoder()
                .wrapAndApplyHeader(reply.message(), 0, new MessageHeaderDecoder());
            assertEquals(com.wodian.protocol.sbe.GroupRole.ALONE, status.role(), "role 0: alone");
            assertEquals(-1, status.leaderId(), "leaderId -1 when unknown (no group)");
        }
    }

    @Test
    void aPaymentKeyNeverSeenIsNotFoundWithStateNone() throws Exception
    {
        try (WireSession session = admin())
        {
            session.send(++correlationId, message, encoder.paymentStatusQuery(message, 0, MERCHANT_ID, 987_654));
            final WireSession.Frame reply = session.read();
            assertEquals(PaymentStatusReplyDecoder.TEMPLATE_ID, reply.templateId());
            final PaymentStatusReplyDecoder status = new PaymentStatusReplyDecoder()
                .wrapAndApplyHeader(reply.message(), 0, new MessageHeaderDecoder());
            assertEquals(ResultCode.PAYMENT_NOT_FOUND, status.code());
            assertEquals(ResultCode.PAYMENT_NOT_FOUND, status.firstResult());
            assertEquals(0, status.stateRaw());
            assertEquals(MERCHANT_ID, status.merchantId());
            assertEquals(987_654, status.paymentId());
            assertEquals(0, status.amountFen() + status.consumerId() + status.refundedFen() + status.expiresAtMs());
        }
    }

    @Test
    void everyResultCodeOfTheTableIsTheSchemasNumberAndName() throws Exception
    {
        int checked = 0;
        for (final List<String> row : DocPages.tableAfter(DocPages.read("result-codes.md"), "| code | name |"))
        {
            if (!row.get(0).matches("\\d+"))
            {
                continue;
            }
            final String name = row.get(1).replace("`", "");
            assertEquals(name, ResultCode.get(Integer.parseInt(row.get(0))).name(), "code " + row.get(0));
            checked++;
        }
        assertTrue(checked >= 60, "rows: " + checked);
        assertFalse(protocol.isEmpty());
    }
}
