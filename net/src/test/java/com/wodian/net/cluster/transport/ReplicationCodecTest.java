package com.wodian.net.cluster.transport;

import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.net.cluster.transport.ReplicationTestSupport.MapEntrySource;
import com.wodian.net.cluster.transport.ReplicationTestSupport.Received;
import com.wodian.net.cluster.transport.ReplicationTestSupport.RecordingHandler;
import com.wodian.net.testing.IgnoringMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static com.wodian.net.cluster.transport.ReplicationDescriptor.BYTE_ORDER;
import static com.wodian.net.cluster.transport.ReplicationDescriptor.ENTRY_PAYLOAD_LENGTH_MAX;
import static com.wodian.net.cluster.transport.ReplicationDescriptor.LENGTH_FIELD_LENGTH;
import static com.wodian.net.cluster.transport.ReplicationDescriptor.MESSAGE_OFFSET;
import static com.wodian.net.cluster.transport.ReplicationDescriptor.PROTOCOL_VERSION;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.assertSameMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationCodecTest
{
    private static final byte[] GROUP = "g1".getBytes(StandardCharsets.UTF_8);

    private final MapEntrySource source = new MapEntrySource()
        .put(7, new byte[] {1, 2, 3})
        .put(8, new byte[0])
        .put(9, bytes(1000, 9));
    private final ReplicationEncoder encoder = new ReplicationEncoder(1 << 20);
    private final ReplicationDecoder decoder = new ReplicationDecoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1 << 16]);

    static byte[] bytes(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static List<ConsensusMessage> everyMessageType(final int fromNodeId)
    {
        return List.of(
            new ConsensusMessage.RequestVote(5, fromNodeId, 10, 4, false),
            new ConsensusMessage.RequestVote(6, fromNodeId, 11, 5, true),
            new ConsensusMessage.VoteReply(5, fromNodeId, true),
            new ConsensusMessage.VoteReply(5, fromNodeId, false),
            new ConsensusMessage.PreVote(8, fromNodeId, 12, 6),
            new ConsensusMessage.PreVoteReply(7, fromNodeId, 8, true),
            new ConsensusMessage.PreVoteReply(9, fromNodeId, 8, false),
            new ConsensusMessage.AppendEntries(5, fromNodeId, 6, 4, new long[0], new long[0], 3),
            new ConsensusMessage.AppendEntries(5, fromNodeId, 6, 4, new long[] {4, 5, 5}, new long[] {7, 8, 9}, 6),
            new ConsensusMessage.AppendReply(5, fromNodeId, true, 9, 0),
            new ConsensusMessage.AppendReply(5, fromNodeId, false, 0, 3),
            new ConsensusMessage.TimeoutNow(7, fromNodeId));
    }

    @Test
    void everyMessageRoundTrips()
    {
        for (final ConsensusMessage message : everyMessageType(2))
        {
            final int length = RecordCodec.encode(encoder, message, source, buffer, 0, buffer.capacity());
            assertEquals(length - LENGTH_FIELD_LENGTH, buffer.getInt(0, BYTE_ORDER));
            final ConsensusMessage decoded = RecordCodec.decode(decoder, buffer, MESSAGE_OFFSET, length - LENGTH_FIELD_LENGTH);
            assertNotNull(decoded, message.toString());
            final RecordingHandler handler = new RecordingHandler();
            handler.onMessage(decoded, decoder);
            final Received received = handler.received.get(0);
            assertSameMessage(message, received, source);
        }
    }

    @Test
    void helloChecksGroupVersionAndDestination()
    {
        final int length = encoder.encodeHello(buffer, 0, buffer.capacity(), PROTOCOL_VERSION, 2, 1, GROUP);
        final int messageLength = length - LENGTH_FIELD_LENGTH;
        assertEquals(2, decoder.decodeHello(buffer, MESSAGE_OFFSET, messageLength, PROTOCOL_VERSION, GROUP, 1));
        assertEquals(ReplicationDecoder.HELLO_REJECTED,
            decoder.decodeHello(buffer, MESSAGE_OFFSET, messageLength, PROTOCOL_VERSION, "g2".getBytes(), 1));
        assertEquals(ReplicationDecoder.HELLO_REJECTED,
            decoder.decodeHello(buffer, MESSAGE_OFFSET, messageLength, PROTOCOL_VERSION + 1, GROUP, 1));
        assertEquals(ReplicationDecoder.HELLO_REJECTED,
            decoder.decodeHello(buffer, MESSAGE_OFFSET, messageLength, PROTOCOL_VERSION, GROUP, 0));
        for (int truncated = 0; truncated < messageLength; truncated++)
        {
            assertEquals(ReplicationDecoder.HELLO_REJECTED,
                decoder.decodeHello(buffer, MESSAGE_OFFSET, truncated, PROTOCOL_VERSION, GROUP, 1));
        }
        // A hello is not a consensus message.
        assertNull(RecordCodec.decode(decoder, buffer, MESSAGE_OFFSET, messageLength));
    }

    @Test
    void everyTruncationIsRejected()
    {
        for (final ConsensusMessage message : everyMessageType(1))
        {
            final int messageLength = RecordCodec.encode(encoder, message, source, buffer, 0, buffer.capacity()) -
                LENGTH_FIELD_LENGTH;
            for (int truncated = 0; truncated < messageLength; truncated++)
            {
                assertNull(RecordCodec.decode(decoder, buffer, MESSAGE_OFFSET, truncated), message + " cut at " + truncated);
            }
        }
    }

    @Test
    void mutatedMessagesNeverThrow()
    {
        final Random random = new Random(42);
        final UnsafeBuffer mutated = new UnsafeBuffer(new byte[buffer.capacity()]);
        int decodedCount = 0;
        for (int round = 0; round < 2_000; round++)
        {
            final List<ConsensusMessage> messages = everyMessageType(1);
            final ConsensusMessage message = messages.get(random.nextInt(messages.size()));
            final int messageLength = RecordCodec.encode(encoder, message, source, buffer, 0, buffer.capacity()) -
                LENGTH_FIELD_LENGTH;
            mutated.putBytes(0, buffer, 0, LENGTH_FIELD_LENGTH + messageLength);
            final int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++)
            {
                mutated.putByte(MESSAGE_OFFSET + random.nextInt(messageLength), (byte)random.nextInt(256));
            }
            final ConsensusMessage decoded = RecordCodec.decode(decoder, mutated, MESSAGE_OFFSET, messageLength);
            if (decoded != null)
            {
                decodedCount++;
                new RecordingHandler().onMessage(decoded, decoder);
            }
        }
        // Most mutations hit a value, not the structure: they decode (to other values) without harm.
        assertEquals(true, decodedCount > 0);
    }

    /**
     * Snapshot chunks: the bytes come straight from the source into the frame and back out with their CRC32C; a
     * flipped byte anywhere in the chunk, every truncation, and random mutations are refused or decode harmlessly.
     */
    @Test
    void installSnapshotRoundTripsAndADamagedChunkIsRefused()
    {
        final byte[] snapshot = bytes(5000, 3);
        final ConsensusMessage.ArraySnapshotSource snapshotSource =
            new ConsensusMessage.ArraySnapshotSource(42, 0, snapshot);
        final int length = encoder.encodeInstallSnapshot(buffer, 0, buffer.capacity(), 9, 1, 42, 7,
            com.wodian.journal.consensus.Membership.of(0b011, 0b100), 5000, 1000, 3000, snapshotSource);
        final int messageLength = length - LENGTH_FIELD_LENGTH;
        final long[] fields = new long[8];
        final byte[][] chunk = new byte[1][];
        final MessageHandler handler = new IgnoringMessageHandler()
        {
            @Override
            public void onInstallSnapshot(final long term, final int from, final long index, final long snapshotTerm,
                final long configuration, final long total, final long offset, final org.agrona.DirectBuffer data,
                final int dataOffset, final int dataLength)
            {
                fields[7] = configuration;
                fields[0] = term;
                fields[1] = from;
                fields[2] = index;
                fields[3] = snapshotTerm;
                fields[4] = total;
                fields[5] = offset;
                chunk[0] = new byte[dataLength];
                data.getBytes(dataOffset, chunk[0]);
            }

            @Override
            public void onInstallSnapshotReply(final long term, final int from, final long index, final long next,
                final boolean done)
            {
                fields[0] = term;
                fields[1] = from;
                fields[2] = index;
                fields[6] = done ? next : -next;
            }
        };
        assertEquals(1, decoder.decode(buffer, MESSAGE_OFFSET, messageLength));
        decoder.dispatch(handler);
        assertEquals(List.of(9L, 1L, 42L, 7L, 5000L, 1000L), List.of(fields[0], fields[1], fields[2], fields[3],
            fields[4], fields[5]));
        org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(snapshot, 1000, 4000),
            chunk[0]);
        assertEquals(com.wodian.journal.consensus.Membership.of(0b011, 0b100), fields[7], "the configuration at it");

        // A configuration no group could have (no voters, voters also learners, bits past the learners'): refused,
        // or the follower would store it as its membership and never commit again.
        for (final long impossible : new long[] {0L, com.wodian.journal.consensus.Membership.of(0, 0b1),
            0b1L | (0b1L << com.wodian.journal.consensus.Membership.NODES_MAX), 0b1L | (1L << 50), Long.MAX_VALUE})
        {
            final UnsafeBuffer other = new UnsafeBuffer(new byte[buffer.capacity()]);
            final int otherLength = encoder.encodeInstallSnapshot(other, 0, other.capacity(), 9, 1, 42, 7, impossible,
                5000, 1000, 3000, snapshotSource);
            assertEquals(ReplicationDecoder.MALFORMED,
                decoder.decode(other, MESSAGE_OFFSET, otherLength - LENGTH_FIELD_LENGTH), Long.toBinaryString(impossible));
        }

        final UnsafeBuffer damaged = new UnsafeBuffer(new byte[buffer.capacity()]);
        for (int position = messageLength - 3000; position < messageLength; position += 97)
        {
            damaged.putBytes(0, buffer, 0, length);
            damaged.putByte(MESSAGE_OFFSET + position, (byte)(damaged.getByte(MESSAGE_OFFSET + position) ^ 0x10));
            assertEquals(ReplicationDecoder.MALFORMED, decoder.decode(damaged, MESSAGE_OFFSET, messageLength),
                "chunk byte " + position + " flipped");
        }
        for (int truncated = 0; truncated < messageLength; truncated += 7)
        {
            assertEquals(ReplicationDecoder.MALFORMED, decoder.decode(buffer, MESSAGE_OFFSET, truncated));
        }
        final Random random = new Random(7);
        for (int round = 0; round < 2_000; round++)
        {
            damaged.putBytes(0, buffer, 0, length);
            for (int m = 0; m < 1 + random.nextInt(4); m++)
            {
                damaged.putByte(MESSAGE_OFFSET + random.nextInt(messageLength), (byte)random.nextInt(256));
            }
            if (decoder.decode(damaged, MESSAGE_OFFSET, messageLength) != ReplicationDecoder.MALFORMED)
            {
                decoder.dispatch(handler); // a mutated header field: decodes to other values, within the frame
            }
        }
        assertEquals(ReplicationEncoder.ENTRY_MISSING, encoder.encodeInstallSnapshot(buffer, 0, buffer.capacity(), 9,
            1, 43, 7, 7, 5000, 0, 100, snapshotSource), "a snapshot the source no longer has");
        assertEquals(ReplicationEncoder.TOO_LONG, new ReplicationEncoder(1024).encodeInstallSnapshot(buffer, 0,
            buffer.capacity(), 9, 1, 42, 7, 7, 5000, 0, 2000, snapshotSource));

        final int replyLength = encoder.encodeInstallSnapshotReply(buffer, 0, buffer.capacity(), 9, 2, 42, 4000,
            true);
        assertEquals(2, decoder.decode(buffer, MESSAGE_OFFSET, replyLength - LENGTH_FIELD_LENGTH));
        decoder.dispatch(handler);
        assertEquals(4000, fields[6]);
    }

    @Test
    void encodeRefusesWhatDoesNotFit()
    {
        final ConsensusMessage append =
            new ConsensusMessage.AppendEntries(5, 1, 6, 4, new long[] {4, 5, 5}, new long[] {7, 8, 9}, 6);
        final int length = RecordCodec.encode(encoder, append, source, buffer, 0, buffer.capacity());
        for (int limit = 0; limit < length; limit++)
        {
            assertEquals(ReplicationEncoder.NO_SPACE, RecordCodec.encode(encoder, append, source, buffer, 0, limit));
        }
        assertEquals(ReplicationEncoder.ENTRY_MISSING, RecordCodec.encode(encoder, 
            new ConsensusMessage.AppendEntries(5, 1, 6, 4, new long[] {4}, new long[] {99}, 6),
            source, buffer, 0, buffer.capacity()));
        assertEquals(ReplicationEncoder.TOO_LONG, RecordCodec.encode(new ReplicationEncoder(512), 
            append, source, buffer, 0, buffer.capacity()));
        assertEquals(ReplicationEncoder.NO_SPACE, RecordCodec.encode(encoder, 
            new ConsensusMessage.TimeoutNow(1, 1), source, buffer, 0, 10));
    }

    /**
     * The decoder takes exactly the entries a journal holds: payloads of at most
     * {@link ReplicationDescriptor#ENTRY_PAYLOAD_LENGTH_MAX} bytes and payload versions 0 to 0xFFFF. Seeded random
     * lengths and versions around both limits: every entry the decoder accepts goes into a real
     * {@link JournalReplicaLog} without an exception (before, a 1,025-byte entry was refused by the log, which stops
     * the node: stage exit 70), and every other one is refused as a malformed frame.
     */
    @Test
    void entriesTheJournalCannotHoldAreRefusedByTheDecoder(@TempDir final Path dataDir)
    {
        final Random random = new Random(1_025);
        final int[] versions = {-1, 0, 1, 3, 0xFFFF, 0x10000, Integer.MIN_VALUE, Integer.MAX_VALUE};
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[8192]);
        int accepted = 0;
        int refused = 0;
        try (JournalReplicaLog log = JournalReplicaLog.open(dataDir, DurabilityPolicy.PAGE_CACHE, 8, decoder))
        {
            for (int round = 0; round < 400; round++)
            {
                final int length = round < 3 ? ENTRY_PAYLOAD_LENGTH_MAX - 1 + round :
                    random.nextBoolean() ? random.nextInt(2 * ENTRY_PAYLOAD_LENGTH_MAX) :
                    ENTRY_PAYLOAD_LENGTH_MAX - 2 + random.nextInt(5);
                final int version = random.nextInt(4) == 0 ? random.nextInt() : versions[random.nextInt(versions.length)];
                final byte[] payload = bytes(length, round);
                final long timestampMs = 7_000 + round;
                final EntrySource entry = (handle, into) ->
                {
                    into.set(timestampMs, version, new UnsafeBuffer(payload), 0, payload.length);
                    return true;
                };
                final long term = 1 + round / 100;
                final long prevLogIndex = log.lastIndex();
                final int frameLength = encoder.encodeAppendEntries(frame, 0, frame.capacity(), term, 1,
                    prevLogIndex, log.termAt(prevLogIndex), 0, 1, new ConsensusMessage.AppendEntries(term, 1,
                    prevLogIndex, log.termAt(prevLogIndex), new long[] {term}, new long[] {round}, 0), entry);
                assertTrue(frameLength > 0, "encoded " + frameLength);
                final boolean journalTakesIt = length <= ENTRY_PAYLOAD_LENGTH_MAX && version >= 0 && version <= 0xFFFF;
                final int from = decoder.decode(frame, MESSAGE_OFFSET, frameLength - LENGTH_FIELD_LENGTH);
                assertEquals(journalTakesIt ? 1 : ReplicationDecoder.MALFORMED, from,
                    "length " + length + " version " + version);
                if (journalTakesIt)
                {
                    log.append(decoder.termAt(prevLogIndex + 1), decoder.payloadAt(prevLogIndex + 1));
                    accepted++;
                }
                else
                {
                    refused++;
                }
            }
            assertEquals(accepted, log.lastIndex());
        }
        assertTrue(accepted > 50 && refused > 50, accepted + " accepted, " + refused + " refused");
    }
}
