package com.wodian.net.client;

import com.wodian.protocol.sbe.ErrorReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A newer server may answer with a result code this client does not know: the client's own reply handling (the
 * NOT_PRIMARY check every reply of a reconnecting client passes, a logon refusal) reads it raw and does not throw.
 */
class UnknownResultCodeTest
{
    private static final int UNKNOWN_CODE = 999;

    @Test
    void anErrorReplyWithAnUnknownCodeIsNotANotPrimaryAndDoesNotThrow()
    {
        final NotPrimaryReply notPrimary = new NotPrimaryReply(List.of(new InetSocketAddress("127.0.0.1", 7701)));
        for (int code = 0; code <= 0xFFFF; code += 7)
        {
            final UnsafeBuffer reply = errorReply(code);
            final boolean expected = code == ResultCode.NOT_PRIMARY.value() || code == ResultCode.PRIMARY_LOST.value();
            assertEquals(expected, notPrimary.matches(reply, 0, reply.capacity()), "code " + code);
        }
        assertTrue(notPrimary.matches(errorReply(ResultCode.NOT_PRIMARY.value()), 0, 64));
        assertFalse(notPrimary.matches(errorReply(UNKNOWN_CODE), 0, 64));
    }

    @Test
    void aLogonRefusedWithAnUnknownCodeKeepsTheCodeAsSent()
    {
        final LogonRefusedException unknown = new LogonRefusedException(UNKNOWN_CODE, "admin:1");
        assertEquals(UNKNOWN_CODE, unknown.codeRaw());
        assertEquals(ResultCode.NULL_VAL, unknown.code());
        assertTrue(unknown.getMessage().contains("999 (unknown to this client)"), unknown.getMessage());
        final LogonRefusedException known = new LogonRefusedException(ResultCode.AUTHENTICATION_FAILED, "admin:1");
        assertEquals(ResultCode.AUTHENTICATION_FAILED, known.code());
    }

    private static UnsafeBuffer errorReply(final int code)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        new ErrorReplyEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .code(ResultCode.MALFORMED_MESSAGE).leaderId(-1).leaderPort(0);
        buffer.putShort(MessageHeaderEncoder.ENCODED_LENGTH, (short)code, ByteOrder.LITTLE_ENDIAN);
        return buffer;
    }
}
