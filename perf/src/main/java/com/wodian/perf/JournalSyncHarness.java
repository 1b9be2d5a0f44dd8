package com.wodian.perf;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The cost of each durability policy: time to append a batch of Pay entries and make it durable
 * ({@code endOfBatch}: nothing for PAGE_CACHE, an fdatasync of the journal file for SYNC), per batch size. This is
 * what a reply waits for on top of the engine, so it is the latency cost of the policy; the throughput cost shrinks as
 * batches grow, since one sync covers a whole batch.
 *
 * <p>Run: {@code bin/wodian perf journal-sync [batches]} or
 * {@code java -cp tools/target/wodian.jar com.wodian.perf.JournalSyncHarness 2000}. Writes in a temporary directory
 * (on the same file system as {@code java.io.tmpdir}: point it at the journal's disk to measure that disk).
 */
public final class JournalSyncHarness
{
    private JournalSyncHarness()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int batches = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final int length = new CommandEncoder().pay(buffer, 0, 1, 101, 1, 1, 100);
        System.out.printf("JournalSyncHarness: %d batches per case, Pay entries of %d bytes, tmpdir %s%n", batches,
            length + 28, System.getProperty("java.io.tmpdir"));
        for (final DurabilityPolicy policy : DurabilityPolicy.values())
        {
            for (final int batchSize : new int[]{1, 16, 256})
            {
                final Path dir = Files.createTempDirectory("wodian-sync-harness");
                final Histogram histogram = new Histogram(60_000_000_000L, 3);
                long busyNs = 0;
                try (ChronicleJournal journal = ChronicleJournal.open(
                    new JournalConfig(dir).withDurabilityPolicy(policy)))
                {
                    final JournalWriter writer = journal.writer();
                    long sequence = 0;
                    for (int batch = 0; batch < batches; batch++)
                    {
                        final long batchStartNs = System.nanoTime();
                        for (int i = 0; i < batchSize; i++)
                        {
                            writer.append(++sequence, 1_700_000_000_000L + sequence, CommandCatalog.SCHEMA_VERSION,
                                buffer, 0, length);
                        }
                        writer.endOfBatch();
                        final long batchNs = System.nanoTime() - batchStartNs;
                        histogram.recordValue(batchNs);
                        busyNs += batchNs;
                    }
                }
                // Entries per second of append + sync time, journal open and close left out.
                final double seconds = busyNs / 1e9;
                System.out.printf(
                    "%-10s batch %3d: per batch p50 %,8d ns  p99 %,10d ns  max %,11d ns; %,.0f entries/s%n",
                    policy, batchSize, histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                    histogram.getMaxValue(), (double)batches * batchSize / seconds);
                try (Stream<Path> files = Files.walk(dir))
                {
                    files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
                }
            }
        }
    }
}
