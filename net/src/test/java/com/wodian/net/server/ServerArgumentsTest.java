package com.wodian.net.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.consensus.AckPolicy;
import com.wodian.net.cluster.ReplicaGroupConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ServerArguments}: every option reaches the configuration, every mistake names what is wrong. */
class ServerArgumentsTest
{
    private static ServerConfig parse(final String... args)
    {
        final ServerConfig config = new ServerConfig();
        ServerArguments.parse(args, config);
        return config;
    }

    private static String error(final String... args)
    {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    private static String[] withRequired(final String... more)
    {
        final List<String> args = new ArrayList<>(List.of("--data", "/tmp/wodian-args-test", "--port", "0"));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Test
    void appliesTheServerAndStateOptions()
    {
        final ServerConfig config = parse(withRequired("--mode", "dedicated", "--host", "127.0.0.2",
            "--durability", "page-cache", "--pipeline-wait", "yielding", "--network-idle", "backoff",
            "--sender-idle", "busy-spin", "--warmup-inputs", "123", "--metrics-port", "9100", "--metrics-host",
            "127.0.0.3", "--snapshots", "off", "--snapshot-every-inputs", "5000", "--snapshot-every-ms", "7000",
            "--snapshot-retain", "4", "--auth", "disabled"));
        assertEquals(Path.of("/tmp/wodian-args-test"), config.dataDir());
        assertEquals(0, config.port());
        assertEquals("127.0.0.2", config.host());
        assertEquals(DurabilityPolicy.PAGE_CACHE, config.durabilityPolicy());
        assertEquals("yielding", config.pipelineWaitStrategy());
        assertEquals("backoff", config.networkIdleStrategy());
        assertEquals("busy-spin", config.senderIdleStrategy());
        assertEquals(123, config.warmupInputs());
        assertEquals(9100, config.metricsPort());
        assertEquals("127.0.0.3", config.metricsHost());
        assertFalse(config.snapshotConfig().enabled());
        assertEquals(5000, config.snapshotConfig().intervalInputs());
        assertEquals(7000, config.snapshotConfig().intervalMs());
        assertEquals(4, config.snapshotConfig().retainCount());
        assertEquals(GatewayConfig.AuthMode.DISABLED, config.gateway().authMode());
        assertNull(config.replicaGroup());
        assertNull(config.tls());
        assertTrue(config.gatewayFactories().isEmpty());
        assertFalse(ServerArguments.parse(withRequired(), new ServerConfig()).ignoreStdin());
        assertTrue(ServerArguments.parse(withRequired("--ignore-stdin"), new ServerConfig()).ignoreStdin());
    }

    @Test
    void keysMaxAndReservedTablesApplyToTheLimitsChosenInEitherOrder()
    {
        final int smallKeysMax = EngineConfig.small().keysMax();
        for (final String[] args : List.of(withRequired("--keys-max", "77", "--engine-tables", "reserve", "--limits",
            "small"), withRequired("--limits", "small", "--engine-tables", "reserve", "--keys-max", "77")))
        {
            final EngineConfig engine = parse(args).engineConfig();
            assertEquals(77, engine.keysMax());
            assertTrue(engine.reserveTables());
            assertEquals(EngineConfig.small().consumersMax(), engine.consumersMax(), "small limits kept");
        }
        assertFalse(parse(withRequired("--limits", "small", "--engine-tables", "grow")).engineConfig().reserveTables());
        assertEquals(smallKeysMax, parse(withRequired("--limits", "small")).engineConfig().keysMax());
    }

    @Test
    void buildsTheReplicaGroupFromItsOptions()
    {
        final ReplicaGroupConfig group = parse(withRequired("--node-id", "1", "--peers",
            "0=127.0.0.1:7001,1=127.0.0.1:7002,2=127.0.0.1:7003", "--client-peers",
            "0=127.0.0.1:7101,1=127.0.0.1:7102,2=127.0.0.1:7103", "--ack-policy", "all", "--group", "east",
            "--election-timeout-ms", "450", "--join")).replicaGroup();
        assertNotNull(group);
        assertEquals("east", group.groupName());
        assertEquals(1, group.nodeId());
        assertEquals(3, group.replicationAddresses().length);
        assertEquals(7102, group.clientAddresses()[1].getPort());
        assertEquals(AckPolicy.ALL, group.ackPolicy());
        assertEquals(450, group.consensus().electionTimeoutMinMs());
        assertTrue(group.joining());
    }

    /**
     * Operator review 6: an id retired with {@code group remove} is dropped from --peers for good (ids with a gap, in
     * any order), while a list that names an id twice, --client-peers for other ids, or this node without an address
     * is refused.
     */
    @Test
    void peersMayLeaveOutARetiredId()
    {
        final ReplicaGroupConfig group = parse(withRequired("--node-id", "3", "--peers",
            "3=127.0.0.1:7004,1=127.0.0.1:7002,2=127.0.0.1:7003", "--client-peers",
            "1=127.0.0.1:7102,2=127.0.0.1:7103,3=127.0.0.1:7104")).replicaGroup();
        assertEquals(4, group.groupSize());
        assertFalse(group.hasAddress(0));
        assertTrue(group.hasAddress(1) && group.hasAddress(3));
        assertEquals(0b1110, group.idsWithAddress());
        assertEquals(7104, group.clientAddresses()[3].getPort());
        assertTrue(new ServerConfig().replicaGroup(group).summary().contains("node 3 of a group of 3"));
        assertTrue(error(withRequired("--node-id", "1", "--peers", "1=127.0.0.1:7002,1=127.0.0.1:7003"))
            .startsWith("peer ids must be 0 to 23, each once"));
        assertTrue(error(withRequired("--node-id", "0", "--peers", "1=127.0.0.1:7002,2=127.0.0.1:7003"))
            .startsWith("node id 0 is not one of the peers 1,2"));
        assertTrue(error(withRequired("--node-id", "1", "--peers", "1=127.0.0.1:7002,2=127.0.0.1:7003",
            "--client-peers", "0=127.0.0.1:7101,1=127.0.0.1:7102")).startsWith("--client-peers names node ids 0,1"));
    }

    /** The PKCS#12 password need not be on the command line (ops review item 16: it shows in the process list). */
    @Test
    void theKeyStorePasswordComesFromAFileOrTheEnvironment(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws Exception
    {
        final Path passwordFile = dir.resolve("tls-password");
        java.nio.file.Files.writeString(passwordFile, "s3cret\n");
        final String[] tls = withRequired("--tls-cert", "server.p12", "--tls-password-file", passwordFile.toString());
        final ServerConfig fromFile = new ServerConfig();
        ServerArguments.parse(tls, fromFile, (name) -> null);
        assertEquals("s3cret", new String(fromFile.tls().keyStorePassword()));

        final ServerConfig fromEnvironment = new ServerConfig();
        ServerArguments.parse(withRequired("--tls-cert", "server.p12"), fromEnvironment,
            (name) -> ServerArguments.TLS_PASSWORD_ENV.equals(name) ? "from-env" : null);
        assertEquals("from-env", new String(fromEnvironment.tls().keyStorePassword()));

        final ServerConfig nodeOnly = new ServerConfig();
        ServerArguments.parse(withRequired("--node-id", "0", "--peers", "0=127.0.0.1:7001,1=127.0.0.1:7002",
            "--node-cert", "node-0.p12", "--tls-trust", "ca.pem", "--tls-password-file", passwordFile.toString()),
            nodeOnly, (name) -> null);
        assertEquals("s3cret", new String(nodeOnly.replicationTls().keyStorePassword()), "a PKCS#12 node certificate");
        assertNull(nodeOnly.tls());

        assertTrue(error(withRequired("--tls-cert", "server.p12", "--tls-password", "x", "--tls-password-file",
            passwordFile.toString())).contains("exclude each other"));
        assertTrue(error(withRequired("--tls-cert", "server.p12", "--tls-password-file",
            dir.resolve("missing").toString())).startsWith("cannot read --tls-password-file"));
        // Security review C4: a password file others can change is refused, not read.
        java.nio.file.Files.setPosixFilePermissions(passwordFile,
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        assertTrue(error(tls).endsWith("writable by group or others (rw-rw-r--): chmod go-w it (docs/security.md, " +
            "\"Data at rest\")"), error(tls));
    }

    /**
     * Security review item 2: node certificates are the nodes' whole credential, so their trust must not be the CA
     * that issues client certificates; the same file, or a copy of it, is refused unless --node-trust-shared.
     */
    @Test
    void nodeTrustIsNotTheClientCertificateTrust(@TempDir final Path dir) throws Exception
    {
        final Path clientCa = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "client CA");
        final Path copy = java.nio.file.Files.writeString(dir.resolve("copy-of-ca.pem"), "client CA");
        final Path nodeCa = java.nio.file.Files.writeString(dir.resolve("node-ca.pem"), "node CA");
        final List<String> group = List.of("--node-id", "0", "--peers", "0=127.0.0.1:7001,1=127.0.0.1:7002",
            "--node-cert", "node-0.pem", "--node-key", "node-0.key", "--tls-cert", "server.pem", "--tls-key",
            "server.key", "--tls-trust", clientCa.toString(), "--tls-client-auth", "optional");
        assertTrue(error(withRequired(plus(group))).startsWith("refusing to trust node certificates from " + clientCa));
        assertTrue(error(withRequired(plus(group, "--node-trust", copy.toString())))
            .startsWith("refusing to trust node certificates"), "a copy of the same CA");

        assertEquals(nodeCa, parse(withRequired(plus(group, "--node-trust", nodeCa.toString())))
            .replicationTls().trustFile());
        assertEquals(clientCa, parse(withRequired(plus(group, "--node-trust-shared"))).replicationTls().trustFile(),
            "forced");
        // No client certificates accepted: the CA issues none, as before (groups with clear client ports).
        assertEquals(clientCa, parse(withRequired("--node-id", "0", "--peers", "0=127.0.0.1:7001,1=127.0.0.1:7002",
            "--node-cert", "node-0.pem", "--tls-trust", clientCa.toString())).replicationTls().trustFile());
        // --node-pins (docs/security.md, "TLS"): read at the start, a broken file refused with its line.
        final Path pins = java.nio.file.Files.writeString(dir.resolve("node-pins"), "node 1 sha256 " + "ab".repeat(32));
        assertEquals(pins, parse(withRequired(plus(group, "--node-trust", nodeCa.toString(), "--node-pins",
            pins.toString()))).group().nodePins().file());
        java.nio.file.Files.writeString(pins, "node 1 md5 00");
        assertTrue(error(withRequired(plus(group, "--node-trust", nodeCa.toString(), "--node-pins", pins.toString())))
            .startsWith("--node-pins: " + pins + ":1: expected 'node <id> sha256 <64 hex digits>'"));
        assertEquals("--node-pins needs --node-cert (pins check the nodes' certificates)",
            error(withRequired("--node-pins", pins.toString())));
    }

    private static String[] plus(final List<String> args, final String... more)
    {
        final List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void aNewLedgerIsBegunFromTheCommandLineOnlyWithInitOrJoin()
    {
        assertTrue(new ServerConfig().newDataDirectoryAllowed(), "the API's default");
        assertFalse(parse(withRequired()).newDataDirectoryAllowed(), "a wrong --data must not begin a ledger");
        assertTrue(parse(withRequired("--init")).newDataDirectoryAllowed());
        assertTrue(parse(withRequired("--node-id", "0", "--peers", "0=127.0.0.1:7001,1=127.0.0.1:7002", "--join"))
            .newDataDirectoryAllowed(), "a joining node's directory is new");
    }

    @Test
    void addsTheIsoGatewayOnLoopbackAndRefusesItInClearElsewhere()
    {
        assertEquals(1, parse(withRequired("--iso8583-port", "0")).gatewayFactories().size());
        assertTrue(error(withRequired("--iso8583-port", "0", "--iso8583-host", "0.0.0.0"))
            .startsWith("refusing ISO 8583 in clear text on 0.0.0.0"));
        assertEquals(1, parse(withRequired("--iso8583-port", "0", "--iso8583-host", "0.0.0.0", "--insecure"))
            .gatewayFactories().size());
    }

    @Test
    void namesEachMistake()
    {
        assertEquals("--data and --port are required", error("--data", "/tmp/x"));
        assertEquals("missing value after --mode", error(withRequired("--mode")));
        assertEquals("unknown option --colour", error(withRequired("--colour", "blue")));
        assertEquals("--port needs a number: x", error("--data", "/tmp/x", "--port", "x"));
        assertEquals("--iso8583-port needs a number: y", error(withRequired("--iso8583-port", "y")));
        assertEquals("--snapshots must be on or off: maybe", error(withRequired("--snapshots", "maybe")));
        assertEquals("--warmup-inputs needs a number: many", error(withRequired("--warmup-inputs", "many")));
        assertEquals("--keys-max needs a positive number: 0", error(withRequired("--keys-max", "0")));
        assertEquals("--engine-tables must be grow or reserve: some", error(withRequired("--engine-tables", "some")));
        assertEquals("--limits must be default or small: huge", error(withRequired("--limits", "huge")));
        assertEquals("--node-id and --peers go together", error(withRequired("--node-id", "0")));
        assertEquals("--join needs --peers", error(withRequired("--join")));
        assertEquals("--client-peers needs --peers", error(withRequired("--client-peers", "0=127.0.0.1:1")));
        assertTrue(error(withRequired("--tls-key", "k.pem")).startsWith("TLS options need --tls-cert"));
        assertTrue(error(withRequired("--tls-cert", "c.pem", "--tls-client-auth", "required"))
            .contains("needs --tls-trust"));
        assertEquals("--node-cert needs --node-trust (the CA of the group's nodes)",
            error(withRequired("--node-cert", "n.pem", "--node-key", "k.pem")));
        assertEquals("--node-trust needs --node-cert", error(withRequired("--node-trust", "nodes-ca.pem")));
        // Numbers past an int are refused, not narrowed (4294967296 would have been node 0).
        assertEquals("--node-id is out of range: 4294967296",
            error(withRequired("--node-id", "4294967296", "--peers", "0=127.0.0.1:1")));
        assertEquals("--metrics-port is out of range: 4294967297", error(withRequired("--metrics-port", "4294967297")));
        assertEquals("--warmup-inputs is out of range: 9999999999", error(withRequired("--warmup-inputs", "9999999999")));
        assertEquals("--snapshot-retain is out of range: -9999999999",
            error(withRequired("--snapshot-retain", "-9999999999")));
    }
}
