package com.wodian.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.wodian.journal.JournalCorruptException.Reason;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.queue.impl.table.AbstractTSQueueLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Input journal of the engine on a Chronicle Queue: one excerpt per entry, laid out as in
 * {@link JournalEntryDescriptor}. The journal knows nothing of business rules; it stores opaque payload bytes.
 *
 * <h2>What Chronicle Queue 2026.4 does when a writer dies (kill -9)</h2>
 * Found by reading its source and by halting a writer inside {@code writingDocument()} and reopening:
 * <ul>
 *     <li>An excerpt is published by its 4-byte length header, which stays 0 while the body is written and is set
 *     with an ordered write when the document context closes. A writer that dies mid-excerpt leaves a 0 header
 *     followed by part of a body: tailers stop there as at the end of the queue, so the partial excerpt is
 *     invisible, and the next appender writes its own excerpt over it (and zeroes the word after it). For a
 *     process crash Chronicle therefore guarantees that an excerpt is either complete or invisible; there is
 *     nothing left for the journal to see or report.</li>
 *     <li>Appends are serialised by a write lock in {@code metadata.cq4t} holding the writer's PID. A lock left by a
 *     dead process is released by {@code build()} itself, so reopening does not wait (measured: the first append
 *     after reopening takes well under a millisecond). A lock whose PID is alive (the PID was reused, e.g. the JVM
 *     is PID 1 of a restarted container, or another writer is running) makes {@code createAppender()} spin for
 *     15 s and then throw {@code UnrecoverableTimeoutException}. {@link #writer()} therefore checks the lock first:
 *     it releases one held by this very PID (stale, since a directory has at most one writer per process) or by a
 *     dead PID, and fails at once, naming the PID, when another live process holds it. That lock is held only
 *     while one excerpt is written, so between appends a second writer in another process would get it: it does not
 *     keep two servers off one journal (the server's {@code DataDirectoryLock}, held for its life, does).</li>
 *     <li>None of this covers the machine going down: the kernel writes mapped pages back in any order, so after a
 *     power cut an excerpt's header can be on disk without its body. That is what the entry checksum is for, and
 *     it is verified on every read regardless.</li>
 * </ul>
 *
 * <h2>Torn last entry</h2>
 * {@link #open(JournalConfig)} verifies the last excerpt. If it fails, it is logged at WARNING (logger
 * {@code com.wodian.journal}, so a log pipeline that alerts on levels sees it) with its Chronicle index and the
 * reason, and ignored: {@link #lastSequence()} is the sequence of the excerpt before it,
 * so the next append re-uses the lost sequence. Chronicle cannot truncate, so the damaged excerpt stays in the file,
 * followed by a good entry carrying the sequence it should have held. Replay therefore passes over a damaged excerpt
 * in exactly two positions, where provably no entry is lost: at the very end, or right before a good entry with the
 * expected sequence. A damaged excerpt followed by any other sequence, two damaged excerpts in a row, or a gap make
 * replay throw {@link JournalCorruptException}; nothing is repaired.
 *
 * <h2>Durability</h2>
 * Chronicle's own way is {@code syncMode(SyncMode.SYNC)} plus {@code ExcerptAppender.sync()}, which calls
 * {@code msync(MS_SYNC)} on the pages written since the last sync of the current mapped chunk. It goes through
 * Chronicle's {@code PosixAPI}, which silently becomes a no-op ({@code NoOpPosixAPI}) when jnr-ffi cannot load its
 * native stub (the runtime-scoped {@code jffi-*-native.jar} missing from the class path, as on a compile class path
 * or in a badly shaded jar): {@code sync()} then returns at once and forces nothing. It also leaves out Chronicle's
 * index pages and the header's write position, which lie earlier in the file.
 * <p>
 * So with {@link DurabilityPolicy#SYNC}, {@link JournalWriter#endOfBatch()} calls
 * {@link java.nio.channels.FileChannel#force(boolean) FileChannel.force(false)} on the current roll file instead:
 * {@code fdatasync}, done by the JDK, which on Linux writes back every page of the file dirtied through the mapping
 * ({@code msync(MS_SYNC)} is the same kernel call restricted to a range). When the appender moves to a new roll file,
 * the previous file is forced a last time and the directory is forced so that the new file's entry survives. The
 * queue is built with {@code SyncMode.NONE} under both policies so that Chronicle adds no syncs of its own; with
 * {@link DurabilityPolicy#PAGE_CACHE} nothing is forced at all.
 *
 * <h2>Threads</h2>
 * The writer is used by one thread. Replays and tailers each read with their own scratch buffer and may run on any
 * thread while the writer appends; a {@link JournalTailer} is used by one thread at a time.
 * {@link #lastSequence()} may be called from any thread.
 */
public final class ChronicleJournal implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("com.wodian.journal");

    /**
     * Directories with a live writer in this process: two writers on one journal would interleave sequences, and
     * knowing there is no other makes a write lock held by this PID provably stale.
     */
    private static final Set<Path> WRITER_DIRS = ConcurrentHashMap.newKeySet();

    /** Excerpts read per poll while draining a replay: enough to amortise the loop, few enough to be bounded. */
    private static final int DRAIN_BATCH_EXCERPTS = 4096;

    private final JournalConfig config;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final long openedLastSequence;
    /** The sequence this journal starts after (its first entry is the next one): 0, or a snapshot install's. */
    private final long startSequence;
    private final EntryVerifier tailVerifier = new EntryVerifier();
    private final EntryVerifier seekVerifier = new EntryVerifier();
    private long probedIndex;
    private volatile ChronicleJournalWriter writer;
    private boolean closed;

    private ChronicleJournal(final JournalConfig config, final Path dir, final SingleChronicleQueue queue)
    {
        this.config = config;
        this.dir = dir;
        this.queue = queue;
        this.startSequence = JournalStartFile.sequence(dir);
        this.openedLastSequence = Math.max(startSequence, scanTail());
    }

    /**
     * Name of the file, in a journal's directory, that says which sequence the journal's first entry follows
     * ({@link JournalStartFile}): written into a new journal that replaces one whose entries a snapshot now holds (a
     * replica's snapshot install), and moved forward by retention. Its first line is the sequence; further lines are
     * its writer's own.
     */
    public static final String START_FILE_NAME = JournalStartFile.NAME;

    /**
     * Write the start file of a journal directory that holds no entries yet, forced, with {@code extraLines} after the
     * sequence (for its writer's own use).
     */
    public static void writeStartFile(final Path dir, final long startSequence, final String... extraLines)
    {
        JournalStartFile.create(dir, startSequence, extraLines);
    }

    /**
     * @return the lines of a journal directory's start file, empty when it has none.
     */
    public static java.util.List<String> readStartFile(final Path dir)
    {
        return JournalStartFile.read(dir);
    }

    /**
     * @return the sequence this journal starts after, as its start file said when it was opened: 0 normally; a
     * snapshot's sequence when the journal was started after one, or the last sequence retention removed (its entries
     * up to there are in a snapshot, not here). A prune in another process while this one is open moves the file,
     * not this value.
     */
    public long startSequence()
    {
        return startSequence;
    }

    /**
     * Open a journal, creating its directory if needed, and learn its last sequence from its tail. A damaged last
     * entry is logged at WARNING and ignored (see the class description).
     *
     * @param config where the journal lives and how it is written.
     * @return the open journal.
     * @throws JournalCorruptException if the two last excerpts are both damaged: more than one torn write.
     * @throws UncheckedIOException    if the directory cannot be created.
     */
    public static ChronicleJournal open(final JournalConfig config)
    {
        return open(config, 0, 0, 0);
    }

    /**
     * As {@link #open(JournalConfig)}, with Chronicle's mapping and index geometry chosen instead of its defaults:
     * for {@link JournalWarmup}'s throwaway journal only, whose small chunks and index arrays make every rarely taken
     * branch of the append path run within a few thousand entries. 0 keeps Chronicle's default for that field.
     */
    static ChronicleJournal open(
        final JournalConfig config, final long blockSizeBytes, final int indexCount, final int indexSpacing)
    {
        final Path dir;
        try
        {
            dir = Files.createDirectories(config.dir()).toRealPath();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create journal directory " + config.dir(), ex);
        }

        // The writer does its own syncs (see the class description): Chronicle must not add msyncs of its own.
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir)
            .rollCycle(config.rollCycle())
            .timeProvider(config.rollClock())
            .syncMode(SyncMode.NONE);
        if (blockSizeBytes > 0)
        {
            builder.blockSize(blockSizeBytes);
        }
        if (indexCount > 0)
        {
            builder.indexCount(indexCount).indexSpacing(indexSpacing);
        }
        final SingleChronicleQueue queue = builder.build();
        try
        {
            return new ChronicleJournal(config, dir, queue);
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            throw ex;
        }
    }

    /**
     * The single writer of this journal, created on the first call; later calls return the same instance.
     * It continues from {@link #lastSequence()}.
     *
     * @return the writer.
     * @throws IllegalStateException if the writer was closed, another journal in this process writes the same
     *                               directory, or another live process holds the Chronicle write lock.
     */
    public synchronized JournalWriter writer()
    {
        if (closed)
        {
            throw new IllegalStateException("journal is closed: " + dir);
        }
        if (null != writer)
        {
            if (writer.isClosed())
            {
                throw new IllegalStateException("journal writer was closed: " + dir);
            }
            return writer;
        }
        if (!WRITER_DIRS.add(dir))
        {
            throw new IllegalStateException("another journal in this process is writing " + dir);
        }

        try
        {
            releaseStaleWriteLock();
            final ExcerptAppender appender = queue.createAppender();
            // The appender binds to the first thread that writes with it, not to this one, which may be a set-up
            // thread handing the writer to the journal thread.
            appender.singleThreadedCheckReset();
            writer = new ChronicleJournalWriter(
                this, appender, config.durabilityPolicy(), dir, openedLastSequence, config.writeAheadBytes());
            return writer;
        }
        catch (final RuntimeException ex)
        {
            WRITER_DIRS.remove(dir);
            throw ex;
        }
    }

    /**
     * @return sequence of the last entry in the journal, 0 when it is empty; includes the writer's appends.
     */
    public long lastSequence()
    {
        final ChronicleJournalWriter writer = this.writer;

        return null == writer ? openedLastSequence : writer.lastSequenceAcquire();
    }

    /**
     * Replay entries with {@code sequence >= fromSequence} in order into the handler. Every entry from the first is
     * verified (layout version, lengths, checksum, sequence contiguous from 1), including the ones not delivered: this
     * is the full check of {@code wodian journal verify}. Recovery uses {@link #replayFrom(long, long,
     * JournalEntryHandler)}, which seeks instead.
     *
     * @param fromSequence first sequence to deliver; 1 or less delivers everything.
     * @param handler      receives each entry; its buffer is only valid during the call.
     * @return the number of entries delivered.
     * @throws JournalCorruptException on the first entry that cannot be trusted, naming its Chronicle index and the
     *                                 expected and found sequences.
     */
    public long replay(final long fromSequence, final JournalEntryHandler handler)
    {
        try (JournalTailer tailer = fromStart(queue.createTailer(), fromSequence))
        {
            return drain(tailer, handler);
        }
        // A damaged excerpt still pending at the end is the last one: the torn write that open() reports and ignores.
    }

    /**
     * Replay the entries from {@code nextSequence} on, reaching the first of them by a seek on Chronicle's index
     * rather than by reading everything before it: the replay of the journal's tail after a snapshot. The entry
     * before {@code nextSequence} must be present and intact (it is read to check continuity); entries before it are
     * not read at all.
     *
     * @param nextSequence        first sequence to deliver.
     * @param chronicleIndexHint  Chronicle index of the entry with sequence {@code nextSequence - 1} if known (a
     *                            snapshot records it), or -1: a wrong hint only costs a search.
     * @param handler             receives each entry; its buffer is only valid during the call.
     * @return the number of entries delivered.
     * @throws JournalCorruptException when the entry before {@code nextSequence} is missing, or on the first entry
     *                                 after it that cannot be trusted.
     */
    public long replayFrom(final long nextSequence, final long chronicleIndexHint, final JournalEntryHandler handler)
    {
        try (JournalTailer tailer = tailer(nextSequence, chronicleIndexHint))
        {
            return drain(tailer, handler);
        }
    }

    /**
     * A tailer that delivers the entries from {@code nextSequence} on, now and as they are appended; positioned by a
     * seek as in {@link #replayFrom(long, long, JournalEntryHandler)}. The caller closes it.
     *
     * @param nextSequence       first sequence to deliver; 1 or less reads the journal from its start.
     * @param chronicleIndexHint Chronicle index of the entry before {@code nextSequence}, or -1 when unknown.
     * @return the positioned tailer.
     * @throws JournalCorruptException when the entry before {@code nextSequence} is not in the journal.
     */
    public JournalTailer tailer(final long nextSequence, final long chronicleIndexHint)
    {
        final ExcerptTailer tailer = queue.createTailer();
        try
        {
            // A journal started after a snapshot is read from its start only from there: a reader that wants an
            // earlier entry (recovery falling back to an older snapshot) must fail, not skip the entries it lacks.
            if (nextSequence == startSequence + 1 || (startSequence == 0 && nextSequence <= 1))
            {
                return fromStart(tailer, startSequence + 1);
            }
            final long index;
            try
            {
                index = seek(tailer, nextSequence - 1, chronicleIndexHint);
            }
            catch (final JournalCorruptException ex)
            {
                // Retention removed the files up to the entry before it: a journal that now starts with it is read
                // from there (its predecessor is in a snapshot).
                if (positionAtFirstEntry(tailer) == nextSequence)
                {
                    return new JournalTailer(tailer, nextSequence, nextSequence, -1);
                }
                throw ex;
            }
            return new JournalTailer(tailer, nextSequence, nextSequence, index);
        }
        catch (final RuntimeException ex)
        {
            tailer.close();
            throw ex;
        }
    }

    /**
     * A tailer at the journal's start (the entry after {@link #startSequence()}) that delivers from
     * {@code deliverFromSequence} on, every entry from the start verified. Entries at or below the start may still be
     * there when a prune moved the start and had not yet removed their files (it records the start first): the reader
     * seeks past them. Otherwise it reads from the first excerpt, so that a gap at the start is reported as one.
     */
    private JournalTailer fromStart(final ExcerptTailer tailer, final long deliverFromSequence)
    {
        final long first = startSequence + 1;
        if (startSequence > 0 && positionAtFirstEntry(tailer) < first)
        {
            final long index = seek(tailer, startSequence, -1);
            return new JournalTailer(tailer, first, deliverFromSequence, index);
        }
        tailer.toStart();
        return new JournalTailer(tailer, first, deliverFromSequence, -1);
    }

    /**
     * Moves the tailer to the journal's first intact entry.
     *
     * @return that entry's sequence; {@link Long#MAX_VALUE} when there is none.
     */
    private long positionAtFirstEntry(final ExcerptTailer tailer)
    {
        synchronized (seekVerifier)
        {
            final int firstCycle = queue.firstCycle();
            if (firstCycle == Integer.MAX_VALUE)
            {
                return Long.MAX_VALUE;
            }
            final long sequence = probe(tailer, queue.rollCycle().toIndex(firstCycle, 0));
            if (sequence != Long.MAX_VALUE)
            {
                tailer.moveToIndex(probedIndex);
            }
            return sequence;
        }
    }

    /**
     * @return Chronicle index of the entry with this sequence, found by a seek; -1 when it is not in the journal.
     */
    public long chronicleIndexOf(final long sequence)
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            return seek(tailer, sequence, -1);
        }
        catch (final JournalCorruptException ex)
        {
            return -1;
        }
    }

    /**
     * @return the journal's directory.
     */
    public Path dir()
    {
        return dir;
    }

    /**
     * One roll-cycle file of the journal and the sequences it holds.
     *
     * @param cycle         Chronicle's cycle number.
     * @param file          the cycle's file (it exists when listed).
     * @param firstSequence sequence of its first intact entry.
     * @param lastSequence  sequence of its last entry: the next cycle's first minus one, or the journal's last.
     */
    public record CycleFile(int cycle, Path file, long firstSequence, long lastSequence)
    {
    }

    /**
     * @return the journal's roll-cycle files, oldest first, with their sequence ranges (for retention). A cycle
     * whose file name cannot be derived or whose first entry cannot be read ends the list there: what follows it is
     * not offered for removal.
     */
    public java.util.List<CycleFile> cycleFiles()
    {
        final java.util.List<CycleFile> files = new java.util.ArrayList<>();
        final RollCycle rollCycle = queue.rollCycle();
        final int firstCycle = queue.firstCycle();
        final int lastCycle = queue.lastCycle();
        if (firstCycle == Integer.MAX_VALUE || lastCycle == Integer.MIN_VALUE)
        {
            return files;
        }
        final java.time.format.DateTimeFormatter names =
            java.time.format.DateTimeFormatter.ofPattern(rollCycle.format()).withZone(java.time.ZoneOffset.UTC);
        final java.util.List<int[]> cycles = new java.util.ArrayList<>();
        final java.util.List<Long> firstSequences = new java.util.ArrayList<>();
        synchronized (seekVerifier)
        {
            try (ExcerptTailer tailer = queue.createTailer())
            {
                for (final Long cycle : queue.listCyclesBetween(firstCycle, lastCycle))
                {
                    final long first = probe(tailer, rollCycle.toIndex(cycle.intValue(), 0));
                    if (first == Long.MAX_VALUE)
                    {
                        break;
                    }
                    cycles.add(new int[] {cycle.intValue()});
                    firstSequences.add(first);
                }
            }
        }
        for (int i = 0; i < cycles.size(); i++)
        {
            final int cycle = cycles.get(i)[0];
            final Path file = dir.resolve(names.format(
                java.time.Instant.ofEpochMilli((long)cycle * rollCycle.lengthInMillis())) + ".cq4");
            if (!Files.isRegularFile(file))
            {
                break;
            }
            final long last = i + 1 < cycles.size() ? firstSequences.get(i + 1) - 1 : lastSequence();
            files.add(new CycleFile(cycle, file, firstSequences.get(i), last));
        }
        return files;
    }

    private static long drain(final JournalTailer tailer, final JournalEntryHandler handler)
    {
        long deliveredCount = 0;
        long excerptsRead;
        do
        {
            excerptsRead = tailer.excerptsRead();
            deliveredCount += tailer.poll(handler, DRAIN_BATCH_EXCERPTS);
        }
        while (tailer.excerptsRead() != excerptsRead);
        return deliveredCount;
    }

    /**
     * Position the tailer right after the intact entry with the target sequence and return that entry's index.
     * Sequences never decrease along Chronicle's index (a torn excerpt carries, at most, the sequence of the good
     * entry that follows it), so the entry is found by a binary search over the index of the one roll cycle that holds
     * it: about 32 index look-ups whatever the journal's length.
     */
    private long seek(final ExcerptTailer tailer, final long targetSequence, final long chronicleIndexHint)
    {
        // Seeks come from any thread (recovery, the snapshotter, tools) and share one verifier.
        synchronized (seekVerifier)
        {
            return seekLocked(tailer, targetSequence, chronicleIndexHint);
        }
    }

    private long seekLocked(final ExcerptTailer tailer, final long targetSequence, final long chronicleIndexHint)
    {
        if (chronicleIndexHint >= 0 && probe(tailer, chronicleIndexHint) == targetSequence &&
            probedIndex == chronicleIndexHint)
        {
            return chronicleIndexHint;
        }

        final RollCycle rollCycle = queue.rollCycle();
        final int firstCycle = queue.firstCycle();
        final int lastCycle = queue.lastCycle();
        int foundCycle = Integer.MIN_VALUE;
        if (firstCycle != Integer.MAX_VALUE && lastCycle != Integer.MIN_VALUE)
        {
            for (final Long cycle : queue.listCyclesBetween(firstCycle, lastCycle).descendingSet())
            {
                if (probe(tailer, rollCycle.toIndex(cycle.intValue(), 0)) <= targetSequence)
                {
                    foundCycle = cycle.intValue();
                    break;
                }
            }
        }
        if (Integer.MIN_VALUE == foundCycle)
        {
            throw new JournalCorruptException(-1, targetSequence, -1, Reason.SEQUENCE_MISMATCH);
        }

        // Largest position whose first intact entry at or after it has a sequence <= target.
        long low = 0;
        long high = rollCycle.maxMessagesPerCycle() - 1;
        while (low < high)
        {
            final long middle = low + (high - low + 1) / 2;
            if (probe(tailer, rollCycle.toIndex(foundCycle, middle)) <= targetSequence)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        final long foundSequence = probe(tailer, rollCycle.toIndex(foundCycle, low));
        if (foundSequence != targetSequence)
        {
            throw new JournalCorruptException(probedIndex, targetSequence, foundSequence, Reason.SEQUENCE_MISMATCH);
        }
        return probedIndex;
    }

    /**
     * Move to the index and read forward to the first intact entry (at most two excerpts: one torn write, then the
     * entry that replaced it), leaving the tailer right after it.
     *
     * @return that entry's sequence, and its index in {@link #probedIndex}; {@link Long#MAX_VALUE} when there is no
     *         excerpt at the index or no intact one right after it.
     */
    private long probe(final ExcerptTailer tailer, final long index)
    {
        if (!tailer.moveToIndex(index))
        {
            return Long.MAX_VALUE;
        }
        for (int excerptCount = 0; excerptCount < 2; excerptCount++)
        {
            try (DocumentContext context = tailer.readingDocument())
            {
                if (!context.isPresent())
                {
                    return Long.MAX_VALUE;
                }
                if (null == seekVerifier.readAndVerify(context.wire().bytes()))
                {
                    probedIndex = context.index();
                    return seekVerifier.sequence();
                }
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Close the writer, if any, and the queue. Idempotent.
     */
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            if (null != writer)
            {
                writer.close();
            }
            queue.close();
        }
    }

    void onWriterClosed()
    {
        WRITER_DIRS.remove(dir);
    }

    private long scanTail()
    {
        try (ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd())
        {
            long lastIndex = -1;
            long lastFoundSequence = -1;
            Reason lastReason = null;

            for (int excerptCount = 0; excerptCount < 2; excerptCount++)
            {
                try (DocumentContext context = tailer.readingDocument())
                {
                    if (!context.isPresent())
                    {
                        break;
                    }

                    final long index = context.index();
                    final Reason reason = tailVerifier.readAndVerify(context.wire().bytes());
                    if (null == reason)
                    {
                        final long sequence = tailVerifier.sequence();
                        if (null != lastReason)
                        {
                            LOG.log(Level.WARNING, "journal " + dir + ": ignoring torn last entry at Chronicle " +
                                "index 0x" + Long.toHexString(lastIndex) + " (" + lastReason + ", stored sequence " +
                                lastFoundSequence + "); appends continue after sequence " + sequence);
                        }
                        return sequence;
                    }
                    if (null != lastReason)
                    {
                        throw new JournalCorruptException(
                            index, -1, tailVerifier.storedSequence(), Reason.DAMAGED_TAIL);
                    }

                    lastIndex = index;
                    lastFoundSequence = tailVerifier.storedSequence();
                    lastReason = reason;
                }
            }

            if (null != lastReason)
            {
                LOG.log(Level.WARNING, "journal " + dir + ": ignoring torn last entry at Chronicle index 0x" +
                    Long.toHexString(lastIndex) + " (" + lastReason + ", stored sequence " + lastFoundSequence +
                    "); it is the only entry, appends start at sequence 1");
            }
            return 0;
        }
    }

    private void releaseStaleWriteLock()
    {
        try (TableStoreWriteLock writeLock = new TableStoreWriteLock(queue.metaStore(), Pauser::balanced, 0L))
        {
            final long lockValue = writeLock.lockedBy();
            if (AbstractTSQueueLock.UNLOCKED == lockValue)
            {
                return;
            }

            // Chronicle stores the PID in the low 32 bits (a thread id may sit in the high ones).
            final int pid = (int)lockValue;
            final boolean ownPid = ProcessHandle.current().pid() == pid;
            final boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!ownPid && alive)
            {
                throw new IllegalStateException("Chronicle write lock of journal " + dir + " is held by live process " +
                    pid + ": another process is writing this journal, or the lock was left by a crashed writer whose " +
                    "PID was reused; if no other writer runs, unlock with net.openhft.chronicle.queue.main.UnlockMain");
            }

            LOG.log(Level.WARNING, "journal " + dir + ": releasing Chronicle write lock left by " +
                (ownPid ? "an earlier process with this PID " : "dead process ") + pid);
            writeLock.forceUnlock();
        }
    }
}
