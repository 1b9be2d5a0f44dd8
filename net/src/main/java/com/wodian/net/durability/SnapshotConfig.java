package com.wodian.net.durability;

/**
 * Snapshot settings of a server, in the style of {@link com.wodian.net.server.ServerConfig}: defaults from system
 * properties, overridden by the setters.
 *
 * <p>On a single server the snapshotter is off by default because it holds a second engine: at the default limits
 * (1,000,000 consumers) that is about 1.1 GB more heap. In a replica group it is on by default: a node that runs for
 * months must restart from a snapshot, not from its whole journal, and journal retention needs snapshots
 * (docs/replication.md); {@code --snapshots off} still turns it off. Recovery always starts from the newest valid
 * snapshot in the data directory, whether or not this server takes snapshots itself (they may come from
 * {@code wodian snapshot take}).
 */
public final class SnapshotConfig
{
    /** Whether the server runs a snapshotter (a replica engine following the journal). */
    public static final String ENABLED_PROP_NAME = "wodian.snapshot.enabled";
    public static final boolean ENABLED_DEFAULT = false;
    /** Default in a replica group. */
    public static final boolean ENABLED_IN_GROUP_DEFAULT = true;

    /** A snapshot every this many journaled inputs; 0 for none. */
    public static final String INTERVAL_INPUTS_PROP_NAME = "wodian.snapshot.interval.inputs";
    public static final long INTERVAL_INPUTS_DEFAULT = 1_000_000;

    /** A snapshot every this many milliseconds when inputs arrived since the last one; 0 for none. */
    public static final String INTERVAL_MS_PROP_NAME = "wodian.snapshot.interval.ms";
    public static final long INTERVAL_MS_DEFAULT = 10 * 60 * 1000;

    /** Snapshot files kept; older ones are deleted after each new snapshot. */
    public static final String RETAIN_COUNT_PROP_NAME = "wodian.snapshot.retain";
    public static final int RETAIN_COUNT_DEFAULT = 3;

    /** Subdirectory of the data directory that holds the snapshot files. */
    public static final String SNAPSHOT_DIR_NAME = "snapshots";

    /** Null until set (by the property or {@link #enabled(boolean)}): then the default depends on the mode. */
    private Boolean enabled = null == System.getProperty(ENABLED_PROP_NAME) ? null :
        Boolean.parseBoolean(System.getProperty(ENABLED_PROP_NAME));
    private long intervalInputs = Long.getLong(INTERVAL_INPUTS_PROP_NAME, INTERVAL_INPUTS_DEFAULT);
    private long intervalMs = Long.getLong(INTERVAL_MS_PROP_NAME, INTERVAL_MS_DEFAULT);
    private int retainCount = Integer.getInteger(RETAIN_COUNT_PROP_NAME, RETAIN_COUNT_DEFAULT);

    public SnapshotConfig enabled(final boolean enabled)
    {
        this.enabled = enabled;
        return this;
    }

    /** @return whether a single server runs a snapshotter: as set, else {@link #ENABLED_DEFAULT}. */
    public boolean enabled()
    {
        return isEnabledFor(false);
    }

    /**
     * @return whether the snapshotter runs: as set, else {@link #ENABLED_IN_GROUP_DEFAULT} for a node of a replica
     * group and {@link #ENABLED_DEFAULT} for a single server.
     */
    public boolean isEnabledFor(final boolean replicaGroup)
    {
        return null != enabled ? enabled : replicaGroup ? ENABLED_IN_GROUP_DEFAULT : ENABLED_DEFAULT;
    }

    public SnapshotConfig intervalInputs(final long intervalInputs)
    {
        this.intervalInputs = intervalInputs;
        return this;
    }

    public long intervalInputs()
    {
        return intervalInputs;
    }

    public SnapshotConfig intervalMs(final long intervalMs)
    {
        this.intervalMs = intervalMs;
        return this;
    }

    public long intervalMs()
    {
        return intervalMs;
    }

    public SnapshotConfig retainCount(final int retainCount)
    {
        this.retainCount = retainCount;
        return this;
    }

    public int retainCount()
    {
        return retainCount;
    }

    /**
     * @throws IllegalArgumentException when a value is out of range.
     */
    public void validate()
    {
        if (intervalInputs < 0 || intervalMs < 0)
        {
            throw new IllegalArgumentException("snapshot intervals must be >= 0: inputs=" + intervalInputs +
                " ms=" + intervalMs);
        }
        if (retainCount < 1)
        {
            throw new IllegalArgumentException("snapshot retain count must be >= 1: " + retainCount);
        }
    }

    public String toString()
    {
        return "SnapshotConfig{enabled=" + enabled + ", intervalInputs=" + intervalInputs + ", intervalMs=" +
            intervalMs + ", retainCount=" + retainCount + '}';
    }
}
