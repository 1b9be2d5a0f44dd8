package com.wodian.net.iso8583;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.ReplyCodes;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * The engine's replies to the ISO gateway's commands, handed from the thread that sends replies (the sender in
 * DEDICATED mode, one thread at a time) to the gateway's own thread, which turns them into responses. Only what a
 * response needs crosses: the template id, the result code and a PaymentReply's amount (a completion's response says
 * what was captured). Fixed size, allocated once: two records for every request slot of every connection.
 *
 * <p>A record, {@value #RECORD_LENGTH} bytes:
 * <pre>
 *   0  sessionId      long
 *   8  correlationId  long
 *  16  templateId     int    the reply's SBE template id
 *  20  code           int    its result code (ReplyCodes.codeOf)
 *  24  amountFen      long   a PaymentReply's amount; 0 for other replies
 * </pre>
 */
final class IsoReplyQueue
{
    /** Takes one reply on the gateway's thread; false keeps it (and those after it) for the next drain. */
    @FunctionalInterface
    interface ReplyHandler
    {
        boolean onReply(long sessionId, long correlationId, int templateId, int code, long amountFen);
    }

    static final int RECORD_LENGTH = 32;
    private static final int SESSION_ID_OFFSET = 0;
    private static final int CORRELATION_ID_OFFSET = 8;
    private static final int TEMPLATE_ID_OFFSET = 16;
    private static final int CODE_OFFSET = 20;
    private static final int AMOUNT_FEN_OFFSET = 24;
    private static final int MSG_TYPE_ID = 1;

    private final OneToOneRingBuffer ring;
    /** The reply thread's record, encoded before it is copied into the ring. */
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[RECORD_LENGTH]);
    private final ReplyHandler handler;
    private final ControlledMessageHandler recordHandler = this::onRecord;

    /**
     * @param requestSlots every request slot of every connection (connections x in-flight requests).
     * @param handler      called on the gateway's thread by {@link #drain()}.
     */
    IsoReplyQueue(final int requestSlots, final ReplyHandler handler)
    {
        final int capacity = BitUtil.findNextPositivePowerOfTwo(2 * requestSlots * (RECORD_LENGTH + 8));
        ring = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
        this.handler = handler;
    }

    /** Reply thread: keeps what a response needs of the engine's reply. The buffer may be reused after the call. */
    void offer(
        final long sessionId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        record.putLong(SESSION_ID_OFFSET, sessionId);
        record.putLong(CORRELATION_ID_OFFSET, correlationId);
        record.putInt(TEMPLATE_ID_OFFSET, CommandCatalog.templateId(buffer, offset));
        record.putInt(CODE_OFFSET, ReplyCodes.codeOf(buffer, offset, length));
        record.putLong(AMOUNT_FEN_OFFSET, IsoTranslator.paymentAmountFenOf(buffer, offset, length));
        if (!ring.write(MSG_TYPE_ID, record, 0, RECORD_LENGTH))
        {
            // Cannot happen: the queue holds two replies for every request slot of every connection.
            throw new IllegalStateException("ISO reply queue full");
        }
    }

    /** True while replies wait to be taken. */
    boolean hasReplies()
    {
        return ring.size() > 0;
    }

    /** Gateway thread: hands the waiting replies to the handler, in order, until it keeps one. */
    void drain()
    {
        ring.controlledRead(recordHandler);
    }

    private ControlledMessageHandler.Action onRecord(
        final int msgTypeId, final DirectBuffer buffer, final int index, final int length)
    {
        return handler.onReply(buffer.getLong(index + SESSION_ID_OFFSET), buffer.getLong(index + CORRELATION_ID_OFFSET),
            buffer.getInt(index + TEMPLATE_ID_OFFSET), buffer.getInt(index + CODE_OFFSET),
            buffer.getLong(index + AMOUNT_FEN_OFFSET)) ?
            ControlledMessageHandler.Action.CONTINUE : ControlledMessageHandler.Action.ABORT;
    }
}
