package com.wodian.net.server;

import com.wodian.net.metrics.CountersFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One server per data directory: a second start on a directory a server runs on is refused before it touches
 * anything (journal, snapshots, counters file), naming the running one's process; once that one stops, a start
 * succeeds on the state it left.
 */
class DataDirectoryLockTest
{
    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefusedUntilTheFirstStops(@TempDir final Path dataDir) throws Exception
    {
        final long countersModifiedMs;
        final long lastSequence;
        try (WodianServer first = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)))
        {
            countersModifiedMs = Files.getLastModifiedTime(CountersFile.path(dataDir)).toMillis();
            final IOException refused = assertThrows(IOException.class,
                () -> WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.DEDICATED)));
            assertTrue(refused.getMessage().contains("in use by process " + ProcessHandle.current().pid()),
                refused.getMessage());
            assertEquals(countersModifiedMs, Files.getLastModifiedTime(CountersFile.path(dataDir)).toMillis(),
                "the running server's counters file was not replaced");
            try (CountersFile counters = CountersFile.open(dataDir))
            {
                assertEquals(ProcessHandle.current().pid(), counters.pid());
            }
            lastSequence = first.recovery().engine().lastSequence();
        }
        try (WodianServer second = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)))
        {
            assertEquals(lastSequence, second.recovery().engine().lastSequence());
        }
    }

    @Test
    void theLockIsReleasedWhenAStartFails(@TempDir final Path dataDir) throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final ServerConfig portInUse = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)
                .port(taken.getLocalPort());
            final IOException refused = assertThrows(IOException.class, () -> WodianServer.launch(portInUse));
            assertTrue(refused.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                refused.getMessage());
        }
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)))
        {
            assertTrue(server.port() > 0);
        }
    }
}
