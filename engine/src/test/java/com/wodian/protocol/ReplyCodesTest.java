package com.wodian.protocol;

import com.wodian.protocol.sbe.AckEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The one reply-code reader: a reply's code after its header; none for a request or a message too short. */
class ReplyCodesTest
{
    @Test
    void readsTheCodeOfAReplyAndNoneOfARequestOrAShortMessage()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int offset = 3;
        final AckEncoder ack = new AckEncoder().wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .code(ResultCode.INSUFFICIENT_FUNDS).commandTemplateId(4).id(9);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength();
        assertEquals(ResultCode.INSUFFICIENT_FUNDS.value(), ReplyCodes.codeAt(buffer, offset));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS.value(), ReplyCodes.codeOf(buffer, offset, length));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, ReplyCodes.resultCodeOf(buffer, offset, length));
        assertEquals(ReplyCodes.NONE, ReplyCodes.codeOf(buffer, offset, ReplyCodes.CODE_OFFSET + 1), "too short");
        assertNull(ReplyCodes.resultCodeOf(buffer, offset, ReplyCodes.CODE_OFFSET + 1));

        final int request = new CommandEncoder().topUp(buffer, 0, 1001, 1, 500);
        assertEquals(ReplyCodes.NONE, ReplyCodes.codeOf(buffer, 0, request), "a TopUp has no result code");
        assertNull(ReplyCodes.resultCodeOf(buffer, 0, request));
        assertTrue(ReplyCodes.isReply(com.wodian.protocol.sbe.ClusterControlReplyDecoder.TEMPLATE_ID));
        assertFalse(ReplyCodes.isReply(com.wodian.protocol.sbe.ClusterControlDecoder.TEMPLATE_ID));
    }
}
