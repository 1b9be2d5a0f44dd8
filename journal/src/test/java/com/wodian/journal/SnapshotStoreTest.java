package com.wodian.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import com.wodian.journal.SnapshotStore.SnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest
{
    @TempDir
    Path dir;

    /** A payload that exercises every primitive and crosses the 1 MiB buffer: derived from the sequence. */
    private static void writePayload(final SnapshotOutput output, final long sequence)
    {
        final long[] longs = new long[200_000];
        final int[] ints = new int[70_001];
        for (int i = 0; i < longs.length; i++)
        {
            longs[i] = sequence * 1_000_003L + i;
        }
        for (int i = 0; i < ints.length; i++)
        {
            ints[i] = (int)(sequence + i * 7);
        }
        output.writeLong(sequence);
        output.writeLongs(longs, longs.length);
        output.writeInts(ints, ints.length);
        output.writeLongs(longs, 0);
        output.writeBytes(new byte[]{1, 2, 3}, 0, 3);
        output.writeLong(-sequence);
    }

    private static long readPayload(final SnapshotInput input)
    {
        final long sequence = input.readLong();
        final long[] longs = new long[200_000];
        final int[] ints = new int[70_001];
        assertEquals(longs.length, input.readLongs(longs));
        assertEquals(ints.length, input.readInts(ints));
        for (int i = 0; i < longs.length; i++)
        {
            assertEquals(sequence * 1_000_003L + i, longs[i]);
        }
        for (int i = 0; i < ints.length; i++)
        {
            assertEquals((int)(sequence + i * 7), ints[i]);
        }
        assertEquals(0, input.readLongs(longs));
        final byte[] bytes = new byte[3];
        input.readBytes(bytes, 0, 3);
        assertArrayEquals(new byte[]{1, 2, 3}, bytes);
        assertEquals(-sequence, input.readLong());
        return sequence;
    }

    private SnapshotInfo write(final SnapshotStore store, final long sequence)
    {
        return store.write(sequence, 1000 + sequence, 1_700_000_000_000L + sequence, 77 * sequence,
            (output) -> writePayload(output, sequence));
    }

    /**
     * Only a store that writes removes what an interrupted write left: a reader opened next to a running server must
     * not delete the temp file its snapshotter is writing.
     */
    @Test
    void onlyAWritingStoreRemovesTempFiles() throws IOException
    {
        final Path temp = Files.createDirectories(dir).resolve(SnapshotDescriptor.FILE_PREFIX + "00000000000000000042" +
            SnapshotDescriptor.FILE_SUFFIX + SnapshotDescriptor.TEMP_SUFFIX);
        Files.writeString(temp, "being written");
        new SnapshotStore(dir, Integer.MAX_VALUE, false);
        assertTrue(Files.exists(temp), "a reader leaves it");
        new SnapshotStore(dir, 3);
        assertFalse(Files.exists(temp), "a writer removes it");
    }

    @Test
    void writtenSnapshotIsListedInspectedAndLoaded()
    {
        final SnapshotStore store = new SnapshotStore(dir, 3);
        final SnapshotInfo written = write(store, 42);

        assertEquals(dir.resolve("snapshot-00000000000000000042.wsnap"), written.file());
        final SnapshotInfo inspected = SnapshotStore.inspect(written.file(), true);
        assertTrue(inspected.isValid(), inspected.problem());
        assertEquals(written, inspected);
        assertEquals(List.of(written), store.list());

        final SnapshotStore.Loaded<Long> loaded =
            store.loadNewest(100, (info, input) -> readPayload(input), (line) -> { });
        assertEquals(42L, loaded.state());
        assertEquals(1042, loaded.info().chronicleIndex());
        assertEquals(77 * 42, loaded.info().stateHash());
    }

    @Test
    void newestIsLoadedFirstAndOldOnesArePrunedToTheRetainCount()
    {
        final SnapshotStore store = new SnapshotStore(dir, 2);
        write(store, 10);
        write(store, 20);
        write(store, 30);

        final List<SnapshotInfo> listed = store.list();
        assertEquals(2, listed.size());
        assertEquals(30, listed.get(0).journalSequence());
        assertEquals(20, listed.get(1).journalSequence());
        assertEquals(20, store.oldestRetainedSequence());
        assertEquals(30L, store.loadNewest(30, (info, input) -> readPayload(input), (line) -> { }).state());
        // A snapshot beyond the journal's end cannot be continued: the older one is used.
        assertEquals(20L, store.loadNewest(29, (info, input) -> readPayload(input), (line) -> { }).state());
    }

    @Test
    void corruptNewestFallsBackToAnOlderOneAndSaysWhy() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 3);
        write(store, 10);
        write(store, 20);
        final SnapshotInfo newest = write(store, 30);
        flipByte(newest.file(), SnapshotDescriptor.HEADER_LENGTH + 500_000);

        assertEquals("payload checksum mismatch", SnapshotStore.inspect(newest.file(), true).problem());
        assertTrue(SnapshotStore.inspect(newest.file(), false).isValid(), "header alone is intact");

        final List<String> report = new ArrayList<>();
        assertEquals(20L, store.loadNewest(100, (info, input) -> readPayload(input), report::add).state());
        assertEquals(1, report.size());
        assertTrue(report.get(0).contains("payload checksum mismatch"), report.get(0));
    }

    /**
     * The payload's checksum is computed beside the load (a second thread): a loader that trips over a damaged payload
     * with an Error (the test's loader asserts) sees it named as damage and an older snapshot used, while an Error from
     * a sound payload still propagates, as it did when the checksum came first.
     */
    @Test
    void anErrorWhileLoadingIsDamageOnlyWhenTheChecksumSaysSo() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 3);
        write(store, 10);
        final SnapshotInfo newest = write(store, 20);
        assertThrows(AssertionError.class, () -> store.loadNewest(100, (info, input) ->
        {
            throw new AssertionError("a loader's bug");
        }, (line) -> { }));

        flipByte(newest.file(), SnapshotDescriptor.HEADER_LENGTH + 9);   // the first long of the array: read first
        final List<String> report = new ArrayList<>();
        assertEquals(10L, store.loadNewest(100, (info, input) -> readPayload(input), report::add).state());
        final String damaged = "snapshot " + newest.file().getFileName() + " skipped: payload checksum mismatch";
        assertEquals(List.of(damaged), report);

        // A loader that reads the damaged payload to its end without noticing: its state is dropped all the same.
        report.clear();
        assertEquals(-10L, store.loadNewest(100, (info, input) ->
        {
            input.readLong();
            final long[] longs = new long[200_000];
            final int[] ints = new int[70_001];
            input.readLongs(longs);
            input.readInts(ints);
            input.readLongs(longs);
            input.readBytes(new byte[3], 0, 3);
            return input.readLong();
        }, report::add).state());
        assertEquals(List.of(damaged), report);
    }

    @Test
    void damagedHeaderTruncatedFileAndLoaderRefusalAreEachSkipped() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 5);
        write(store, 10);
        final SnapshotInfo refused = write(store, 20);
        final SnapshotInfo truncated = write(store, 30);
        final SnapshotInfo badHeader = write(store, 40);
        flipByte(badHeader.file(), SnapshotDescriptor.STATE_HASH_OFFSET);
        try (FileChannel channel = FileChannel.open(truncated.file(), StandardOpenOption.WRITE))
        {
            channel.truncate(truncated.fileLength() - 1);
        }

        assertEquals("header checksum mismatch", SnapshotStore.inspect(badHeader.file(), false).problem());
        assertTrue(SnapshotStore.inspect(truncated.file(), false).problem().startsWith("file is"));

        final List<String> report = new ArrayList<>();
        final SnapshotStore.Loaded<Long> loaded = store.loadNewest(100, (info, input) ->
        {
            if (info.journalSequence() == refused.journalSequence())
            {
                throw new IllegalStateException("taken with other limits");
            }
            return readPayload(input);
        }, report::add);
        assertEquals(10L, loaded.state());
        assertEquals(3, report.size(), report.toString());
        assertTrue(report.get(2).contains("taken with other limits"), report.toString());
    }

    @Test
    void nothingLoadableGivesNullAndAnInterruptedWriteLeavesNoFile() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(dir, 3);
        assertNull(store.loadNewest(100, (info, input) -> readPayload(input), (line) -> { }));
        assertThrows(IllegalStateException.class, () -> store.write(5, -1, 0, 0, (output) ->
        {
            output.writeLong(1);
            throw new IllegalStateException("snapshotter failed half way");
        }));
        assertEquals(List.of(), store.list());
        try (var files = Files.list(dir))
        {
            assertEquals(0, files.count(), "no temp file left");
        }

        Files.write(dir.resolve("snapshot-00000000000000000007.wsnap.tmp"), new byte[10]);
        new SnapshotStore(dir, 3);
        assertFalse(Files.exists(dir.resolve("snapshot-00000000000000000007.wsnap.tmp")), "stale temp deleted");
    }

    private static void flipByte(final Path file, final long position) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.flip();
            one.put(0, (byte)(one.get(0) ^ 0x10));
            channel.write(one, position);
        }
    }
}
