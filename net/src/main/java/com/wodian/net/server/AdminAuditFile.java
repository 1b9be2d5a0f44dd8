package com.wodian.net.server;

import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The admin audit trail's file (docs/operations.md, "Admin audit trail"): {@code admin-audit.log} in the data
 * directory, one line per record, appended by a thread of its own so that no pipeline thread ever waits on the disk.
 * The network threads only {@link #offer} a line into a bounded queue; when the queue is full (the disk is slow or
 * full, the writer fell behind) the line is dropped and counted, never waited for, and the file says so at that
 * place ({@code # N audit records dropped ...}) once the writer catches up; the count is logged at close too.
 * <p>
 * Bounded on disk: once the file would pass {@code fileBytesMax} it is renamed {@code admin-audit.log.1} (replacing
 * the one before) and a new file is started, so the trail takes at most twice that. Created {@code 0600}, never
 * through a symbolic link; lines are written (not forced) as they come, forced at rotation and close. Every line is
 * chained to the one before by a keyed hash ({@link AdminAuditChain}), so that {@code wodian audit verify} names the
 * first line changed, inserted or removed by someone without the key.
 */
final class AdminAuditFile implements AutoCloseable
{
    static final String FILE_NAME = "admin-audit.log";
    static final String ROTATED_SUFFIX = ".1";
    /** 64 MiB: about 250,000 records of ~250 bytes before a rotation. */
    static final long FILE_BYTES_MAX_DEFAULT = 64L << 20;
    /**
     * Records waiting for the writer: a burst of admin commands beyond this (a bulk set-up of more than 65,536
     * registrations and top-ups faster than the disk takes them) is dropped, counted. Each waiting record holds its
     * command's bytes: ~16 MiB of heap when full.
     */
    static final int QUEUE_LINES_MAX_DEFAULT = 65_536;
    private static final long POLL_MS = 100;
    /** How long a stop waits for the writer to write what is queued. */
    static final long CLOSE_JOIN_MS = 5_000;
    private static final int BATCH_LINES_MAX = 256;
    /** Wakes the writer at close, so that a stop does not wait for its poll; written as nothing. */
    private static final Supplier<String> STOP = () -> null;

    /** How much of an existing file's end is read to find the chain value it ends with. */
    private static final int TAIL_BYTES_MAX = 64 * 1024;

    private final Path file;
    private final Path rotated;
    private final Path keyFile;
    /** Writer thread only (read by {@link #close} after the writer ended); null until the first write. */
    private AdminAuditChain chain;
    private long chainedLines;
    private final long fileBytesMax;
    private final ArrayBlockingQueue<Supplier<String>> queue;
    private final AtomicLong droppedCount = new AtomicLong();
    /** The metric {@code wodian_admin_audit_dropped_total}; null in tests. */
    private final AtomicCounter droppedMetric;
    private final Thread writer;
    private volatile boolean closing;
    /** Writer thread only. */
    private FileChannel channel;
    private long fileBytes;
    private long droppedWritten;
    /** The batch's bytes not written yet, and how many records they hold. */
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
    private long pendingBytes;
    private int unwrittenLines;
    private boolean failureLogged;

    /**
     * Not started: {@link #start} starts the writer (tests fill the queue before).
     *
     * @param droppedMetric counts the dropped records too (any thread increments it); null for none.
     */
    AdminAuditFile(final Path dataDir, final long fileBytesMax, final int queueLinesMax,
        final AtomicCounter droppedMetric)
    {
        this.droppedMetric = droppedMetric;
        this.file = dataDir.resolve(FILE_NAME);
        this.rotated = dataDir.resolve(FILE_NAME + ROTATED_SUFFIX);
        this.keyFile = dataDir.resolve(AdminAuditChain.KEY_FILE_NAME);
        this.fileBytesMax = fileBytesMax;
        this.queue = new ArrayBlockingQueue<>(queueLinesMax);
        this.writer = new Thread(this::run, "wodian-admin-audit");
        writer.setDaemon(true);
    }

    /** The data directory's trail, its writer started. */
    static AdminAuditFile open(final Path dataDir, final AtomicCounter droppedMetric)
    {
        return new AdminAuditFile(dataDir, FILE_BYTES_MAX_DEFAULT, QUEUE_LINES_MAX_DEFAULT, droppedMetric).start();
    }

    AdminAuditFile start()
    {
        writer.start();
        return this;
    }

    /**
     * Any thread, never blocks: queues one line (without its line end; formatted by the writer's thread when it
     * takes it), or drops and counts it.
     */
    void offer(final Supplier<String> line)
    {
        if (closing || !queue.offer(line))
        {
            countDropped(1);
        }
    }

    /** Any thread: one record dropped before it was offered (the pending table was full). */
    void countDropped()
    {
        countDropped(1);
    }

    private void countDropped(final long records)
    {
        droppedCount.addAndGet(records);
        if (null != droppedMetric)
        {
            droppedMetric.getAndAdd(records); // atomic: three threads may drop
        }
    }

    /** Records dropped so far: the queue was full, the file could not be written, or the trail was closing. */
    long droppedCount()
    {
        return droppedCount.get();
    }

    /**
     * Writes what is queued (waiting up to 5 s for the writer), then closes the file. Records the writer has not
     * taken by then are taken from it and counted as dropped (review R19): at process exit the daemon writer would
     * lose them uncounted.
     */
    @Override
    public void close()
    {
        close(CLOSE_JOIN_MS);
    }

    /**
     * {@link #close()} waiting up to {@code joinMs} for the writer: tests wait 30 s (the team's floor for a wait that
     * a stalled machine must not turn into a failure; review R29), the server {@value #CLOSE_JOIN_MS} ms.
     */
    void close(final long joinMs)
    {
        closing = true;
        if (writer.isAlive())
        {
            queue.offer(STOP); // a full queue keeps the writer busy until it sees closing anyway
            try
            {
                writer.join(joinMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (!writer.isAlive() && null != chain)
        {
            // Noted outside the file: a verifier compares it with the file's last line to see nothing was cut off.
            WodianServer.LOG.log(System.Logger.Level.INFO, "admin audit: {0} lines written since start, chain head " +
                "{1} (wodian audit verify)", chainedLines, HexFormat.of().formatHex(chain.head()));
        }
        final List<Supplier<String>> unwritten = new ArrayList<>();
        queue.drainTo(unwritten);
        unwritten.removeIf((line) -> STOP == line);
        countDropped(unwritten.size());
        if (droppedCount.get() > 0)
        {
            WodianServer.LOG.log(System.Logger.Level.WARNING, "admin audit: {0} records dropped since start (the " +
                "writer fell behind or could not write {1}; {2} of them still queued at the stop)", droppedCount.get(),
                file, unwritten.size());
        }
    }

    private void run()
    {
        final List<Supplier<String>> batch = new ArrayList<>(BATCH_LINES_MAX);
        try
        {
            while (!closing || !queue.isEmpty())
            {
                final Supplier<String> first = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (null != first)
                {
                    batch.add(first);
                    queue.drainTo(batch, BATCH_LINES_MAX - 1);
                }
                writeBatch(batch);
                batch.clear();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            closeChannel();
        }
    }

    private void writeBatch(final List<Supplier<String>> batch)
    {
        final long dropped = droppedCount.get();
        int taken = 0;
        try
        {
            if (dropped > droppedWritten)
            {
                append("# " + (dropped - droppedWritten) + " audit records dropped here (the writer fell behind or " +
                    "could not write; docs/operations.md, \"Admin audit trail\")");
                droppedWritten = dropped;
            }
            for (final Supplier<String> line : batch)
            {
                if (STOP != line)
                {
                    append(text(line));
                }
                taken++;
            }
            flush();
            failureLogged = false;
        }
        catch (final IOException | RuntimeException ex)
        {
            // A RuntimeException too (a broken key file, say): the writer must go on, dropping and counting.
            countDropped(batch.size() - taken + unwrittenLines);
            pending.reset();
            unwrittenLines = 0;
            closeChannel(); // reopened at the next batch: the disk may have room again
            if (!failureLogged)
            {
                failureLogged = true;
                WodianServer.LOG.log(System.Logger.Level.WARNING, "admin audit: cannot write " + file + " (records " +
                    "are dropped and counted until it can)", ex);
            }
        }
    }

    private static String text(final Supplier<String> line)
    {
        try
        {
            return line.get();
        }
        catch (final RuntimeException ex)
        {
            return "# a record that could not be written as text: " + ex; // kept: the writer must go on
        }
    }

    /**
     * One line into the batch's bytes, chained ({@link AdminAuditChain}); when it would take the file past its limit,
     * what is gathered is written and the file rotated first, the new file beginning with a header that continues the
     * chain. The batch is written with one call ({@link #flush}).
     */
    private void append(final String line) throws IOException
    {
        if (null == channel)
        {
            openChained();
        }
        final int length = line.getBytes(StandardCharsets.UTF_8).length + AdminAuditChain.SUFFIX.length() + 33;
        if (fileBytes + pendingBytes + length > fileBytesMax && fileBytes + pendingBytes > 0)
        {
            flush();
            channel.force(false);
            closeChannel();
            Files.move(file, rotated, StandardCopyOption.REPLACE_EXISTING);
            channel = openAppending(file);
            fileBytes = 0;
            appendChained(AdminAuditChain.header(AdminAuditChain.CONTINUES, chain.head(),
                "the file before this one was renamed " + FILE_NAME + ROTATED_SUFFIX), false);
        }
        appendChained(line, !line.startsWith("# "));
    }

    private void appendChained(final String text, final boolean record)
    {
        appendRaw(chain.chained(text) + '\n');
        chainedLines++;
        unwrittenLines += record ? 1 : 0;
    }

    private void appendRaw(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        pending.write(bytes, 0, bytes.length);
        pendingBytes += bytes.length;
    }

    /**
     * Opens the file and finds the chain value to continue from: the key is read (created at the trail's first write),
     * and an existing file's last line gives the value; when that line has none (torn by a crash, or written by an
     * earlier version), a header says which value the chain resumes from.
     */
    private void openChained() throws IOException
    {
        if (null == chain)
        {
            chain = new AdminAuditChain(AdminAuditChain.loadOrCreateKey(keyFile));
        }
        channel = openAppending(file);
        fileBytes = channel.size();
        if (0 == fileBytes)
        {
            return; // a new trail chains from zeros; after a write failure the head in memory goes on
        }
        final String text = tail(file, fileBytes);
        final boolean endsWithLineEnd = text.endsWith("\n");
        final String[] lines = text.split("\n");
        byte[] last = lastChainValue(text, fileBytes > TAIL_BYTES_MAX);
        if (null == last && Files.exists(rotated, LinkOption.NOFOLLOW_LINKS))
        {
            // A torn first write after a rotation leaves no chained line here: the chain goes on from the rotated
            // file's last line, as the verifier reads the two (rev R39).
            final long rotatedBytes = Files.size(rotated);
            last = lastChainValue(tail(rotated, rotatedBytes), rotatedBytes > TAIL_BYTES_MAX);
        }
        final boolean lastLineChained = endsWithLineEnd && lines.length > 0 &&
            null != AdminAuditChain.chainOf(lines[lines.length - 1]);
        chain.head(null == last ? new byte[AdminAuditChain.CHAIN_LENGTH] : last);
        if (!lastLineChained)
        {
            if (!endsWithLineEnd)
            {
                appendRaw("\n");
            }
            appendChained(AdminAuditChain.header(AdminAuditChain.RESUMES, chain.head(),
                "the line above has no chain value: torn by a crash, or written by an earlier version"), false);
        }
    }

    /** The last {@value #TAIL_BYTES_MAX} bytes of a file (all of it when shorter) as text. */
    private static String tail(final Path path, final long size) throws IOException
    {
        final int tailLength = (int)Math.min(size, TAIL_BYTES_MAX);
        final ByteBuffer tail = ByteBuffer.allocate(tailLength);
        try (FileChannel reader = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
        {
            while (tail.hasRemaining() && reader.read(tail, size - tailLength + tail.position()) > 0)
            {
                // reads the file's end
            }
        }
        return new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
    }

    /** The chain value of the text's last chained line (its first line skipped when cut), or null. */
    private static byte[] lastChainValue(final String text, final boolean cut)
    {
        final String[] lines = text.split("\n");
        byte[] last = null;
        for (int i = lines.length - 1; i >= (cut ? 1 : 0) && null == last; i--)
        {
            last = AdminAuditChain.chainOf(lines[i]);
        }
        return last;
    }

    private void flush() throws IOException
    {
        if (pendingBytes > 0)
        {
            final ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
            while (buffer.hasRemaining())
            {
                fileBytes += channel.write(buffer);
            }
        }
        pending.reset();
        pendingBytes = 0;
        unwrittenLines = 0;
    }

    /** Opens for appending, never through a link; a new file is created 0600 where the file system has modes. */
    private static FileChannel openAppending(final Path file) throws IOException
    {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            try
            {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rw-------")));
            }
            catch (final UnsupportedOperationException ex)
            {
                Files.createFile(file);
            }
            catch (final FileAlreadyExistsException ex)
            {
                // created meanwhile: appended to below
            }
        }
        return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
            LinkOption.NOFOLLOW_LINKS);
    }

    private void closeChannel()
    {
        if (null == channel)
        {
            return;
        }
        try
        {
            channel.force(false);
            channel.close();
        }
        catch (final IOException ex)
        {
            // closing after a failed write: the failure is logged already
        }
        channel = null;
    }
}
