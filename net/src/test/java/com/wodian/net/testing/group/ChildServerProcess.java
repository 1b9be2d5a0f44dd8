package com.wodian.net.testing.group;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.GatewayConfig;
import com.wodian.net.server.ServerMain;
import com.wodian.protocol.sbe.SessionRole;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@code ServerMain} in a child JVM for the real-process tests (kill -9, restart): started with this JVM's module
 * flags and class path, its port read from the line it prints when listening; its standard input stays open (closing
 * it is a clean stop).
 */
public final class ChildServerProcess
{
    /** A child JVM that is still loading Chronicle at load average ~28 took over 60 s (seen 2026-12-03); quiet: ~2 s. */
    public static final long START_TIMEOUT_MS = 120_000;
    /**
     * Connect and logon limits for a child JVM (just started, C1 only, on two shared cores): it answers its first logon
     * slowly, and the client's default 5-s logon limit failed CrashRecoveryTest once at load average ~20.
     */
    public static final long CONNECT_TIMEOUT_MS = 10_000;
    public static final long LOGON_TIMEOUT_MS = 30_000;

    /**
     * Class data sharing for the child JVMs: a tools test run starts some eighty of them (CrashRecoveryTest alone 21),
     * each loading the same thousands of classes from the same jars. The first start in a test JVM is preceded by one
     * server run that writes them to an archive at its clean stop ({@code -XX:ArchiveClassesAtExit}); every start maps
     * it. Measured at load 12-14 (time to the listening line, three alternated pairs): 13.7, 13.2, 19.8 s without,
     * 4.5, 9.3, 8.9 s with. The JVM ignores an archive it cannot use (sharing is on {@code auto}); null: none made.
     *
     * <p>The training server runs interpreted ({@code -Xint}): with the JIT on, the methods still queued for
     * compilation when the archive was written stayed marked so in it, and no child that mapped it ever compiled them
     * (the journal's append and the receiver's stamp among them; most likely the JDK's bug JDK-8306460, a queued
     * flag kept in a dynamic archive, fixed in JDK 21). The launcher's archive had the same defect
     * (docs/history/engine-sessions.md, "Restart, session 49").
     */
    private static Path sharedArchive;
    private static boolean sharedArchiveTried;

    public final Process process;
    public final int port;
    public final Path log;

    private ChildServerProcess(final Process process, final int port, final Path log)
    {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * A single server on {@code dataDir}, an ephemeral port and the small limits, with these JVM options after the
     * common ones and these {@code ServerMain} options after the data folder, port and limits.
     */
    public static ChildServerProcess start(
        final Path dataDir, final Path log, final List<String> jvmOptions, final List<String> serverOptions)
        throws IOException, InterruptedException
    {
        final List<String> arguments = new ArrayList<>(Arrays.asList("--data", dataDir.toString(), "--port", "0",
            "--limits", "small"));
        arguments.addAll(serverOptions);
        return startWithArguments(log, jvmOptions, arguments);
    }

    /**
     * A server started with exactly these {@code ServerMain} arguments (nothing forced: data folder, port, limits
     * and snapshot options all come from the caller) and these JVM options after the common ones; the replication
     * tests pass {@code --node-id} and {@code --peers} this way.
     */
    public static ChildServerProcess startWithArguments(
        final Path log, final List<String> extraJvmOptions, final List<String> serverArguments)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(childJvmFlags());
        final Path archive = sharedArchive();
        if (null != archive)
        {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        return launch(log, command, extraJvmOptions, serverArguments);
    }

    /** The child JVMs' class-data archive, made on the first call in this JVM; null when none could be made. */
    private static synchronized Path sharedArchive() throws InterruptedException
    {
        if (sharedArchiveTried)
        {
            return sharedArchive;
        }
        sharedArchiveTried = true;
        Path dir = null;
        try
        {
            dir = Files.createTempDirectory("wodian-child-cds");
            final Path dataDir = Files.createDirectories(dir.resolve("data"));
            final CredentialStore store = new CredentialStore();
            store.provision(SessionRole.ADMIN, 1, 0, new SecureRandom());
            store.save(dataDir.resolve(GatewayConfig.Configuration.CREDENTIALS_FILE_NAME_DEFAULT));
            final Path archive = dir.resolve("child.jsa");
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(childJvmFlags());
            command.add("-XX:ArchiveClassesAtExit=" + archive);
            command.add("-Xint"); // nothing compiled, so nothing queued for compilation when the archive is written
            launch(dir.resolve("archive.log"), command, List.of(), List.of("--data", dataDir.toString(), "--port",
                "0", "--limits", "small")).stop(); // the archive is written at the clean exit
            if (Files.isRegularFile(archive) && Files.size(archive) > 0)
            {
                sharedArchive = archive;
            }
        }
        catch (final IOException | AssertionError ex)
        {
            System.out.println("ChildServerProcess: child JVMs start without a class-data archive: " + ex);
        }
        finally
        {
            deleteOnExit(dir);
        }
        return sharedArchive;
    }

    private static void deleteOnExit(final Path dir)
    {
        if (null == dir)
        {
            return;
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            // Folders first: the JVM deletes in the reverse order of registration, so their files go before them.
            files.sorted().forEach((file) -> file.toFile().deleteOnExit());
        }
        catch (final IOException ex)
        {
            // a temporary folder left behind
        }
    }

    private static ChildServerProcess launch(final Path log, final List<String> command,
        final List<String> extraJvmOptions, final List<String> serverArguments)
        throws IOException, InterruptedException
    {
        // Few threads and a quick start: twenty restarts on two shared cores. The server's own logon limit as the
        // clients' (LOGON_TIMEOUT_MS): its 5-s default runs on the same starved child JVM that made the clients' 5 s
        // too short, and closes the logon on its side whatever the client waits.
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dwodian.tick.interval.ms=3600000", "-D" + GatewayConfig.Configuration.LOGON_TIMEOUT_MS_PROP_NAME + "=" +
            LOGON_TIMEOUT_MS));
        command.addAll(extraJvmOptions);
        command.add("-cp");
        command.add(childClassPath());
        command.add(ServerMain.class.getName());
        command.addAll(serverArguments);
        final Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();

        final AtomicInteger port = new AtomicInteger(-1);
        final CountDownLatch listening = new CountDownLatch(1);
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = lines.readLine()) != null)
                {
                    if (line.startsWith(ServerMain.LISTENING_PREFIX))
                    {
                        port.set(Integer.parseInt(line.substring(ServerMain.LISTENING_PREFIX.length()).trim()));
                        listening.countDown();
                    }
                }
            }
            catch (final IOException ex)
            {
                // The process was killed: its output simply ends.
            }
            listening.countDown();
        }, "server-stdout-" + log.getFileName());
        reader.setDaemon(true);
        reader.start();

        final boolean listened;
        try
        {
            listened = listening.await(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            // Given up by the caller (ReplicaGroup.startAll after another node failed): no JVM left running.
            process.destroyForcibly();
            throw ex;
        }
        if (!listened || port.get() < 0)
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("server did not start within " + START_TIMEOUT_MS + " ms; its log:\n" + Files.readString(log));
        }
        return new ChildServerProcess(process, port.get(), log);
    }

    /** A logged-on client of a child server on this host and port, with the child-JVM connect and logon limits. */
    public static WodianClient connect(final String host, final int port, final Credentials credentials)
        throws IOException
    {
        return WodianClient.connect(new ClientConfig().node(host, port).credentials(credentials)
            .connectTimeoutMs(CONNECT_TIMEOUT_MS).logonTimeoutMs(LOGON_TIMEOUT_MS).replyTimeoutMs(LOGON_TIMEOUT_MS));
    }

    /** A logged-on client of this server, with the child-JVM connect and logon limits. */
    public WodianClient connect(final Credentials credentials) throws IOException
    {
        return connect("127.0.0.1", port, credentials);
    }

    /** kill -9: no shutdown hook, no flush, no close. */
    public void kill() throws InterruptedException
    {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "killed server exited");
    }

    /** A clean stop (end of standard input), forced after a while. */
    public void stop() throws IOException, InterruptedException
    {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("server did not stop on end of input; its log:\n" + Files.readString(log));
        }
    }

    /**
     * This JVM's class path with its jars first and its folders (a module's classes, a test run's test classes) last:
     * class data sharing archives classes from jars only and refuses to write an archive while a folder with classes
     * comes before a jar. A child server takes no class from the test folders, and none is in two entries.
     */
    private static String childClassPath()
    {
        final List<String> jars = new ArrayList<>();
        final List<String> folders = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            (entry.endsWith(".jar") ? jars : folders).add(entry);
        }
        jars.addAll(folders);
        return String.join(File.pathSeparator, jars);
    }

    private static List<String> childJvmFlags()
    {
        final List<String> flags = new ArrayList<>();
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("--sun-misc-unsafe-memory-access") || argument.startsWith("-Dchronicle."))
            {
                flags.add(argument);
            }
        }
        return flags;
    }
}
