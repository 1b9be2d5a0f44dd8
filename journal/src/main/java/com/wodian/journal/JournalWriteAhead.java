package com.wodian.journal;

import java.io.IOException;

import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;

/**
 * Write-faults the journal file's pages ahead of the appender from the thread that maps ahead, so that neither the
 * appends nor the writing thread's own {@link JournalWriter#touchAhead()} take the fault of a page's first write.
 * <p>
 * Why: the first write to a page of a file mapped shared is a write fault that the file system sees
 * ({@code page_mkwrite}). On tmpfs it costs ~10 us; on ext4 it reserves the block and updates the file's times through
 * the file system's journal, ~30-160 us on the development VM and hundreds of microseconds now and then
 * (docs/history/latency-sessions.md, "Fresh-page write faults on ext4"). {@link JournalWriter#touchAhead()} takes that
 * fault one page ahead, but on the network thread: requests that arrive meanwhile wait in the socket.
 * <p>
 * How: a compare-and-swap of 0 with 0 on the first word of each page. It cannot change a byte (a word that is not 0
 * stays as it is, one that is 0 stays 0, atomically against the appender's own writes), so Chronicle's headers, which
 * read 0 as "not written yet", stay as they are; and it is a write access, so the page is made writable. Each page is
 * touched through the mapped chunk the appender will write it through: its own chunk's, and for the first
 * {@link #PAGES_PAST_CHUNK_END} pages of a chunk also the previous chunk's (an entry that starts before a chunk's end
 * is written through the previous chunk's mapping, whose overlap covers them).
 * <p>
 * Not thread-safe: one caller at a time (the writer calls it under its map-ahead lock).
 */
final class JournalWriteAhead
{
    /** How far ahead of the write position pages are kept written-to unless configured otherwise: 4 MiB. */
    static final long AHEAD_BYTES_DEFAULT = 4L << 20;
    static final long PAGE_BYTES = 4096;
    private static final long PAGES_PAST_CHUNK_END = 2;

    private final long aheadBytes;
    private final ReferenceOwner owner = ReferenceOwner.temporary("wodian-journal-write-ahead");
    private MappedFile file;
    /** Every page of {@link #file} below this position was touched (or written by the appender). */
    private long touchedTo;
    private long pagesTouched;

    /**
     * @param aheadBytes how far ahead of the write position the pages are touched; 0 touches none.
     */
    JournalWriteAhead(final long aheadBytes)
    {
        if (aheadBytes < 0)
        {
            throw new IllegalArgumentException("write-ahead bytes " + aheadBytes + " < 0");
        }
        this.aheadBytes = aheadBytes;
    }

    /**
     * Touches the pages from the write position (or from where the last call stopped) to {@code aheadBytes} past it,
     * but not past the end of the chunk after the one being written (which {@link JournalWriter#mapAhead()} maps).
     *
     * @param writingFile   the file the appender writes.
     * @param writePosition where its next entry goes.
     * @return pages touched by this call.
     */
    long run(final MappedFile writingFile, final long writePosition)
    {
        if (0 == aheadBytes)
        {
            return 0;
        }
        if (writingFile != file)
        {
            file = writingFile;
            touchedTo = 0;
        }
        final long chunkBytes = writingFile.chunkSize();
        // No further than the end of the next chunk, the one mapping ahead holds: past it a chunk would be mapped (and
        // the file grown) for this alone, and unmapped again right after.
        final long to = Math.min(pageCeil(writePosition + aheadBytes), (writePosition / chunkBytes + 2) * chunkBytes);
        long from = Math.max(touchedTo, pageCeil(writePosition));
        long touched = 0;
        while (from < to)
        {
            final long chunkStart = from / chunkBytes * chunkBytes;
            final long end = Math.min(to, chunkStart + chunkBytes);
            final long through = end == chunkStart + chunkBytes ? end + PAGES_PAST_CHUNK_END * PAGE_BYTES : end;
            final long chunkTouched = touchThrough(writingFile, chunkStart, from, through);
            if (chunkTouched < 0)
            {
                break;
            }
            touched += chunkTouched;
            from = end;
        }
        touchedTo = from;
        pagesTouched += touched;
        return touched;
    }

    /** Pages touched since this was made (for tests and the probe). */
    long pagesTouched()
    {
        return pagesTouched;
    }

    /**
     * Touches the pages in [from, to) that the chunk starting at {@code chunkStart} maps, through its mapping.
     *
     * @return pages touched; -1 when the chunk could not be had (the file was closed meanwhile).
     */
    private long touchThrough(final MappedFile mappedFile, final long chunkStart, final long from, final long to)
    {
        final MappedBytesStore store;
        try
        {
            store = mappedFile.acquireByteStore(owner, chunkStart);
        }
        catch (final IOException | RuntimeException ex)
        {
            // Closed or rolled meanwhile: the appender takes its own faults, as without this.
            return -1;
        }
        try
        {
            long touched = 0;
            for (long page = from; page < to; page += PAGE_BYTES)
            {
                if (store.inside(page, Long.BYTES))
                {
                    store.compareAndSwapLong(page, 0L, 0L);
                    touched++;
                }
            }
            return touched;
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
        finally
        {
            store.release(owner);
        }
    }

    private static long pageCeil(final long position)
    {
        return (position + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
    }
}
