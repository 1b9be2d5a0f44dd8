package com.wodian.net.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wrong {@code --data} (ops review item 9) is refused instead of getting a new, empty ledger: a directory that does
 * not exist, or one that holds other files but no journal, unless the start asks for a new ledger ({@code --init});
 * a directory holding only the provisioned credential file is a new one, and a directory with a journal restarts.
 */
class NewDataDirectoryTest
{
    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryIsRefusedAndCreatedOnlyWhenANewLedgerIsAskedFor() throws Exception
    {
        final Path dataDir = dir.resolve("dat"); // a typo of "data"
        final IOException refused = assertThrows(IOException.class, () -> WodianServer.launch(
            ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).newDataDirectoryAllowed(false)));
        assertTrue(refused.getMessage().contains("data directory " + dataDir + " does not exist: a wrong --data?") &&
            refused.getMessage().contains("--init"), refused.getMessage());
        assertFalse(Files.exists(dataDir), "nothing created");

        try (WodianServer server = WodianServer.launch(
            ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).newDataDirectoryAllowed(true)))
        {
            assertEquals(0, server.recoveredInputCount());
        }
        assertTrue(Files.isDirectory(dataDir.resolve(WodianServer.JOURNAL_DIR_NAME)));
    }

    @Test
    void aDirectoryWithOtherFilesButNoJournalIsRefused() throws Exception
    {
        // The parent of a data directory, given by mistake: it holds the data directory and a backup, no journal.
        Files.createDirectories(dir.resolve("data").resolve(WodianServer.JOURNAL_DIR_NAME));
        Files.writeString(dir.resolve("backup.tar"), "x");
        final IOException refused = assertThrows(IOException.class, () -> WodianServer.launch(
            ServerTestSupport.config(dir, ThreadingMode.COMPACT).newDataDirectoryAllowed(false)));
        assertTrue(refused.getMessage().contains("holds no journal") &&
            refused.getMessage().contains("(backup.tar, data)"), refused.getMessage());
        assertFalse(Files.exists(dir.resolve(WodianServer.JOURNAL_DIR_NAME)), "no journal begun");
        assertFalse(Files.exists(dir.resolve(DataDirectoryLock.FILE_NAME)), "nothing written");
    }

    @Test
    void aReplicasDirectoryBetweenTheRenamesOfATruncationIsNoWrongData() throws Exception
    {
        // A crash between "journal -> journal.superseded-1" and "journal.rewrite -> journal": the group's own
        // recovery finishes the swap at the next start, which must not be refused as a wrong --data.
        for (final String name : new String[] { "journal.rewrite", "journal.superseded-1", "snapshots" })
        {
            Files.createDirectories(dir.resolve(name));
        }
        for (final String name : new String[] { "credentials", "term-store", "term-history", "commit-mark",
            "membership", "node-identity", "peer-incarnations", "engine-limits", "wodian.lock", "wodian-counters.dat" })
        {
            Files.writeString(dir.resolve(name), "x");
        }
        NewDataDirectoryCheck.check(dir, false);
        Files.writeString(dir.resolve("notes.txt"), "x");
        assertThrows(IOException.class, () -> NewDataDirectoryCheck.check(dir, false));
    }

    @Test
    void aProvisionedDirectoryBeginsALedgerAndRestartsOnItsJournal() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        ServerTestSupport.credentialStore().save(dataDir.resolve("credentials"));
        try (WodianServer server = WodianServer.launch(
            ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).newDataDirectoryAllowed(false));
            com.wodian.net.client.WodianClient client = ServerTestSupport.connect(server))
        {
            assertEquals(0, server.recoveredInputCount(), "a new ledger");
            new ServerTestSupport.Requests(client).setUpParties();
        }
        try (WodianServer server = WodianServer.launch(
            ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).newDataDirectoryAllowed(false)))
        {
            assertTrue(server.recoveredInputCount() > 0, "restarted on the journal it wrote");
        }
    }
}
