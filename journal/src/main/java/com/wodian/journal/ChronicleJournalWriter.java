package com.wodian.journal;

import static com.wodian.journal.JournalEntryDescriptor.BYTE_ORDER;
import static com.wodian.journal.JournalEntryDescriptor.CHECKSUM_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.ENTRY_FORMAT_VERSION;
import static com.wodian.journal.JournalEntryDescriptor.ENTRY_FORMAT_VERSION_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.MAX_ENTRY_LENGTH;
import static com.wodian.journal.JournalEntryDescriptor.MAX_PAYLOAD_LENGTH;
import static com.wodian.journal.JournalEntryDescriptor.MAX_PAYLOAD_VERSION;
import static com.wodian.journal.JournalEntryDescriptor.PAYLOAD_LENGTH_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.PAYLOAD_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.PAYLOAD_VERSION_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.SEQUENCE_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.TIMESTAMP_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.computeChecksum;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The single {@link JournalWriter} of a {@link ChronicleJournal}.
 * <p>
 * Each entry is laid out in a reused scratch buffer (header, payload, then the checksum over both) and copied into
 * one Chronicle excerpt with a single write. The extra copy of at most {@link JournalEntryDescriptor#MAX_ENTRY_LENGTH}
 * bytes buys explicit little-endian fields and a checksum computed from a plain array, with no allocation whatever
 * kind of buffer the caller passes.
 */
final class ChronicleJournalWriter implements JournalWriter
{
    private static final VarHandle LAST_SEQUENCE;
    private static final VarHandle DURABLE_SEQUENCE;
    private static final VarHandle WRITING_FILE;
    private static final VarHandle WRITING_POSITION;
    /** Chronicle's appender implementation, whose {@code microTouch()} {@link #touchAhead()} calls. */
    private static final Class<?> MICRO_TOUCH_CLASS = appenderClass();

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            LAST_SEQUENCE = lookup.findVarHandle(ChronicleJournalWriter.class, "lastSequence", long.class);
            DURABLE_SEQUENCE = lookup.findVarHandle(ChronicleJournalWriter.class, "durableSequence", long.class);
            WRITING_FILE = lookup.findVarHandle(ChronicleJournalWriter.class, "writingFile", MappedFile.class);
            WRITING_POSITION = lookup.findVarHandle(ChronicleJournalWriter.class, "writingPosition", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static Class<?> appenderClass()
    {
        try
        {
            return Class.forName("net.openhft.chronicle.queue.impl.single.StoreAppender");
        }
        catch (final ClassNotFoundException ex)
        {
            return Void.class; // never an appender: touchAhead() does nothing
        }
    }

    private final ChronicleJournal journal;
    private final ExcerptAppender appender;
    /**
     * {@code boolean microTouch()} of Chronicle's appender implementation, a public method of a package-private class
     * (not on {@link ExcerptAppender}), bound once; null when this Chronicle version lacks it: then
     * {@link #touchAhead()} does nothing and appends take their page faults as before.
     */
    private static final MethodHandle MICRO_TOUCH = microTouchHandle();
    private final DurabilityPolicy durabilityPolicy;
    private final Path dir;
    private final CRC32C crc = new CRC32C();
    private final byte[] entryBytes = new byte[MAX_ENTRY_LENGTH];
    private final UnsafeBuffer entryBuffer = new UnsafeBuffer(entryBytes);
    private long syncedSequence;
    /** The first append or force that failed; from then on the writer refuses to report anything durable. */
    private Throwable failure;
    private int syncedCycle = Integer.MIN_VALUE;
    private FileChannel syncChannel;
    /** The file {@link #syncChannel} is open on, and how many SYNC forces went to it so far (for tests only). */
    private Path syncFile;
    private long syncForces;
    private boolean closed;

    /**
     * Written only by the writing thread; read by other threads through {@link #lastSequenceAcquire()}.
     */
    private long lastSequence;

    /** Written only by the writing thread, at the end of a batch; read by other threads: {@link #durableSequence()}. */
    private long durableSequence;

    /** The mapped file being appended to and the write position in it: published by touchAhead() for mapAhead(). */
    private MappedFile writingFile;
    private long writingPosition;

    /** mapAhead()'s own state (its thread's, and close()'s under {@link #mapAheadLock}). */
    private final Object mapAheadLock = new Object();
    private final ReferenceOwner mapAheadOwner = ReferenceOwner.temporary("wodian-journal-map-ahead");
    private MappedBytesStore heldStore;
    private MappedFile heldFile;
    private long heldStart = -1;
    private boolean mapAheadClosed;
    /** Write-faults the pages ahead of the appender, on mapAhead()'s thread, under {@link #mapAheadLock}. */
    private final JournalWriteAhead writeAhead;

    ChronicleJournalWriter(
        final ChronicleJournal journal,
        final ExcerptAppender appender,
        final DurabilityPolicy durabilityPolicy,
        final Path dir,
        final long lastSequence,
        final long writeAheadBytes)
    {
        this.journal = journal;
        // SYNC: each force cleans every written page, a touched-ahead one too (written to the device for nothing) and
        // the append faults it again; only a page-cache journal keeps the pages written ahead writable.
        this.writeAhead = new JournalWriteAhead(DurabilityPolicy.PAGE_CACHE == durabilityPolicy ? writeAheadBytes : 0);
        this.appender = appender;
        this.durabilityPolicy = durabilityPolicy;
        this.dir = dir;
        this.lastSequence = lastSequence;
        this.syncedSequence = lastSequence;
        this.durableSequence = lastSequence;
    }

    /**
     * Chronicle's {@code microTouch()}: a compare-and-swap of 0 with 0 on the first word of the next page of the
     * mapped chunk, on this (the appending) thread, once per page. It cannot change a byte: a word the appender has
     * already written is not 0, so the swap fails; one still 0 stays 0. Outside the mapped chunk it does nothing (the
     * append then maps the next chunk itself, as before).
     */
    @Override
    public void touchAhead()
    {
        if (!closed && null != MICRO_TOUCH && MICRO_TOUCH_CLASS.isInstance(appender))
        {
            try
            {
                final boolean touched = (boolean)MICRO_TOUCH.invokeExact(appender);
            }
            catch (final Throwable ex)
            {
                throw new IllegalStateException("journal page touch failed: " + dir, ex);
            }
        }
        publishWritingPosition();
    }

    /** Tells {@link #mapAhead()} which file the appender writes and where: two ordered stores, no fence. */
    private void publishWritingPosition()
    {
        final Wire wire = closed ? null : appender.wire();
        final Bytes<?> bytes = null == wire ? null : wire.bytes();
        if (bytes instanceof MappedBytes)
        {
            WRITING_POSITION.setRelease(this, bytes.writePosition());
            final MappedFile file = ((MappedBytes)bytes).mappedFile();
            if (file != writingFile)
            {
                WRITING_FILE.setRelease(this, file);
            }
        }
    }

    /**
     * Keeps the chunk after the one being written mapped, reserved by this writer until the appender has moved into
     * it (the appender then holds it itself): Chronicle's mapped file finds a reserved chunk in its cache and hands
     * it to the appender without growing the file or mapping anything. See {@link JournalWriter#mapAhead()}.
     */
    @Override
    public boolean mapAhead()
    {
        final MappedFile file = (MappedFile)WRITING_FILE.getAcquire(this);
        if (null == file)
        {
            return false;
        }
        final long position = (long)WRITING_POSITION.getAcquire(this);
        synchronized (mapAheadLock)
        {
            if (mapAheadClosed)
            {
                return false;
            }
            final boolean mapped = mapNextChunk(file, position);
            writeAhead.run(file, position);
            return mapped;
        }
    }

    /** Under {@link #mapAheadLock}: maps the chunk after the one holding {@code position}, unless held already. */
    private boolean mapNextChunk(final MappedFile file, final long position)
    {
        if (null != heldStore && (file != heldFile || position >= heldStart))
        {
            releaseHeldStore();
        }
        final long nextStart = (position / file.chunkSize() + 1) * file.chunkSize();
        if (null != heldStore || (file == heldFile && nextStart <= heldStart))
        {
            return false;
        }
        try
        {
            heldStore = file.acquireByteStore(mapAheadOwner, nextStart);
            heldFile = file;
            heldStart = nextStart;
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            // The file was closed or rolled meanwhile: the appender will map what it needs itself, as without this.
            return false;
        }
    }

    /** For tests: pages {@link #mapAhead()} has write-faulted ahead of the appender so far. */
    long pagesWrittenAhead()
    {
        synchronized (mapAheadLock)
        {
            return writeAhead.pagesTouched();
        }
    }

    private void releaseHeldStore()
    {
        try
        {
            heldStore.release(mapAheadOwner);
        }
        catch (final RuntimeException ex)
        {
            // Already released with its closed file: nothing is held any more either way.
        }
        heldStore = null;
    }

    /** True when {@link #touchAhead()} is bound to Chronicle's {@code microTouch()} (checked by a test). */
    static boolean touchAheadSupported()
    {
        return null != MICRO_TOUCH && Void.class != MICRO_TOUCH_CLASS;
    }

    private static MethodHandle microTouchHandle()
    {
        try
        {
            final Method method = MICRO_TOUCH_CLASS.getMethod("microTouch");
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method)
                .asType(MethodType.methodType(boolean.class, ExcerptAppender.class));
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            return null;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void append(
        final long sequence,
        final long timestampMs,
        final int payloadVersion,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (closed)
        {
            throw new IllegalStateException("journal writer is closed: " + dir);
        }
        requireNoEarlierFailure();
        if (sequence != lastSequence + 1)
        {
            throw new IllegalStateException(
                "non-contiguous append to journal " + dir + ": sequence " + sequence + " after " + lastSequence);
        }
        if (length < 0 || length > MAX_PAYLOAD_LENGTH)
        {
            throw new IllegalArgumentException("payload length " + length + " not in [0, " + MAX_PAYLOAD_LENGTH + "]");
        }
        if (payloadVersion < 0 || payloadVersion > MAX_PAYLOAD_VERSION)
        {
            throw new IllegalArgumentException(
                "payload version " + payloadVersion + " not in [0, " + MAX_PAYLOAD_VERSION + "]");
        }

        entryBuffer.putLong(SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        entryBuffer.putLong(TIMESTAMP_OFFSET, timestampMs, BYTE_ORDER);
        entryBuffer.putInt(PAYLOAD_LENGTH_OFFSET, length, BYTE_ORDER);
        entryBuffer.putShort(ENTRY_FORMAT_VERSION_OFFSET, (short)ENTRY_FORMAT_VERSION, BYTE_ORDER);
        entryBuffer.putShort(PAYLOAD_VERSION_OFFSET, (short)payloadVersion, BYTE_ORDER);
        payload.getBytes(offset, entryBuffer, PAYLOAD_OFFSET, length);
        entryBuffer.putInt(CHECKSUM_OFFSET, computeChecksum(crc, entryBytes, length), BYTE_ORDER);

        // Chronicle publishes the excerpt's length header only when the context closes, so a crash inside this block
        // leaves an excerpt that readers never see and that the next appender overwrites.
        try (DocumentContext context = appender.writingDocument())
        {
            context.wire().bytes().write(entryBytes, 0, PAYLOAD_OFFSET + length);
        }
        catch (final RuntimeException | Error ex)
        {
            failure = ex;
            throw ex;
        }

        // Release so that a thread reading lastSequence() after seeing this entry elsewhere sees at least this value;
        // the writing thread itself reads the field plainly above.
        LAST_SEQUENCE.setRelease(this, sequence);
    }

    /**
     * {@inheritDoc}
     */
    public void endOfBatch()
    {
        requireNoEarlierFailure();
        if (DurabilityPolicy.SYNC == durabilityPolicy && syncedSequence != lastSequence)
        {
            final int cycle = appender.cycle();
            if (cycle != syncedCycle)
            {
                switchSyncFile(cycle);
            }

            // fdatasync: writes back every page of the file dirtied through the mapping since the last call.
            force(syncChannel, false);
            syncForces++;
            syncedSequence = lastSequence;
        }
        // Only after the force returned (a failed force threw above and never gets here): pairs with the acquire in
        // durableSequence() on another thread.
        DURABLE_SEQUENCE.setRelease(this, lastSequence);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long durableSequence()
    {
        return (long)DURABLE_SEQUENCE.getAcquire(this);
    }

    /**
     * {@inheritDoc}
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            closeSyncChannel();
            synchronized (mapAheadLock)
            {
                mapAheadClosed = true;
                if (null != heldStore)
                {
                    releaseHeldStore();
                }
            }
            appender.close();
            journal.onWriterClosed();
        }
    }

    /**
     * @return the last appended sequence as seen from a thread other than the writing one.
     */
    long lastSequenceAcquire()
    {
        // Pairs with the release in append(): see the newest sequence published by the writing thread.
        return (long)LAST_SEQUENCE.getAcquire(this);
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * Called when the appender has moved to a new roll file, and on the first sync. Happens once per roll, so opening
     * channels here is not on the steady-state path.
     */
    private void switchSyncFile(final int cycle)
    {
        if (null != syncChannel)
        {
            // Entries of this batch written before the roll are in the previous file.
            force(syncChannel, false);
            closeSyncChannel();
        }

        final Path file = appender.currentFile().toPath();
        try
        {
            syncChannel = FileChannel.open(file, StandardOpenOption.READ);
            syncFile = file;
        }
        catch (final IOException ex)
        {
            failure = ex;
            throw new UncheckedIOException("cannot open journal file for sync " + file, ex);
        }

        // A new file's directory entry must be durable too, or a power cut can lose the whole file.
        try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            force(dirChannel, true);
        }
        catch (final IOException ex)
        {
            failure = ex;
            throw new UncheckedIOException("cannot open journal directory for sync " + dir, ex);
        }
        syncedCycle = cycle;
    }

    /** For tests: the roll file the SYNC policy forces at a batch end (null before the first such force). */
    Path syncFile()
    {
        return syncFile;
    }

    /** For tests: how many batch ends forced the journal (SYNC with new entries only). */
    long syncForces()
    {
        return syncForces;
    }

    private void closeSyncChannel()
    {
        if (null != syncChannel)
        {
            try
            {
                syncChannel.close();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot close journal file channel in " + dir, ex);
            }
            syncChannel = null;
        }
    }

    private void force(final FileChannel channel, final boolean metaData)
    {
        try
        {
            channel.force(metaData);
        }
        catch (final IOException ex)
        {
            failure = ex;
            throw new UncheckedIOException("cannot force journal data to the device in " + dir, ex);
        }
    }

    /**
     * A failed append or force is never retried: Linux reports a write-back error once per open file, so a second
     * fdatasync can return success for pages the kernel has already dropped, and the batch's replies would then be
     * sent for entries that are not on disk ("fsyncgate"). Everything after a failure fails.
     */
    private void requireNoEarlierFailure()
    {
        if (null != failure)
        {
            throw new IllegalStateException("journal " + dir + " failed earlier (" + failure +
                "): nothing written after it is reported durable", failure);
        }
    }
}
