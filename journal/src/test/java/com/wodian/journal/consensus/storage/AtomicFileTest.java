package com.wodian.journal.consensus.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two threads replacing one file (concurrency review F7: the commit mark's two writers) never fail and never mix
 * their contents: the file always ends as one of them.
 */
class AtomicFileTest
{
    private static final int ROUNDS = 300;
    /**
     * A backstop, not a schedule: 1,200 fsyncs in series take ~7 s here at load ~15. A disk slower than that fails
     * with the writers' progress in the message (review R37a), and the writers are stopped and waited for before the
     * test ends, so that JUnit's clean-up of the folder never races a replacement still running.
     */
    private static final long WRITERS_JOIN_MS = TimeUnit.SECONDS.toMillis(120);

    @Test
    void twoThreadsReplacingOneFileNeitherFailNorMix(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("commit-mark");
        final byte[][] contents = {"first writer".repeat(40).getBytes(StandardCharsets.UTF_8),
            "second".repeat(90).getBytes(StandardCharsets.UTF_8)};
        final CyclicBarrier start = new CyclicBarrier(2);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicIntegerArray roundsDone = new AtomicIntegerArray(contents.length);
        final List<Thread> writers = new ArrayList<>();
        for (int index = 0; index < contents.length; index++)
        {
            final int writerIndex = index;
            final byte[] content = contents[index];
            final Thread writer = new Thread(() ->
            {
                try
                {
                    for (int round = 0; round < ROUNDS && !stop.get(); round++)
                    {
                        if (round % 50 == 0)
                        {
                            start.await(30, TimeUnit.SECONDS); // line both up now and then: they overlap
                        }
                        AtomicFile.replace(file, ByteBuffer.wrap(content));
                        roundsDone.incrementAndGet(writerIndex);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            writer.setDaemon(true);
            writers.add(writer);
            writer.start();
        }
        final long deadlineMs = System.currentTimeMillis() + WRITERS_JOIN_MS;
        for (final Thread writer : writers)
        {
            writer.join(Math.max(1, deadlineMs - System.currentTimeMillis()));
        }
        final boolean finished = writers.stream().noneMatch(Thread::isAlive);
        stop.set(true);
        start.reset(); // a writer waiting to line up with one that stopped leaves at once (BrokenBarrierException)
        for (final Thread writer : writers)
        {
            writer.join(TimeUnit.SECONDS.toMillis(30)); // at most one replacement after the stop
        }
        assertTrue(finished, () -> "the writers did not finish " + ROUNDS + " replacements each within " +
            WRITERS_JOIN_MS + " ms (a slow disk?): rounds done " + roundsDone);
        assertNull(failure.get(), () -> "a replacement failed: " + failure.get());
        final byte[] last = Files.readAllBytes(file);
        assertTrue(java.util.Arrays.equals(last, contents[0]) || java.util.Arrays.equals(last, contents[1]),
            "mixed content: " + new String(last, StandardCharsets.UTF_8));
    }
}
