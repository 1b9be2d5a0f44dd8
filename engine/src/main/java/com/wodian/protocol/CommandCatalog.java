package com.wodian.protocol;

import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;

/**
 * What the schema says about each inbound message, in one place: which template ids are commands (journaled,
 * change state), which are queries (answered, not journaled), and whether an encoded message is well formed
 * enough to decode. The gateway checks every frame with {@link #check} before it reaches the ring, and the engine
 * checks again, because the journal is also an input.
 */
public final class CommandCatalog
{
    /** Largest SBE message (header + body) accepted as a command or query. */
    public static final int MAX_MESSAGE_LENGTH = 256;

    /**
     * Largest reply the engine encodes (header + body + groups): the consumer statement with its 16 points entries is
     * the longest today (under 800 bytes).
     */
    public static final int MAX_REPLY_LENGTH = 1024;

    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    public static final int SCHEMA_ID = MessageHeaderDecoder.SCHEMA_ID;
    public static final int SCHEMA_VERSION = MessageHeaderDecoder.SCHEMA_VERSION;

    private static final int TEMPLATE_ID_LIMIT = 128;
    private static final int[] BLOCK_LENGTH_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT];
    private static final byte[] KIND_BY_TEMPLATE = new byte[TEMPLATE_ID_LIMIT];
    private static final byte KIND_COMMAND = 1;
    private static final byte KIND_QUERY = 2;

    static
    {
        command(RegisterMerchantDecoder.TEMPLATE_ID, RegisterMerchantDecoder.BLOCK_LENGTH);
        command(RegisterConsumerDecoder.TEMPLATE_ID, RegisterConsumerDecoder.BLOCK_LENGTH);
        command(RegisterTerminalDecoder.TEMPLATE_ID, RegisterTerminalDecoder.BLOCK_LENGTH);
        command(TopUpDecoder.TEMPLATE_ID, TopUpDecoder.BLOCK_LENGTH);
        command(WithdrawDecoder.TEMPLATE_ID, WithdrawDecoder.BLOCK_LENGTH);
        command(SetBlockedDecoder.TEMPLATE_ID, SetBlockedDecoder.BLOCK_LENGTH);
        // Version 1 of Pay and PaymentTry had no voucherId: accept their shorter block (the decoder reads no voucher).
        command(PayDecoder.TEMPLATE_ID, PayDecoder.BLOCK_LENGTH - PayDecoder.voucherIdEncodingLength());
        command(PaymentTryDecoder.TEMPLATE_ID,
            PaymentTryDecoder.BLOCK_LENGTH - PaymentTryDecoder.voucherIdEncodingLength());
        command(PaymentConfirmDecoder.TEMPLATE_ID, PaymentConfirmDecoder.BLOCK_LENGTH);
        command(PaymentCancelDecoder.TEMPLATE_ID, PaymentCancelDecoder.BLOCK_LENGTH);
        command(RefundDecoder.TEMPLATE_ID, RefundDecoder.BLOCK_LENGTH);
        command(TickDecoder.TEMPLATE_ID, TickDecoder.BLOCK_LENGTH);
        command(TakeSnapshotDecoder.TEMPLATE_ID, TakeSnapshotDecoder.BLOCK_LENGTH);
        command(SetMerchantRulesDecoder.TEMPLATE_ID, SetMerchantRulesDecoder.BLOCK_LENGTH);
        command(RedeemPointsDecoder.TEMPLATE_ID, RedeemPointsDecoder.BLOCK_LENGTH);
        command(AdjustPointsDecoder.TEMPLATE_ID, AdjustPointsDecoder.BLOCK_LENGTH);
        command(DistributePoolDecoder.TEMPLATE_ID, DistributePoolDecoder.BLOCK_LENGTH);

        query(BalanceQueryDecoder.TEMPLATE_ID, BalanceQueryDecoder.BLOCK_LENGTH);
        query(PaymentStatusQueryDecoder.TEMPLATE_ID, PaymentStatusQueryDecoder.BLOCK_LENGTH);
        query(MerchantStatementQueryDecoder.TEMPLATE_ID, MerchantStatementQueryDecoder.BLOCK_LENGTH);
        query(StateHashQueryDecoder.TEMPLATE_ID, StateHashQueryDecoder.BLOCK_LENGTH);
        query(ConsumerStatementQueryDecoder.TEMPLATE_ID, ConsumerStatementQueryDecoder.BLOCK_LENGTH);
        query(VoucherStatusQueryDecoder.TEMPLATE_ID, VoucherStatusQueryDecoder.BLOCK_LENGTH);
        query(DistributionStatusQueryDecoder.TEMPLATE_ID, DistributionStatusQueryDecoder.BLOCK_LENGTH);
    }

    private CommandCatalog()
    {
    }

    private static void command(final int templateId, final int blockLength)
    {
        KIND_BY_TEMPLATE[templateId] = KIND_COMMAND;
        BLOCK_LENGTH_BY_TEMPLATE[templateId] = blockLength;
    }

    private static void query(final int templateId, final int blockLength)
    {
        KIND_BY_TEMPLATE[templateId] = KIND_QUERY;
        BLOCK_LENGTH_BY_TEMPLATE[templateId] = blockLength;
    }

    /** True for inbound messages that change state and therefore go to the journal. */
    public static boolean isCommand(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT && KIND_BY_TEMPLATE[templateId] == KIND_COMMAND;
    }

    /** True for inbound messages answered from state without changing it (not journaled). */
    public static boolean isQuery(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT && KIND_BY_TEMPLATE[templateId] == KIND_QUERY;
    }

    /**
     * Checks that an inbound message can be decoded: known schema, known inbound template, a block at least as long
     * as this version's fields, and the bytes to hold it. Later schema versions may append fields (a longer block),
     * which older engines skip, as SBE intends.
     *
     * @return {@link ResultCode#OK} or the reason the message is refused.
     */
    public static ResultCode check(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return ResultCode.MALFORMED_MESSAGE;
        }
        if (length > MAX_MESSAGE_LENGTH)
        {
            return ResultCode.FRAME_TOO_LARGE;
        }
        final int schemaId = buffer.getShort(offset + 4, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int version = buffer.getShort(offset + 6, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (schemaId != SCHEMA_ID || version < 1)
        {
            return ResultCode.UNSUPPORTED_SCHEMA;
        }
        final int templateId = templateId(buffer, offset);
        if (!isCommand(templateId) && !isQuery(templateId))
        {
            return ResultCode.UNKNOWN_MESSAGE_TYPE;
        }
        final int blockLength = buffer.getShort(offset, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (blockLength < BLOCK_LENGTH_BY_TEMPLATE[templateId] || HEADER_LENGTH + blockLength > length)
        {
            return ResultCode.MALFORMED_MESSAGE;
        }
        return ResultCode.OK;
    }

    /** The template id of an encoded message; call only when at least a header's bytes are present. */
    public static int templateId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }
}
