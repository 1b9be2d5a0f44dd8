package com.wodian.journal.consensus.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalEntryHandler;
import com.wodian.journal.JournalMapAhead;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.EntryView;
import com.wodian.journal.consensus.ReplicaLog;
import org.agrona.DirectBuffer;

import static com.wodian.journal.JournalEntryDescriptor.MAX_PAYLOAD_LENGTH;
import static com.wodian.journal.JournalEntryDescriptor.MAX_PAYLOAD_VERSION;

/**
 * The Raft log of a replica group member kept in the server's own journal: the entry at index {@code i} is the
 * journal entry with sequence {@code i}, its term comes from a {@link TermHistory}, and a {@link CommitMark} keeps a
 * lower bound of the commit index. A journal written before replication existed has no term history: its entries
 * are all of term 0.
 *
 * <h2>Files, under the data directory</h2>
 * <ul>
 *     <li>{@code journal/}: the Chronicle Queue journal, the same directory the server uses without replication;</li>
 *     <li>{@code term-history}: the (term, first index) pairs;</li>
 *     <li>{@code commit-mark}: the persisted lower bound of the commit index;</li>
 *     <li>{@code journal.superseded-<n>/}: the entries the n-th truncation (or snapshot install) cut off, kept for
 *     forensics ({@link SupersededJournal}; {@code wodian journal prune} removes them);</li>
 *     <li>{@code journal.rewrite/}: only while a truncation runs, or after a crash during one.</li>
 * </ul>
 *
 * <h2>Durability</h2>
 * {@link #append(long, long)} writes the entry to the journal but does not force it: {@link #sync()} applies the
 * durability policy to everything appended so far, once per batch, and only then does {@link #durableIndex()} move.
 * A node must not acknowledge an entry to the leader, nor count itself in a majority for it, before it is durable.
 * A term change ({@link TermHistory#beginTerm}) and a truncation are durable when the call returns.
 *
 * <h2>Truncation</h2>
 * Chronicle Queue cannot shorten a queue, so {@link #truncateFrom(long)} rewrites the journal ({@link JournalRewrite}):
 * the entries kept are copied (same sequence, timestamp, payload version and bytes) into {@code journal.rewrite},
 * which is forced; then {@code journal} is renamed to {@code journal.superseded-<n>}, {@code journal.rewrite} to
 * {@code journal}, and the directory is forced; the superseded copy is then reduced to the cut entries. Only an
 * uncommitted suffix is ever cut (an old primary's unacknowledged tail after a failover), so this is rare, and it
 * costs a copy of the whole journal. {@link #open}
 * finishes or discards a rewrite a crash interrupted: {@code journal} missing and {@code journal.rewrite} present
 * means the rewrite was complete (it is forced before the first rename) and only its rename is left; both present
 * means the truncation had not taken effect, and the rewrite is deleted. The term history is cut after the renames,
 * and {@link #open} cuts it again to the journal's last sequence, so a crash between the two leaves nothing
 * inconsistent.
 *
 * <h2>Reads</h2>
 * The last {@code windowEntries} appended entries are also kept in memory ({@link EntryWindow}), in preallocated
 * fixed slots of {@link com.wodian.journal.JournalEntryDescriptor#MAX_PAYLOAD_LENGTH} bytes: the leader replicates
 * what it just appended without touching the journal. Older entries (a far-behind follower catching up) are read
 * from the journal with one reused {@link JournalTailer}, which reads sequentially and seeks again only on a jump.
 *
 * <h2>Threads</h2>
 * Every call comes from one thread (the replication agent's): the journal writer and the reading tailer bind to
 * the first thread that uses them. {@link #journal()} changes after a truncation; other threads that read the
 * journal (snapshotter, tools) must reopen it then.
 */
public final class JournalReplicaLog implements ReplicaLog, JournalMapAhead, AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("com.wodian.journal");

    /** Subdirectory of the data directory that holds the journal. */
    public static final String JOURNAL_DIR_NAME = "journal";

    /** File of the term history in the data directory. */
    public static final String TERM_HISTORY_FILE_NAME = "term-history";

    /** File of the commit mark in the data directory. */
    public static final String COMMIT_MARK_FILE_NAME = "commit-mark";

    /** Directory a truncation writes the kept entries to before it replaces the journal with it. */
    public static final String REWRITE_DIR_NAME = "journal.rewrite";

    /** Prefix of the directories that keep the journal as it was before each truncation, followed by its number. */
    public static final String SUPERSEDED_DIR_PREFIX = "journal.superseded-";

    /** Most window slots: their bytes live in one array of {@code windowEntries * MAX_PAYLOAD_LENGTH} bytes. */
    public static final int WINDOW_ENTRIES_MAX = 1 << 20;

    private final Path dataDir;
    private final Path journalDir;
    private final JournalRewrite rewrite;
    private final DurabilityPolicy durabilityPolicy;
    private final TermHistory termHistory;
    private final CommitMark commitMark;
    private final EntryWindow window;

    private final EntryView appendView = new EntryView();
    private final JournalEntryHandler readHandler = this::onReadEntry;
    private EntryView readInto;

    private EntryPayloads payloads;
    private ChronicleJournal journal;
    private JournalWriter writer;
    /** The writer as another thread's {@link #mapAhead()} sees it: null while the journal is replaced or closed. */
    private volatile JournalWriter mapAheadWriter;
    private JournalTailer readTailer;
    private long lastIndex;
    private long durableIndex;
    /** What this log starts after: a snapshot install's index, or below the first entry retention left. */
    private long startIndex;
    private volatile long truncationCount;
    private volatile boolean closed;
    /**
     * Held by a reader on another thread (the snapshotter) while it reads the journal, and by this log while it
     * replaces or closes the journal: the reader never sees a journal closed under it.
     */
    private final ReentrantLock readerLock = new ReentrantLock();

    private JournalReplicaLog(
        final Path dataDir,
        final DurabilityPolicy durabilityPolicy,
        final int windowEntries,
        final EntryPayloads payloads,
        final JournalRewrite rewrite,
        final long truncationCount)
    {
        this.dataDir = dataDir;
        this.journalDir = dataDir.resolve(JOURNAL_DIR_NAME);
        this.rewrite = rewrite;
        this.durabilityPolicy = durabilityPolicy;
        this.payloads = payloads;
        this.truncationCount = truncationCount;
        this.window = new EntryWindow(windowEntries);

        termHistory = new TermHistory(dataDir.resolve(TERM_HISTORY_FILE_NAME));
        commitMark = new CommitMark(dataDir.resolve(COMMIT_MARK_FILE_NAME));
        openJournal();
        try
        {
            // Pairs beyond the journal's end belong to entries lost or cut off (a crash during a truncation, a torn
            // last entry ignored by the journal): their terms must not be reported for the entries that replace them.
            termHistory.truncateFrom(lastIndex + 1);
            reconcileStart();
        }
        catch (final RuntimeException ex)
        {
            journal.close();
            throw ex;
        }

        if (commitMark.index() > lastIndex)
        {
            // Only with DurabilityPolicy.PAGE_CACHE after a power cut: the mark was forced, the journal was not.
            // The entries are committed on a majority and come back from the leader.
            LOG.log(Level.WARNING, "replica log " + dataDir + ": commit mark " + commitMark.index() +
                " is beyond the journal's last sequence " + lastIndex + "; entries were lost since it was stored");
        }
    }

    /**
     * Open the replica log of a data directory, creating what is missing and finishing or discarding a truncation a
     * crash interrupted.
     *
     * @param dataDir          the server's data directory.
     * @param durabilityPolicy what {@link #sync()} does.
     * @param windowEntries    how many of the newest entries are kept in memory for replication, 1 to
     *                         {@link #WINDOW_ENTRIES_MAX}; each takes {@code MAX_PAYLOAD_LENGTH} bytes.
     * @param payloads         resolves the payload handles given to {@link #append(long, long)}; may be null until
     *                         {@link #setPayloads(EntryPayloads)} is called, before the first append.
     * @return the open log; its last index is the journal's last sequence, and it counts as durable.
     * @throws IllegalStateException if the term history or the commit mark is damaged.
     */
    public static JournalReplicaLog open(
        final Path dataDir,
        final DurabilityPolicy durabilityPolicy,
        final int windowEntries,
        final EntryPayloads payloads)
    {
        Objects.requireNonNull(durabilityPolicy, "durabilityPolicy");
        if (windowEntries < 1 || windowEntries > WINDOW_ENTRIES_MAX)
        {
            throw new IllegalArgumentException("windowEntries " + windowEntries + " not in [1, " +
                WINDOW_ENTRIES_MAX + "]");
        }
        try
        {
            final Path dir = Files.createDirectories(dataDir).toRealPath();
            final JournalRewrite rewrite = new JournalRewrite(dir);
            rewrite.recoverInterrupted();
            SupersededJournal.recoverInterrupted(dir);
            return new JournalReplicaLog(
                dir, durabilityPolicy, windowEntries, payloads, rewrite, rewrite.highestSupersededNumber());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open replica log in " + dataDir, ex);
        }
    }

    /**
     * @param payloads resolves the payload handles given to {@link #append(long, long)} from now on.
     */
    public void setPayloads(final EntryPayloads payloads)
    {
        this.payloads = payloads;
    }

    @Override
    public long lastIndex()
    {
        return lastIndex;
    }

    /**
     * @return the index this log starts after: the snapshot index of a journal started by a snapshot install, or the
     * sequence before the first entry journal retention left (learned at open, and again when a read finds an entry
     * gone: retention runs in another process).
     */
    @Override
    public long startIndex()
    {
        return startIndex;
    }

    /**
     * Snapshot install: replace the journal with an empty one that starts after {@code index} (its start file holds
     * the index and {@code term}), the old one kept as {@code journal.superseded-<n>} as a truncation does, then the
     * term history becomes the single pair ({@code term}, {@code index}) and the commit mark {@code index}. Durable
     * when it returns; a crash after the journal's replacement is completed by {@link #open} from the start file. The
     * caller has already put the snapshot at {@code index} where recovery finds it.
     */
    @Override
    public void resetToSnapshot(final long index, final long term)
    {
        checkOpen();
        closeReadTailer();
        rewrite.writeStartedAfter(index, term);
        replaceJournalWithRewrite(index + 1);
        if (lastIndex != index)
        {
            close();
            throw new IllegalStateException("journal started after " + index + " reads as ending at " + lastIndex);
        }
    }

    /**
     * A journal that starts after a snapshot and holds no entry yet: its term history and commit mark must say what
     * its start file says (a crash may have come between the journal's replacement and their update).
     */
    private void reconcileStart()
    {
        final long journalStart = journal.startSequence();
        startIndex = Math.max(journalStart, retainedStart());
        if (journalStart > 0 && lastIndex == journalStart)
        {
            final List<String> lines = ChronicleJournal.readStartFile(journalDir);
            if (lines.size() < 2)
            {
                throw new IllegalStateException(journalDir + " starts after " + journalStart + " without its term");
            }
            termHistory.resetTo(Long.parseLong(lines.get(1).trim()), journalStart);
        }
        if (commitMark.index() < journalStart)
        {
            // The start is committed (a snapshot of committed state); a mark stored below it by a writer that had not
            // seen the install would make recovery pass over the snapshot.
            commitMark.store(journalStart);
        }
    }

    /**
     * @return the sequence before the journal's first entry (0 when it holds none or cannot tell).
     */
    private long retainedStart()
    {
        try
        {
            final List<ChronicleJournal.CycleFile> files = journal.cycleFiles();
            return files.isEmpty() ? 0 : Math.max(0, files.get(0).firstSequence() - 1);
        }
        catch (final RuntimeException ex)
        {
            return 0; // a file removed while it was listed: the next look finds the new first one
        }
    }

    @Override
    public long termAt(final long index)
    {
        if (index < 0 || index > lastIndex)
        {
            throw new IndexOutOfBoundsException("index " + index + " not in 0.." + lastIndex);
        }
        return termHistory.termAt(index);
    }

    /**
     * @return {@code index} itself: the entry is read back by its index with {@link #read(long, EntryView)}.
     */
    @Override
    public long payloadAt(final long index)
    {
        checkEntryIndex(index);
        return index;
    }

    /**
     * Append one entry to the journal and the window; it is not durable until {@link #sync()}. Does not allocate,
     * except when {@code term} starts a new term (the term history is rewritten and forced first).
     *
     * @param term    the entry's term, not below the last entry's.
     * @param payload handle that the {@link EntryPayloads} resolves to the entry's content.
     */
    @Override
    public void append(final long term, final long payload)
    {
        checkOpen();
        final long lastTerm = termHistory.termAt(lastIndex);
        if (term < lastTerm)
        {
            throw new IllegalStateException("term " + term + " below the last entry's term " + lastTerm);
        }
        if (null == payloads)
        {
            throw new IllegalStateException("no EntryPayloads set: call setPayloads before appending");
        }

        final EntryView view = appendView;
        payloads.resolve(payload, view);
        final int length = view.length;
        if (length < 0 || length > MAX_PAYLOAD_LENGTH)
        {
            throw new IllegalArgumentException("payload length " + length + " not in [0, " + MAX_PAYLOAD_LENGTH + "]");
        }
        if (view.payloadVersion < 0 || view.payloadVersion > MAX_PAYLOAD_VERSION)
        {
            throw new IllegalArgumentException(
                "payload version " + view.payloadVersion + " not in [0, " + MAX_PAYLOAD_VERSION + "]");
        }

        final long index = lastIndex + 1;
        if (term > lastTerm)
        {
            // Checked above so that a rejected entry leaves no term behind; durable before the entry exists, so an
            // entry is never read back with its predecessor's term.
            termHistory.beginTerm(term, index);
        }
        writer.append(index, view.timestampMs, view.payloadVersion, view.buffer, view.offset, length);
        window.put(index, view, length);
        lastIndex = index;
    }

    /**
     * Fill {@code into} with the content of the entry at {@code index}: from the window if it is still there,
     * otherwise from the journal. The view's buffer is valid until the next call to this log.
     *
     * @return false when {@code index} is not in 1..{@link #lastIndex()}.
     * @throws com.wodian.journal.JournalCorruptException if the journal cannot deliver an entry it should hold.
     */
    public boolean read(final long index, final EntryView into)
    {
        checkOpen();
        if (index <= startIndex || index > lastIndex)
        {
            return false;
        }

        if (window.read(index, into))
        {
            return true;
        }

        try
        {
            if (readFromJournal(index, into))
            {
                return true;
            }
        }
        catch (final com.wodian.journal.JournalCorruptException ex)
        {
            // Journal retention (wodian journal prune, another process) may have removed the files holding it: the
            // leader then sends a snapshot instead. Anything else is a damaged journal.
            closeReadTailer();
            startIndex = Math.max(startIndex, retainedStart());
            if (index <= startIndex)
            {
                return false;
            }
            throw ex;
        }
        throw new IllegalStateException("journal " + journalDir + " did not deliver entry " + index + " of " +
            lastIndex);
    }

    /**
     * Reads the entry from the journal with the reused tailer, seeking again on a jump.
     *
     * @return false when the journal delivered nothing for it.
     */
    private boolean readFromJournal(final long index, final EntryView into)
    {
        if (null == readTailer || readTailer.nextSequence() != index)
        {
            closeReadTailer();
            readTailer = journal.tailer(index, -1);
        }
        readInto = into;
        try
        {
            // A torn excerpt left by a crash before the one wanted counts as read without being delivered: at most
            // one, so two more polls are always enough.
            for (int attempt = 0; attempt < 3; attempt++)
            {
                final long excerptsRead = readTailer.excerptsRead();
                if (readTailer.poll(readHandler, 1) == 1)
                {
                    return true;
                }
                if (readTailer.excerptsRead() == excerptsRead)
                {
                    break;
                }
            }
            return false;
        }
        finally
        {
            readInto = null;
        }
    }

    /**
     * Apply the durability policy to everything appended so far; then {@link #durableIndex()} is {@link #lastIndex()}.
     */
    public void sync()
    {
        checkOpen();
        writer.endOfBatch();
        durableIndex = lastIndex;
        // Pre-faults the page the next appends write and tells mapAhead() where the appender is (as a server alone).
        writer.touchAhead();
    }

    /**
     * From another thread (the metrics thread): map the journal's next chunk before the appender crosses into it
     * ({@link JournalWriter#mapAhead()}). A truncation or snapshot install closes the writer it may be working on;
     * the writer then releases what it held and this returns false until the new journal's writer has synced once.
     */
    @Override
    public boolean mapAhead()
    {
        final JournalWriter current = mapAheadWriter;
        return null != current && current.mapAhead();
    }

    /**
     * @return the last index made durable by {@link #sync()} (or by opening, or by a truncation).
     */
    public long durableIndex()
    {
        return durableIndex;
    }

    /**
     * Cut off the entries from {@code index} on by rewriting the journal (see the class description); durable when
     * it returns, with {@link #lastIndex()} and {@link #durableIndex()} at {@code index - 1}.
     *
     * @param index first index to remove, above the commit mark and at most {@link #lastIndex()}.
     * @throws IllegalStateException if {@code index} is at or below the commit mark: committed entries are never cut.
     * @throws UncheckedIOException  if the rewrite fails: before the renames the log goes on unchanged; after the
     *                               journal was closed for them, this log is closed, and {@link #open} finishes or
     *                               discards the rewrite.
     */
    @Override
    public void truncateFrom(final long index)
    {
        checkOpen();
        checkEntryIndex(index);
        if (index <= commitMark.index())
        {
            throw new IllegalStateException("truncation from " + index + " would cut committed entries (commit mark " +
                commitMark.index() + ")");
        }

        closeReadTailer();
        // Where the journal starts now: a prune next to this node may have removed its first files since it opened
        // (it records the new start in the start file before it removes them).
        final long start = Math.max(Math.max(journal.startSequence(), retainedStart()),
            com.wodian.journal.JournalStartFile.sequence(journalDir));
        rewrite.writeKeptEntries(journal, index, start, termHistory.termAt(start));
        replaceJournalWithRewrite(index);
        if (lastIndex != index - 1)
        {
            close();
            throw new IllegalStateException("rewritten journal " + journalDir + " ends at " + lastIndex +
                ", expected " + (index - 1));
        }
        termHistory.truncateFrom(index);
    }

    /**
     * Close the journal, keep it as the next superseded one, put the rewrite in its place and open it; then reduce the
     * superseded one to the entries from {@code cutFrom} on (those the new journal does not hold).
     */
    private void replaceJournalWithRewrite(final long cutFrom)
    {
        final long number = truncationCount + 1;
        readerLock.lock();
        try
        {
            mapAheadWriter = null;
            journal.close();
            journal = null;
            writer = null;
            rewrite.replaceJournal(number);
            truncationCount = number;

            openJournal();
            reconcileStart();
        }
        catch (final RuntimeException ex)
        {
            // Without its journal this log cannot go on; reopening it (open) finishes or discards the rewrite.
            close();
            throw ex;
        }
        finally
        {
            readerLock.unlock();
        }
        window.forgetAbove(lastIndex);
        SupersededJournal.keepOnlyCut(dataDir, truncationCount, cutFrom);
    }

    /**
     * @return the persisted lower bound of the commit index, 0 when none was stored. May exceed {@link #lastIndex()}
     *         after a power cut under {@link DurabilityPolicy#PAGE_CACHE}: apply up to the smaller of the two.
     */
    public long commitMark()
    {
        return commitMark.index();
    }

    /**
     * Durably store a lower bound of the commit index (two fsyncs: call it now and then, not per entry). The value
     * stored is {@code min(index, durableIndex())}, so that the mark never passes what this node's journal durably
     * holds; a value at or below the stored one changes nothing.
     *
     * @param index the commit index, at most {@link #lastIndex()}.
     */
    public void storeCommitMark(final long index)
    {
        checkOpen();
        if (index < 0 || index > lastIndex)
        {
            throw new IllegalArgumentException("commit index " + index + " not in 0.." + lastIndex);
        }
        commitMark.store(Math.min(index, durableIndex));
    }

    /**
     * @return the journal now holding the log; a truncation replaces it with a new instance.
     */
    public ChronicleJournal journal()
    {
        checkOpen();
        return journal;
    }

    /**
     * @return the number of the newest {@code journal.superseded-<n>} directory: the truncations this data directory
     *         has seen, unless an operator deleted the newest of those directories.
     */
    public long truncationCount()
    {
        return truncationCount;
    }

    /**
     * Release the reading tailer, the writer and the journal. Entries appended but not synced stay in the page cache
     * and survive a process exit, but not a power cut. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            readerLock.lock();
            try
            {
                closed = true;
                closeReadTailer();
                mapAheadWriter = null;
                if (null != journal)
                {
                    journal.close();
                    journal = null;
                    writer = null;
                }
            }
            finally
            {
                readerLock.unlock();
            }
        }
    }

    /**
     * For one reader on another thread (the snapshotter): hold this lock while reading {@link #journalForReader()};
     * a truncation (which replaces the journal) and {@link #close()} wait for it. Hold it briefly: the replication
     * thread may be waiting.
     */
    public ReentrantLock readerLock()
    {
        return readerLock;
    }

    /**
     * @return with {@link #readerLock()} held: the journal now holding the log, or null when this log is closed.
     * A change of {@link #truncationCount()} means it was replaced: a reader's tailer on the old one must be reopened.
     */
    public ChronicleJournal journalForReader()
    {
        if (!readerLock.isHeldByCurrentThread())
        {
            throw new IllegalStateException("journalForReader needs the reader lock");
        }
        return closed ? null : journal;
    }

    private void openJournal()
    {
        journal = ChronicleJournal.open(new JournalConfig(journalDir).withDurabilityPolicy(durabilityPolicy));
        try
        {
            writer = journal.writer();
        }
        catch (final RuntimeException ex)
        {
            journal.close();
            journal = null;
            throw ex;
        }
        lastIndex = writer.lastSequence();
        durableIndex = lastIndex;
        mapAheadWriter = writer;
    }

    private void onReadEntry(
        final long sequence,
        final long timestampMs,
        final int payloadVersion,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        // The tailer's scratch buffer stays valid until its next poll, which only the next read makes.
        readInto.set(timestampMs, payloadVersion, buffer, offset, length);
    }

    private void closeReadTailer()
    {
        if (null != readTailer)
        {
            readTailer.close();
            readTailer = null;
        }
    }

    private void checkEntryIndex(final long index)
    {
        if (index < 1 || index > lastIndex)
        {
            throw new IndexOutOfBoundsException("index " + index + " not in 1.." + lastIndex);
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("replica log is closed: " + dataDir);
        }
    }
}
