package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.SnapshotStore;
import com.wodian.net.durability.SnapshotConfig;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the journal, replay and snapshot commands share: engine limits, the data layout, progress lines. */
final class DurabilitySupport
{
    private DurabilitySupport()
    {
    }

    /** Engine limits by name, as the server's {@code --limits}. */
    static EngineConfig limits(final String name, final Object command)
    {
        switch (name)
        {
            case "default":
                return new EngineConfig();
            case "small":
                return EngineConfig.small();
            default:
                throw new CommandLine.ParameterException(new CommandLine(command),
                    "--limits must be default or small: " + name);
        }
    }

    /**
     * The snapshot directory of a data directory ({@code DIR/snapshots}), or null when it has none (a bare journal
     * directory given as {@code --data}).
     */
    static SnapshotStore snapshotStoreOrNull(final Path dataDir)
    {
        final Path snapshots = dataDir.resolve(SnapshotConfig.SNAPSHOT_DIR_NAME);
        // A reader: it never deletes the temp file a running server's snapshotter may be writing.
        return Files.isDirectory(snapshots) ? new SnapshotStore(snapshots, Integer.MAX_VALUE, false) : null;
    }

    /** The snapshot directory of a data directory, created if needed, keeping {@code retainCount} files. */
    static SnapshotStore snapshotStore(final Path dataDir, final int retainCount)
    {
        return new SnapshotStore(dataDir.resolve(SnapshotConfig.SNAPSHOT_DIR_NAME), retainCount);
    }

    /**
     * Progress of a long run as lines on standard error, at most one every two seconds: a progress bar that works in
     * logs too.
     */
    static final class Progress
    {
        private static final long PERIOD_NS = 2_000_000_000L;

        private final String what;
        private final long total;
        private final PrintStream err = System.err;
        private final long startNs = System.nanoTime();
        private long nextReportNs = startNs + PERIOD_NS;
        private long calls;

        /**
         * @param what  what is counted ("replay").
         * @param total expected count, or 0 when unknown.
         */
        Progress(final String what, final long total)
        {
            this.what = what;
            this.total = total;
        }

        /** Call often; cheap unless a line is due. */
        void update(final long done)
        {
            if ((++calls & 0x3F) == 0)
            {
                updateNow(done);
            }
        }

        /** Call once per batch: checks the clock every time. */
        void updateNow(final long done)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - nextReportNs >= 0)
            {
                nextReportNs = nowNs + PERIOD_NS;
                report(done, nowNs);
            }
        }

        private void report(final long done, final long nowNs)
        {
            final double seconds = (nowNs - startNs) / 1e9;
            final long rate = (long)(done / Math.max(seconds, 1e-9));
            if (total > 0)
            {
                final int percent = (int)(100 * done / total);
                final int filled = percent / 5;
                err.printf("%s [%s%s] %d%% %,d/%,d entries, %,d/s%n", what, "#".repeat(filled),
                    ".".repeat(20 - filled), percent, done, total, rate);
            }
            else
            {
                err.printf("%s: %,d entries, %,d/s%n", what, done, rate);
            }
        }
    }
}
