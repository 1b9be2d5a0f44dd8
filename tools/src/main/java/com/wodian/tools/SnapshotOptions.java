package com.wodian.tools;

import picocli.CommandLine.Option;

/** The server's snapshot options, shared by {@code wodian server}; passed on to ServerMain with the others. */
final class SnapshotOptions
{
    @Option(names = "--snapshots", description = "run the snapshotter (a replica engine: doubles the engine's memory):"
        + " on or off (default off for a server alone, on in a replica group)")
    String snapshots;

    @Option(names = "--snapshot-every-inputs", description = "a snapshot every N journaled inputs (default 1000000)")
    Long everyInputs;

    @Option(names = "--snapshot-every-ms", description = "a snapshot every N ms if inputs arrived (default 600000)")
    Long everyMs;

    @Option(names = "--snapshot-retain", description = "snapshot files kept (default 3)")
    Integer retain;
}
