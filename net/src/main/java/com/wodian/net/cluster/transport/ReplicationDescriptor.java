package com.wodian.net.cluster.transport;

import java.nio.ByteOrder;

/**
 * Binary layout of one replication frame, the same on every connection between two nodes of a replica group. The
 * message is SBE (net/src/main/resources/sbe/replication-schema.xml, package
 * {@code com.wodian.net.cluster.transport.sbe}); all fields are little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            messageLength (int32): bytes that follow           |  offset 0
 *  +---------------------------------------------------------------+
 *  |   SBE message: 8-byte header (blockLength, templateId,       ...  offset 4
 *  |   schemaId, version: uint16 each) followed by the body        |
 *  +---------------------------------------------------------------+
 * </pre>
 * The first frame on a connection is a Hello (protocolVersion, fromNodeId, toNodeId, groupName); a connection is
 * one-way: the node that dialled sends, the node that accepted receives.
 *
 * <p>AppendEntries body (root block 36 bytes, then the entries group):
 * <pre>
 *   offset  0 term (int64) | 8 fromNodeId (int32) | 12 prevLogIndex (int64) | 20 prevLogTerm (int64)
 *   offset 28 leaderCommitIndex (int64)
 *   offset 36 group header: blockLength (uint16) = 20, numInGroup (uint16)
 *   per entry: term (int64), timestampMs (int64), payloadVersion (int32), payload length (uint32), payload bytes
 *   (at most {@link #ENTRY_PAYLOAD_LENGTH_MAX}; payloadVersion 0 to 0xFFFF, as the journal takes them)
 * </pre>
 */
public final class ReplicationDescriptor
{
    /** Byte order of the length prefix and of the SBE message. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Length of the int32 message length in front of every message. */
    public static final int LENGTH_FIELD_LENGTH = 4;

    /** Offset of the SBE message within a frame. */
    public static final int MESSAGE_OFFSET = LENGTH_FIELD_LENGTH;

    /**
     * Version carried in the hello. Raised on any change a node of the previous version could not read; a
     * connection whose hello carries another version is closed.
     */
    public static final int PROTOCOL_VERSION = 1;

    /**
     * First schema version (the SBE header's, every message's) whose nodes read PreVote and PreVoteReply. A node of
     * an older build closes the link on a template it does not know, so a PreVote goes only to a peer whose hello is
     * of this version or later; an older peer counts as a yes after a grace ({@code PreVote}, docs/replication.md
     * "Rolling upgrades").
     */
    public static final int PRE_VOTE_SCHEMA_VERSION = 4;

    /** Longest group name (UTF-8 bytes) a hello may carry. */
    public static final int GROUP_NAME_LENGTH_MAX = 256;

    /**
     * Longest entry payload an AppendEntries may carry: what a journal entry holds
     * ({@link com.wodian.journal.JournalEntryDescriptor#MAX_PAYLOAD_LENGTH}, 1,024 bytes; a command is at most 256,
     * {@code CommandCatalog.MAX_MESSAGE_LENGTH}). The decoder refuses a longer one (the link is closed as for any
     * malformed frame); the follower's journal would refuse it, stopping the node.
     */
    public static final int ENTRY_PAYLOAD_LENGTH_MAX = com.wodian.journal.JournalEntryDescriptor.MAX_PAYLOAD_LENGTH;

    /** Default largest SBE message a node accepts (and sends): 1 MiB. */
    public static final int MESSAGE_LENGTH_MAX_DEFAULT = 1024 * 1024;

    /** Default size of each peer's outbound buffer: 8 MiB. A message that does not fit is dropped. */
    public static final int OUTBOUND_BUFFER_LENGTH_DEFAULT = 8 * 1024 * 1024;

    /** First delay before redialling a peer; doubled on each failure up to {@link #RECONNECT_DELAY_MS_MAX}. */
    public static final long RECONNECT_DELAY_MS_MIN = 20;

    /** Longest delay between two dials of the same peer. */
    public static final long RECONNECT_DELAY_MS_MAX = 500;

    /**
     * How long an accepted connection may stay without a complete hello before it is closed, so that strays and
     * half-open dials cannot hold the connection slots that the peers need.
     */
    public static final long HELLO_TIMEOUT_MS = 5_000;

    /**
     * A hello for a peer whose connection received bytes within this time is refused instead of replacing that live
     * connection: a replayed or forged hello cannot cut a working link (security review item 8). A genuine redial
     * follows a connection the peer saw fail, which then goes quiet, so the redial is admitted after at most this
     * long plus its backoff (docs/replication.md, "Connection slots and the live link").
     */
    public static final long LIVE_LINK_QUIET_MS = 1_000;

    private ReplicationDescriptor()
    {
    }
}
