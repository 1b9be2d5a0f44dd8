package com.wodian.tools.settlement;

import com.wodian.engine.ReplySink;
import com.wodian.protocol.sbe.AckDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import org.agrona.DirectBuffer;

/**
 * What the settlement reads from the engine's reply to the command it applies: an Ack's result (funds.csv) and a
 * PaymentReply's points (the points column). The engine hands a reply to a sink, so the sink keeps it until the
 * builder asks; {@link #expect} forgets the previous command's.
 */
final class CommandReply implements ReplySink
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final AckDecoder ack = new AckDecoder();
    private final PaymentReplyDecoder payment = new PaymentReplyDecoder();
    private String ackResult = "";
    private long pointsEarned;

    /** Call before applying a command: its reply replaces nothing of an earlier one's. */
    CommandReply expect()
    {
        ackResult = "";
        pointsEarned = 0;
        return this;
    }

    /** The Ack's result code name; "" when the command was not answered with an Ack. */
    String ackResult()
    {
        return ackResult;
    }

    /** The PaymentReply's pointsEarned; 0 when the command was not answered with one. */
    long pointsEarned()
    {
        return pointsEarned;
    }

    @Override
    public void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        header.wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (header.templateId() == AckDecoder.TEMPLATE_ID)
        {
            ackResult = ack.wrap(buffer, body, header.blockLength(), header.version()).code().name();
        }
        else if (header.templateId() == PaymentReplyDecoder.TEMPLATE_ID)
        {
            pointsEarned = payment.wrap(buffer, body, header.blockLength(), header.version()).pointsEarned();
        }
    }
}
