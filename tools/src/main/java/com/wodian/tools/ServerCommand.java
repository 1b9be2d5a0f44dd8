package com.wodian.tools;

import com.wodian.net.server.ServerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a server in the foreground: recovers the engine from the journal in {@code --data}, then listens. Delegates to
 * {@link ServerMain}, which prints {@code WODIAN LISTENING port=<n>} when it accepts connections and stops cleanly on
 * SIGTERM, Ctrl-C or the end of standard input.
 */
@Command(name = "server", description = "Run a Wodian server (recovers from --data, then listens on --port).")
public final class ServerCommand implements Runnable
{
    @Option(names = "--data", required = true, description = "data directory (journal)")
    Path dataDir;

    @Option(names = "--port", required = true, description = "TCP port; 0 picks a free one")
    int port;

    @Option(names = "--mode", description = "thread layout: shared (default; one thread receives, journals, applies " +
        "and sends: no hand-off per request; a replica group runs it as compact), compact (a network and a pipeline " +
        "thread) or dedicated (a core per thread)")
    String mode;

    @Option(names = "--durability", description = "journal durability: sync (default) or page-cache")
    String durability;

    @Option(names = "--limits", description = "engine limits: default (a million consumers) or small (tests)")
    String limits;

    @Option(names = "--auth", description = "required (default): every connection logs on with a credential of " +
        "the credential file; disabled: no logon, every connection is an admin (loopback only, experiments only; " +
        "see docs/security.md)")
    String auth;

    @Option(names = "--credentials", description = "credential file (default: <data>/credentials); create it " +
        "with 'wodian credentials'")
    Path credentialsFile;

    @Option(names = "--admin-from", description = "accept admin logons only from these address ranges, e.g. " +
        "127.0.0.1,10.1.0.0/16, or 'any' (default: this machine only, 127.0.0.0/8,::1; docs/security.md, " +
        "\"Admin logons\")")
    String adminFrom;

    @Option(names = "--metrics-auth-file", description = "the metrics endpoint asks for HTTP basic authentication " +
        "with the user:password on this file's first line (docs/observability.md)")
    Path metricsAuthFile;

    @picocli.CommandLine.Mixin
    SnapshotOptions snapshotOptions = new SnapshotOptions();

    @Option(names = "--keys-max",
        description = "idempotency keys the engine remembers (default 2,000,000: long load tests need more)")
    Integer keysMax;

    @Option(names = "--risk-baseline", defaultValue = "recommended", description = "on a data directory without " +
        "a journal, journal the recommended risk baseline first (risk rules 1, 2, 4, 12 ENFORCE, MERCHANT_KEYS_MAX " +
        "keysMax/20, PAYMENT_TERMINAL_BINDING 1, BALANCE_PROBE_LIMIT 6; docs/security.md): recommended (default) " +
        "or none; a later start " +
        "changes nothing")
    String riskBaseline;

    @Option(names = "--engine-tables",
        description = "grow (default): engine tables start small and grow with use; reserve: every table is "
            + "allocated at its limit at start (no growth on the engine thread; heap and start-up time of the limits)")
    String engineTables;

    @Option(names = "--pipeline-wait",
        description = "pipeline wait strategy: blocking (default), sleeping, yielding, busy-spin, " +
            "spin-blocking (spin 50 us, then blocking)")
    String pipelineWait;

    @Option(names = "--network-idle",
        description = "network thread idle strategy: select (default), backoff, sleeping, yielding, busy-spin, noop, " +
            "spin-select (poll 50 us after work, then select)")
    String networkIdle;

    @Option(names = "--sender-idle", description = "sender thread idle strategy (dedicated mode), as --network-idle")
    String senderIdle;

    @Option(names = "--node-id",
        description = "run as node I of a replica group (with --peers); see docs/replication.md")
    Integer nodeId;

    @Option(names = "--peers", description = "replica group: every node's replication address, " +
        "0=HOST:PORT,1=HOST:PORT,2=HOST:PORT (ids 0-23, gaps allowed: a retired id is left out); this node " +
        "listens on its own and dials the others")
    String peers;

    @Option(names = "--client-peers", description = "replica group: every node's client address, " +
        "0=HOST:PORT,1=HOST:PORT,... (the ids of --peers); named in NOT_PRIMARY replies so that clients go " +
        "straight to the primary")
    String clientPeers;

    @Option(names = "--ack-policy", description = "replica group: when a client hears success: " +
        "local (own journal), quorum (own journal + 1 standby of 3, default), all (every standby in the set)")
    String ackPolicy;

    @Option(names = "--group", description = "replica group name; peers with another name are refused")
    String group;

    @Option(names = "--election-timeout-ms", description = "replica group: a standby that hears nothing from the " +
        "primary for this long to twice this starts an election (default 300)")
    Long electionTimeoutMs;

    @Option(names = "--replication-idle", description = "replica group: the replication stage's backoff when idle, " +
        "SPINS,YIELDS,MIN_PARK_US,MAX_PARK_US (default 10,20,1,100)")
    String replicationIdle;

    @Option(names = "--commit-mark-interval-ms", description = "replica group: how often the commit mark is " +
        "stored when it moved (default 200)")
    Long commitMarkIntervalMs;

    @Option(names = "--metrics-port", description = "serve /metrics (Prometheus), /health/live and /health/ready " +
        "on this port (off by default; 0 picks a free one); see docs/observability.md")
    Integer metricsPort;

    @Option(names = "--metrics-host", description = "address the metrics endpoint binds (default 127.0.0.1)")
    String metricsHost;

    @Option(names = "--warmup-inputs", description = "inputs run through a throwaway engine before the port opens, " +
        "and as many appends (at most 8000) through a throwaway journal in DATA/journal-warmup.tmp, so the JIT " +
        "compiles the hot paths before live traffic (default 50000; 0 for none)")
    int warmupInputs = 50_000;

    @Option(names = "--iso8583-port", description = "also accept ISO 8583 terminals on this port (off by default; " +
        "docs/iso8583.md)")
    Integer iso8583Port;

    @Option(names = "--iso8583-host", description = "address of the ISO 8583 port (default 127.0.0.1)")
    String iso8583Host;

    @Option(names = "--iso-keys", description = "ISO 8583 terminal key file (default: <data>/iso-keys)")
    Path isoKeysFile;

    @Option(names = "--host", description = "address of the POS port (default 127.0.0.1); any other address needs " +
        "TLS or --insecure")
    String host;

    @Option(names = "--tls-cert", description = "serve TLS: certificate chain (PEM, or a PKCS#12 .p12 with the key)" +
        ", e.g. server.pem of 'wodian certs'; docs/security.md")
    Path tlsCertificate;

    @Option(names = "--tls-key", description = "private key of --tls-cert (PEM PKCS#8)")
    Path tlsKey;

    @Option(names = "--tls-trust", description = "CA certificates (PEM) that client certificates must chain to")
    Path tlsTrust;

    @Option(names = "--tls-client-auth", description = "client certificates: none (default), optional (a " +
        "certificate, when presented, must name the identity that logs on) or required")
    String tlsClientAuth;

    @Option(names = "--tls-password", description = "password of a PKCS#12 --tls-cert (PEM keys are unencrypted " +
        "PKCS#8 and need none); visible in the process list: prefer --tls-password-file or the environment " +
        "variable WODIAN_TLS_PASSWORD")
    String tlsPassword;

    @Option(names = "--tls-password-file", description = "file whose first line is the password of a PKCS#12 " +
        "--tls-cert (mode 600); without it and --tls-password, WODIAN_TLS_PASSWORD is used when set")
    Path tlsPasswordFile;

    @Option(names = "--node-cert", description = "replica group: mutual TLS between nodes with this node's " +
        "certificate (CN node:ID, e.g. node-0.pem of 'wodian certs'); peers must chain to --node-trust")
    Path nodeCertificate;

    @Option(names = "--node-key", description = "private key of --node-cert (PEM PKCS#8)")
    Path nodeKey;

    @Option(names = "--node-trust", description = "replica group: the CA node certificates must chain to (default " +
        "--tls-trust); must not be the CA of client certificates when --tls-client-auth is optional or required")
    Path nodeTrust;

    @Option(names = "--node-trust-shared", description = "accept a --node-trust (or --tls-trust) that also issues " +
        "client certificates: that CA could then mint replication identities (docs/security.md)")
    boolean nodeTrustShared;

    @Option(names = "--node-pins", description = "replica group: a file of the peers' certificate fingerprints " +
        "(lines 'node ID sha256 HEX'); a peer's certificate must also be one it lists for that node (docs/security.md)")
    Path nodePins;

    @Option(names = "--insecure", description = "allow clear text on a non-loopback --host (a network you trust)")
    boolean insecure;

    @Option(names = "--init", description = "begin a new, empty ledger in --data when it holds no journal (creating " +
        "the directory if needed); without it only an existing directory holding nothing but a data directory's own " +
        "files (credentials, client-secrets, iso-keys, tls/, ...) is taken as new, so that a wrong --data is refused " +
        "(docs/operations.md); changes nothing when a journal is there")
    boolean init;

    @Option(names = "--join", description = "replica group: this node starts with an empty (new or wiped) data " +
        "directory and neither votes nor stands until the primary adds it (wodian group add); docs/replication.md")
    boolean join;

    @Option(names = "--ignore-stdin",
        description = "keep running when standard input closes (by default the end of input stops the server)")
    boolean ignoreStdin;

    @picocli.CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        try
        {
            ServerMain.main(serverMainArgs(spec));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("server failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * The options as {@link ServerMain} reads them: each option that has a value (given, or a default declared here)
     * by its name and value, each flag that is set by its name. Built from the declarations above, so an option
     * declared here is forwarded without a second list to keep in step (ServerCommandLineTest checks that
     * ServerMain knows each one).
     */
    static String[] serverMainArgs(final CommandSpec spec)
    {
        final List<String> args = new ArrayList<>();
        for (final OptionSpec option : spec.options())
        {
            final Object value = option.getValue();
            if (option.usageHelp() || option.versionHelp() || null == value)
            {
                continue;
            }
            if (option.arity().max() == 0)
            {
                if (Boolean.TRUE.equals(value))
                {
                    args.add(option.longestName());
                }
                continue;
            }
            args.add(option.longestName());
            args.add(value.toString());
        }
        return args.toArray(new String[0]);
    }
}
