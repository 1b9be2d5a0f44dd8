package com.wodian.net.server;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentStatusReplyDecoder;
import org.agrona.MutableDirectBuffer;

/**
 * What a terminal session may not read in a reply: the whole card number of a payment it is told about (security
 * review 2026-12-05 B10). A PaymentStatusReply sent to a TERMINAL session carries only the last four decimal digits
 * of {@code consumerId} ({@code consumerId mod 10,000}), as a receipt prints them; the engine's reply (not journaled,
 * the same for every asker) is left as it is, so replay and every other role are unchanged. A terminal still sees
 * everything it needs to reconcile or refund a payment of its merchant (state, amounts, first result), but a stolen
 * terminal credential no longer harvests the card numbers of every payment its merchant's terminals took.
 *
 * <p>Pay, PaymentTry and RedeemPoints replies are not touched: they only carry back the consumer the terminal named.
 */
final class TerminalReplyMask
{
    /** What is left of a consumer id in a reply to a terminal: its last four decimal digits. */
    static final long CONSUMER_ID_SHOWN_MODULUS = 10_000;
    private static final int CONSUMER_ID_OFFSET =
        MessageHeaderDecoder.ENCODED_LENGTH + PaymentStatusReplyDecoder.consumerIdEncodingOffset();

    private TerminalReplyMask()
    {
    }

    /**
     * Masks the reply at {@code offset} (an SBE header and its message, {@code length} bytes) in place when it is
     * one a terminal may only see masked.
     */
    static void apply(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (length >= CONSUMER_ID_OFFSET + Long.BYTES &&
            PaymentStatusReplyDecoder.TEMPLATE_ID == CommandCatalog.templateId(buffer, offset))
        {
            final int at = offset + CONSUMER_ID_OFFSET;
            buffer.putLong(at, masked(buffer.getLong(at, PaymentStatusReplyDecoder.BYTE_ORDER)),
                PaymentStatusReplyDecoder.BYTE_ORDER);
        }
    }

    /** The last four decimal digits of a consumer id (an id below 10,000 is shown whole: it is no card number). */
    static long masked(final long consumerId)
    {
        return consumerId % CONSUMER_ID_SHOWN_MODULUS;
    }
}
