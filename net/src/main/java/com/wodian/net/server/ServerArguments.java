package com.wodian.net.server;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.consensus.AckPolicy;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.iso8583.IsoGateway;
import com.wodian.net.iso8583.IsoGatewayConfig;
import com.wodian.net.tls.TlsSettings;

/**
 * {@link ServerMain}'s command line: each option is applied to a {@link ServerConfig} as it is read, except those that
 * only mean something together (the replica group's, the ISO 8583 gateway's, TLS, {@code --keys-max} and
 * {@code --engine-tables}, which apply to whichever {@code --limits} was chosen), which are collected and checked
 * together at the end. Every mistake is an {@link IllegalArgumentException} that names the option.
 */
final class ServerArguments
{
    /** Flag: accept a node trust that also issues client certificates (see {@link #nodeTlsSettings}). */
    static final String NODE_TRUST_SHARED = "--node-trust-shared";
    /** The ISO 8583 key file in the data directory when {@code --iso-keys} names none. */
    static final String ISO_KEYS_FILE_NAME_DEFAULT = "iso-keys";

    private final ServerConfig config;
    private boolean dataGiven;
    private boolean init;
    /**
     * {@code --risk-baseline}: {@link RiskBaseline#NONE} unless given. {@code wodian server} passes
     * {@link RiskBaseline#RECOMMENDED} unless told otherwise (security review B4); this class, which tests and
     * embedders start directly, keeps the engine's defaults.
     */
    private String riskBaseline = RiskBaseline.NONE;
    private boolean portGiven;
    private boolean ignoreStdin;
    private int keysMax;
    private boolean reserveTables;
    private int nodeId = -1;
    private String peers;
    private String clientPeers;
    private boolean joining;
    private AckPolicy ackPolicy = AckPolicy.QUORUM;
    private String groupName = ReplicaGroupConfig.GROUP_NAME_DEFAULT;
    private long electionTimeoutMs = ReplicaGroupConfig.ELECTION_TIMEOUT_MS_DEFAULT;
    private int isoPort = -1;
    private String isoHost = IsoGatewayConfig.DEFAULT_HOST;
    private String isoKeys;
    private final Map<String, String> tlsOptions = new HashMap<>();
    private java.util.function.Function<String, String> environment;

    /** The environment variable a PKCS#12 key store's password may come from, instead of the command line. */
    static final String TLS_PASSWORD_ENV = "WODIAN_TLS_PASSWORD";

    private ServerArguments(final ServerConfig config)
    {
        this.config = config;
    }

    /**
     * Applies {@code args} to {@code config}.
     *
     * @return what was parsed; {@link #ignoreStdin()} says whether standard input's end should be ignored.
     * @throws IllegalArgumentException for an unknown option, a missing or bad value, or options that do not go
     *                                  together.
     */
    static ServerArguments parse(final String[] args, final ServerConfig config)
    {
        return parse(args, config, System::getenv);
    }

    /** @param environment the process environment ({@link #TLS_PASSWORD_ENV}), a map in tests. */
    static ServerArguments parse(final String[] args, final ServerConfig config,
        final java.util.function.Function<String, String> environment)
    {
        final ServerArguments arguments = new ServerArguments(config);
        arguments.environment = environment;
        for (int i = 0; i < args.length; i++)
        {
            final String name = args[i];
            if (arguments.applyFlag(name))
            {
                continue;
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("missing value after " + name);
            }
            final String value = args[++i];
            if (!arguments.applyServerOption(name, value) && !arguments.applyStateOption(name, value) &&
                !arguments.applyGroupOption(name, value) && !arguments.applyGatewayOption(name, value))
            {
                throw new IllegalArgumentException("unknown option " + name);
            }
        }
        arguments.finish();
        // From the command line a new, empty ledger is begun only when asked for: a wrong --data must not give one
        // (NewDataDirectoryCheck). A joining node's directory is new by definition.
        config.newDataDirectoryAllowed(arguments.init || arguments.joining);
        return arguments;
    }

    /** True when standard input's end should not stop the server ({@code --ignore-stdin}). */
    boolean ignoreStdin()
    {
        return ignoreStdin;
    }

    /** Options without a value. */
    private boolean applyFlag(final String name)
    {
        switch (name)
        {
            case "--ignore-stdin":
                ignoreStdin = true;
                return true;
            case "--insecure":
                config.insecure(true);
                return true;
            case NODE_TRUST_SHARED:
                // Collected with the TLS options: only nodeTlsSettings reads it.
                tlsOptions.put(NODE_TRUST_SHARED, "");
                return true;
            case "--join":
                joining = true;
                return true;
            case "--init":
                init = true;
                return true;
            default:
                return false;
        }
    }

    /** Where the server listens and how its threads wait. */
    private boolean applyServerOption(final String name, final String value)
    {
        switch (name)
        {
            case "--data":
                config.dataDir(Paths.get(value));
                dataGiven = true;
                return true;
            case "--port":
                config.port(parsePort(name, value));
                portGiven = true;
                return true;
            case "--mode":
                config.threadingMode(ServerProperties.parseThreadingMode(value));
                return true;
            case "--host":
                config.host(value);
                return true;
            case "--pipeline-wait":
                config.pipelineWaitStrategy(value);
                return true;
            case "--network-idle":
                config.networkIdleStrategy(value);
                return true;
            case "--sender-idle":
                config.senderIdleStrategy(value);
                return true;
            case "--warmup-inputs":
                config.warmupInputs(parseInt(name, value));
                return true;
            case "--metrics-port":
                config.metricsPort(parseInt(name, value));
                return true;
            case "--metrics-host":
                config.metricsHost(value);
                return true;
            case "--metrics-auth-file":
                config.metricsAuthFile(Paths.get(value));
                return true;
            default:
                return false;
        }
    }

    /** The engine's limits, the journal's durability and the snapshots. */
    private boolean applyStateOption(final String name, final String value)
    {
        switch (name)
        {
            case "--durability":
                config.durabilityPolicy(ServerProperties.parseDurabilityPolicy(value));
                return true;
            case "--limits":
                config.engineConfig(parseLimits(value));
                return true;
            case "--keys-max":
                // Long load tests: each Pay keeps its idempotency key for keyRetentionMs (a week by default).
                keysMax = parsePositive(name, value);
                return true;
            case "--engine-tables":
                reserveTables = parseEngineTables(value);
                return true;
            case "--risk-baseline":
                if (!RiskBaseline.RECOMMENDED.equals(value) && !RiskBaseline.NONE.equals(value))
                {
                    throw new IllegalArgumentException("--risk-baseline must be recommended or none: " + value);
                }
                riskBaseline = value;
                return true;
            case "--snapshots":
                config.snapshotConfig().enabled(parseOnOff(name, value));
                return true;
            case "--snapshot-every-inputs":
                config.snapshotConfig().intervalInputs(parseLong(name, value));
                return true;
            case "--snapshot-every-ms":
                config.snapshotConfig().intervalMs(parseLong(name, value));
                return true;
            case "--snapshot-retain":
                config.snapshotConfig().retainCount(parseInt(name, value));
                return true;
            default:
                return false;
        }
    }

    /** The replica group: collected here, built in {@link #finishGroup()}. */
    private boolean applyGroupOption(final String name, final String value)
    {
        switch (name)
        {
            case "--node-id":
                nodeId = parseInt(name, value);
                return true;
            case "--peers":
                peers = value;
                return true;
            case "--client-peers":
                clientPeers = value;
                return true;
            case "--ack-policy":
                ackPolicy = AckPolicy.parse(value);
                return true;
            case "--group":
                groupName = value;
                return true;
            case "--election-timeout-ms":
                electionTimeoutMs = parseLong(name, value);
                return true;
            case "--replication-idle":
                config.replicationIdle(value);
                return true;
            case "--commit-mark-interval-ms":
                config.commitMarkIntervalMs(parseLong(name, value));
                return true;
            default:
                return false;
        }
    }

    /** Who may connect and how: logon, TLS, the ISO 8583 gateway. */
    private boolean applyGatewayOption(final String name, final String value)
    {
        switch (name)
        {
            case "--auth":
                config.gateway().authMode(GatewayConfig.parseAuthMode(value));
                return true;
            case "--admin-from":
                config.gateway().adminAddresses(GatewayConfig.parseAdminAddresses(value));
                return true;
            case "--credentials":
                config.gateway().credentialsFile(Paths.get(value));
                return true;
            case "--iso8583-port":
                isoPort = parsePort(name, value);
                return true;
            case "--iso8583-host":
                isoHost = value;
                return true;
            case "--iso-keys":
                isoKeys = value;
                return true;
            case "--tls-cert", "--tls-key", "--tls-trust", "--tls-client-auth", "--tls-password",
                "--tls-password-file", "--node-cert", "--node-key", "--node-trust", "--node-pins":
                tlsOptions.put(name, value);
                return true;
            default:
                return false;
        }
    }

    /** The checks and settings that need every option read. */
    private void finish()
    {
        if (!dataGiven || !portGiven)
        {
            throw new IllegalArgumentException("--data and --port are required");
        }
        resolveTlsPassword();
        final String nodePins = tlsOptions.remove("--node-pins");
        config.replicationTls(nodeTlsSettings(tlsOptions));
        config.group().nodePins(nodePins(nodePins, null != config.replicationTls()));
        if (null != config.replicationTls() && !tlsOptions.containsKey("--tls-cert"))
        {
            tlsOptions.remove("--tls-password"); // the node certificate's alone
        }
        config.tls(tlsSettings(tlsOptions));
        finishGroup();
        finishIsoGateway();
        if (keysMax > 0)
        {
            // After the loop: applies to whichever --limits was chosen, in any order.
            config.engineConfig().keysMax(keysMax);
        }
        if (reserveTables)
        {
            config.engineConfig().reserveTables(true);
        }
        finishRiskBaseline();
    }

    /**
     * The recommended risk baseline is journaled at the first start of a data directory without a journal, by a
     * server alone. A replica group's members all start empty and none is primary yet: there the operator sends it
     * to the primary (docs/security.md, "Risk baseline of a new deployment"). A later start finds the journal and
     * changes nothing.
     */
    private void finishRiskBaseline()
    {
        if (!RiskBaseline.RECOMMENDED.equals(riskBaseline) ||
            java.nio.file.Files.isDirectory(config.dataDir().resolve(WodianServer.JOURNAL_DIR_NAME)))
        {
            return;
        }
        if (null != config.replicaGroup())
        {
            System.getLogger("com.wodian.net.server").log(System.Logger.Level.WARNING, "risk baseline not " +
                "journaled: a replica group's node; send it to the primary (docs/security.md, \"Risk baseline of a " +
                "new deployment\")");
            return;
        }
        final long keysMax = config.engineConfig().keysMax();
        config.addGateway((context) -> new RiskBaselineGateway(context, keysMax));
    }

    private void finishGroup()
    {
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
    }

    private void finishIsoGateway()
    {
        if (isoPort < 0)
        {
            return;
        }
        if (null == config.tls() && !config.insecure() && !GatewayConfig.isLoopback(isoHost))
        {
            throw new IllegalArgumentException("refusing ISO 8583 in clear text on " + isoHost + ", which is not a " +
                "loopback address: configure TLS (--tls-cert, --tls-key) or, on a network you trust, pass --insecure");
        }
        // docs/iso8583.md: off unless a port is given, loopback unless a host is given.
        config.addGateway(IsoGateway.factory(IsoGatewayConfig.of(isoHost, isoPort,
            null == isoKeys ? config.dataDir().resolve(ISO_KEYS_FILE_NAME_DEFAULT) : Path.of(isoKeys))));
    }

    /**
     * Node TLS from {@code --node-cert FILE --node-key FILE} and the nodes' CA, {@code --node-trust FILE} (else
     * {@code --tls-trust}); null without {@code --node-cert}. Removes the node options. A node trust that is also the
     * trust of client certificates (the same file or the same bytes as {@code --tls-trust} while
     * {@code --tls-client-auth} is optional or required) is refused unless {@value #NODE_TRUST_SHARED}: for a node
     * the certificate is the whole credential, so whoever could issue terminal or admin certificates could otherwise
     * issue replication identities (security review item 2).
     */
    static TlsSettings nodeTlsSettings(final Map<String, String> options)
    {
        final String certificate = options.remove("--node-cert");
        final String key = options.remove("--node-key");
        final String nodeTrust = options.remove("--node-trust");
        final boolean sharedAllowed = null != options.remove(NODE_TRUST_SHARED);
        if (null == certificate)
        {
            if (null != nodeTrust)
            {
                throw new IllegalArgumentException("--node-trust needs --node-cert");
            }
            return null;
        }
        final String clientTrust = options.get("--tls-trust");
        final String trust = null == nodeTrust ? clientTrust : nodeTrust;
        if (null == trust)
        {
            throw new IllegalArgumentException("--node-cert needs --node-trust (the CA of the group's nodes)");
        }
        final String clientAuth = options.getOrDefault("--tls-client-auth", "none").trim().toLowerCase(Locale.ROOT);
        if (!sharedAllowed && null != clientTrust && !"none".equals(clientAuth) && sameTrust(trust, clientTrust))
        {
            throw new IllegalArgumentException("refusing to trust node certificates from " + trust + ", which also " +
                "issues client certificates (--tls-trust with --tls-client-auth " + clientAuth + "): a node's " +
                "certificate is its whole credential, so that CA could mint replication identities. Give the nodes " +
                "their own CA with --node-trust FILE, or pass " + NODE_TRUST_SHARED + " to accept it " +
                "(docs/security.md, \"TLS\")");
        }
        final TlsSettings settings = TlsSettings.withCertificate(Paths.get(certificate),
            null == key ? null : Paths.get(key)).trust(Paths.get(trust));
        // A PKCS#12 node certificate takes the same password as --tls-cert's.
        return options.containsKey("--tls-password") ?
            settings.keyStorePassword(options.get("--tls-password").toCharArray()) : settings;
    }

    /**
     * The peers' pins from {@code --node-pins FILE}, read now so that a broken file stops the start; null without the
     * option. Pins check node certificates: the option needs {@code --node-cert}.
     */
    static com.wodian.net.cluster.transport.NodePins nodePins(final String file, final boolean nodeTls)
    {
        if (null == file)
        {
            return null;
        }
        if (!nodeTls)
        {
            throw new IllegalArgumentException("--node-pins needs --node-cert (pins check the nodes' certificates)");
        }
        try
        {
            return com.wodian.net.cluster.transport.NodePins.load(Paths.get(file));
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalArgumentException("--node-pins: " + ex.getMessage(), ex);
        }
    }

    /** The same trust file, or two files with the same bytes (a copy of one CA). */
    private static boolean sameTrust(final String first, final String second)
    {
        final Path firstPath = Paths.get(first).toAbsolutePath().normalize();
        final Path secondPath = Paths.get(second).toAbsolutePath().normalize();
        if (firstPath.equals(secondPath))
        {
            return true;
        }
        try
        {
            return java.nio.file.Files.isSameFile(firstPath, secondPath) ||
                -1L == java.nio.file.Files.mismatch(firstPath, secondPath);
        }
        catch (final java.io.IOException ex)
        {
            // A file that cannot be read is reported when the TLS material is loaded.
            return false;
        }
    }

    /**
     * The key store password from {@code --tls-password-file} (its first line) or {@link #TLS_PASSWORD_ENV} rather
     * than {@code --tls-password}, which every user of the host sees in the process list (ops review item 16).
     */
    private void resolveTlsPassword()
    {
        final String file = tlsOptions.remove("--tls-password-file");
        if (null != file && tlsOptions.containsKey("--tls-password"))
        {
            throw new IllegalArgumentException("--tls-password and --tls-password-file exclude each other");
        }
        if (null != file)
        {
            try
            {
                com.wodian.net.auth.SecretFileMode.check(Paths.get(file));
            }
            catch (final java.io.IOException ex)
            {
                throw new IllegalArgumentException(ex.getMessage(), ex);
            }
            try
            {
                final List<String> lines = java.nio.file.Files.readAllLines(Paths.get(file));
                tlsOptions.put("--tls-password", lines.isEmpty() ? "" : lines.get(0));
            }
            catch (final java.io.IOException | java.io.UncheckedIOException ex)
            {
                throw new IllegalArgumentException("cannot read --tls-password-file " + file + ": " + ex);
            }
        }
        else if (tlsOptions.containsKey("--tls-password"))
        {
            System.err.println("warning: --tls-password is visible in the process list; use --tls-password-file " +
                "FILE (mode 600) or the environment variable " + TLS_PASSWORD_ENV);
        }
        else if ((tlsOptions.containsKey("--tls-cert") || tlsOptions.containsKey("--node-cert")) &&
            null != environment.apply(TLS_PASSWORD_ENV))
        {
            tlsOptions.put("--tls-password", environment.apply(TLS_PASSWORD_ENV));
        }
    }

    /** TLS from {@code --tls-cert FILE [--tls-key FILE] [--tls-trust FILE] [--tls-client-auth MODE]}; null without. */
    static TlsSettings tlsSettings(final Map<String, String> options)
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
        TlsSettings settings = TlsSettings.withCertificate(
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
            settings = settings.clientAuth(TlsSettings.ClientAuth.valueOf(
                options.get("--tls-client-auth").trim().toUpperCase(Locale.ROOT)));
        }
        if (TlsSettings.ClientAuth.NONE != settings.clientAuth() && null == settings.trustFile())
        {
            throw new IllegalArgumentException("--tls-client-auth " + settings.clientAuth() +
                " needs --tls-trust (the CA that issued the client certificates)");
        }
        return settings;
    }

    private static int parsePort(final String name, final String value)
    {
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " needs a number: " + value);
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

    /**
     * A number that must fit an int: a larger one is refused, never narrowed ({@code --node-id 4294967296} is no 0).
     */
    private static int parseInt(final String name, final String value)
    {
        final long number = parseLong(name, value);
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(name + " is out of range: " + value);
        }
        return (int)number;
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
}
