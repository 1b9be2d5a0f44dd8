package com.wodian.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Runs the journal's append path, rare branches included, through a throwaway journal before a server serves, so
 * that the JIT compiles them with a profile that has seen them.
 *
 * <p>Why: Chronicle maps a journal file in chunks of 64 MiB and starts a new index array every million entries. A
 * server that has not yet crossed a chunk when its payment path is compiled gets that path compiled with the crossing
 * as an uncommon trap; the first crossing under live traffic then throws the compiled code of the whole inlined
 * pipeline step away and runs it in the interpreter until it is compiled again (seen with {@code -XX:+LogCompilation}:
 * {@code unstable_if} at {@code MappedBytesStore.inside} inside {@code EngineHandler.onEvent}, and in
 * {@code SCQIndexing}'s index-array code, about 15 s into a 50,000/s run; docs/history/latency-sessions.md). Here the
 * chunks are {@link #BLOCK_SIZE_BYTES} (Chronicle's block is at least 32 bytes per entry of an index array, 8 KiB here,
 * so the block asked for holds; a journal with Chronicle's default 4,096-entry arrays gets 128-KiB chunks) and the
 * index arrays {@link #INDEX_COUNT} entries of one every {@link #INDEX_SPACING}, so a few thousand entries cross both
 * many times. The throwaway journal lives in a directory of its own that is
 * deleted before and after; the real journal is never touched.
 */
public final class JournalWarmup
{
    /** Name of the throwaway journal's directory under the parent it is given. */
    public static final String DIR_NAME = "journal-warmup.tmp";
    static final long BLOCK_SIZE_BYTES = 64 << 10;
    static final int INDEX_COUNT = 256;
    static final int INDEX_SPACING = 8;
    /**
     * Enough for several chunk crossings and a few index arrays (a branch profile needs to have seen a branch, not
     * to have seen it often); each chunk costs a mapping (~20 ms on the development machine), so more only makes the
     * start slower: 20,000 entries (28 chunks) took 0.56-0.63 s. Chronicle's limit for
     * this index geometry is count * count * spacing (524,288).
     */
    public static final int MAX_ENTRIES = 8_000;
    private static final int BATCH_ENTRIES = 8;
    private static final int[] PAYLOAD_LENGTHS = {56, 40, 72, 120, 24};

    private JournalWarmup()
    {
    }

    /**
     * Appends {@code entryCount} entries in batches (each ended, then the next page touched ahead, as the server's
     * journal stage does) to a throwaway journal under {@code parentDir}, then deletes it. At most
     * {@link #MAX_ENTRIES} are appended.
     *
     * @return the bytes of the entries appended (headers included): at {@link #BLOCK_SIZE_BYTES} per chunk, 8,000
     * entries (about 706 KiB) cross about eleven chunks.
     */
    public static long run(final Path parentDir, final int entryCount)
    {
        final Path dir = parentDir.resolve(DIR_NAME);
        deleteRecursively(dir);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[JournalEntryDescriptor.MAX_PAYLOAD_LENGTH]);
        long bytes = 0;
        // Page cache: the path to warm is the append's; a forced write per batch would only make the warm-up slow.
        final JournalConfig config = new JournalConfig(dir).withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE);
        try (ChronicleJournal journal = ChronicleJournal.open(config, BLOCK_SIZE_BYTES, INDEX_COUNT, INDEX_SPACING))
        {
            final JournalWriter writer = journal.writer();
            long sequence = writer.lastSequence();
            final int appendCount = Math.min(entryCount, MAX_ENTRIES);
            for (int i = 0; i < appendCount; i++)
            {
                final int length = PAYLOAD_LENGTHS[i % PAYLOAD_LENGTHS.length];
                payload.putLong(0, i);
                writer.append(++sequence, i, 0, payload, 0, length);
                bytes += JournalEntryDescriptor.HEADER_LENGTH + length;
                if (i % BATCH_ENTRIES == BATCH_ENTRIES - 1)
                {
                    writer.endOfBatch();
                    writer.touchAhead();
                }
            }
            writer.endOfBatch();
        }
        finally
        {
            deleteRecursively(dir);
        }
        return bytes;
    }

    private static void deleteRecursively(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete the journal warm-up directory " + dir, ex);
        }
    }
}
