package com.wodian.net.testing.group;

import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.GatewayConfig;
import com.wodian.net.server.ServerMain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
        // Few threads and a quick start: twenty restarts on two shared cores. The server's own logon limit as the
        // clients' (LOGON_TIMEOUT_MS): its 5-s default runs on the same starved child JVM that made the clients' 5 s
        // too short, and closes the logon on its side whatever the client waits.
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dwodian.tick.interval.ms=3600000", "-D" + GatewayConfig.Configuration.LOGON_TIMEOUT_MS_PROP_NAME + "=" +
            LOGON_TIMEOUT_MS));
        command.addAll(extraJvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
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

        if (!listening.await(START_TIMEOUT_MS, TimeUnit.MILLISECONDS) || port.get() < 0)
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
