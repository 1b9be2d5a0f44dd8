package com.wodian.net.conformance;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ConsumerVouchersReplyDecoder;
import com.wodian.protocol.sbe.ConsumerVouchersReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherState;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ConsumerVouchersQuery and ConsumerVouchersReply examples of docs/protocol.md, byte for byte: the query as
 * {@link CommandEncoder#consumerVouchersQuery} encodes it, the reply as the generated codec encodes the values the
 * example names. If this fails, fix the page.
 */
class ConsumerVouchersExampleTest
{
    private static final Pattern HEADER = Pattern.compile("header\\s+`([0-9a-f ]+)`");

    @Test
    void theQueryExampleIsWhatTheEncoderWrites() throws Exception
    {
        final byte[] documented = example("Example (consumer 1001 at merchant 5, first page");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int length = new CommandEncoder().consumerVouchersQuery(buffer, 0, 1001, 5, 0);
        assertEquals(HexFormat.of().formatHex(documented), HexFormat.of().formatHex(buffer.byteArray(), 0, length));
        assertEquals(ResultCode.OK, CommandCatalog.check(buffer, 0, length));
    }

    @Test
    void theReplyExampleIsWhatTheCodecWritesAndReads() throws Exception
    {
        final byte[] documented = example("Example: one voucher 12 of 5.00");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_REPLY_LENGTH]);
        final ConsumerVouchersReplyEncoder encoder = new ConsumerVouchersReplyEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        encoder.code(ResultCode.OK).consumerId(1001).merchantId(5).nextCursor(0).vouchersCount(1).next()
            .voucherId(12).merchantId(5).valueFen(500).expiresAtMs(1_798_675_200_000L).state(VoucherState.ISSUED);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        assertEquals(HexFormat.of().formatHex(documented), HexFormat.of().formatHex(buffer.byteArray(), 0, length));

        final ConsumerVouchersReplyDecoder decoder = new ConsumerVouchersReplyDecoder().wrapAndApplyHeader(
            new UnsafeBuffer(documented), 0, new com.wodian.protocol.sbe.MessageHeaderDecoder());
        final ConsumerVouchersReplyDecoder.VouchersDecoder vouchers = decoder.vouchers();
        assertEquals(1, vouchers.count());
        assertEquals(500, vouchers.next().valueFen());
    }

    /** The header named in the paragraph that starts with {@code marker}, then the bytes of its code block. */
    private static byte[] example(final String marker) throws Exception
    {
        final String page = DocPages.read("protocol.md");
        final int at = page.indexOf(marker);
        final Matcher header = HEADER.matcher(page.substring(at, page.indexOf("```", at)));
        if (!header.find())
        {
            throw new AssertionError("no header bytes after '" + marker + "'");
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(HexFormat.of().parseHex(header.group(1).replace(" ", "")));
        final List<String> lines = DocPages.codeBlockAfter(page, marker);
        for (final String line : lines)
        {
            for (final String word : line.trim().split("\\s+"))
            {
                if (!word.matches("[0-9a-f]{2}"))
                {
                    break;
                }
                bytes.write(Integer.parseInt(word, 16));
            }
        }
        return bytes.toByteArray();
    }
}
