package com.wodian.net.replication;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.net.replication.ReplicationTestSupport.MapEntrySource;
import com.wodian.net.replication.ReplicationTestSupport.Received;
import com.wodian.net.replication.ReplicationTestSupport.RecordingHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static com.wodian.net.replication.ReplicationDescriptor.BYTE_ORDER;
import static com.wodian.net.replication.ReplicationDescriptor.LENGTH_FIELD_LENGTH;
import static com.wodian.net.replication.ReplicationDescriptor.MESSAGE_OFFSET;
import static com.wodian.net.replication.ReplicationDescriptor.PROTOCOL_VERSION;
import static com.wodian.net.replication.ReplicationTestSupport.assertSameMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
