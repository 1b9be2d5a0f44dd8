package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.net.testing.group.ChildServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ServerMain} in a child JVM, the way crash tests and operators start it: one ready line on standard output,
 * a clean stop when standard input closes or on SIGTERM (each logged `stopped`), and the same state after a restart.
 */
class ServerMainTest
{
    @TempDir
    Path dir;

    /** The server's data directory; its log goes beside it (a file inside would make it no new data directory). */
    private Path dataDir;

    @Test
    void shouldPrintListeningLineServeAndStopWhenStdinCloses() throws Exception
    {
        final long lastSequence;
        final long stateHash;

        final Process first = start();
        try
        {
            final BufferedReader stdout = stdoutOf(first);
            final int port = awaitListeningLine(stdout);
            try (WodianClient client = ChildServerProcess.connect(HOST, port, ServerTestSupport.ADMIN))
            {
                final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
                requests.setUpParties();
                lastSequence = requests.stateHash().lastSequence();
                stateHash = requests.stateHash().stateHash();
            }
            first.getOutputStream().close();
            assertTrue(first.waitFor(ServerTestSupport.TIMEOUT_MS, TimeUnit.MILLISECONDS), "stops when stdin closes");
            assertEquals(0, first.exitValue());
            assertEquals(null, stdout.readLine(), "exactly one line on standard output");
        }
        finally
        {
            first.destroyForcibly();
        }

        final Process second = start();
        try
        {
            final int port = awaitListeningLine(stdoutOf(second));
            try (WodianClient client = ChildServerProcess.connect(HOST, port, ServerTestSupport.ADMIN))
            {
                final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
                assertEquals(lastSequence, requests.stateHash().lastSequence());
                assertEquals(stateHash, requests.stateHash().stateHash());
            }
            // SIGTERM, as a supervisor stops it: the same clean stop, and the log ends with `stopped` although the
            // JDK's own hook resets the log beside the server's (operator review 2, C8: the line was missing).
            second.destroy();
            assertTrue(second.waitFor(ServerTestSupport.TIMEOUT_MS, TimeUnit.MILLISECONDS), "stops on SIGTERM");
            assertEquals(128 + 15, second.exitValue(), "exit status after a clean stop on SIGTERM");
        }
        finally
        {
            second.destroyForcibly().waitFor(ServerTestSupport.TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        final List<String> log = Files.readAllLines(dir.resolve("server-main.log"), StandardCharsets.UTF_8);
        assertEquals(2, log.stream().filter((line) -> line.endsWith(": stopped")).count(),
            "one `stopped` line per run (end of input, then SIGTERM), none twice: " + log);
        assertEquals(2, log.stream().filter((line) -> line.contains("stage latency since start:")).count(),
            "one stage latency table per run: " + log);
    }

    private Process start() throws Exception
    {
        dataDir = dir.resolve("data");
        ServerTestSupport.credentialStore().save(dataDir.resolve("credentials"));
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // Keep the module flags the test JVM got from the build; size the heap for the small engine.
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("--sun-misc") || argument.startsWith("-Dchronicle"))
            {
                command.add(argument);
            }
        }
        command.add("-Xmx256m");
        // No Tick during the test: on a loaded machine a second can pass between start and the first query, and a
        // journaled Tick would move the sequence this test compares across the restart.
        command.add("-Dwodian.tick.interval.ms=3600000");
        // The child's logon limit as its clients' (ChildServerProcess.LOGON_TIMEOUT_MS): a just-started JVM on a
        // loaded machine answers its first logon slowly, and its own 5-s default would close it.
        command.add("-D" + GatewayConfig.Configuration.LOGON_TIMEOUT_MS_PROP_NAME + "=" +
            ChildServerProcess.LOGON_TIMEOUT_MS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ServerMain.class.getName());
        command.add("--data");
        command.add(dataDir.toString());
        command.add("--port");
        command.add("0");
        command.add("--limits");
        command.add("small");
        command.add("--durability");
        command.add("page-cache");
        command.add("--mode");
        command.add("compact");
        return new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "server-main.log")))
            .start();
    }

    private static BufferedReader stdoutOf(final Process process)
    {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static int awaitListeningLine(final BufferedReader stdout) throws Exception
    {
        final String line = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return stdout.readLine();
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }).get(ChildServerProcess.START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertTrue(null != line && line.startsWith(ServerMain.LISTENING_PREFIX), "ready line: " + line);
        return Integer.parseInt(line.substring(ServerMain.LISTENING_PREFIX.length()));
    }
}
