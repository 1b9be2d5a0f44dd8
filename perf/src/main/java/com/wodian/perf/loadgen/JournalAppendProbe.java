package com.wodian.perf.loadgen;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The ceiling of the journal alone, through our journal module exactly as the server's journal thread uses it:
 * entries of {@code payloadLength} bytes appended in batches, {@link JournalWriter#endOfBatch()} after each batch
 * (page-cache: nothing; sync: fdatasync of what the batch wrote).
 *
 * <p>Paced mode ({@code ratePerSecond > 0}): entry {@code i} is due at {@code start + i / rate} (the same
 * {@link Schedule} as the load generator); whenever entries are due, all of them (at most {@code batchMax}) are
 * appended and ended as one batch, as the Disruptor hands the journal handler what has arrived. Response time runs
 * from an entry's due time to the end of its batch (coordinated omission corrected); service time from the start of
 * its batch. Throughput mode ({@code ratePerSecond == 0}): batches of {@code batchMax} back to back for the
 * duration; the histogram is the time per batch.
 */
public final class JournalAppendProbe
{
    /** What a probe run measured. */
    public static final class Result
    {
        public final long entryCount;
        public final double entriesPerSecond;
        public final long batchCount;
        public final Histogram responseTimeNs;
        public final Histogram serviceTimeNs;
        /** Paced: the slowest batches, over the stall threshold, in the order they happened (may be empty). */
        public final StallLog stalls;
        /** Paced, with touch-ahead: the time of each {@link JournalWriter#touchAhead()} after the warm-up. */
        public final Histogram touchAheadNs;
        /** Paced: the appending thread's minor page faults after the warm-up; -1 where Linux's /proc is not there. */
        public final long minorFaults;

        Result(
            final long entryCount,
            final double entriesPerSecond,
            final long batchCount,
            final Histogram responseTimeNs,
            final Histogram serviceTimeNs,
            final StallLog stalls,
            final Histogram touchAheadNs,
            final long minorFaults)
        {
            this.entryCount = entryCount;
            this.entriesPerSecond = entriesPerSecond;
            this.batchCount = batchCount;
            this.responseTimeNs = responseTimeNs;
            this.serviceTimeNs = serviceTimeNs;
            this.stalls = stalls;
            this.touchAheadNs = touchAheadNs;
            this.minorFaults = minorFaults;
        }

        public String summary(final boolean paced)
        {
            return String.format(Locale.ROOT, "%d entries in %d batches: %.0f entries/s (%.1f entries per batch)%n",
                entryCount, batchCount, entriesPerSecond, (double)entryCount / Math.max(1, batchCount)) +
                (paced ? "response time (from due time, CO-corrected): " : "time per batch (append + end):       ") +
                LatencyReport.percentiles(responseTimeNs) + System.lineSeparator() +
                (paced ? "service time (from start of its batch):      " + LatencyReport.percentiles(serviceTimeNs) +
                    System.lineSeparator() : "") +
                (paced && touchAheadNs.getTotalCount() > 0 ? "touch-ahead (time per call, between batches): " +
                    LatencyReport.percentiles(touchAheadNs) + System.lineSeparator() : "") +
                (paced && minorFaults >= 0 ? String.format(Locale.ROOT,
                    "appending thread's minor page faults after the warm-up: %d (%.2f per 1,000 entries)%n",
                    minorFaults, minorFaults * 1000.0 / Math.max(1, responseTimeNs.getTotalCount())) : "");
        }
    }

    /**
     * Batches whose service time passed a threshold: the position in the journal of the batch's first entry (its
     * 0-based number in this fresh journal, i.e. its index inside the day's file) and the time, so that stalls can be
     * matched against where Chronicle does extra work (a new index array every {@code indexCount * indexSpacing}
     * entries, an index entry every {@code indexSpacing}, a new mapped chunk). Preallocated; the first
     * {@link #CAPACITY} stalls are kept, the rest only counted.
     */
    public static final class StallLog
    {
        static final int CAPACITY = 4096;
        private final long thresholdNs;
        private final long[] firstEntry = new long[CAPACITY];
        private final long[] serviceNs = new long[CAPACITY];
        private final int[] entries = new int[CAPACITY];
        private final long[] atNs = new long[CAPACITY];
        private long count;

        StallLog(final long thresholdNs)
        {
            this.thresholdNs = thresholdNs;
        }

        void onBatch(
            final long firstEntryIndex, final int entryCount, final long batchServiceNs, final long sinceStartNs)
        {
            if (thresholdNs <= 0 || batchServiceNs < thresholdNs)
            {
                return;
            }
            if (count < CAPACITY)
            {
                final int i = (int)count;
                firstEntry[i] = firstEntryIndex;
                entries[i] = entryCount;
                serviceNs[i] = batchServiceNs;
                atNs[i] = sinceStartNs;
            }
            count++;
        }

        /** How many batches passed the threshold (kept or not). */
        public long count()
        {
            return count;
        }

        /**
         * One line per kept stall: when (seconds since the probe started), first entry, entries in the batch, service
         * time, and the entry's offset from
         * the last multiple of {@code indexArrayEntries} (where Chronicle starts a new index array).
         */
        public String describe(final long indexArrayEntries)
        {
            final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "batches over %d us: %d%n", thresholdNs / 1000, count));
            for (int i = 0; i < Math.min(count, CAPACITY); i++)
            {
                text.append(String.format(Locale.ROOT,
                    "  at %8.3f s: entry %,d (+%d in batch) %,.1f us, %,d after an index-array start%n",
                    atNs[i] / 1e9, firstEntry[i], entries[i], serviceNs[i] / 1e3, firstEntry[i] % indexArrayEntries));
            }
            return text.toString();
        }
    }

    /** How often the probe's second thread maps ahead: as often as the server's metrics thread runs a step. */
    static final long MAP_AHEAD_INTERVAL_MS = 200;

    private JournalAppendProbe()
    {
    }

    /**
     * Runs the probe in a fresh journal under {@code parentDir} (deleted afterwards).
     *
     * @param ratePerSecond    entries per second, or 0 for throughput mode.
     * @param touchAhead       paced only: between batches, pre-fault the next page as the server does when it idles
     *                         ({@link JournalWriter#touchAhead()}); false shows what an append costs without it.
     * @param stallThresholdNs paced only: batches slower than this (service time) go to {@link Result#stalls};
     *                         0 keeps none.
     * @param mapAhead         a second thread maps the journal file's next chunk ahead every
     *                         {@link #MAP_AHEAD_INTERVAL_MS} ms, as the server's metrics thread does
     *                         ({@link JournalWriter#mapAhead()}); false leaves each chunk to the append that needs it.
     * @param writeAheadBytes  with {@code mapAhead}, how far ahead of the appender that thread write-faults the
     *                         pages ({@link JournalConfig#withWriteAheadBytes(long)}); 0 leaves it to the appender.
     */
    public static Result run(
        final Path parentDir,
        final DurabilityPolicy durabilityPolicy,
        final double ratePerSecond,
        final long durationNs,
        final long warmupNs,
        final int batchMax,
        final int payloadLength,
        final boolean touchAhead,
        final long stallThresholdNs,
        final boolean mapAhead,
        final long writeAheadBytes) throws IOException
    {
        final Path dir = Files.createTempDirectory(parentDir, "wodian-journal-probe");
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir)
            .withDurabilityPolicy(durabilityPolicy).withWriteAheadBytes(writeAheadBytes)))
        {
            final JournalWriter writer = journal.writer();
            final Thread mapper = mapAhead ? startMapper(writer) : null;
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadLength]);
            for (int i = 0; i < payloadLength; i++)
            {
                payload.putByte(i, (byte)i);
            }
            try
            {
                return ratePerSecond > 0 ?
                    paced(writer, payload, new Schedule(ratePerSecond, durationNs, warmupNs, 1), batchMax, touchAhead,
                        new StallLog(stallThresholdNs)) :
                    throughput(writer, payload, durationNs, warmupNs, batchMax);
            }
            finally
            {
                stopMapper(mapper);
            }
        }
        finally
        {
            deleteRecursively(dir);
        }
    }

    private static Result paced(
        final JournalWriter writer,
        final UnsafeBuffer payload,
        final Schedule schedule,
        final int batchMax,
        final boolean touchAhead,
        final StallLog stalls)
    {
        final Histogram response = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NS, LoadGenerator.SIGNIFICANT_DIGITS);
        final Histogram service = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NS, LoadGenerator.SIGNIFICANT_DIGITS);
        final Histogram touch = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NS, LoadGenerator.SIGNIFICANT_DIGITS);
        long faultsAtWarmupEnd = Long.MIN_VALUE;
        final long count = schedule.commandCount();
        final long startNs = System.nanoTime();
        long sequence = writer.lastSequence();
        long batchCount = 0;
        long index = 0;
        while (index < count)
        {
            final long dueNs = startNs + schedule.intendedOffsetNs(index);
            long nowNs = System.nanoTime();
            if (nowNs < dueNs)
            {
                nowNs = waitUntil(dueNs);
            }
            long end = index + 1;
            while (end < count && end - index < batchMax && startNs + schedule.intendedOffsetNs(end) <= nowNs)
            {
                end++;
            }
            if (Long.MIN_VALUE == faultsAtWarmupEnd && !schedule.isWarmup(index))
            {
                faultsAtWarmupEnd = ThreadFaults.minorFaults();
            }
            final long batchStartNs = System.nanoTime();
            for (long i = index; i < end; i++)
            {
                writer.append(++sequence, 0, 0, payload, 0, payload.capacity());
            }
            writer.endOfBatch();
            final long batchEndNs = System.nanoTime();
            batchCount++;
            stalls.onBatch(index, (int)(end - index), batchEndNs - batchStartNs, batchStartNs - startNs);
            for (long i = index; i < end; i++)
            {
                if (!schedule.isWarmup(i))
                {
                    response.recordValue(batchEndNs - (startNs + schedule.intendedOffsetNs(i)));
                    service.recordValue(batchEndNs - batchStartNs);
                }
            }
            index = end;
            if (touchAhead)
            {
                touchAhead(writer, schedule.isWarmup(end - 1) ? null : touch);
            }
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        final long faults = ThreadFaults.minorFaults();
        return new Result(count, count / seconds, batchCount, response, service, stalls, touch,
            faults < 0 || faultsAtWarmupEnd < 0 ? -1 : faults - faultsAtWarmupEnd);
    }

    /** The writer's touch-ahead, timed into {@code touchNs} unless that is null (the warm-up). */
    private static void touchAhead(final JournalWriter writer, final Histogram touchNs)
    {
        final long startNs = System.nanoTime();
        writer.touchAhead();
        if (null != touchNs)
        {
            touchNs.recordValue(System.nanoTime() - startNs);
        }
    }

    private static Result throughput(
        final JournalWriter writer,
        final UnsafeBuffer payload,
        final long durationNs,
        final long warmupNs,
        final int batchMax)
    {
        final Histogram perBatch = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NS, LoadGenerator.SIGNIFICANT_DIGITS);
        long sequence = writer.lastSequence();
        final long startNs = System.nanoTime();
        final long measureFromNs = startNs + warmupNs;
        final long endNs = startNs + durationNs;
        long measuredEntries = 0;
        long measuredBatches = 0;
        long nowNs = startNs;
        while (nowNs < endNs)
        {
            final long batchStartNs = nowNs;
            for (int i = 0; i < batchMax; i++)
            {
                writer.append(++sequence, 0, 0, payload, 0, payload.capacity());
            }
            writer.endOfBatch();
            nowNs = System.nanoTime();
            if (batchStartNs >= measureFromNs)
            {
                perBatch.recordValue(nowNs - batchStartNs);
                measuredEntries += batchMax;
                measuredBatches++;
            }
        }
        final double seconds = (nowNs - measureFromNs) / 1e9;
        return new Result(measuredEntries, measuredEntries / seconds, measuredBatches, perBatch, perBatch,
            new StallLog(0), new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NS, LoadGenerator.SIGNIFICANT_DIGITS), -1);
    }

    private static Thread startMapper(final JournalWriter writer)
    {
        final Thread mapper = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                writer.mapAhead();
                LockSupport.parkNanos(MAP_AHEAD_INTERVAL_MS * 1_000_000L);
            }
        }, "journal-map-ahead");
        mapper.setDaemon(true);
        mapper.start();
        return mapper;
    }

    private static void stopMapper(final Thread mapper)
    {
        if (null == mapper)
        {
            return;
        }
        mapper.interrupt();
        try
        {
            mapper.join(30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static long waitUntil(final long deadlineNs)
    {
        long nowNs;
        while ((nowNs = System.nanoTime()) < deadlineNs)
        {
            final long remainingNs = deadlineNs - nowNs;
            if (remainingNs > 30_000)
            {
                LockSupport.parkNanos(remainingNs - 15_000);
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        return nowNs;
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
    }
}
