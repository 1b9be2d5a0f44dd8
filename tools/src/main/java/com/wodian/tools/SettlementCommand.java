package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.consensus.storage.CommitMark;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.net.server.WodianServer;
import com.wodian.net.durability.EngineLimitsFile;
import com.wodian.tools.settlement.BalanceRoll;
import com.wodian.tools.settlement.FundsRow;
import com.wodian.tools.settlement.SettlementBuilder;
import com.wodian.tools.settlement.SettlementFiles;
import com.wodian.tools.settlement.SettlementRow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code wodian settlement}: a business day's settlement files, offline from a server's journal
 * (docs/settlement.md). Reads the journal and snapshots only; safe next to a running server. Refuses a day the
 * journal has not closed (no committed entry stamped after the day's end) unless {@code --allow-open-day}, a day
 * that begins before the journal does (a node rebuilt from a snapshot), and an output directory that already holds
 * settlement files unless {@code --replace}.
 */
@Command(name = "settlement", description = "Write a business day's settlement files from the journal " +
    "(docs/settlement.md).")
public final class SettlementCommand implements Callable<Integer>
{
    @Option(names = "--data", required = true, description = "data directory of a server (journal, snapshots)")
    Path dataDir;

    @Option(names = "--date", required = true, description = "business day, YYYY-MM-DD")
    LocalDate date;

    @Option(names = "--zone", defaultValue = "Asia/Shanghai", description = "time zone of the business day " +
        "(default: ${DEFAULT-VALUE})")
    ZoneId zone;

    @Option(names = "--out", required = true, description = "directory for the files")
    Path outDir;

    @Option(names = "--allow-open-day", description = "settle a day this journal has not closed yet (no committed " +
        "entry stamped after the day's end): a provisional settlement, e.g. of the day so far")
    boolean allowOpenDay;

    @Option(names = "--replace", description = "replace the settlement files already in --out (by default a " +
        "directory that holds any is refused)")
    boolean replace;

    @Option(names = "--key", description = "settlement key file (64 hex digits, e.g. openssl rand -hex 32): the " +
        "manifest ends with its HMAC-SHA256, checked by settlement-verify (docs/settlement.md)")
    Path keyFile;

    @CommandLine.Mixin
    EngineLimitsOptions engineLimits = new EngineLimitsOptions();

    @Override
    public Integer call() throws Exception
    {
        if (!JournalCommand.requireJournal(dataDir))
        {
            return WodianMain.EXIT_REFUSED;
        }
        try
        {
            final byte[] key = null == keyFile ? null : loadKey(keyFile);
            System.out.println(write(dataDir, date, zone, outDir, engineLimits.engineConfig(this), allowOpenDay,
                replace, key));
        }
        catch (final Refused refused)
        {
            System.err.println("error: " + refused.getMessage());
            return WodianMain.EXIT_REFUSED;
        }
        return WodianMain.EXIT_OK;
    }

    /** The settlement key, read before any work: a bad key file is refused like a day that is not closed. */
    private static byte[] loadKey(final Path keyFile)
    {
        try
        {
            return com.wodian.tools.settlement.SettlementKey.load(keyFile);
        }
        catch (final IOException ex)
        {
            throw new Refused(ex.getMessage());
        }
    }

    /** A day the command will not settle, or files it will not overwrite: a message for the operator, exit 1. */
    static final class Refused extends RuntimeException
    {
        Refused(final String message)
        {
            super(message, null, false, false);
        }
    }

    /**
     * Writes a day's settlement files; returns a line saying what was written where.
     *
     * @param allowOpenDay settle also a day the journal has not closed (committed) yet.
     * @param replace      replace settlement files already in {@code outDir}.
     * @throws Refused when the day is not closed (and not {@code allowOpenDay}) or {@code outDir} holds settlement
     *                 files (and not {@code replace}); nothing is written then.
     */
    static String write(final Path dataDir, final LocalDate date, final ZoneId zone, final Path outDir,
        final EngineConfig engineConfig, final boolean allowOpenDay, final boolean replace) throws IOException
    {
        return write(dataDir, date, zone, outDir, engineConfig, allowOpenDay, replace, null);
    }

    /** As above; {@code key} (or null) keys the manifest with its HMAC (docs/settlement.md, "Keyed manifest"). */
    static String write(final Path dataDir, final LocalDate date, final ZoneId zone, final Path outDir,
        final EngineConfig engineConfig, final boolean allowOpenDay, final boolean replace, final byte[] key)
        throws IOException
    {
        final List<Path> earlierFiles = SettlementFiles.existingFiles(outDir);
        if (!earlierFiles.isEmpty() && !replace)
        {
            throw new Refused(outDir + " already holds settlement files (" + earlierFiles.get(0).getFileName() +
                (earlierFiles.size() > 1 ? " and " + (earlierFiles.size() - 1) + " more" : "") + "): nothing " +
                "written; pass --replace to replace them, or another --out");
        }
        requireRecordedLimits(dataDir, engineConfig);
        final long fromMs = date.atStartOfDay(zone).toInstant().toEpochMilli();
        final long toMs = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        final List<SettlementRow> rows;
        final List<BalanceRoll.Line> balances;
        final List<FundsRow> funds;
        final BalanceRoll.PlatformLine platform;
        final String journalNote;
        final SettlementBuilder.DayWindow window;
        try (ChronicleJournal journal = JournalCommand.openJournal(dataDir))
        {
            final SettlementBuilder builder = new SettlementBuilder();
            window = builder.scan(journal, fromMs, toMs, committedSequence(dataDir));
            if (!allowOpenDay && !window.closed())
            {
                throw new Refused(notClosed(dataDir, date, zone, window));
            }
            rows = builder.build(journal, DurabilitySupport.snapshotStoreOrNull(dataDir), engineConfig, window);
            balances = builder.balances();
            funds = builder.funds();
            platform = builder.platform();
            journalNote = builder.journalNote();
        }
        catch (final SettlementBuilder.DayNotInJournal partial)
        {
            throw new Refused("day " + date + " " + zone.getId() + " cannot be settled from the journal of " +
                dataDir + ": " + partial.getMessage());
        }
        for (final Path earlier : earlierFiles)
        {
            // A replaced run may have had merchants this one has not: their files would disagree with the manifest.
            Files.delete(earlier);
        }
        final String provisional = window.closed() ? null : "PROVISIONAL: the day was not closed in this journal " +
            "(settled up to sequence " + window.lastOfDay() + ", --allow-open-day); not for payment";
        final List<String> notes = new ArrayList<>();
        notes.add(journalNote);
        if (null != provisional)
        {
            notes.add(provisional);
        }
        final List<Path> files = SettlementFiles.write(outDir, date, zone, rows, balances, platform, funds, notes,
            key);
        return "settlement " + date + " " + zone.getId() + ": " + rows.size() + " rows, " + (files.size() - 5) +
            " merchant files, balances, funds, platform, summary and manifest (SHA-256" +
            (null == key ? "" : ", keyed: HMAC-SHA256") +
            ") in " + outDir.toAbsolutePath() +
            (null == provisional ? "" : " (" + provisional + ")");
    }

    /**
     * The replay must decide under the limits the server did (a LIMIT_KEYS refusal or a forgotten key would come out
     * differently, and the files would show other money): refused when the directory records other ones.
     */
    private static void requireRecordedLimits(final Path dataDir, final EngineConfig engineConfig)
    {
        try
        {
            EngineLimitsFile.checkIfRecorded(dataDir, engineConfig);
        }
        catch (final IOException differ)
        {
            throw new Refused("nothing written: " + differ.getMessage());
        }
    }

    /**
     * The sequence up to which the journal is known to be committed: all of it on a single server; on a replica
     * group member (a {@code term-store} or {@code commit-mark} beside the journal) its commit mark, because a new
     * primary may cut the tail beyond it (docs/replication.md).
     */
    private static long committedSequence(final Path dataDir)
    {
        final Path commitMark = dataDir.resolve(JournalReplicaLog.COMMIT_MARK_FILE_NAME);
        final boolean groupMember = Files.exists(commitMark) ||
            Files.exists(dataDir.resolve(WodianServer.TERM_STORE_FILE_NAME));
        return groupMember ? new CommitMark(commitMark).index() : SettlementBuilder.ALL_COMMITTED;
    }

    private static String notClosed(final Path dataDir, final LocalDate date, final ZoneId zone,
        final SettlementBuilder.DayWindow window)
    {
        final DateTimeFormatter time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(zone);
        final String day = "day " + date + " " + zone.getId();
        if (window.endedButNotCommitted())
        {
            return day + " is not committed yet in " + dataDir + ", a replica group member: its commit mark (" +
                JournalReplicaLog.COMMIT_MARK_FILE_NAME + ") is at sequence " + window.committedSequence() +
                ", the day's last entry is sequence " + window.lastOfDay() + " and no committed entry after it is " +
                "stamped at or after the day's end; a new primary may still cut the entries beyond the mark. " +
                "Run it on the primary's data directory, or again once this node has caught up";
        }
        final String last = 0 == window.lastOfDayTimestampMs() ? "it holds no entry before the day's end" :
            "its last entry of the day is sequence " + window.lastOfDay() + " at " +
            time.format(Instant.ofEpochMilli(window.lastOfDayTimestampMs()));
        return day + " is not closed in the journal of " + dataDir + ": " + last + ", and no entry after it is " +
            "stamped at or after the day's end (" + time.format(Instant.ofEpochMilli(window.toMs())) + "), so " +
            "more entries of the day may still come (a running server journals a Tick every second; a standby or " +
            "a copy may lag). Run it after the day ended, on the primary's data directory, or pass " +
            "--allow-open-day for a provisional settlement";
    }
}
