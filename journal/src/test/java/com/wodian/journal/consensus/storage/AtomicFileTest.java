package com.wodian.journal.consensus.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
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

    @Test
    void twoThreadsReplacingOneFileNeitherFailNorMix(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("commit-mark");
        final byte[][] contents = {"first writer".repeat(40).getBytes(StandardCharsets.UTF_8),
            "second".repeat(90).getBytes(StandardCharsets.UTF_8)};
        final CyclicBarrier start = new CyclicBarrier(2);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> writers = new ArrayList<>();
        for (final byte[] content : contents)
        {
            final Thread writer = new Thread(() ->
            {
                try
                {
                    for (int round = 0; round < ROUNDS; round++)
                    {
                        if (round % 50 == 0)
                        {
                            start.await(30, java.util.concurrent.TimeUnit.SECONDS); // line both up now and then: they overlap
                        }
                        AtomicFile.replace(file, ByteBuffer.wrap(content));
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
        for (final Thread writer : writers)
        {
            writer.join(60_000);
        }
        assertNull(failure.get(), () -> "a replacement failed: " + failure.get());
        final byte[] last = Files.readAllBytes(file);
        assertTrue(java.util.Arrays.equals(last, contents[0]) || java.util.Arrays.equals(last, contents[1]),
            "mixed content: " + new String(last, StandardCharsets.UTF_8));
    }
}
