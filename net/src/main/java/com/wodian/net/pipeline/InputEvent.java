package com.wodian.net.pipeline;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * One slot of the input ring, preallocated and reused: an inbound message with the identity of its session and the
 * time the publishing (network) thread gave it. Fields are written by the network thread before it publishes the
 * slot; {@link #journalSequence} is written by the journaling stage and read by the engine stage after it.
 * Never keep a reference to a slot after the handler returns: the slot is reused.
 *
 * <p>The slot has a package of its own, below both packages that fill and read it: the server's stages
 * ({@code net.server}) and the replication stage ({@code net.cluster.stage}), which the server builds. In net.server
 * it made the two packages depend on each other.
 */
public final class InputEvent
{
    /** A journaled command for {@code Engine.onCommand}. */
    public static final byte KIND_COMMAND = 1;
    /** A query for {@code Engine.onQuery}: not journaled. */
    public static final byte KIND_QUERY = 2;
    /**
     * A reply the gateway made itself: the ErrorReply of a refused frame, or a session-layer reply (LogonChallenge,
     * LogonReply, HeartbeatReply); {@link #payload} holds it. It passes through the ring only so that it keeps its
     * place among the session's replies; it is neither journaled nor given to the engine.
     */
    public static final byte KIND_REJECT = 3;
    /**
     * The session has ended on the receiving side (end of stream, protocol violation, sender's request). Last event
     * of its session; {@link #payload} may hold an ErrorReply to send before closing ({@link #length} 0 when none).
     */
    public static final byte KIND_CLOSE = 4;

    /** Session the input came from; 0 for inputs the server makes itself (Tick), whose replies are dropped. */
    public long sessionId;
    /** The client's correlation id, echoed in the reply frame. */
    public long correlationId;
    /** Wall-clock time the network thread assigned, never decreasing across the ring. */
    public long timestampMs;
    /** Journal sequence of a command, assigned by the journaling stage; 0 for any other kind. */
    public long journalSequence;
    public byte kind;
    /** Length of the SBE message (header and body) in {@link #payload}. */
    public int length;
    /** System.nanoTime() when the receiving thread read the input's bytes (0: not stamped). */
    public long receivedNs;
    /** System.nanoTime() when the journal stage, on its own thread, ended the batch holding it (0: not stamped). */
    public long durableNs;
    /** SBE header of {@link #payload}, decoded once by whoever publishes the slot ({@link #decodeHeader()}). */
    public int templateId;
    public int blockLength;
    public int version;
    public final byte[] payload = new byte[CommandCatalog.MAX_MESSAGE_LENGTH];
    public final UnsafeBuffer buffer = new UnsafeBuffer(payload);

    /**
     * Decodes the SBE message header of {@link #payload} into {@link #templateId}, {@link #blockLength} and
     * {@link #version}: called once by the thread that fills the slot, before it publishes it, so that later stages
     * read the fields instead of decoding the header again.
     */
    public void decodeHeader()
    {
        if (length >= MessageHeaderDecoder.ENCODED_LENGTH)
        {
            blockLength = buffer.getShort(0, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            templateId = buffer.getShort(2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            version = buffer.getShort(6, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        }
        else
        {
            blockLength = 0;
            templateId = 0;
            version = 0;
        }
    }

    public static InputEvent newInstance()
    {
        return new InputEvent();
    }
}
