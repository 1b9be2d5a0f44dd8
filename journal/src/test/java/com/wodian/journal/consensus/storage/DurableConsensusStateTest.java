package com.wodian.journal.consensus.storage;

import com.wodian.journal.consensus.TermStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurableConsensusStateTest
{
    @TempDir
    Path directory;

    @Test
    void termAndVoteSurviveAReopen()
    {
        final Path file = directory.resolve("term");
        final FileTermStore store = new FileTermStore(file);
        assertEquals(0, store.currentTerm());
        assertEquals(TermStore.NO_VOTE, store.votedFor());
        store.store(7, 2);
        final FileTermStore reopened = new FileTermStore(file);
        assertEquals(7, reopened.currentTerm());
        assertEquals(2, reopened.votedFor());
        assertThrows(IllegalStateException.class, () -> reopened.store(6, 1));
    }

    @Test
    void aDamagedTermFileIsRefusedNotGuessed() throws IOException
    {
        final Path file = directory.resolve("term");
        new FileTermStore(file).store(3, 1);
        final byte[] bytes = Files.readAllBytes(file);
        bytes[9] ^= 1;
        Files.write(file, bytes);
        assertThrows(IllegalStateException.class, () -> new FileTermStore(file));
    }

    @Test
    void termHistoryAnswersTheTermOfAnyIndexAndSurvivesTruncationAndReopen() throws IOException
    {
        final Path file = directory.resolve("terms");
        final TermHistory history = new TermHistory(file);
        assertEquals(0, history.termAt(5));
        history.beginTerm(1, 1);
        history.beginTerm(3, 10);
        history.beginTerm(4, 25);
        assertEquals(0, history.termAt(0));
        assertEquals(1, history.termAt(9));
        assertEquals(3, history.termAt(10));
        assertEquals(3, history.termAt(24));
        assertEquals(4, history.termAt(1_000));
        assertThrows(IllegalStateException.class, () -> history.beginTerm(4, 30));

        history.truncateFrom(20); // entries 20.. cut: term 4 began at 25, so it goes
        final TermHistory reopened = new TermHistory(file);
        assertEquals(2, reopened.size());
        assertEquals(3, reopened.termAt(1_000));
        reopened.beginTerm(5, 20);
        assertEquals(5, new TermHistory(file).termAt(20));

        final byte[] bytes = Files.readAllBytes(file);
        bytes[6] ^= 1;
        Files.write(file, bytes);
        assertThrows(IllegalStateException.class, () -> new TermHistory(file));
    }
}
