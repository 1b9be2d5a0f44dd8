package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restart on a data directory whose journal was deleted (what the journal watch stops a server for, and what a
 * supervisor's restart would then meet) is refused, instead of serving an empty ledger; put back, it starts on the
 * state it had.
 */
class EmptiedJournalTest
{
    @Test
    void aDeletedJournalIsRefusedAtTheNextStartAndThePutBackOneRecovers(@TempDir final Path dataDir) throws Exception
    {
        final long lastSequence;
        final long stateHash;
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT));
            WodianClient client = ServerTestSupport.connect(server))
        {
            new ServerTestSupport.Requests(client).setUpParties();
        }
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)))
        {
            lastSequence = server.recovery().engine().lastSequence();
            stateHash = server.recovery().engine().stateHash();
        }
        assertTrue(lastSequence > 0);

        final Path journal = dataDir.resolve(WodianServer.JOURNAL_DIR_NAME);
        final Path aside = dataDir.resolve("journal.aside");
        Files.move(journal, aside);
        final IOException refused = assertThrows(IOException.class,
            () -> WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)));
        assertTrue(refused.getMessage().contains("is empty, but this data directory held entries (the last run " +
            "journaled up to sequence " + lastSequence), refused.getMessage());

        deleteRecursively(journal); // what the refused start opened
        Files.move(aside, journal);
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)))
        {
            assertEquals(lastSequence, server.recovery().engine().lastSequence());
            assertEquals(stateHash, server.recovery().engine().stateHash());
        }
    }

    private static void deleteRecursively(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }
}
