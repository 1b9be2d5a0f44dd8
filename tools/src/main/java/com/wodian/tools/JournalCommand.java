package com.wodian.tools;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalCorruptException;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;
import com.wodian.net.durability.EngineLimitsFile;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.net.durability.EngineSnapshots;
import com.wodian.net.durability.ReplayPipeline;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** Journal inspection: dump (filtered, text or JSON lines), verify (entries, invariants, snapshots), replay. */
@Command(name = "journal", description = "Inspect, verify and replay a journal.",
    subcommands = {JournalCommand.Dump.class, JournalCommand.Verify.class, JournalCommand.Replay.class,
        JournalPruneCommand.class})
public final class JournalCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "name a journal subcommand (dump, verify, replay, prune)");
    }

    /** Where a server keeps its journal inside its data directory (see {@link #journalDir(Path)}). */
    static final String JOURNAL_SUBDIR = "journal";

    /** Excerpts read per poll. */
    private static final int POLL_LIMIT = 4096;

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
     * Says on standard error why {@code dataDir} cannot be read as a server's data directory, or nothing: it must
     * exist and hold a journal (Chronicle's {@code metadata.cq4t} or a {@code .cq4} file) in {@code DIR/journal} or,
     * for a bare journal, in {@code DIR} itself. Opening a directory without one would create an empty journal in it
     * and "succeed" on no entries (a wrong {@code --data}: ops review item 9).
     *
     * @return true when there is a journal to read.
     */
    static boolean requireJournal(final Path dataDir)
    {
        if (!Files.isDirectory(dataDir))
        {
            System.err.println("error: no such directory: " + dataDir);
            return false;
        }
        if (!holdsJournal(journalDir(dataDir)))
        {
            System.err.println("error: no journal in " + dataDir + ": neither " + dataDir.resolve(JOURNAL_SUBDIR) +
                " nor the directory itself holds one (metadata.cq4t, *.cq4): check --data (a server's data " +
                "directory holds journal/)");
            return false;
        }
        return true;
    }

    /**
     * Whether {@code engineConfig} holds the limits the data directory's server recorded (any, when it recorded none):
     * a replay under other limits decides otherwise (a Pay past the server's key limit refused LIMIT_KEYS here and
     * applied there) and would report another ledger, or a false mismatch with the snapshots. Prints what differs.
     */
    static boolean underRecordedLimits(final Path dataDir, final EngineConfig engineConfig)
    {
        final String difference = recordedLimitsDifference(dataDir, engineConfig);
        if (null != difference)
        {
            System.err.println("error: " + difference);
        }
        return null == difference;
    }

    /** Why {@code engineConfig} is not the data directory's recorded limits, naming each that differs; else null. */
    private static String recordedLimitsDifference(final Path dataDir, final EngineConfig engineConfig)
    {
        try
        {
            EngineLimitsFile.checkIfRecorded(dataDir, engineConfig);
            return null;
        }
        catch (final IOException differ)
        {
            return differ.getMessage();
        }
    }

    /** True when the directory holds a Chronicle queue: its metadata file or a cycle file. */
    static boolean holdsJournal(final Path dir)
    {
        try (java.util.stream.Stream<Path> entries = Files.list(dir))
        {
            return entries.map((entry) -> entry.getFileName().toString())
                .anyMatch((name) -> name.equals("metadata.cq4t") || name.endsWith(".cq4"));
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }

    static ChronicleJournal openJournal(final Path dataDir)
    {
        return ChronicleJournal.open(new JournalConfig(journalDir(dataDir)));
    }

    /**
     * One decoded entry: the command's name and its fields in schema order, from {@link MessageText}.
     */
    record DecodedEntry(String type, Map<String, String> fields)
    {
        static DecodedEntry of(final String text)
        {
            final String[] parts = text.split(" ");
            final Map<String, String> fields = new java.util.LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++)
            {
                final int equals = parts[i].indexOf('=');
                if (equals > 0)
                {
                    fields.put(parts[i].substring(0, equals), parts[i].substring(equals + 1));
                }
            }
            return new DecodedEntry(parts[0], fields);
        }

        boolean has(final String field, final Long value)
        {
            return null == value || value.toString().equals(fields.get(field));
        }

        String json(final long sequence, final long timestampMs)
        {
            final StringBuilder json = new StringBuilder(160);
            json.append("{\"sequence\":").append(sequence)
                .append(",\"timestampMs\":").append(timestampMs)
                .append(",\"time\":\"").append(Instant.ofEpochMilli(timestampMs)).append('"')
                .append(",\"type\":\"").append(escape(type)).append('"');
            for (final Map.Entry<String, String> field : fields.entrySet())
            {
                json.append(",\"").append(escape(field.getKey())).append("\":");
                if (field.getValue().matches("-?[0-9]{1,18}"))
                {
                    json.append(field.getValue());
                }
                else
                {
                    json.append('"').append(escape(field.getValue())).append('"');
                }
            }
            return json.append('}').toString();
        }

        private static String escape(final String text)
        {
            return text.replace("\\", "\\\\").replace("\"", "\\\"");
        }
    }

    /**
     * Prints journal entries, filtered: one line of text ({@code sequence timestamp command}) or one JSON object per
     * line. Reads only: safe while a server is writing the same journal. {@code --from} seeks, so a dump of the tail of
     * a long journal does not read its beginning.
     */
    @Command(name = "dump", description = "Print entries: sequence, ISO-8601 timestamp, command (or JSON lines), "
        + "filtered by sequence range, merchant, consumer, payment or type.")
    static final class Dump implements Callable<Integer>
    {
        @Option(names = "--data", required = true, description = "data directory of a server (or a journal directory)")
        Path dataDir;

        @Option(names = "--from", defaultValue = "1", description = "first sequence (default: ${DEFAULT-VALUE})")
        long fromSequence;

        @Option(names = "--to", defaultValue = "" + Long.MAX_VALUE, description = "last sequence (default: the end)")
        long toSequence;

        @Option(names = "--limit", defaultValue = "" + Long.MAX_VALUE, description = "most entries to print")
        long limit;

        @Option(names = "--merchant", description = "only entries with this merchantId")
        Long merchantId;

        @Option(names = "--consumer", description = "only entries with this consumerId")
        Long consumerId;

        @Option(names = "--payment", description = "only entries with this paymentId")
        Long paymentId;

        @Option(names = "--type", description = "only entries of this command type, e.g. Pay, Refund")
        String type;

        @Option(names = "--json", description = "one JSON object per line instead of text")
        boolean json;

        @Override
        public Integer call()
        {
            if (!requireJournal(dataDir))
            {
                return WodianMain.EXIT_REFUSED;
            }
            final PrintStream out = System.out;
            // read, printed, undecodable (printed as raw fields: a dump never stops at an entry it cannot decode)
            final long[] counts = new long[3];
            final boolean filtered = merchantId != null || consumerId != null || paymentId != null || type != null;
            try (ChronicleJournal journal = openJournal(dataDir);
                JournalTailer tailer = journal.tailer(firstToRead(journal), -1))
            {
                final long last = Math.min(toSequence, journal.lastSequence());
                final DurabilitySupport.Progress progress =
                    new DurabilitySupport.Progress("dump", Math.max(0, last - tailer.nextSequence() + 1));
                while (tailer.nextSequence() <= last && counts[1] < limit)
                {
                    final long before = tailer.excerptsRead();
                    tailer.poll((sequence, timestampMs, payloadVersion, payload, offset, length) ->
                    {
                        counts[0]++;
                        if (sequence > last || counts[1] >= limit)
                        {
                            return;
                        }
                        final String text = MessageText.describe(payload, offset, length);
                        counts[2] += CommandCatalog.check(payload, offset, length) == ResultCode.OK ? 0 : 1;
                        final DecodedEntry entry = filtered || json ? DecodedEntry.of(text) : null;
                        if (filtered && !(entry.has("merchantId", merchantId) && entry.has("consumerId", consumerId)
                            && entry.has("paymentId", paymentId) && (type == null || type.equals(entry.type()))))
                        {
                            return;
                        }
                        counts[1]++;
                        out.println(json ? entry.json(sequence, timestampMs) :
                            sequence + " " + Instant.ofEpochMilli(timestampMs) + " " + text);
                    }, (int)Math.min(POLL_LIMIT, last - tailer.nextSequence() + 1));
                    progress.updateNow(counts[0]);
                    if (tailer.excerptsRead() == before)
                    {
                        break;
                    }
                }
                System.err.println(counts[1] + " entries printed of " + counts[0] + " read, last sequence " +
                    journal.lastSequence() + (counts[2] > 0 ? ", " + counts[2] + " read that the engine cannot " +
                    "decode (shown as raw fields, marked undecodable=)" : ""));
                if (counts[1] < limit && tailer.nextSequence() <= last)
                {
                    System.err.println("journal unreadable after sequence " + (tailer.nextSequence() - 1) + ": its " +
                        "last entry is " + journal.lastSequence());
                    return WodianMain.EXIT_REFUSED;
                }
            }
            catch (final JournalCorruptException ex)
            {
                System.out.flush();
                System.err.println("journal corrupt: " + ex.getMessage());
                return WodianMain.EXIT_REFUSED;
            }
            return WodianMain.EXIT_OK;
        }

        /**
         * {@code --from}, within the journal: a journal that starts after a snapshot (an install or a prune) holds no
         * entry up to it, which is said rather than read as a corrupt journal.
         */
        private long firstToRead(final ChronicleJournal journal)
        {
            final long first = journal.startSequence() + 1;
            if (fromSequence < first)
            {
                if (first > 1)
                {
                    System.err.println("the journal starts after sequence " + journal.startSequence() +
                        " (a snapshot install or a prune: its entries up to there are in that snapshot): " +
                        "dumping from " + first);
                }
                return Math.min(first, journal.lastSequence() + 1);
            }
            return Math.min(fromSequence, journal.lastSequence() + 1);
        }
    }

    /**
     * Stored entries the engine refuses as undecodable (written by a server older than the check before the journal,
     * or damaged): the engine answered them with an ErrorReply and changed nothing, so they do not fail a verify, but
     * an operator should know they are there.
     */
    static final class UndecodableEntries
    {
        private long count;
        private long firstSequence;
        private long lastSequence;

        void note(final long sequence)
        {
            if (0 == count++)
            {
                firstSequence = sequence;
            }
            lastSequence = sequence;
        }

        void print()
        {
            if (count > 0)
            {
                System.out.println("note: " + count + " entries the engine cannot decode (sequences " +
                    firstSequence + ".." + lastSequence + "; see 'journal dump'): refused by the engine, no state " +
                    "changed");
            }
        }
    }

    /** What replaying a journal into a fresh engine gave. */
    record Replayed(long inputCount, long lastSequence, long stateHash, long applyCpuNs)
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
        final String difference = recordedLimitsDifference(dataDir, engineConfig);
        if (null != difference)
        {
            throw new IllegalArgumentException("replay refused: " + difference);
        }
        final Engine engine = new Engine(engineConfig);
        final long count;
        final long applyCpuNs;
        // Read on this thread, applied on the pipeline's in batches, each prefetched before it is applied, as recovery
        // replays (docs/engine.md, "The batch path"; docs/history/durability-sessions.md, section 7).
        try (ChronicleJournal journal = openJournal(dataDir))
        {
            // The journal's length is known: in a JVM whose heap is pre-touched (bin/wodian demo, as a server) grow the
            // tables that gain a row per payment once, now, instead of by doublings while the replay applies (the
            // demo's replay: 8-13% less of the apply thread's CPU, docs/history/durability-sessions.md section 7). On a
            // heap not touched yet that would first-touch them on this thread before the replay starts (200-500 ms
            // measured).
            if (EngineRecovery.growAheadPays())
            {
                engine.reserveForInputs(journal.lastSequence() - journal.startSequence());
            }
            try (ReplayPipeline pipeline = new ReplayPipeline(engine, EngineRecovery.REPLAY_BATCH))
            {
                count = journal.replay(1, pipeline);
                pipeline.finish();
                applyCpuNs = pipeline.applyCpuNs();
            }
        }
        engine.verifyInvariants();
        return new Replayed(count, engine.lastSequence(), engine.stateHash(), applyCpuNs);
    }

    /**
     * Replays the whole journal into a fresh engine, verifying every entry (layout, checksum, contiguous sequence),
     * compares the state hash with every snapshot's at its sequence, checks every invariant at the end (conservation
     * of money, holds, no negative balance) and prints the state hash, comparable with a live server's
     * {@code pos state-hash}. Exit code 0 when everything holds, 1 otherwise. A sound snapshot of another engine
     * format (left by an upgrade) is named as such and not compared (its header hash is of another layout or hash
     * version); it is no problem of the journal, so it does not fail the run. Reads only.
     */
    @Command(name = "verify", description = "Replay the whole journal into a fresh engine: check every entry's checksum"
        + " and sequence, every snapshot's hash at its sequence, the invariants; print the state hash.")
    static final class Verify implements Callable<Integer>
    {
        @Option(names = "--data", required = true, description = "data directory of a server (or a journal directory)")
        Path dataDir;

        @CommandLine.Mixin
        EngineLimitsOptions engineLimits = new EngineLimitsOptions();

        @Override
        public Integer call()
        {
            if (!requireJournal(dataDir))
            {
                return WodianMain.EXIT_REFUSED;
            }
            final EngineConfig engineConfig = engineLimits.engineConfig(this);
            if (!underRecordedLimits(dataDir, engineConfig))
            {
                return WodianMain.EXIT_REFUSED;
            }
            final long startNs = System.nanoTime();
            final SnapshotsOnDisk snapshots = SnapshotsOnDisk.check(DurabilitySupport.snapshotStoreOrNull(dataDir));
            final Engine engine;
            final long count;
            final List<String> snapshotLines = new ArrayList<>();
            final UndecodableEntries undecodable = new UndecodableEntries();
            try (ChronicleJournal journal = openJournal(dataDir))
            {
                engine = startingEngine(journal, snapshots, engineConfig);
                if (null == engine)
                {
                    return WodianMain.EXIT_REFUSED;
                }
                count = replayAll(journal, engine, snapshots, snapshotLines, undecodable);
                if (engine.lastSequence() < journal.lastSequence())
                {
                    // Chronicle's reader ends quietly at an excerpt header it cannot read (zeroed, or a length past
                    // the file): without this check the entries after it would go unverified and the run pass.
                    System.out.println("journal unreadable after sequence " + engine.lastSequence() + ": its last " +
                        "entry is " + journal.lastSequence() + " (the entries between cannot be read; a server " +
                        "refuses to start on it: docs/durability.md, section 4)");
                    return WodianMain.EXIT_REFUSED;
                }
            }
            catch (final JournalCorruptException ex)
            {
                System.out.println("journal corrupt: " + ex.getMessage());
                return WodianMain.EXIT_REFUSED;
            }
            snapshotLines.forEach(System.out::println);
            undecodable.print();
            return report(engine, count, snapshots, startNs);
        }

        /**
         * A fresh engine when the journal starts at sequence 1; else the engine of the oldest snapshot at or after
         * the sequence the journal starts after (a snapshot install or a prune put its entries up to there in a
         * snapshot; a prune keeps the entries from the oldest kept snapshot on, so that one is usually a little
         * further), or null, said in one line, when there is none here.
         */
        private Engine startingEngine(
            final ChronicleJournal journal, final SnapshotsOnDisk snapshots, final EngineConfig engineConfig)
        {
            final long start = journal.startSequence();
            if (0 == start)
            {
                return new Engine(engineConfig);
            }
            final Map.Entry<Long, SnapshotInfo> base = snapshots.readable.ceilingEntry(start);
            if (null == base || base.getKey() > journal.lastSequence())
            {
                System.out.println("the journal starts after sequence " + start + " (a snapshot install or a prune: " +
                    "its entries up to there are in a snapshot), and no sound snapshot of this version at or after " +
                    "sequence " + start + " and within the journal is in " + dataDir + ": verify needs one, or the " +
                    "archived journal");
                return null;
            }
            System.out.println("the journal starts after sequence " + start + ": verifying from snapshot " +
                base.getValue().file().getFileName() + (base.getKey() == start ? "" : " (the entries from " +
                (start + 1) + " to " + base.getKey() + " are checked, not applied)"));
            for (final Long below : snapshots.readable.headMap(start, false).keySet())
            {
                System.out.println("snapshot " + snapshots.readable.get(below).file().getFileName() + ": before the " +
                    "journal's start, not compared");
            }
            return SnapshotStore.load(base.getValue(),
                (info, input) -> EngineSnapshots.load(engineConfig, info, input));
        }

        /** Replays every entry after the engine's sequence, comparing the state hash at each snapshot's sequence. */
        private static long replayAll(final ChronicleJournal journal, final Engine engine,
            final SnapshotsOnDisk snapshots, final List<String> snapshotLines, final UndecodableEntries undecodable)
        {
            final DurabilitySupport.Progress progress =
                new DurabilitySupport.Progress("verify", journal.lastSequence());
            // Every entry from the journal's start is checked; the engine applies those after its own sequence.
            final long count = journal.replay(engine.lastSequence() + 1,
                (sequence, timestampMs, payloadVersion, payload, offset, length) ->
            {
                CommandCatalog.requireReadableEntry(sequence, payloadVersion);
                if (CommandCatalog.check(payload, offset, length) != ResultCode.OK)
                {
                    undecodable.note(sequence);
                }
                engine.onCommand(sequence, timestampMs, payload, offset, length, ReplySink.NONE);
                progress.update(sequence);
                final SnapshotInfo snapshot = snapshots.readable.get(sequence);
                if (snapshot != null)
                {
                    final long hash = engine.stateHash();
                    final boolean match = hash == snapshot.stateHash();
                    snapshotLines.add("snapshot " + snapshot.file().getFileName() + ": state hash " +
                        (match ? "matches" : "MISMATCH (snapshot " + snapshot.stateHash() + ", replay " + hash +
                        ")") + " at sequence " + sequence);
                    snapshots.problems += match ? 0 : 1;
                }
            });
            for (final SnapshotInfo snapshot : snapshots.readable.tailMap(journal.lastSequence(), false).values())
            {
                snapshotLines.add("snapshot " + snapshot.file().getFileName() + ": BEYOND the journal's end " +
                    journal.lastSequence());
                snapshots.problems++;
            }
            return count;
        }

        /** The invariants, then the run's last line and exit code. */
        private static int report(final Engine engine, final long count, final SnapshotsOnDisk snapshots,
            final long startNs)
        {
            try
            {
                engine.verifyInvariants();
            }
            catch (final IllegalStateException ex)
            {
                System.out.println("invariant broken: " + ex.getMessage());
                return WodianMain.EXIT_REFUSED;
            }
            if (snapshots.problems > 0)
            {
                System.out.printf("replayed %d inputs: %d snapshot problem(s); lastSequence=%d stateHash=%d%n",
                    count, snapshots.problems, engine.lastSequence(), engine.stateHash());
                return WodianMain.EXIT_REFUSED;
            }
            System.out.printf("replayed %d inputs in %d ms: invariants hold%s; lastSequence=%d stateHash=%d%n",
                count, (System.nanoTime() - startNs) / 1_000_000, 0 == snapshots.unreadable ? "" :
                "; " + snapshots.unreadable + " snapshot(s) of another format not compared", engine.lastSequence(),
                engine.stateHash());
            return WodianMain.EXIT_OK;
        }
    }

    /**
     * The snapshots of a data directory as {@code journal verify} sees them: each damaged one is a problem, a sound
     * one of another engine format is named and not compared, the others are compared by sequence.
     */
    static final class SnapshotsOnDisk
    {
        final TreeMap<Long, SnapshotInfo> readable = new TreeMap<>();
        int problems;
        int unreadable;

        static SnapshotsOnDisk check(final SnapshotStore store)
        {
            final SnapshotsOnDisk snapshots = new SnapshotsOnDisk();
            if (store == null)
            {
                return snapshots;
            }
            for (final SnapshotInfo info : store.list())
            {
                final SnapshotInfo checked = SnapshotStore.inspect(info.file(), true);
                final String formatProblem = checked.isValid() ? EngineSnapshots.formatProblem(checked) : null;
                if (!checked.isValid())
                {
                    System.out.println("snapshot " + info.file().getFileName() + " DAMAGED: " + checked.problem());
                    snapshots.problems++;
                }
                else if (null != formatProblem)
                {
                    // Sound but of another engine format (an upgrade left it): its header hash is of another layout
                    // or hash version, so comparing it would report a mismatch that is not one.
                    System.out.println("snapshot " + info.file().getFileName() + " NOT COMPARED: " + formatProblem);
                    snapshots.unreadable++;
                }
                else if (checked.journalSequence() > 0)
                {
                    snapshots.readable.put(checked.journalSequence(), checked);
                }
            }
            return snapshots;
        }
    }

    /**
     * The state as of a past point, for audits: recovers from the newest snapshot at or before the point and replays
     * the journal up to it, then prints the balances of the parties asked for (as the engine answers a balance query
     * or a merchant statement) and the state hash at that point.
     */
    @Command(name = "replay", description = "State as of a journal sequence or a time (audit): print the balances of "
        + "the given consumers and merchants, and the state hash.")
    static final class Replay implements Callable<Integer>
    {
        @Option(names = "--data", required = true, description = "data directory of a server (or a journal directory)")
        Path dataDir;

        @Option(names = "--to", required = true, description = "a journal sequence (e.g. 1500000) or an ISO-8601 "
            + "time (e.g. 2026-11-25T06:00:00Z): the state after the last entry at or before it")
        String to;

        @Option(names = "--consumer", split = ",", description = "consumer ids whose balance to print")
        List<Long> consumers = new ArrayList<>();

        @Option(names = "--merchant", split = ",", description = "merchant ids whose statement to print")
        List<Long> merchants = new ArrayList<>();

        @CommandLine.Mixin
        EngineLimitsOptions engineLimits = new EngineLimitsOptions();

        @Option(names = "--no-snapshots", description = "replay from the first entry even when snapshots exist")
        boolean noSnapshots;

        @Override
        public Integer call()
        {
            if (!requireJournal(dataDir))
            {
                return WodianMain.EXIT_REFUSED;
            }
            final EngineConfig engineConfig = engineLimits.engineConfig(this);
            if (!underRecordedLimits(dataDir, engineConfig))
            {
                return WodianMain.EXIT_REFUSED;
            }
            try (ChronicleJournal journal = openJournal(dataDir))
            {
                final long toSequence = toSequence(journal);
                if (toSequence < 0)
                {
                    return WodianMain.EXIT_USAGE;
                }
                final DurabilitySupport.Progress progress = new DurabilitySupport.Progress("replay", toSequence);
                final EngineRecovery.Result result = EngineRecovery.recover(journal,
                    noSnapshots ? null : DurabilitySupport.snapshotStoreOrNull(dataDir), engineConfig, toSequence,
                    (line) -> System.err.println(line), progress::updateNow);
                result.tailer().close();
                final Engine engine = result.engine();
                System.err.println("recovered: " + result.describe());
                System.out.println("asOf sequence=" + engine.lastSequence() + " time=" +
                    Instant.ofEpochMilli(engine.nowMs()) + " stateHash=" + engine.stateHash());
                final CommandEncoder encoder = new CommandEncoder();
                final UnsafeBuffer request = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
                final ReplySink print = (buffer, offset, length) ->
                    System.out.println(MessageText.describe(buffer, offset, length));
                for (final long consumerId : consumers)
                {
                    engine.onQuery(request, 0, encoder.balanceQuery(request, 0, consumerId), print);
                }
                for (final long merchantId : merchants)
                {
                    engine.onQuery(request, 0, encoder.merchantStatementQuery(request, 0, merchantId), print);
                }
            }
            catch (final JournalCorruptException ex)
            {
                System.out.println("journal corrupt: " + ex.getMessage());
                return WodianMain.EXIT_REFUSED;
            }
            return WodianMain.EXIT_OK;
        }

        /** The sequence {@code --to} names: a number, or the last entry at or before a time. */
        private long toSequence(final ChronicleJournal journal)
        {
            try
            {
                return Long.parseLong(to);
            }
            catch (final NumberFormatException notANumber)
            {
                final long timeMs;
                try
                {
                    timeMs = Instant.parse(to).toEpochMilli();
                }
                catch (final DateTimeParseException ex)
                {
                    System.err.println("--to needs a journal sequence or an ISO-8601 time: " + to);
                    return -1;
                }
                // Timestamps come from the sequencer's clock: scan (reading only, no engine) to the first later one.
                // A journal that starts after a snapshot (an install, a prune) is scanned from its start.
                final long[] found = new long[]{journal.startSequence(), 0};
                try (JournalTailer tailer = journal.tailer(journal.startSequence() + 1, -1))
                {
                    final DurabilitySupport.Progress progress =
                        new DurabilitySupport.Progress("seek by time", journal.lastSequence());
                    while (found[1] == 0)
                    {
                        final long before = tailer.excerptsRead();
                        tailer.poll((sequence, timestampMs, version, payload, offset, length) ->
                        {
                            if (found[1] == 0 && timestampMs > timeMs)
                            {
                                found[1] = 1;
                            }
                            else if (found[1] == 0)
                            {
                                found[0] = sequence;
                            }
                        }, POLL_LIMIT);
                        progress.updateNow(tailer.nextSequence());
                        if (tailer.excerptsRead() == before)
                        {
                            break;
                        }
                    }
                }
                return found[0];
            }
        }
    }
}
