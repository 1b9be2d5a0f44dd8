package com.wodian.engine;

import com.wodian.protocol.sbe.*;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fuzz's time oracle: a reply's {@code expiresAtMs} is never before the run began (an expiry that wrapped past
 * Long.MAX_VALUE is far before it), a voucher that a redemption issues now expires no sooner than now, and a voucher
 * listed as live has not expired. 0 means none.
 */
final class ReplyTimes
{
    private ReplyTimes()
    {
    }

    static void check(final byte[] reply, final long inputMs, final long runStartMs, final Set<ByteBuffer> seen,
        final String what)
    {
        if (reply.length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(reply);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        final int at = MessageHeaderDecoder.ENCODED_LENGTH;
        switch (header.templateId())
        {
            case VoucherReplyDecoder.TEMPLATE_ID -> {
                final VoucherReplyDecoder voucher = new VoucherReplyDecoder().wrap(buffer, at, header.blockLength(),
                    header.version());
                // A repeat answers with the first reply; only a reply not seen before issued its voucher now.
                final boolean first = seen.add(ByteBuffer.wrap(reply));
                if (voucher.code() == ResultCode.OK && first)
                {
                    assertTrue(voucher.expiresAtMs() >= inputMs, "voucher issued at " + inputMs + " expires at " +
                        voucher.expiresAtMs() + ": " + what);
                }
            }
            case VoucherStatusReplyDecoder.TEMPLATE_ID -> notBefore(new VoucherStatusReplyDecoder().wrap(buffer, at,
                header.blockLength(), header.version()).expiresAtMs(), runStartMs, what);
            case PaymentStatusReplyDecoder.TEMPLATE_ID -> notBefore(new PaymentStatusReplyDecoder().wrap(buffer, at,
                header.blockLength(), header.version()).expiresAtMs(), runStartMs, what);
            case ConsumerVouchersReplyDecoder.TEMPLATE_ID -> {
                for (final ConsumerVouchersReplyDecoder.VouchersDecoder v : new ConsumerVouchersReplyDecoder().wrap(
                    buffer, at, header.blockLength(), header.version()).vouchers())
                {
                    assertTrue(v.expiresAtMs() > inputMs, "listed voucher expired at " + v.expiresAtMs() + ": " +
                        what);
                }
            }
            default -> { }
        }
    }

    private static void notBefore(final long expiresAtMs, final long runStartMs, final String what)
    {
        assertTrue(expiresAtMs == 0 || expiresAtMs >= runStartMs, "expiresAtMs " + expiresAtMs + ": " + what);
    }
}
