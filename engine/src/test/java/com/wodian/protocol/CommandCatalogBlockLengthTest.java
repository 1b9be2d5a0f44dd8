package com.wodian.protocol;

import com.wodian.protocol.sbe.BooleanType;
import com.wodian.protocol.sbe.MerchantTrade;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.PayEncoder;
import com.wodian.protocol.sbe.PaymentTryEncoder;
import com.wodian.protocol.sbe.RegisterMerchantEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A template whose older versions had a shorter block (Pay and PaymentTry before voucherId, RegisterMerchant before
 * trade and areaCode) accepts that block only from those versions: a sender whose header says a version with the
 * newer fields must send them, or the decoder would read them from the bytes after the message (docs/protocol.md
 * section 5). Each case puts bytes that would decode as a real voucher or trade right after a short block.
 */
class CommandCatalogBlockLengthTest
{
    private static final int LEFTOVER_BYTE = 0x07;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    @Test
    void payWithoutVoucherIdIsAcceptedFromVersionOneOnly()
    {
        final int shortBlock = PayEncoder.BLOCK_LENGTH - PayEncoder.voucherIdEncodingLength();
        assertEquals(ResultCode.OK, checkPay(1, shortBlock));
        assertEquals(ResultCode.MALFORMED_MESSAGE, checkPay(PayEncoder.voucherIdSinceVersion(), shortBlock));
        assertEquals(ResultCode.MALFORMED_MESSAGE, checkPay(CommandCatalog.SCHEMA_VERSION, shortBlock));
        assertEquals(ResultCode.OK, checkPay(CommandCatalog.SCHEMA_VERSION, PayEncoder.BLOCK_LENGTH));
        assertEquals(ResultCode.OK, checkPay(1, PayEncoder.BLOCK_LENGTH));
        assertEquals(ResultCode.MALFORMED_MESSAGE, checkPay(1, shortBlock - 1));
    }

    @Test
    void paymentTryWithoutVoucherIdIsAcceptedFromVersionOneOnly()
    {
        final int shortBlock = PaymentTryEncoder.BLOCK_LENGTH - PaymentTryEncoder.voucherIdEncodingLength();
        assertEquals(ResultCode.OK, checkTry(1, shortBlock));
        assertEquals(ResultCode.MALFORMED_MESSAGE, checkTry(PaymentTryEncoder.voucherIdSinceVersion(), shortBlock));
        assertEquals(ResultCode.OK, checkTry(CommandCatalog.SCHEMA_VERSION, PaymentTryEncoder.BLOCK_LENGTH));
    }

    @Test
    void registerMerchantWithoutTradeIsAcceptedBeforeVersionFourOnly()
    {
        final int shortBlock = RegisterMerchantEncoder.BLOCK_LENGTH - RegisterMerchantEncoder.tradeEncodingLength() -
            RegisterMerchantEncoder.areaCodeEncodingLength();
        final int tradeSince = RegisterMerchantEncoder.tradeSinceVersion();
        assertEquals(ResultCode.OK, checkRegisterMerchant(tradeSince - 1, shortBlock));
        assertEquals(ResultCode.MALFORMED_MESSAGE, checkRegisterMerchant(tradeSince, shortBlock));
        assertEquals(ResultCode.MALFORMED_MESSAGE, checkRegisterMerchant(CommandCatalog.SCHEMA_VERSION, shortBlock));
        assertEquals(ResultCode.OK,
            checkRegisterMerchant(CommandCatalog.SCHEMA_VERSION, RegisterMerchantEncoder.BLOCK_LENGTH));
    }

    private ResultCode checkPay(final int version, final int blockLength)
    {
        fillWithLeftovers();
        new PayEncoder().wrapAndApplyHeader(buffer, 0, header)
            .merchantId(1).terminalId(2).paymentId(3).consumerId(4).amountFen(100).voucherId(0);
        return checkAs(version, blockLength);
    }

    private ResultCode checkTry(final int version, final int blockLength)
    {
        fillWithLeftovers();
        new PaymentTryEncoder().wrapAndApplyHeader(buffer, 0, header)
            .merchantId(1).terminalId(2).paymentId(3).consumerId(4).amountFen(100).ttlMs(60_000).voucherId(0);
        return checkAs(version, blockLength);
    }

    private ResultCode checkRegisterMerchant(final int version, final int blockLength)
    {
        fillWithLeftovers();
        new RegisterMerchantEncoder().wrapAndApplyHeader(buffer, 0, header)
            .merchantId(1).pointsPerYuan(1).poolRateBps(100).allianceShareBps(100).platformFeeBps(10)
            .allianceMember(BooleanType.TRUE).trade(MerchantTrade.values()[0]).areaCode(1);
        return checkAs(version, blockLength);
    }

    /** Rewrites the header's version and block length, and leaves non-zero bytes after the (possibly short) block. */
    private ResultCode checkAs(final int version, final int blockLength)
    {
        header.wrap(buffer, 0).version(version).blockLength(blockLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + blockLength;
        for (int i = length; i < length + 16; i++)
        {
            buffer.putByte(i, (byte)LEFTOVER_BYTE);
        }
        return CommandCatalog.check(buffer, 0, length);
    }

    private void fillWithLeftovers()
    {
        buffer.setMemory(0, buffer.capacity(), (byte)LEFTOVER_BYTE);
    }
}
