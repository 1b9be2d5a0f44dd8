package com.wodian.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI against a real server: exit codes, printed replies, and the journal dump of what was sent. */
class CliTest
{
    /** Output of one CLI run. */
    record Run(int exitCode, String out)
    {
    }

    static synchronized Run wodian(final String... args)
    {
        final PrintStream savedOut = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            final int exitCode = WodianMain.commandLine().execute(args);
            return new Run(exitCode, captured.toString(StandardCharsets.UTF_8));
        }
        finally
        {
            System.setOut(savedOut);
        }
    }

    /** Set by the tests that start a server; cleared before each test so none sees another's (deleted) file. */
    private static Path credentialsFile;

    @org.junit.jupiter.api.BeforeEach
    void noCredentialsFromAnEarlierTest()
    {
        credentialsFile = null;
    }

    /**
     * A pos command against the test's server, waiting 30 s for the reply: the command's 5-s default is an operator's,
     * and a starved test machine may take longer with nothing wrong.
     */
    private static String[] pos(final int port, final String command, final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("pos", command, "--port", Integer.toString(port),
            "--timeout-ms", "30000"));
        if (null != credentialsFile)
        {
            args.addAll(List.of("--credentials", credentialsFile.toString()));
        }
        args.addAll(List.of(options));
        return args.toArray(new String[0]);
    }

    /** {@code --version} names the formats a rolling upgrade must know (operator review 12), not the release alone. */
    @Test
    void theVersionNamesThePayloadSchemaAndTheSnapshotFormats()
    {
        final Run version = wodian("--version");

        assertEquals(WodianMain.EXIT_OK, version.exitCode(), version.out());
        assertTrue(version.out().contains("payload schema " + com.wodian.protocol.CommandCatalog.SCHEMA_VERSION +
            ", snapshot format " + com.wodian.engine.Engine.SNAPSHOT_FORMAT_VERSION), version.out());
    }

    /** A model load names its slot (ops review item 23): ACTIVE decides payments at once, so it is never implied. */
    @Test
    void aRiskModelLoadWithoutASlotIsAUsageError()
    {
        assertEquals(WodianMain.EXIT_USAGE, wodian("pos", "risk-model", "--port", "1", "--file", "model.txt")
            .exitCode());
    }

    @Test
    // A backstop, not a schedule: at load 17 on the 2-vCPU dev VM a run took a fifth of the old limit, too close.
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void posCommandsJournalDumpAndExitCodes(@TempDir final Path dir) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        credentialsFile = dataDir.resolve(EmbeddedServer.CLIENT_SECRETS_FILE_NAME);
        final String stateHash;
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, null))
        {
            final int port = server.port();
            assertEquals(0, wodian(pos(port, "register-merchant", "--merchant", "1", "--points-per-yuan", "2",
                "--pool-bps", "300", "--alliance-bps", "150", "--fee-bps", "60", "--alliance-member")).exitCode());
            assertEquals(0, wodian(pos(port, "register-terminal", "--terminal", "101", "--merchant", "1")).exitCode());
            assertEquals(0, wodian(pos(port, "register-consumer", "--consumer", "5", "--home-merchant", "1"))
                .exitCode());
            assertEquals(0, wodian(pos(port, "topup", "--consumer", "5", "--ref", "900", "--amount-fen", "10000"))
                .exitCode());

            final Run pay = wodian(pos(port, "pay", "--merchant", "1", "--terminal", "101", "--payment", "1",
                "--consumer", "5", "--amount-fen", "2500"));
            assertEquals(0, pay.exitCode(), pay.out());
            assertTrue(pay.out().contains("> Pay merchantId=1 terminalId=101 paymentId=1 consumerId=5 amountFen=2500"),
                pay.out());
            assertTrue(pay.out().contains("< PaymentReply code=OK"), pay.out());

            final Run poor = wodian(pos(port, "pay", "--merchant", "1", "--terminal", "101", "--payment", "2",
                "--consumer", "5", "--amount-fen", "100000"));
            assertEquals(WodianMain.EXIT_REFUSED, poor.exitCode(), poor.out());
            assertTrue(poor.out().contains("INSUFFICIENT_FUNDS"), poor.out());

            assertEquals(0, wodian(pos(port, "try", "--merchant", "1", "--terminal", "101", "--payment", "3",
                "--consumer", "5", "--amount-fen", "1000")).exitCode());
            assertEquals(0, wodian(pos(port, "cancel", "--merchant", "1", "--terminal", "101", "--payment", "3"))
                .exitCode());
            assertEquals(0, wodian(pos(port, "cancel", "--merchant", "1", "--terminal", "101", "--payment", "4"))
                .exitCode(), "an empty rollback is in the OK family");
            assertEquals(0, wodian(pos(port, "refund", "--merchant", "1", "--terminal", "101", "--payment", "1",
                "--refund", "1", "--amount-fen", "500")).exitCode());
            assertEquals(0, wodian(pos(port, "withdraw", "--merchant", "1", "--withdrawal", "1", "--amount-fen",
                "100")).exitCode());
            assertEquals(0, wodian(pos(port, "block", "--terminal", "101")).exitCode());
            assertEquals(WodianMain.EXIT_REFUSED, wodian(pos(port, "pay", "--merchant", "1", "--terminal", "101",
                "--payment", "5", "--consumer", "5", "--amount-fen", "10")).exitCode());
            assertEquals(0, wodian(pos(port, "unblock", "--terminal", "101")).exitCode());

            final Run balance = wodian(pos(port, "balance", "--consumer", "5"));
            assertEquals(0, balance.exitCode());
            assertTrue(balance.out().contains("walletFen=8000"), balance.out());
            assertEquals(0, wodian(pos(port, "status", "--merchant", "1", "--payment", "1")).exitCode());
            assertEquals(0, wodian(pos(port, "statement", "--merchant", "1")).exitCode());
            final Run vouchers = wodian(pos(port, "vouchers", "--consumer", "5", "--merchant", "1"));
            assertEquals(0, vouchers.exitCode(), vouchers.out());
            assertTrue(vouchers.out().contains("> ConsumerVouchersQuery consumerId=5 merchantId=1 cursor=0") &&
                vouchers.out().contains("< ConsumerVouchersReply code=OK") && vouchers.out().contains("nextCursor=0"),
                vouchers.out());
            final Run hash = wodian(pos(port, "state-hash"));
            assertEquals(0, hash.exitCode());
            assertTrue(hash.out().contains("lastSequence=14"), hash.out());
            stateHash = hash.out().replaceAll("(?s).*stateHash=(-?[0-9]+).*", "$1");
            assertEquals(WodianMain.EXIT_USAGE, wodian(pos(port, "block", "--terminal", "1", "--consumer", "2"))
                .exitCode());
        }

        final Run dump = wodian("journal", "dump", "--data", dataDir.toString());
        assertEquals(0, dump.exitCode());
        final String[] lines = dump.out().split("\n");
        assertEquals(14, lines.length, dump.out());
        assertTrue(lines[0].matches("1 \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z RegisterMerchant merchantId=1 .*"), lines[0]);
        assertTrue(lines[4].startsWith("5 ") && lines[4].contains("Pay merchantId=1 terminalId=101 paymentId=1"),
            lines[4]);

        final Run verify = wodian("journal", "verify", "--data", dataDir.toString());
        assertEquals(0, verify.exitCode(), verify.out());
        assertTrue(verify.out().contains("replayed 14 inputs") && verify.out().contains("invariants hold") &&
            verify.out().contains("lastSequence=14 stateHash=" + stateHash + "\n"), verify.out() + " vs " + stateHash);
    }

    @Test
    void riskRulesAreSetAndReadFromTheCommandLine(@TempDir final Path dir) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        credentialsFile = dataDir.resolve(EmbeddedServer.CLIENT_SECRETS_FILE_NAME);
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, null))
        {
            final int port = server.port();
            assertEquals(0, wodian(pos(port, "register-merchant", "--merchant", "1")).exitCode());
            assertEquals(0, wodian(pos(port, "register-terminal", "--terminal", "101", "--merchant", "1")).exitCode());
            assertEquals(0, wodian(pos(port, "register-consumer", "--consumer", "5", "--home-merchant", "1"))
                .exitCode());
            assertEquals(0, wodian(pos(port, "topup", "--consumer", "5", "--ref", "900", "--amount-fen", "100000"))
                .exitCode());
            // Daily limit of 3,000 fen at merchant 1 only.
            final Run set = wodian(pos(port, "risk-rule", "--merchant", "1", "--rule", "4", "--mode", "ENFORCE",
                "--threshold1", "3000"));
            assertEquals(0, set.exitCode(), set.out());
            final Run show = wodian(pos(port, "risk-rule-show", "--merchant", "1", "--rule", "4"));
            assertTrue(show.out().contains("mode=ENFORCE") && show.out().contains("threshold1=3000"), show.out());
            assertEquals(WodianMain.EXIT_REFUSED, wodian(pos(port, "risk-rule", "--rule", "99", "--mode", "ENFORCE",
                "--threshold1", "1")).exitCode());

            assertEquals(0, wodian(pos(port, "pay", "--merchant", "1", "--terminal", "101", "--payment", "1",
                "--consumer", "5", "--amount-fen", "2000")).exitCode());
            final Run declined = wodian(pos(port, "pay", "--merchant", "1", "--terminal", "101", "--payment", "2",
                "--consumer", "5", "--amount-fen", "2000"));
            assertEquals(WodianMain.EXIT_REFUSED, declined.exitCode(), declined.out());
            assertTrue(declined.out().contains("RISK_DAILY_LIMIT"), declined.out());

            final Run events = wodian(pos(port, "risk-events"));
            assertEquals(0, events.exitCode(), events.out());
            assertTrue(events.out().contains("lastEventId=1"), events.out());
            final Run stats = wodian(pos(port, "risk-stats", "--merchant", "1"));
            assertEquals(0, stats.exitCode(), stats.out());
            assertTrue(stats.out().contains("ruleId=4 declined=1"), stats.out());
        }
    }

    /** docs/operations.md section 11: an engine setting is set from the command line, and a bad value refused. */
    @Test
    void engineSettingsAreSetFromTheCommandLine(@TempDir final Path dir) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        credentialsFile = dataDir.resolve(EmbeddedServer.CLIENT_SECRETS_FILE_NAME);
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, null))
        {
            final int port = server.port();
            final Run set = wodian(pos(port, "engine-setting", "--setting", "PAYMENT_TERMINAL_BINDING",
                "--value", "1"));
            assertEquals(0, set.exitCode(), set.out());
            assertTrue(set.out().contains("code=OK"), set.out());
            final Run refused = wodian(pos(port, "engine-setting", "--setting", "MERCHANT_KEYS_MAX", "--value", "-1"));
            assertEquals(WodianMain.EXIT_REFUSED, refused.exitCode(), refused.out());
            assertTrue(refused.out().contains("SETTING_INVALID"), refused.out());
        }
    }

    /**
     * docs/risk.md "The second deciding model": a model file is loaded into the SECOND slot and shown from the command
     * line, and {@code risk-model-clear} unloads it.
     */
    @Test
    void aSecondModelIsLoadedShownAndClearedFromTheCommandLine(@TempDir final Path dir) throws Exception
    {
        final Path model = dir.resolve("model-v24.txt");
        try (java.io.InputStream in = CliTest.class.getResourceAsStream("/com/wodian/perf/riskmodel/model-v24.txt"))
        {
            java.nio.file.Files.copy(in, model);
        }
        final Path dataDir = dir.resolve("data");
        credentialsFile = dataDir.resolve(EmbeddedServer.CLIENT_SECRETS_FILE_NAME);
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, null))
        {
            final int port = server.port();
            final Run load = wodian(pos(port, "risk-model", "--slot", "SECOND", "--file", model.toString()));
            assertEquals(0, load.exitCode(), load.out());
            final Run shown = wodian(pos(port, "risk-model-show", "--slot", "SECOND"));
            assertTrue(shown.out().contains("slot=SECOND") && shown.out().contains("version=24"), shown.out());
            final Run cleared = wodian(pos(port, "risk-model-clear", "--slot", "SECOND"));
            assertEquals(0, cleared.exitCode(), cleared.out());
            assertTrue(cleared.out().contains("code=OK"), cleared.out());
            final Run empty = wodian(pos(port, "risk-model-show", "--slot", "SECOND"));
            assertTrue(empty.out().contains("version=0"), empty.out());
            final Run active = wodian(pos(port, "risk-model-show", "--slot", "ACTIVE"));
            assertTrue(active.out().contains("version=0"), "nothing else loaded: " + active.out());
        }
    }

    /** docs/risk.md "Account events": an AccountEvent is sent from the command line; an unknown consumer refused. */
    @Test
    void accountEventsAreSentFromTheCommandLine(@TempDir final Path dir) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        credentialsFile = dataDir.resolve(EmbeddedServer.CLIENT_SECRETS_FILE_NAME);
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, null))
        {
            final int port = server.port();
            final Run registered = wodian(pos(port, "register-consumer", "--consumer", "4242"));
            assertEquals(0, registered.exitCode(), registered.out());
            final Run sent = wodian(pos(port, "account-event", "--consumer", "4242", "--kind", "PHONE_REBOUND"));
            assertEquals(0, sent.exitCode(), sent.out());
            assertTrue(sent.out().contains("code=OK"), sent.out());
            final Run refused = wodian(pos(port, "account-event", "--consumer", "4343", "--kind", "DEVICE_BOUND"));
            assertEquals(WodianMain.EXIT_REFUSED, refused.exitCode(), refused.out());
            assertTrue(refused.out().contains("UNKNOWN_CONSUMER"), refused.out());
        }
    }

    /**
     * SBE's NULL_VAL, which the enums of --setting and --kind carry, is the wire's "no value": the server answers it
     * with 101 MALFORMED_MESSAGE, so the command line refuses it before sending, naming the values that may be sent.
     * Nothing listens on port 1: a command that got past its options would end unreachable (3), not as a usage error.
     */
    @Test
    void sbesNullValueIsAUsageErrorOfSettingAndKind()
    {
        final List<String[]> commands = List.of(
            new String[]{"pos", "engine-setting", "--port", "1", "--setting", "NULL_VAL", "--value", "1"},
            new String[]{"pos", "account-event", "--port", "1", "--consumer", "1", "--kind", "null_val"});
        final List<String> sendable = List.of("MERCHANT_KEYS_MAX, PAYMENT_TERMINAL_BINDING",
            "CREDENTIAL_RESET, DEVICE_BOUND, PHONE_REBOUND, NEW_NETWORK_LOGIN but was 'null_val'");
        for (int i = 0; i < commands.size(); i++)
        {
            final java.io.StringWriter err = new java.io.StringWriter();
            final int exitCode = WodianMain.commandLine().setErr(new java.io.PrintWriter(err, true))
                .execute(commands.get(i));
            assertEquals(WodianMain.EXIT_USAGE, exitCode, err.toString());
            assertTrue(err.toString().contains("NULL_VAL is SBE's \"no value\", which the server refuses (101 " +
                "MALFORMED_MESSAGE); expected one of "), err.toString());
            assertTrue(err.toString().contains(sendable.get(i)), err.toString());
        }
    }

    @Test
    void unreachableServerIsExitCodeThree() throws Exception
    {
        // A port held by a bound socket that never listens: refused for as long as the test runs (a port probed and
        // released may be taken meanwhile, by a server of this JVM binding port 0 or a client's own local port).
        try (java.net.Socket dead = new java.net.Socket())
        {
            dead.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            assertEquals(WodianMain.EXIT_UNREACHABLE, wodian(pos(dead.getLocalPort(), "state-hash")).exitCode());
        }
    }

    @Test
    void usageErrorsAreExitCodeTwo()
    {
        assertEquals(WodianMain.EXIT_USAGE, wodian("pos", "pay", "--port", "1").exitCode());
        assertEquals(WodianMain.EXIT_USAGE, wodian("no-such-command").exitCode());
        assertEquals(0, wodian("--help").exitCode());
    }
}
