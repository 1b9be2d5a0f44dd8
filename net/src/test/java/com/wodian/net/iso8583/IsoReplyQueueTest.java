package com.wodian.net.iso8583;

import com.wodian.protocol.sbe.AckDecoder;
import com.wodian.protocol.sbe.AckEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.PaymentReplyEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replies handed to the ISO gateway's thread keep what a response needs (template, code, a PaymentReply's
 * amount), come out in the order they went in, and a reply the gateway keeps (the ring was full) comes out again,
 * first, at the next drain.
 */
class IsoReplyQueueTest
{
    private record Taken(long sessionId, long correlationId, int templateId, int code, long amountFen)
    {
    }

    @Test
    void repliesComeOutInOrderAndAKeptOneComesOutAgainFirst()
    {
        final List<Taken> taken = new ArrayList<>();
        final boolean[] keepNext = {false};
        final IsoReplyQueue queue = new IsoReplyQueue(2, (sessionId, correlationId, templateId, code, amountFen) ->
        {
            if (keepNext[0])
            {
                keepNext[0] = false;
                return false;
            }
            taken.add(new Taken(sessionId, correlationId, templateId, code, amountFen));
            return true;
        });
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[128]);
        final int paymentLength = MessageHeaderEncoder.ENCODED_LENGTH + new PaymentReplyEncoder()
            .wrapAndApplyHeader(reply, 0, new MessageHeaderEncoder()).code(ResultCode.OK).amountFen(12_345)
            .encodedLength();
        queue.offer(7, 1, reply, 0, paymentLength);
        final int ackLength = MessageHeaderEncoder.ENCODED_LENGTH + new AckEncoder()
            .wrapAndApplyHeader(reply, 0, new MessageHeaderEncoder()).code(ResultCode.INSUFFICIENT_FUNDS)
            .encodedLength();
        queue.offer(7, 2, reply, 0, ackLength);
        assertTrue(queue.hasReplies());

        keepNext[0] = true;
        queue.drain();
        assertEquals(List.of(), taken, "the first reply was kept, and the ones behind it wait");
        queue.drain();
        assertEquals(List.of(
            new Taken(7, 1, PaymentReplyDecoder.TEMPLATE_ID, ResultCode.OK.value(), 12_345),
            new Taken(7, 2, AckDecoder.TEMPLATE_ID, ResultCode.INSUFFICIENT_FUNDS.value(), 0)), taken);
        assertFalse(queue.hasReplies());
    }
}
