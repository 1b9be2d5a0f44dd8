package com.wodian.net.durability;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.journal.SnapshotDescriptor;
import com.wodian.journal.SnapshotInput;
import com.wodian.journal.SnapshotOutput;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The engine's state in a {@link SnapshotStore} file: {@link Engine#writeSnapshot} streamed into the store's
 * checksummed payload, with the engine's last sequence, time and state hash in the header. The engine's own stream
 * carries its limits and a state hash, so a snapshot taken with other limits, or one that restores to another hash,
 * is refused (and recovery falls back to an older snapshot). The header's hash is for tools ({@code journal verify},
 * {@code snapshot list}) and standbys comparing states without loading the file.
 */
public final class EngineSnapshots
{
    private EngineSnapshots()
    {
    }

    /**
     * Write the engine's current state as a snapshot. Call on the thread that owns the engine, between inputs.
     *
     * @param engine         the engine (a replica or an off-line replay: writing costs a pass over all state).
     * @param store          where to write.
     * @param chronicleIndex Chronicle index of the journal entry at {@link Engine#lastSequence()}, or -1.
     * @return what was written.
     */
    public static SnapshotInfo write(final Engine engine, final SnapshotStore store, final long chronicleIndex)
    {
        return store.write(engine.lastSequence(), chronicleIndex, engine.nowMs(), engine.stateHash(),
            (output) -> engine.writeSnapshot(writer(output)));
    }

    /**
     * A new engine restored from a verified snapshot payload; checks that it is at the header's sequence and hash.
     *
     * @throws IllegalStateException when the snapshot does not fit this engine or restores to another state.
     */
    public static Engine load(final EngineConfig config, final SnapshotInfo info, final SnapshotInput input)
    {
        return load(new Engine(config), info, input);
    }

    /**
     * Restore a verified snapshot payload into a fresh engine (one that has applied no input); checks that it is at
     * the header's sequence and hash.
     *
     * @throws IllegalStateException when the snapshot does not fit this engine or restores to another state.
     */
    public static Engine load(final Engine engine, final SnapshotInfo info, final SnapshotInput input)
    {
        // readSnapshot checks the restored state against the hash at the end of the engine's stream, which the
        // writer took in the same call as the header's: a second pass over the state here would cost ~0.5 s at a
        // million consumers and find nothing more. The sequence is checked, to catch a header from another file.
        engine.readSnapshot(reader(input));
        if (engine.lastSequence() != info.journalSequence())
        {
            throw new IllegalStateException("snapshot restores sequence " + engine.lastSequence() +
                ", its header says sequence " + info.journalSequence());
        }
        return engine;
    }

    /**
     * Whether this version's engine can read the snapshot's payload at all, from the payload's first two longs (the
     * engine stream's magic and format; {@link Engine#snapshotFormatProblem}). Reads 16 bytes, so tools can say
     * "format N, not readable by this version" of every snapshot they list, and recovery can skip such a snapshot
     * before it builds an engine for it. Call on a snapshot whose header the store has checked.
     *
     * @param info a snapshot with a sound header.
     * @return null when the engine reads the payload's format, else why not (one sentence).
     */
    public static String formatProblem(final SnapshotInfo info)
    {
        if (info.payloadLength() < 2 * Long.BYTES)
        {
            return "payload of " + info.payloadLength() + " bytes is too short for an engine snapshot";
        }
        final ByteBuffer start = ByteBuffer.allocate(2 * Long.BYTES).order(SnapshotDescriptor.BYTE_ORDER);
        try (FileChannel channel = FileChannel.open(info.file(), StandardOpenOption.READ))
        {
            while (start.hasRemaining() &&
                channel.read(start, SnapshotDescriptor.HEADER_LENGTH + start.position()) >= 0)
            {
                // Read until both longs are in or the file ends.
            }
        }
        catch (final IOException ex)
        {
            return "cannot read: " + ex;
        }
        if (start.hasRemaining())
        {
            return "file ends inside the payload's first 16 bytes";
        }
        return Engine.snapshotFormatProblem(start.getLong(0), start.getLong(Long.BYTES));
    }

    static SnapshotWriter writer(final SnapshotOutput output)
    {
        return new SnapshotWriter()
        {
            public void writeLong(final long value)
            {
                output.writeLong(value);
            }

            public void writeLongs(final long[] values, final int count)
            {
                output.writeLongs(values, count);
            }

            public void writeInts(final int[] values, final int count)
            {
                output.writeInts(values, count);
            }

            public void writeValues(final long[] values, final int offset, final int count)
            {
                output.writeValues(values, offset, count);
            }
        };
    }

    static SnapshotReader reader(final SnapshotInput input)
    {
        return new SnapshotReader()
        {
            public long readLong()
            {
                return input.readLong();
            }

            public int readLongs(final long[] values)
            {
                return input.readLongs(values);
            }

            public int readInts(final int[] values)
            {
                return input.readInts(values);
            }

            public void readValues(final long[] values, final int offset, final int count)
            {
                input.readValues(values, offset, count);
            }
        };
    }
}
