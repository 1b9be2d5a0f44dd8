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
 *     2^32 - 1 entries per day.</li>
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

    private final Path dir;
    private final DurabilityPolicy durabilityPolicy;
    private final RollCycle rollCycle;
    private final TimeProvider rollClock;

    /**
     * Settings with the defaults.
     *
     * @param dir directory of the journal; created by {@link ChronicleJournal#open(JournalConfig)} if missing.
     */
    public JournalConfig(final Path dir)
    {
        this(dir, DURABILITY_POLICY_DEFAULT, ROLL_CYCLE_DEFAULT, SystemTimeProvider.INSTANCE);
    }

    private JournalConfig(
        final Path dir,
        final DurabilityPolicy durabilityPolicy,
        final RollCycle rollCycle,
        final TimeProvider rollClock)
    {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.durabilityPolicy = Objects.requireNonNull(durabilityPolicy, "durabilityPolicy");
        this.rollCycle = Objects.requireNonNull(rollCycle, "rollCycle");
        this.rollClock = Objects.requireNonNull(rollClock, "rollClock");
    }

    /**
     * @param durabilityPolicy what {@link JournalWriter#endOfBatch()} does.
     * @return a copy of this config with the given durability policy.
     */
    public JournalConfig withDurabilityPolicy(final DurabilityPolicy durabilityPolicy)
    {
        return new JournalConfig(dir, durabilityPolicy, rollCycle, rollClock);
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
        return new JournalConfig(dir, durabilityPolicy, rollCycle, rollClock);
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
        return new JournalConfig(dir, durabilityPolicy, rollCycle, rollClock);
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
     * {@inheritDoc}
     */
    public String toString()
    {
        return "JournalConfig{dir=" + dir + ", durabilityPolicy=" + durabilityPolicy + ", rollCycle=" + rollCycle + '}';
    }
}
