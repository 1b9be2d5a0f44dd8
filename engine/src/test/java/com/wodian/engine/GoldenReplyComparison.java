package com.wodian.engine;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.PaymentStatusReplyDecoder;
import com.wodian.protocol.sbe.RefundReplyDecoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * How a reply of today's engine is compared with one recorded long ago (the golden replies): every recorded byte
 * must be there, unchanged. A later schema version may do two things to a reply, both append-only (wodian-schema.xml's
 * rules): stamp its own version in the message header, and append fields at the end of the block (the header's
 * blockLength grows; anything after the block, a repeating group, follows the longer block unchanged). So the
 * comparison is: header templateId and schemaId equal; header version the recorded one or newer; the recorded block
 * a prefix of the new block; the recorded bytes after the block equal to the new bytes after the new block. Only
 * the templates that gained fields (PaymentReply, RefundReply and PaymentStatusReply in version 7) may have a longer
 * block, and then exactly today's; every other reply must have the recorded block length.
 */
final class GoldenReplyComparison
{
    private static final int HEADER = CommandCatalog.HEADER_LENGTH;

    private GoldenReplyComparison()
    {
    }

    /** Null when {@code actual} carries every byte of {@code recorded} as described above, else what differs. */
    static String mismatch(final byte[] recorded, final byte[] actual)
    {
        if (recorded.length < HEADER || actual.length < HEADER)
        {
            return Arrays.equals(recorded, actual) ? null : "short replies differ";
        }
        final ByteBuffer was = ByteBuffer.wrap(recorded).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer now = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
        final int templateId = was.getShort(2) & 0xFFFF;
        if (templateId != (now.getShort(2) & 0xFFFF) || was.getShort(4) != now.getShort(4))
        {
            return "template or schema id differs";
        }
        final int recordedVersion = was.getShort(6) & 0xFFFF;
        if ((now.getShort(6) & 0xFFFF) != Math.max(recordedVersion, CommandCatalog.SCHEMA_VERSION))
        {
            return "header version " + (now.getShort(6) & 0xFFFF) + ", recorded " + recordedVersion;
        }
        final int recordedBlock = was.getShort(0) & 0xFFFF;
        final int block = now.getShort(0) & 0xFFFF;
        final int expectedBlock = grownBlockLength(templateId, recordedBlock);
        if (block != expectedBlock)
        {
            return "block length " + block + ", expected " + expectedBlock + " (recorded " + recordedBlock + ")";
        }
        if (recorded.length - recordedBlock != actual.length - block ||
            !Arrays.equals(recorded, HEADER, HEADER + recordedBlock, actual, HEADER, HEADER + recordedBlock) ||
            !Arrays.equals(recorded, HEADER + recordedBlock, recorded.length, actual, HEADER + block, actual.length))
        {
            return "a recorded byte differs";
        }
        return null;
    }

    /** The block length today's engine gives a reply recorded with {@code recordedBlock}. */
    private static int grownBlockLength(final int templateId, final int recordedBlock)
    {
        return switch (templateId)
        {
            case PaymentReplyDecoder.TEMPLATE_ID -> PaymentReplyDecoder.BLOCK_LENGTH;
            case RefundReplyDecoder.TEMPLATE_ID -> RefundReplyDecoder.BLOCK_LENGTH;
            case PaymentStatusReplyDecoder.TEMPLATE_ID -> PaymentStatusReplyDecoder.BLOCK_LENGTH;
            default -> recordedBlock;
        };
    }
}
