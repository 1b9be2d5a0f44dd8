package com.wodian.journal;

import java.nio.file.Path;
import java.util.Objects;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

/**
 * Immutable settings of a {@link ChronicleJournal}. Start from {@link #JournalConfig(Path)}, which applies the
 * defaults, and change what is needed with the {@code with*} methods, each of which returns a new instance.
 * <p>
 * Defaults:
 * <ul>
 *     <li>durability policy: {@link #DURABILITY_POLICY_DEFAULT} ({@link DurabilityPolicy#SYNC}), because a payments
 *     journal must not lose an acknowledged command to a power cut unless someone chose that trade-off;</li>
 *     <li>roll cycle: {@link #ROLL_CYCLE_DEFAULT} ({@link RollCycles#FAST_DAILY}): one file per UTC day, up to
 *     2^32 - 1 entries per day;</li>
 *     <li>write-ahead: {@link #WRITE_AHEAD_BYTES_DEFAULT} (4 MiB): with {@link DurabilityPolicy#PAGE_CACHE}, how far
 *     ahead of the appender {@link JournalWriter#mapAhead()} write-faults the journal file's pages.</li>
 * </ul>
 */
public final class JournalConfig
{
    /**
     * Durability policy unless {@link #withDurabilityPolicy(DurabilityPolicy)} says otherwise.
     */
    public static final DurabilityPolicy DURABILITY_POLICY_DEFAULT = DurabilityPolicy.SYNC;

    /**
     * Roll cycle unless {@link #withRollCycle(RollCycle)} says otherwise.
     */
    public static final RollCycle ROLL_CYCLE_DEFAULT = RollCycles.FAST_DAILY;

    /**
     * Write-ahead unless {@link #withWriteAheadBytes(long)} says otherwise: at the metrics thread's five map-ahead
     * calls a second, 4 MiB stays ahead of ~1 MB/s per call, over 200,000 Pay entries a second.
     */
    public static final long WRITE_AHEAD_BYTES_DEFAULT = JournalWriteAhead.AHEAD_BYTES_DEFAULT;

    private final Path dir;
    private final DurabilityPolicy durabilityPolicy;
    private final RollCycle rollCycle;
    private final TimeProvider rollClock;
    private final long writeAheadBytes;

    /**
     * Settings with the defaults.
     *
     * @param dir directory of the journal; created by {@link ChronicleJournal#open(JournalConfig)} if missing.
     */
    public JournalConfig(final Path dir)
    {
        this(dir, DURABILITY_POLICY_DEFAULT, ROLL_CYCLE_DEFAULT, SystemTimeProvider.INSTANCE,
            WRITE_AHEAD_BYTES_DEFAULT);
    }

    private JournalConfig(
        final Path dir,
        final DurabilityPolicy durabilityPolicy,
        final RollCycle rollCycle,
        final TimeProvider rollClock,
        final long writeAheadBytes)
    {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.durabilityPolicy = Objects.requireNonNull(durabilityPolicy, "durabilityPolicy");
        this.rollCycle = Objects.requireNonNull(rollCycle, "rollCycle");
        this.rollClock = Objects.requireNonNull(rollClock, "rollClock");
        if (writeAheadBytes < 0)
        {
            throw new IllegalArgumentException("writeAheadBytes " + writeAheadBytes + " < 0");
        }
        this.writeAheadBytes = writeAheadBytes;
    }

    /**
     * @param durabilityPolicy what {@link JournalWriter#endOfBatch()} does.
     * @return a copy of this config with the given durability policy.
     */
    public JournalConfig withDurabilityPolicy(final DurabilityPolicy durabilityPolicy)
    {
        return new JournalConfig(dir, durabilityPolicy, rollCycle, rollClock, writeAheadBytes);
    }

    /**
     * Applies to a new journal only: an existing one keeps the roll cycle recorded in its metadata, and Chronicle
     * Queue silently ignores a different one given here.
     *
     * @param rollCycle how often Chronicle Queue starts a new file.
     * @return a copy of this config with the given roll cycle.
     */
    public JournalConfig withRollCycle(final RollCycle rollCycle)
    {
        return new JournalConfig(dir, durabilityPolicy, rollCycle, rollClock, writeAheadBytes);
    }

    /**
     * Clock that decides when Chronicle Queue rolls to a new file. Only tests change it (here and in tools), to roll
     * on demand; the entries' own timestamps come from the caller and are unaffected.
     *
     * @param rollClock the clock.
     * @return a copy of this config with the given clock.
     */
    public JournalConfig withRollClock(final TimeProvider rollClock)
    {
        return new JournalConfig(dir, durabilityPolicy, rollCycle, rollClock, writeAheadBytes);
    }

    /**
     * How far ahead of the appender {@link JournalWriter#mapAhead()} write-faults the journal file's pages, so that
     * neither an append nor the writing thread's {@link JournalWriter#touchAhead()} takes a page's first-write fault
     * (on ext4 tens to hundreds of microseconds: docs/history/latency-sessions.md, "Fresh-page write faults on ext4").
     * {@link DurabilityPolicy#PAGE_CACHE} only: under SYNC every force cleans the pages again.
     *
     * @param writeAheadBytes bytes past the write position; 0 leaves every first write to the writing thread.
     * @return a copy of this config with the given write-ahead.
     */
    public JournalConfig withWriteAheadBytes(final long writeAheadBytes)
    {
        return new JournalConfig(dir, durabilityPolicy, rollCycle, rollClock, writeAheadBytes);
    }

    /**
     * @return directory of the journal.
     */
    public Path dir()
    {
        return dir;
    }

    /**
     * @return what {@link JournalWriter#endOfBatch()} does.
     */
    public DurabilityPolicy durabilityPolicy()
    {
        return durabilityPolicy;
    }

    /**
     * @return how often Chronicle Queue starts a new file.
     */
    public RollCycle rollCycle()
    {
        return rollCycle;
    }

    TimeProvider rollClock()
    {
        return rollClock;
    }

    /**
     * @return bytes ahead of the appender whose pages {@link JournalWriter#mapAhead()} write-faults (page cache only).
     */
    public long writeAheadBytes()
    {
        return writeAheadBytes;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "JournalConfig{dir=" + dir + ", durabilityPolicy=" + durabilityPolicy + ", rollCycle=" + rollCycle +
            ", writeAheadBytes=" + writeAheadBytes + '}';
    }
}
