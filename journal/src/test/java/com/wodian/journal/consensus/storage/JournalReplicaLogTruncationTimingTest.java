package com.wodian.journal.consensus.storage;

import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.consensus.EntryPayloads;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How long {@link JournalReplicaLog#truncateFrom(long)} takes on a long journal: a manual measurement, not a test
 * of speed (it asserts only the result), skipped unless asked for:
 * <pre>
 * mvn -o -q -B -pl journal -am test -Dtest=JournalReplicaLogTruncationTimingTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dreplicalog.timing=true [-Dreplicalog.timing.entries=100000,1000000]
 * </pre>
 * It prints one line per journal length and run. The journal is written under the SYNC policy with 96-byte payloads
 * (a typical SBE command), and the last 10 entries are cut, so the kept prefix is copied nearly whole.
 */
@EnabledIfSystemProperty(named = "replicalog.timing", matches = "true")
class JournalReplicaLogTruncationTimingTest
{
    private static final int PAYLOAD_LENGTH = 96;
    private static final int RUNS = 3;

    @TempDir
    Path directory;

    @Test
    void timeTruncationOfLongJournals()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        final EntryPayloads payloads = (handle, into) ->
        {
            payload.putLong(0, handle);
            into.set(1_700_000_000_000L + handle, 1, payload, 0, PAYLOAD_LENGTH);
        };

        for (final String text : System.getProperty("replicalog.timing.entries", "100000,1000000").split(","))
        {
            final long entryCount = Long.parseLong(text.trim());
            final Path dataDir = directory.resolve("entries-" + entryCount);
            try (JournalReplicaLog log = JournalReplicaLog.open(dataDir, DurabilityPolicy.SYNC, 1024, payloads))
            {
                long next = 1;
                for (int run = 1; run <= RUNS; run++)
                {
                    while (log.lastIndex() < entryCount)
                    {
                        log.append(run, next++);
                        if ((log.lastIndex() & 1023) == 0)
                        {
                            log.sync();
                        }
                    }
                    log.sync();

                    final long from = entryCount - 9;
                    final long startNs = System.nanoTime();
                    log.truncateFrom(from);
                    final long elapsedNs = System.nanoTime() - startNs;
                    assertEquals(from - 1, log.lastIndex());
                    System.out.printf("truncateFrom(%d) of a %d-entry journal (%d-byte payloads), run %d: %.1f ms%n",
                        from, entryCount, PAYLOAD_LENGTH, run, elapsedNs / 1e6);
                }
            }
        }
    }
}
