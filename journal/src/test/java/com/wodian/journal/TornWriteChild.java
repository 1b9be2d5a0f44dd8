package com.wodian.journal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A writer process that dies in the middle of an excerpt: it appends {@code count} entries through the journal,
 * then starts one more excerpt, writes part of it and halts without running any shutdown code, like kill -9.
 */
public final class TornWriteChild
{
    static final String HALTING = "halting inside an excerpt";

    private TornWriteChild()
    {
    }

    /**
     * Run this class in a new JVM with the flags and class path of the current one.
     */
    static Process start(final Path dir, final int count) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("--sun-misc-unsafe-memory-access") || argument.startsWith("-Dchronicle."))
            {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TornWriteChild.class.getName());
        command.add(dir.toString());
        command.add(Integer.toString(count));

        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    public static void main(final String[] args)
    {
        final Path dir = Paths.get(args[0]);
        final int count = Integer.parseInt(args[1]);

        final ChronicleJournal journal =
            ChronicleJournal.open(new JournalConfig(dir).withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE));
        final JournalWriter writer = journal.writer();
        for (int sequence = 1; sequence <= count; sequence++)
        {
            JournalTestSupport.append(writer, JournalTestSupport.entry(sequence, 16));
        }
        writer.endOfBatch();

        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).build();
        final ExcerptAppender appender = queue.createAppender();
        final byte[] next = JournalTestSupport.encode(JournalTestSupport.entry(count + 1, 16));
        final DocumentContext context = appender.writingDocument();
        context.wire().bytes().write(next, 0, next.length / 2);

        System.out.println(HALTING);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
