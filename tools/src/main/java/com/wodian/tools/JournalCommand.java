package com.wodian.tools;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalConfig;
import com.wodian.protocol.MessageText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Journal inspection. */
@Command(name = "journal", description = "Inspect a journal.",
    subcommands = {JournalCommand.Dump.class, JournalCommand.Verify.class})
public final class JournalCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a journal subcommand (dump, verify)");
    }

    /** Where a server keeps its journal inside its data directory (see {@link #journalDir(Path)}). */
    static final String JOURNAL_SUBDIR = "journal";

    /**
     * The journal directory of a data directory: {@code DIR/journal} when the server's layout has one, else
     * {@code DIR} itself (a bare journal).
     */
    static Path journalDir(final Path dataDir)
    {
        final Path nested = dataDir.resolve(JOURNAL_SUBDIR);
        return Files.isDirectory(nested) ? nested : dataDir;
    }

    /**
     * Prints one line per journal entry: {@code sequence timestamp(ISO-8601) payload-text}. Reads only: safe while a
     * server is writing the same journal.
     */
    @Command(name = "dump", description = "Print one line per entry: sequence, ISO-8601 timestamp, command text.")
    static final class Dump implements Callable<Integer>
    {
        @Option(names = "--data", required = true, description = "data directory of a server (or a journal directory)")
        Path dataDir;

        @Option(names = "--from", defaultValue = "1",
            description = "first sequence to print (default: ${DEFAULT-VALUE})")
        long fromSequence;

        @Option(names = "--limit", defaultValue = "" + Long.MAX_VALUE, description = "most entries to print")
        long limit;

        @Override
        public Integer call()
        {
            if (!Files.isDirectory(dataDir))
            {
                System.err.println("no such directory: " + dataDir);
                return WodianMain.EXIT_REFUSED;
            }
            final PrintStream out = System.out;
            final long[] printed = new long[1];
            try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir(dataDir))))
            {
                journal.replay(fromSequence, (sequence, timestampMs, payloadVersion, payload, offset, length) ->
                {
                    if (printed[0]++ < limit)
                    {
                        out.println(sequence + " " + Instant.ofEpochMilli(timestampMs) + " " +
                            MessageText.describe(payload, offset, length));
                    }
                });
                System.err.println(Math.min(printed[0], limit) + " entries printed, last sequence " +
                    journal.lastSequence());
            }
            return WodianMain.EXIT_OK;
        }
    }

    /** What replaying a journal into a fresh engine gave. */
    record Replayed(long inputCount, long lastSequence, long stateHash)
    {
    }

    /**
     * Replays a whole journal into a new engine with these limits, off line (no server), and checks the engine's
     * invariants, conservation of money included.
     *
     * @throws IllegalStateException naming the first broken invariant.
     */
    static Replayed replayAndVerify(final Path dataDir, final EngineConfig engineConfig)
    {
        final Engine engine = new Engine(engineConfig);
        final long count;
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir(dataDir))))
        {
            count = journal.replay(1, (sequence, timestampMs, payloadVersion, payload, offset, length) ->
                engine.onCommand(sequence, timestampMs, payload, offset, length, ReplySink.NONE));
        }
        engine.verifyInvariants();
        return new Replayed(count, engine.lastSequence(), engine.stateHash());
    }

    /**
     * Replays the journal into a fresh engine, checks every invariant (conservation of money, holds, no negative
     * balance) and prints the state hash, comparable with a live server's {@code pos state-hash}. Reads only.
     */
    @Command(name = "verify",
        description = "Replay into a fresh engine, check the invariants, print the state hash (the server's limits).")
    static final class Verify implements Callable<Integer>
    {
        @Option(names = "--data", required = true, description = "data directory of a server (or a journal directory)")
        Path dataDir;

        @Option(names = "--limits", defaultValue = "default",
            description = "engine limits the server ran with: default or small (default: ${DEFAULT-VALUE})")
        String limits;

        @Override
        public Integer call()
        {
            if (!Files.isDirectory(dataDir))
            {
                System.err.println("no such directory: " + dataDir);
                return WodianMain.EXIT_REFUSED;
            }
            final EngineConfig engineConfig;
            switch (limits)
            {
                case "default":
                    engineConfig = new EngineConfig();
                    break;
                case "small":
                    engineConfig = EngineConfig.small();
                    break;
                default:
                    throw new CommandLine.ParameterException(new CommandLine(this),
                        "--limits must be default or small: " + limits);
            }
            final long startNs = System.nanoTime();
            final Replayed replayed;
            try
            {
                replayed = replayAndVerify(dataDir, engineConfig);
            }
            catch (final IllegalStateException ex)
            {
                System.out.println("invariant broken: " + ex.getMessage());
                return WodianMain.EXIT_REFUSED;
            }
            System.out.printf("replayed %d inputs in %d ms: invariants hold; lastSequence=%d stateHash=%d%n",
                replayed.inputCount(), (System.nanoTime() - startNs) / 1_000_000, replayed.lastSequence(),
                replayed.stateHash());
            return WodianMain.EXIT_OK;
        }
    }
}
