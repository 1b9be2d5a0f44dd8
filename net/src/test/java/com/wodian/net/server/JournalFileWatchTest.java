package com.wodian.net.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal file deleted under a running server (it would go on acknowledging into an unlinked file that is gone at
 * the next start) stops the server through its fatal handler, naming the file; a directory moved away likewise.
 */
class JournalFileWatchTest
{
    @Test
    void aJournalDirectoryMovedAwayUnderARunningServerStopsIt(@TempDir final Path dataDir) throws Exception
    {
        final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)
            .fatalErrorHandler(fatal::complete);
        try (WodianServer server = WodianServer.launch(config))
        {
            final Path journalDir = dataDir.resolve(WodianServer.JOURNAL_DIR_NAME);
            Files.move(journalDir, dataDir.resolve("journal.moved-by-hand"));
            final Throwable stopped = fatal.get(30, TimeUnit.SECONDS);
            assertTrue(stopped.getMessage().contains("the journal directory " + journalDir +
                " was deleted, moved or replaced"), stopped.getMessage());
        }
    }

    @Test
    void aDeletedRollFileAndAMovedDirectoryAreNamed(@TempDir final Path dir) throws Exception
    {
        final Path journalDir = Files.createDirectories(dir.resolve("journal"));
        Files.writeString(journalDir.resolve("20261204.cq4"), "x");
        final Path newest = Files.writeString(journalDir.resolve("20261205.cq4"), "x");
        final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        final JournalFileWatch watch =
            (JournalFileWatch)JournalFileWatch.watching(() -> false, journalDir, fatal::complete);
        assertNull(watch.check());
        Files.delete(journalDir.resolve("20261204.cq4")); // an old file, as journal prune removes them
        assertNull(watch.check(), "an older file may go");
        Files.delete(newest);
        assertTrue(watch.check().contains("the journal file " + newest + " was deleted or replaced"));
        watch.mapAhead();
        assertTrue(fatal.isDone(), "the fatal handler heard of it");

        final JournalFileWatch another = (JournalFileWatch)JournalFileWatch.watching(() -> false, journalDir,
            (ex) -> { });
        assertNull(another.check());
        Files.move(journalDir, dir.resolve("journal.old"));
        Files.createDirectories(journalDir);
        assertTrue(another.check().contains("was deleted, moved or replaced"));
    }
}
