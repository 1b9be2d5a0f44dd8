package com.wodian.net.server;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.consensus.AckPolicy;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.iso8583.IsoGateway;
import com.wodian.net.iso8583.IsoGatewayConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a {@link WodianServer} from the command line, for operators and for tests that run the server in a child
 * process (crash and recovery tests).
 * <pre>
 * ServerMain --data DIR --port N [--mode shared|compact|dedicated] [--host ADDRESS] [--durability sync|page-cache]
 *            [--limits default|small] [--pipeline-wait NAME] [--network-idle NAME] [--sender-idle NAME]
 *            [--snapshots on|off] [--snapshot-every-inputs N] [--snapshot-every-ms N] [--snapshot-retain N]
 *            [--node-id I --peers 0=HOST:PORT,1=HOST:PORT,2=HOST:PORT [--ack-policy local|quorum|all]
 *             [--group NAME] [--election-timeout-ms N] [--replication-idle S,Y,MIN_US,MAX_US]
 *             [--commit-mark-interval-ms N]]
 *            [--metrics-port N [--metrics-host ADDRESS]] [--warmup-inputs N]
 *            [--iso8583-port N [--iso8583-host ADDRESS] [--iso-keys FILE]]
 *            [--tls-cert FILE --tls-key FILE [--tls-trust FILE] [--tls-client-auth none|optional|required]]
 *            [--insecure] [--join]
 *            [--ignore-stdin]
 * </pre>
 * With {@code --node-id}, the server is node I of a replica group: {@code --peers} gives each node's replication
 * address (node I listens on its own, dials the others); {@code --client-peers 0=HOST:PORT,...} each node's client
 * address, named in NOT_PRIMARY replies so that clients go straight to the primary; {@code --join} starts a node
 * with an empty data directory that takes part once the primary adds it; see docs/replication.md.
 * When the server is ready (journal replayed, port bound, threads running) it prints exactly one line on standard
 * output, {@code WODIAN LISTENING port=<n>}, and flushes it; logs go to standard error. It runs until standard input
 * is closed (unless {@code --ignore-stdin}) or the process is stopped; a normal stop (SIGTERM, end of input) closes
 * the server cleanly. Exit status: 0 after a clean stop, 1 when the server could not start, 2 for bad arguments,
 * 70 when the journal or engine stage failed (a bug or a lost disk; the journal holds everything acknowledged).
 */
public final class ServerMain
{
    /** The line printed once the server accepts connections; the port follows the '='. */
    public static final String LISTENING_PREFIX = "WODIAN LISTENING port=";

    /** Exit status after a journal or engine stage failed (EX_SOFTWARE). */
    public static final int EXIT_STATUS_FATAL = 70;

    private ServerMain()
    {
    }

    public static void main(final String[] args)
    {
        final ServerConfig config = new ServerConfig();
        boolean ignoreStdin = false;
        try
        {
            ignoreStdin = parse(args, config);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.err.println("usage: ServerMain --data DIR --port N [--mode shared|compact|dedicated]" +
                " [--host ADDRESS] [--durability sync|page-cache] [--limits default|small] [--keys-max N]" +
                " [--engine-tables grow|reserve] [--pipeline-wait NAME]" +
                " [--network-idle NAME] [--sender-idle NAME] [--auth required|disabled] [--credentials FILE]" +
                " [--snapshots on|off] [--snapshot-every-inputs N] [--snapshot-every-ms N] [--snapshot-retain N]" +
                " [--node-id I --peers 0=HOST:PORT,1=HOST:PORT,... [--ack-policy local|quorum|all] [--group NAME] [--election-timeout-ms N]" +
                " [--join] [--client-peers 0=HOST:PORT,...]" +
                " [--replication-idle SPINS,YIELDS,MIN_PARK_US,MAX_PARK_US] [--commit-mark-interval-ms N]]" +
                " [--metrics-port N [--metrics-host ADDRESS]] [--warmup-inputs N]" +
                " [--iso8583-port N [--iso8583-host ADDRESS] [--iso-keys FILE]] [--ignore-stdin]" +
                " [--tls-cert FILE --tls-key FILE [--tls-trust FILE] [--tls-client-auth none|optional|required]" +
                " [--tls-password P]] [--node-cert FILE --node-key FILE] [--insecure]");
            System.exit(2);
        }

        // A failed journal or engine stage leaves a server that accepts but never answers: exit, so that a supervisor
        // restarts the process and recovery replays the journal. Exit from a new thread: the shutdown hook closes the
        // server, which joins the failed stage's thread.
        config.fatalErrorHandler((throwable) ->
        {
            System.err.println("fatal: pipeline stage failed, exiting with status " + EXIT_STATUS_FATAL + ": " +
                throwable);
            new Thread(() -> System.exit(EXIT_STATUS_FATAL), "wodian-fatal-exit").start();
        });

        final RestartingServer server;
        try
        {
            // A group member restarts in this process after a snapshot install (RestartingServer).
            server = RestartingServer.launch(config, (ex) ->
            {
                System.err.println("error: server did not start again after a snapshot install: " + ex);
                System.exit(1);
            });
        }
        catch (final IOException | com.wodian.journal.JournalCorruptException ex)
        {
            // A missing file, a port in use, a journal that fails its checks: the message says what to do.
            System.err.println("error: server did not start: " + ex.getMessage());
            System.exit(1);
            return;
        }
        catch (final RuntimeException ex)
        {
            System.err.println("error: server did not start: " + ex);
            ex.printStackTrace(System.err);
            System.exit(1);
            return;
        }

        final CountDownLatch stopped = new CountDownLatch(1);
        final int port = server.current().port();
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            final WodianServer last = server.current();
            server.close();
            if (null != last)
            {
                // Also on standard error: the JDK's logging may already be shut down by its own hook (SIGTERM).
                System.err.print("stage latency since start:" + System.lineSeparator() +
                    last.stageLatency().table());
                System.err.flush();
            }
            stopped.countDown();
        }, "wodian-shutdown"));

        final PrintStream out = System.out;
        out.println(LISTENING_PREFIX + port);
        out.flush();

        if (ignoreStdin)
        {
            awaitQuietly(stopped);
        }
        else
        {
            drainUntilEnd(System.in);
            server.close();
        }
    }

    private static boolean parse(final String[] args, final ServerConfig config)
    {
        boolean dataGiven = false;
        boolean portGiven = false;
        boolean ignoreStdin = false;
        int keysMax = 0;
        boolean reserveTables = false;
        int nodeId = -1;
        String peers = null;
        String clientPeers = null;
        boolean joining = false;
        AckPolicy ackPolicy = AckPolicy.QUORUM;
        String groupName = ReplicaGroupConfig.GROUP_NAME_DEFAULT;
        long electionTimeoutMs = ReplicaGroupConfig.ELECTION_TIMEOUT_MS_DEFAULT;
        int isoPort = -1;
        String isoHost = IsoGatewayConfig.DEFAULT_HOST;
        String isoKeys = null;
        final java.util.Map<String, String> tlsOptions = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            final String name = args[i];
            if ("--ignore-stdin".equals(name))
            {
                ignoreStdin = true;
                continue;
            }
            if ("--insecure".equals(name))
            {
                config.insecure(true);
                continue;
            }
            if ("--join".equals(name))
            {
                joining = true;
                continue;
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("missing value after " + name);
            }
            final String value = args[++i];
            switch (name)
            {
                case "--data":
                    config.dataDir(Paths.get(value));
                    dataGiven = true;
                    break;
                case "--port":
                    config.port(parsePort(value));
                    portGiven = true;
                    break;
                case "--mode":
                    config.threadingMode(ServerProperties.parseThreadingMode(value));
                    break;
                case "--host":
                    config.host(value);
                    break;
                case "--durability":
                    config.durabilityPolicy(ServerProperties.parseDurabilityPolicy(value));
                    break;
                case "--limits":
                    config.engineConfig(parseLimits(value));
                    break;
                case "--keys-max":
                    // Long load tests: each Pay keeps its idempotency key for keyRetentionMs (a week by default).
                    keysMax = parsePositive(name, value);
                    break;
                case "--engine-tables":
                    reserveTables = parseEngineTables(value);
                    break;
                case "--pipeline-wait":
                    config.pipelineWaitStrategy(value);
                    break;
                case "--network-idle":
                    config.networkIdleStrategy(value);
                    break;
                case "--sender-idle":
                    config.senderIdleStrategy(value);
                    break;
                case "--auth":
                    config.gateway().authMode(GatewayConfig.parseAuthMode(value));
                    break;
                case "--credentials":
                    config.gateway().credentialsFile(Paths.get(value));
                    break;
                case "--snapshots":
                    config.snapshotConfig().enabled(parseOnOff(name, value));
                    break;
                case "--snapshot-every-inputs":
                    config.snapshotConfig().intervalInputs(parseLong(name, value));
                    break;
                case "--snapshot-every-ms":
                    config.snapshotConfig().intervalMs(parseLong(name, value));
                    break;
                case "--snapshot-retain":
                    config.snapshotConfig().retainCount((int)parseLong(name, value));
                    break;
                case "--node-id":
                    nodeId = (int)parseLong(name, value);
                    break;
                case "--peers":
                    peers = value;
                    break;
                case "--client-peers":
                    clientPeers = value;
                    break;
                case "--ack-policy":
                    ackPolicy = AckPolicy.parse(value);
                    break;
                case "--group":
                    groupName = value;
                    break;
                case "--election-timeout-ms":
                    electionTimeoutMs = parseLong(name, value);
                    break;
                case "--replication-idle":
                    config.replicationIdle(value);
                    break;
                case "--warmup-inputs":
                    config.warmupInputs((int)parseLong(name, value));
                    break;
                case "--metrics-port":
                    config.metricsPort((int)parseLong(name, value));
                    break;
                case "--metrics-host":
                    config.metricsHost(value);
                    break;
                case "--commit-mark-interval-ms":
                    config.commitMarkIntervalMs(parseLong(name, value));
                    break;
                case "--iso8583-port":
                    isoPort = parsePort(value);
                    break;
                case "--iso8583-host":
                    isoHost = value;
                    break;
                case "--iso-keys":
                    isoKeys = value;
                    break;
                case "--tls-cert", "--tls-key", "--tls-trust", "--tls-client-auth", "--tls-password", "--node-cert",
                    "--node-key":
                    tlsOptions.put(name, value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (!dataGiven || !portGiven)
        {
            throw new IllegalArgumentException("--data and --port are required");
        }
        config.replicationTls(nodeTlsSettings(tlsOptions));
        config.tls(tlsSettings(tlsOptions));
        if ((nodeId >= 0) != (null != peers))
        {
            throw new IllegalArgumentException("--node-id and --peers go together");
        }
        if (null != peers)
        {
            config.replicaGroup(new ReplicaGroupConfig(groupName, nodeId, ReplicaGroupConfig.parsePeers(peers),
                ackPolicy, ReplicaGroupConfig.consensusConfig(electionTimeoutMs),
                ReplicaGroupConfig.LAGGING_ENTRIES_MAX_DEFAULT, ReplicaGroupConfig.SILENT_MS_MAX_DEFAULT,
                null == clientPeers ? null : ReplicaGroupConfig.parsePeers(clientPeers), joining));
        }
        else if (joining)
        {
            throw new IllegalArgumentException("--join needs --peers");
        }
        else if (null != clientPeers)
        {
            throw new IllegalArgumentException("--client-peers needs --peers");
        }
        if (isoPort >= 0 && null == config.tls() && !config.insecure() && !GatewayConfig.isLoopback(isoHost))
        {
            throw new IllegalArgumentException("refusing ISO 8583 in clear text on " + isoHost + ", which is not a " +
                "loopback address: configure TLS (--tls-cert, --tls-key) or, on a network you trust, pass --insecure");
        }
        if (isoPort >= 0)
        {
            // docs/iso8583.md: off unless a port is given, loopback unless a host is given.
            config.addGateway(IsoGateway.factory(IsoGatewayConfig.of(isoHost, isoPort,
                null == isoKeys ? config.dataDir().resolve("iso-keys") : java.nio.file.Path.of(isoKeys))));
        }
        if (keysMax > 0)
        {
            // After the loop: applies to whichever --limits was chosen, in any order.
            config.engineConfig().keysMax(keysMax);
        }
        if (reserveTables)
        {
            config.engineConfig().reserveTables(true);
        }
        return ignoreStdin;
    }

    /** Node TLS from {@code --node-cert FILE --node-key FILE --tls-trust FILE}; null without (removes them). */
    static com.wodian.net.tls.TlsSettings nodeTlsSettings(final java.util.Map<String, String> options)
    {
        final String certificate = options.remove("--node-cert");
        final String key = options.remove("--node-key");
        if (null == certificate)
        {
            return null;
        }
        if (null == options.get("--tls-trust"))
        {
            throw new IllegalArgumentException("--node-cert needs --tls-trust (the CA of the group's nodes)");
        }
        return com.wodian.net.tls.TlsSettings.withCertificate(Paths.get(certificate),
            null == key ? null : Paths.get(key)).trust(Paths.get(options.get("--tls-trust")));
    }

    /** TLS from {@code --tls-cert FILE [--tls-key FILE] [--tls-trust FILE] [--tls-client-auth MODE]}; null without. */
    static com.wodian.net.tls.TlsSettings tlsSettings(final java.util.Map<String, String> options)
    {
        final String certificate = options.get("--tls-cert");
        if (null == certificate)
        {
            if (!options.isEmpty() && !(1 == options.size() && options.containsKey("--tls-trust")))
            {
                throw new IllegalArgumentException("TLS options need --tls-cert: " + options.keySet());
            }
            return null;
        }
        final String key = options.get("--tls-key");
        com.wodian.net.tls.TlsSettings settings = com.wodian.net.tls.TlsSettings.withCertificate(
            Paths.get(certificate), null == key ? null : Paths.get(key));
        if (options.containsKey("--tls-trust"))
        {
            settings = settings.trust(Paths.get(options.get("--tls-trust")));
        }
        if (options.containsKey("--tls-password"))
        {
            settings = settings.keyStorePassword(options.get("--tls-password").toCharArray());
        }
        if (options.containsKey("--tls-client-auth"))
        {
            settings = settings.clientAuth(com.wodian.net.tls.TlsSettings.ClientAuth.valueOf(
                options.get("--tls-client-auth").trim().toUpperCase(java.util.Locale.ROOT)));
        }
        if (com.wodian.net.tls.TlsSettings.ClientAuth.NONE != settings.clientAuth() && null == settings.trustFile())
        {
            throw new IllegalArgumentException("--tls-client-auth " + settings.clientAuth() +
                " needs --tls-trust (the CA that issued the client certificates)");
        }
        return settings;
    }

    private static int parsePort(final String value)
    {
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--port needs a number: " + value);
        }
    }

    private static boolean parseOnOff(final String name, final String value)
    {
        switch (value)
        {
            case "on":
                return true;
            case "off":
                return false;
            default:
                throw new IllegalArgumentException(name + " must be on or off: " + value);
        }
    }

    private static long parseLong(final String name, final String value)
    {
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " needs a number: " + value);
        }
    }

    private static int parsePositive(final String name, final String value)
    {
        try
        {
            final int number = Integer.parseInt(value);
            if (number > 0)
            {
                return number;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // Reported below.
        }
        throw new IllegalArgumentException(name + " needs a positive number: " + value);
    }

    /** {@code --engine-tables grow|reserve}: true for reserve (docs/engine.md, "Table growth"). */
    private static boolean parseEngineTables(final String value)
    {
        switch (value)
        {
            case "grow":
                return false;
            case "reserve":
                return true;
            default:
                throw new IllegalArgumentException("--engine-tables must be grow or reserve: " + value);
        }
    }

    private static EngineConfig parseLimits(final String value)
    {
        switch (value)
        {
            case "default":
                return new EngineConfig();
            case "small":
                return EngineConfig.small();
            default:
                throw new IllegalArgumentException("--limits must be default or small: " + value);
        }
    }

    private static void drainUntilEnd(final InputStream in)
    {
        final byte[] scratch = new byte[256];
        try
        {
            while (in.read(scratch) >= 0)
            {
                // Input is ignored: only its end matters.
            }
        }
        catch (final IOException ignore)
        {
            // A broken standard input counts as closed.
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
