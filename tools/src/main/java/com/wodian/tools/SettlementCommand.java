package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.tools.settlement.SettlementBuilder;
import com.wodian.tools.settlement.SettlementFiles;
import com.wodian.tools.settlement.SettlementRow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code wodian settlement}: a business day's settlement files, offline from a server's journal
 * (docs/settlement.md). Reads the journal and snapshots only; safe next to a running server.
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

    @CommandLine.Mixin
    EngineLimitsOptions engineLimits = new EngineLimitsOptions();

    @Override
    public Integer call() throws Exception
    {
        if (!Files.isDirectory(dataDir))
        {
            System.err.println("no such directory: " + dataDir);
            return WodianMain.EXIT_REFUSED;
        }
        System.out.println(write(dataDir, date, zone, outDir, engineLimits.engineConfig(this)));
        return WodianMain.EXIT_OK;
    }

    /** Writes a day's settlement files; returns a line saying what was written where. */
    static String write(final Path dataDir, final LocalDate date, final ZoneId zone, final Path outDir,
        final EngineConfig engineConfig) throws java.io.IOException
    {
        final long fromMs = date.atStartOfDay(zone).toInstant().toEpochMilli();
        final long toMs = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        final List<SettlementRow> rows;
        try (ChronicleJournal journal = JournalCommand.openJournal(dataDir))
        {
            rows = new SettlementBuilder().build(journal, DurabilitySupport.snapshotStoreOrNull(dataDir), engineConfig,
                fromMs, toMs);
        }
        final List<Path> files = SettlementFiles.write(outDir, date, zone, rows);
        return "settlement " + date + " " + zone.getId() + ": " + rows.size() + " rows, " + (files.size() - 2) +
            " merchant files, summary and manifest (SHA-256) in " + outDir.toAbsolutePath();
    }
}
