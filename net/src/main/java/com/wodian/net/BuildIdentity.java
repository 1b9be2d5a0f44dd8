package com.wodian.net;

import com.wodian.engine.Engine;
import com.wodian.net.cluster.transport.ReplicationDescriptor;
import com.wodian.protocol.CommandCatalog;

/**
 * What a node runs, in the terms a rolling upgrade needs (docs/operations.md, section 7): the release, the payload
 * schema it journals (and the oldest it reads), the engine snapshot formats it reads and the one it writes, and the
 * replication protocol its links speak. Printed by {@code wodian --version}, on the server's start line and as
 * {@code wodian_build_info} in {@code /metrics}.
 */
public final class BuildIdentity
{
    /** The release, as the parent pom's version without "-SNAPSHOT". */
    public static final String VERSION = "0.1.0";

    private BuildIdentity()
    {
    }

    public static int payloadSchema()
    {
        return CommandCatalog.SCHEMA_VERSION;
    }

    public static long snapshotFormat()
    {
        return Engine.SNAPSHOT_FORMAT_VERSION;
    }

    public static long oldestReadableSnapshotFormat()
    {
        return Engine.OLDEST_READABLE_SNAPSHOT_FORMAT;
    }

    public static int replicationProtocol()
    {
        return ReplicationDescriptor.PROTOCOL_VERSION;
    }

    /**
     * One line, e.g. {@code wodian 0.1.0 (payload schema 16, snapshot format 22, reads 14-22, replication protocol 1)}.
     */
    public static String describe()
    {
        return "wodian " + VERSION + " (payload schema " + payloadSchema() + ", snapshot format " + snapshotFormat() +
            ", reads " + oldestReadableSnapshotFormat() + "-" + snapshotFormat() + ", replication protocol " +
            replicationProtocol() + ")";
    }
}
