package com.wodian.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A replay whose reading runs ahead on a second thread: {@link ChronicleJournal#replay(long, JournalEntryHandler)}
 * (Chronicle's read path, checksums, sequence checks) runs on a reader thread ({@code wodian-journal-read-ahead})
 * that copies the verified entries into chunks of {@link #CHUNK_ENTRIES}, and the caller's thread hands them to the
 * handler in the same order, so reading one chunk overlaps applying the previous one. For off-line replays of a whole
 * journal (the demo's, {@code journal verify}'s), where the read is a quarter or more of the time on a fresh JVM (its
 * read path not compiled yet) and a second core is there to take it.
 *
 * <p>What the handler sees is exactly what {@code replay} delivers: the same entries, in order, each buffer valid only
 * during the call. A {@link JournalCorruptException} (or any failure) on the reader is thrown on the caller's thread
 * after the entries before it were delivered, as {@code replay} would have; a handler that throws stops the reader.
 * Four chunks of 256 KiB are allocated per replay; the hand-off is two bounded queues (the reader blocks when the
 * caller is four chunks behind, the caller when the reader is behind).
 *
 * <p>Not used by the product's replays: on the shared 2-vCPU VM at load 5-6 it showed no measurable gain
 * (2026-12-04, {@code ReplayRounds ... read-ahead} against the same without, docs/history/durability-sessions.md
 * section 7). The replays that overlap reading with applying (recovery's tail, the demo's) use {@code ReplayPipeline}
 * (net) instead, which keeps the reading on the caller's thread (a recovery's tailer stays usable there) and applies on
 * a second one without a second copy.
 */
public final class ReadAheadReplay
{
    /** Entries per chunk handed over at once. */
    static final int CHUNK_ENTRIES = 256;
    /** Chunks in circulation: the reader runs at most this many ahead. */
    static final int CHUNKS = 4;
    private static final int SLOT = JournalEntryDescriptor.MAX_PAYLOAD_LENGTH;

    private ReadAheadReplay()
    {
    }

    /** Entries copied out of the journal, handed from the reader to the caller's thread. */
    private static final class Chunk
    {
        final UnsafeBuffer payloads = new UnsafeBuffer(new byte[CHUNK_ENTRIES * SLOT]);
        final long[] sequences = new long[CHUNK_ENTRIES];
        final long[] timestamps = new long[CHUNK_ENTRIES];
        final int[] versions = new int[CHUNK_ENTRIES];
        final int[] lengths = new int[CHUNK_ENTRIES];
        int count;
        /** The reader's last chunk: nothing follows it (the journal ended or the reader failed). */
        boolean last;
    }

    /**
     * Replays the journal from {@code fromSequence} as {@link ChronicleJournal#replay(long, JournalEntryHandler)}
     * does, with the reading on a second thread.
     *
     * @return the number of entries delivered.
     * @throws JournalCorruptException on the first entry that cannot be trusted, after every entry before it.
     */
    public static long replay(final ChronicleJournal journal, final long fromSequence,
        final JournalEntryHandler handler)
    {
        final ArrayBlockingQueue<Chunk> free = new ArrayBlockingQueue<>(CHUNKS);
        final ArrayBlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(CHUNKS);
        for (int i = 0; i < CHUNKS; i++)
        {
            free.add(new Chunk());
        }
        final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        final Thread reader = new Thread(() -> read(journal, fromSequence, free, filled, readerFailure),
            "wodian-journal-read-ahead");
        reader.setDaemon(true);
        reader.start();
        long deliveredCount = 0;
        boolean finished = false;
        try
        {
            while (!finished)
            {
                final Chunk chunk = filled.take();
                for (int i = 0; i < chunk.count; i++)
                {
                    handler.onEntry(chunk.sequences[i], chunk.timestamps[i], chunk.versions[i], chunk.payloads,
                        i * SLOT, chunk.lengths[i]);
                    deliveredCount++;
                }
                finished = chunk.last;
                chunk.count = 0;
                chunk.last = false;
                free.add(chunk);
            }
            reader.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying the journal", ex);
        }
        finally
        {
            if (!finished)
            {
                // The handler threw: stop the reader (it waits for a free chunk or is reading; either way it ends).
                reader.interrupt();
            }
        }
        final Throwable failure = readerFailure.get();
        if (failure instanceof RuntimeException)
        {
            throw (RuntimeException)failure;
        }
        if (failure instanceof Error)
        {
            throw (Error)failure;
        }
        return deliveredCount;
    }

    private static void read(final ChronicleJournal journal, final long fromSequence,
        final ArrayBlockingQueue<Chunk> free, final ArrayBlockingQueue<Chunk> filled,
        final AtomicReference<Throwable> failure)
    {
        final Chunk[] current = new Chunk[1];
        try
        {
            current[0] = free.take();
            journal.replay(fromSequence, (sequence, timestampMs, payloadVersion, payload, offset, length) ->
            {
                Chunk chunk = current[0];
                if (chunk.count == CHUNK_ENTRIES)
                {
                    put(filled, chunk);
                    chunk = take(free);
                    current[0] = chunk;
                }
                final int at = chunk.count;
                chunk.payloads.putBytes(at * SLOT, payload, offset, length);
                chunk.sequences[at] = sequence;
                chunk.timestamps[at] = timestampMs;
                chunk.versions[at] = payloadVersion;
                chunk.lengths[at] = length;
                chunk.count = at + 1;
            });
        }
        catch (final InterruptedException | ReaderStopped ex)
        {
            return;   // the caller stopped (its handler threw): nobody waits for the rest
        }
        catch (final Throwable ex)
        {
            failure.set(ex);
        }
        final Chunk last = current[0];
        if (last != null)
        {
            // Room is certain: at most CHUNKS - 1 other chunks are in the filled queue.
            last.last = true;
            filled.add(last);
        }
    }

    private static void put(final ArrayBlockingQueue<Chunk> queue, final Chunk chunk)
    {
        try
        {
            queue.put(chunk);
        }
        catch (final InterruptedException ex)
        {
            throw new ReaderStopped();
        }
    }

    private static Chunk take(final ArrayBlockingQueue<Chunk> queue)
    {
        try
        {
            return queue.take();
        }
        catch (final InterruptedException ex)
        {
            throw new ReaderStopped();
        }
    }

    /** Unwinds the reader out of the journal's replay when the caller has stopped. */
    private static final class ReaderStopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        ReaderStopped()
        {
            super(null, null, false, false);
        }
    }
}
