package com.wodian.journal;

import java.nio.ByteOrder;

/**
 * Binary layout of a snapshot file written by {@link SnapshotStore}: a fixed 64-byte header, then the payload (an
 * opaque stream of primitives, see {@link SnapshotOutput}). All fields little-endian.
 * <pre>
 *   offset  size  field
 *        0     8  magic "WODNSNAP" ({@link #MAGIC})
 *        8     4  formatVersion ({@link #FORMAT_VERSION})
 *       12     4  headerLength ({@link #HEADER_LENGTH})
 *       16     8  journalSequence: the state is that after applying every journal entry up to this sequence
 *       24     8  chronicleIndex: Chronicle Queue index of that entry (a seek hint; -1 when unknown)
 *       32     8  timestampMs: the state's time (for the engine: the largest entry timestamp up to that sequence)
 *       40     8  stateHash: what the state machine reported for the state (checked after loading)
 *       48     8  payloadLength in bytes
 *       56     4  payloadChecksum: CRC32C of the payload
 *       60     4  headerChecksum: CRC32C of bytes [0, 60)
 *       64        payload
 * </pre>
 */
public final class SnapshotDescriptor
{
    /** Byte order of every field, header and payload. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** "WODNSNAP" read as a little-endian long. */
    public static final long MAGIC = 0x50414E534E444F57L;

    /** The only header layout written and read by this code. */
    public static final int FORMAT_VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int JOURNAL_SEQUENCE_OFFSET = 16;
    public static final int CHRONICLE_INDEX_OFFSET = 24;
    public static final int TIMESTAMP_OFFSET = 32;
    public static final int STATE_HASH_OFFSET = 40;
    public static final int PAYLOAD_LENGTH_OFFSET = 48;
    public static final int PAYLOAD_CHECKSUM_OFFSET = 56;
    public static final int HEADER_CHECKSUM_OFFSET = 60;

    /** Length of the header, which is also the offset of the payload. */
    public static final int HEADER_LENGTH = 64;

    /** Snapshot file names: {@code snapshot-<journal sequence, 20 digits>.wsnap}, so names sort by sequence. */
    public static final String FILE_PREFIX = "snapshot-";
    public static final String FILE_SUFFIX = ".wsnap";

    /** Suffix of a file being written; renamed to the final name only when complete and forced to disk. */
    public static final String TEMP_SUFFIX = ".tmp";

    private SnapshotDescriptor()
    {
    }

    /**
     * @param journalSequence the journal sequence of the snapshot.
     * @return the file name of the snapshot at this journal sequence.
     */
    public static String fileName(final long journalSequence)
    {
        return FILE_PREFIX + String.format("%020d", journalSequence) + FILE_SUFFIX;
    }
}
