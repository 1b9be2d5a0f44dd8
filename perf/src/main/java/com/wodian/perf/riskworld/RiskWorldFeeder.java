package com.wodian.perf.riskworld;

import com.wodian.engine.Engine;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayEncoder;
import com.wodian.protocol.sbe.VoucherReplyDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Feeds a world into an engine in the same process: contiguous sequences after the engine's last one, the world's
 * input time as the timestamp, and voucher ids as the engine gave them (a Pay naming a voucher slot whose
 * RedeemPoints was refused is sent without a voucher, as a customer without the voucher would pay). The listener
 * sees every command with its labels and the engine's reply.
 */
public final class RiskWorldFeeder
{
    /** Called once per command, after the engine applied it. The buffers are only valid during the call. */
    @FunctionalInterface
    public interface Listener
    {
        void onCommand(LabelledCommands command, DirectBuffer reply, int replyOffset, int replyLength);
    }

    private final Engine engine;
    private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(256);
    private final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(1_024);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final VoucherReplyDecoder voucherReply = new VoucherReplyDecoder();
    private final ReplySink sink = this::copyReply;
    private long[] voucherIdBySlot = new long[1_024];
    private int replyLength;

    public RiskWorldFeeder(final Engine engine)
    {
        this.engine = engine;
    }

    /** Applies every remaining command of the cursor; returns how many. */
    public long feed(final LabelledCommands commands, final Listener listener)
    {
        long count = 0;
        while (commands.next())
        {
            final int length = commands.length();
            message.putBytes(0, commands.buffer(), commands.offset(), length);
            final int template = commands.templateId();
            final int slot = commands.voucherSlot();
            if (template == RiskWorldTemplates.PAY && slot > 0)
            {
                final long voucherId = slot < voucherIdBySlot.length ? voucherIdBySlot[slot] : 0;
                message.putLong(MessageHeaderDecoder.ENCODED_LENGTH + PayEncoder.voucherIdEncodingOffset(), voucherId,
                    ByteOrder.LITTLE_ENDIAN);
            }
            replyLength = 0;
            engine.onCommand(engine.lastSequence() + 1, commands.timestampMs(), message, 0, length, sink);
            if (template == RiskWorldTemplates.REDEEM_POINTS && slot > 0)
            {
                rememberVoucher(slot);
            }
            listener.onCommand(commands, reply, 0, replyLength);
            count++;
        }
        return count;
    }

    private void rememberVoucher(final int slot)
    {
        if (slot >= voucherIdBySlot.length)
        {
            voucherIdBySlot = Arrays.copyOf(voucherIdBySlot, Math.max(slot + 1, voucherIdBySlot.length * 2));
        }
        long voucherId = 0;
        header.wrap(reply, 0);
        if (replyLength > 0 && header.templateId() == VoucherReplyDecoder.TEMPLATE_ID)
        {
            voucherReply.wrapAndApplyHeader(reply, 0, header);
            voucherId = voucherReply.codeRaw() == 0 ? voucherReply.voucherId() : 0;
        }
        voucherIdBySlot[slot] = voucherId;
    }

    private void copyReply(final DirectBuffer buffer, final int offset, final int length)
    {
        reply.putBytes(0, buffer, offset, length);
        replyLength = length;
    }
}
