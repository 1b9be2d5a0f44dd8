package com.wodian.net.server;

import com.wodian.journal.ChroniclePosix;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a {@link WodianServer} from the command line, for operators and for tests that run the server in a child
 * process (crash and recovery tests).
 * <pre>
 * ServerMain --data DIR [--init] --port N [--mode shared|compact|dedicated] [--host ADDRESS]
 *            [--durability sync|page-cache] [--limits default|small] [--keys-max N] [--engine-tables grow|reserve]
 *            [--risk-baseline recommended|none]
 *            [--pipeline-wait NAME] [--network-idle NAME] [--sender-idle NAME]
 *            [--auth required|disabled] [--credentials FILE] [--admin-from RANGES]
 *            [--snapshots on|off] [--snapshot-every-inputs N] [--snapshot-every-ms N] [--snapshot-retain N]
 *            [--node-id I --peers 0=HOST:PORT,1=HOST:PORT,2=HOST:PORT [--ack-policy local|quorum|all]
 *             [--group NAME] [--election-timeout-ms N] [--join] [--client-peers 0=HOST:PORT,...]
 *             [--replication-idle S,Y,MIN_US,MAX_US] [--commit-mark-interval-ms N]]
 *            [--metrics-port N [--metrics-host ADDRESS] [--metrics-auth-file FILE]] [--warmup-inputs N]
 *            [--iso8583-port N [--iso8583-host ADDRESS] [--iso-keys FILE]]
 *            [--tls-cert FILE [--tls-key FILE] [--tls-client-auth none|optional|required]
 *             [--tls-password-file FILE | --tls-password P]]
 *            [--node-cert FILE [--node-key FILE] [--node-trust FILE] [--node-trust-shared] [--node-pins FILE]]
 *            [--tls-trust FILE]
 *            [--insecure]
 *            [--ignore-stdin]
 * </pre>
 * The options are parsed by {@link ServerArguments}. A {@code DIR} without {@code journal/} begins a new, empty ledger
 * only with {@code --init} (or {@code --join}), or when it exists and holds only provisioned files such as the
 * credential file: a wrong {@code --data} is refused ({@link NewDataDirectoryCheck}).
 * With {@code --node-id}, the server is node I of a replica group: {@code --peers} gives each node's replication
 * address (node I listens on its own, dials the others); {@code --client-peers 0=HOST:PORT,...} each node's client
 * address, named in NOT_PRIMARY replies so that clients go straight to the primary; {@code --join} starts a node
 * with an empty data directory that takes part once the primary adds it; see docs/replication.md.
 * When the server is ready (journal replayed, port bound, threads running) it prints exactly one line on standard
 * output, {@code WODIAN LISTENING port=<n>}, and flushes it; logs go to standard error. It runs until standard input
 * is closed (unless {@code --ignore-stdin}) or the process is stopped; a normal stop (SIGTERM, end of input) closes
 * the server cleanly. Exit status: 0 after a clean stop at the end of standard input, 128 + the signal's number
 * after the same clean stop on a signal (130 Ctrl-C, 143 SIGTERM: the JVM's status after its shutdown hooks), 1 when
 * the server could not start, 2 for bad arguments, 70 when a pipeline stage or a serving thread failed (the journal or
 * engine stage, a failed journal write or fdatasync, an Error such as out of memory on a serving thread, a single
 * server's journal deleted or moved under it, or in a replica group the replication stage: a bug, a lost disk or a
 * peer message no check foresaw; the journal holds everything acknowledged).
 */
public final class ServerMain
{
    /** The line printed once the server accepts connections; the port follows the '='. */
    public static final String LISTENING_PREFIX = "WODIAN LISTENING port=";

    /**
     * Exit status after a pipeline stage or a serving thread failed, or a single server's journal was removed under
     * it (EX_SOFTWARE).
     */
    public static final int EXIT_STATUS_FATAL = 70;

    private static final String USAGE = "usage: ServerMain --data DIR [--init] --port N" +
        " [--mode shared|compact|dedicated]" +
        " [--host ADDRESS] [--durability sync|page-cache] [--limits default|small] [--keys-max N]" +
        " [--engine-tables grow|reserve] [--risk-baseline recommended|none] [--pipeline-wait NAME]" +
        " [--network-idle NAME] [--sender-idle NAME] [--auth required|disabled] [--credentials FILE]" +
        " [--admin-from RANGES]" +
        " [--snapshots on|off] [--snapshot-every-inputs N] [--snapshot-every-ms N] [--snapshot-retain N]" +
        " [--node-id I --peers 0=HOST:PORT,1=HOST:PORT,... [--ack-policy local|quorum|all] [--group NAME]" +
        " [--election-timeout-ms N]" +
        " [--join] [--client-peers 0=HOST:PORT,...]" +
        " [--replication-idle SPINS,YIELDS,MIN_PARK_US,MAX_PARK_US] [--commit-mark-interval-ms N]]" +
        " [--metrics-port N [--metrics-host ADDRESS] [--metrics-auth-file FILE]] [--warmup-inputs N]" +
        " [--iso8583-port N [--iso8583-host ADDRESS] [--iso-keys FILE]] [--ignore-stdin]" +
        " [--tls-cert FILE [--tls-key FILE] [--tls-client-auth none|optional|required]" +
        " [--tls-password-file FILE | --tls-password P]]" +
        " [--node-cert FILE [--node-key FILE] [--node-trust FILE] [--node-trust-shared] [--node-pins FILE]]" +
        " [--tls-trust FILE]" +
        " [--insecure]";

    private ServerMain()
    {
    }

    public static void main(final String[] args)
    {
        ChroniclePosix.skipNativeBinding(); // before any Chronicle class: ~0.2 s less at start (ChroniclePosix)
        final ServerConfig config = new ServerConfig();
        boolean ignoreStdin = false;
        try
        {
            ignoreStdin = ServerArguments.parse(args, config).ignoreStdin();
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.err.println(USAGE);
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

        ShutdownLogFallback.install(System.err);
        final RestartingServer server = launchOrExit(config);

        final CountDownLatch stopped = new CountDownLatch(1);
        final int port = server.current().port();
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            ShutdownLogFallback.coverLoggersCreatedSince();
            server.close(); // its closing lines, `stopped` last, reach standard error after the JDK's log reset too
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
            // Said, because under a supervisor that gives no terminal this is a stop nobody asked for.
            System.err.println("standard input closed: stopping (under a supervisor start with --ignore-stdin)");
            server.close();
        }
    }

    /**
     * Parses {@code args} as {@link #main} does, into a configuration that is thrown away, and starts nothing: for
     * callers that build the arguments (wodian server) to check them in tests.
     *
     * @throws IllegalArgumentException naming the option, for an unknown option, a missing or bad value, or options
     *                                  that do not go together.
     */
    public static void checkArguments(final String[] args)
    {
        ServerArguments.parse(args, new ServerConfig(), name -> null);
    }

    /** Starts the server, or says why it could not and exits with status 1. */
    private static RestartingServer launchOrExit(final ServerConfig config)
    {
        try
        {
            // A group member restarts in this process after a snapshot install (RestartingServer).
            return RestartingServer.launch(config, (ex) ->
            {
                System.err.println("error: server did not start again after a snapshot install: " + ex);
                System.exit(1);
            });
        }
        catch (final com.wodian.journal.JournalCorruptException ex)
        {
            // The exception knows the Chronicle index, not the directory: name it, and the two usual causes.
            System.err.println("error: server did not start: " + ex.getMessage() + " (journal " +
                config.dataDir().resolve(WodianServer.JOURNAL_DIR_NAME) + "; `wodian journal verify --data " +
                config.dataDir() + "` names the entry; a journal whose head was pruned needs a snapshot this " +
                "version can load, docs/durability.md)");
            System.exit(1);
            return null; // not reached
        }
        catch (final IOException ex)
        {
            // A missing file, a port in use, a directory in use or of other limits or of another node: the message
            // says what to do.
            System.err.println("error: server did not start: " + ex.getMessage());
            System.exit(1);
            return null; // not reached
        }
        catch (final RuntimeException ex)
        {
            // The message first (an entry of a newer version says what to do), then the trace: it may be a bug.
            System.err.println("error: server did not start: " + ex.getMessage());
            System.err.println("(" + ex.getClass().getName() + "; its stack trace follows)");
            ex.printStackTrace(System.err);
            System.exit(1);
            return null; // not reached
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
