package com.wodian.protocol;

import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Values the gateway refuses before they reach the journal, although the engine (which replays journals as they were
 * decided) accepts them: a voucher validity above 100 years (fuzz-review finding 3: now + validity wrapped past
 * Long.MAX_VALUE and the voucher was born expired).
 */
class GatewayCapsTest
{
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);

    @Test
    void aVoucherValidityAboveTheCapIsRefusedAtTheGatewayOnly()
    {
        assertEquals(3_153_600_000_000L, CommandCatalog.VOUCHER_VALIDITY_MS_MAX, "100 years, as protocol.md says");
        for (final long validityMs : new long[]{CommandCatalog.VOUCHER_VALIDITY_MS_MAX + 1, Long.MAX_VALUE})
        {
            final int length = rules(validityMs);
            assertEquals(ResultCode.RATE_OUT_OF_RANGE, CommandCatalog.checkInbound(buffer, 0, length), "" + validityMs);
            assertEquals(ResultCode.OK, CommandCatalog.check(buffer, 0, length), "a journaled one still applies");
        }
        for (final long validityMs : new long[]{CommandCatalog.VOUCHER_VALIDITY_MS_MAX, 86_400_000L, 0, -1})
        {
            // Negative and zero validities are the engine's to judge (RATE_OUT_OF_RANGE there, docs/rules.md).
            assertEquals(ResultCode.OK, CommandCatalog.checkInbound(buffer, 0, rules(validityMs)), "" + validityMs);
        }
    }

    private int rules(final long validityMs)
    {
        return encoder.setMerchantRules(buffer, 0, 1, 10, 500, 200, 100, true, DistributionMode.VOUCHER, 10, 500,
            validityMs);
    }
}
