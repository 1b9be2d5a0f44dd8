package com.wodian.journal.consensus.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommitMarkTest
{
    @TempDir
    Path directory;

    @Test
    void aMissingMarkIsZeroAndAStoredMarkSurvivesAReopen()
    {
        final Path file = directory.resolve("commit-mark");
        final CommitMark mark = new CommitMark(file);
        assertEquals(0, mark.index());
        assertFalse(Files.exists(file));

        mark.store(41);
        assertEquals(41, mark.index());
        assertEquals(41, new CommitMark(file).index());

        mark.store(1_000_000_007L);
        assertEquals(1_000_000_007L, new CommitMark(file).index());
        assertFalse(Files.exists(directory.resolve("commit-mark.tmp")));
    }

    @Test
    void aLowerValueChangesNothing()
    {
        final Path file = directory.resolve("commit-mark");
        final CommitMark mark = new CommitMark(file);
        mark.store(10);
        mark.store(3);
        assertEquals(10, mark.index());
        assertEquals(10, new CommitMark(file).index());
        assertThrows(IllegalArgumentException.class, () -> mark.store(-1));
    }

    @Test
    void everyFlippedBitAndAWrongLengthAreDetected() throws IOException
    {
        final Path file = directory.resolve("commit-mark");
        new CommitMark(file).store(123_456);
        final byte[] good = Files.readAllBytes(file);
        assertEquals(20, good.length);

        for (int bit = 0; bit < good.length * 8; bit++)
        {
            final byte[] damaged = good.clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            Files.write(file, damaged);
            final IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> new CommitMark(file));
            assertTrue(thrown.getMessage().contains("deleting it is safe"), thrown.getMessage());
        }

        Files.write(file, java.util.Arrays.copyOf(good, 19));
        assertThrows(IllegalStateException.class, () -> new CommitMark(file));
        Files.write(file, new byte[0]);
        assertThrows(IllegalStateException.class, () -> new CommitMark(file));

        Files.write(file, good);
        assertEquals(123_456, new CommitMark(file).index());
    }
}
