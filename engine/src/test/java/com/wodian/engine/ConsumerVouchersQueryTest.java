package com.wodian.engine;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * ConsumerVouchersQuery (POS review finding 7): a consumer's live vouchers, those of a pool distribution included,
 * paged by cursor; bad and random inputs are answered with a refusal or a page, never an exception.
 */
class ConsumerVouchersQueryTest
{
    private static final long M1 = 1;
    private static final long M2 = 2;
    private static final long T11 = 11;
    private static final long T21 = 21;
    private static final long C1 = 1001;
    private static final long C2 = 1002;
    private static final long DAY_MS = 24L * 3600 * 1000;

    private EngineDriver d;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ConsumerVouchersReplyDecoder reply = new ConsumerVouchersReplyDecoder();

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small().distributionSliceEntries(100));
        for (final long merchant : new long[]{M1, M2})
        {
            assertEquals(ResultCode.OK, d.merchant(merchant, 0, 0, 0, 0, true));
            assertEquals(ResultCode.OK, d.rules(merchant, 10, 1_000, 0, 0, true, DistributionMode.VOUCHER, 100,
                merchant * 100, DAY_MS));
        }
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.terminal(T21, M2));
        for (final long consumer : new long[]{C1, C2})
        {
            assertEquals(ResultCode.OK, d.consumer(consumer, 0));
            assertEquals(ResultCode.OK, d.topUp(consumer, consumer, 1_000_000));
            assertEquals(ResultCode.OK, d.pay(M1, T11, consumer, consumer, 50_000));
            assertEquals(ResultCode.OK, d.pay(M2, T21, consumer, consumer, 50_000));
        }
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    private ConsumerVouchersReplyDecoder query(final long consumerId, final long merchantId, final long cursor)
    {
        d.query(d.encoder.consumerVouchersQuery(d.command, 0, consumerId, merchantId, cursor));
        assertEquals(1, d.replyCount);
        return reply.wrapAndApplyHeader(d.reply, 0, header);
    }

    /** Every voucher id of the consumer at the merchant (0: any), following the cursor. */
    private List<Long> all(final long consumerId, final long merchantId)
    {
        final List<Long> ids = new ArrayList<>();
        long cursor = 0;
        for (int page = 0; page < 1_000; page++)
        {
            final ConsumerVouchersReplyDecoder answer = query(consumerId, merchantId, cursor);
            assertEquals(ResultCode.OK, answer.code());
            for (final ConsumerVouchersReplyDecoder.VouchersDecoder voucher : answer.vouchers())
            {
                ids.add(voucher.voucherId());
            }
            cursor = answer.nextCursor();
            if (cursor == 0)
            {
                return ids;
            }
        }
        throw new AssertionError("no end after 1000 pages");
    }

    @Test
    void aDistributionsVouchersAreListedWithTheirValueAndExpiry()
    {
        assertEquals(ResultCode.OK, d.distribute(M1, 1, 0));
        for (int i = 0; i < 10 && d.distribution(M1, 1).state() == DistributionState.RUNNING; i++)
        {
            d.tick();
        }
        assertEquals(DistributionState.DONE, d.distribution(M1, 1).state());
        final ConsumerVouchersReplyDecoder answer = query(C1, M1, 0);
        assertEquals(ResultCode.OK, answer.code());
        assertEquals(C1, answer.consumerId());
        assertEquals(0, answer.nextCursor(), "one page holds them all");
        final ConsumerVouchersReplyDecoder.VouchersDecoder vouchers = answer.vouchers();
        assertEquals(1, vouchers.count());
        final ConsumerVouchersReplyDecoder.VouchersDecoder voucher = vouchers.next();
        final long spent = voucher.voucherId();
        assertEquals(M1, voucher.merchantId());
        assertEquals(VoucherState.ISSUED, voucher.state());
        final long valueFen = voucher.valueFen();
        final long expiresAtMs = voucher.expiresAtMs();
        assertTrue(valueFen > 0);
        final VoucherStatusReplyDecoder status = d.voucher(spent);   // the operator's view of the same voucher
        assertEquals(C1, status.consumerId());
        assertEquals(status.valueFen(), valueFen);
        assertEquals(status.expiresAtMs(), expiresAtMs);
        // The id works in a Pay at the merchant.
        assertEquals(ResultCode.OK, d.payWithVoucher(M1, T11, 77, C1, 100_000, spent));
        assertEquals(List.of(), all(C1, M1), "a redeemed voucher is no longer listed");
    }

    @Test
    void onlyLiveVouchersOfTheConsumerAtTheMerchantAreListed()
    {
        final List<Long> atM1 = new ArrayList<>();
        final List<Long> atM2 = new ArrayList<>();
        for (int i = 1; i <= 40; i++)
        {
            assertEquals(ResultCode.OK, d.redeem(C2, i % 2 == 0 ? M1 : M2, 500 + i));   // interleaved, another consumer
            assertEquals(ResultCode.OK, d.redeem(C1, i % 2 == 0 ? M1 : M2, i));
            (i % 2 == 0 ? atM1 : atM2).add(d.voucherIdOfLastReply());
        }
        assertEquals(atM1, all(C1, M1), "20 vouchers over two pages, in slot (here issue) order");
        assertEquals(atM2, all(C1, M2));
        assertEquals(40, all(C1, 0).size(), "merchant 0: every merchant");
        assertEquals(16, query(C1, 0, 0).vouchers().count(), "at most 16 per reply");

        final long reserved = atM1.get(0);
        assertEquals(ResultCode.OK, d.tryWithVoucher(M1, T11, 50, C1, 10_000, 60_000, reserved));
        final ConsumerVouchersReplyDecoder.VouchersDecoder first = query(C1, M1, 0).vouchers().next();
        assertEquals(reserved, first.voucherId());
        assertEquals(VoucherState.RESERVED, first.state(), "held by a live Try: listed, marked");
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 50));
        assertFalse(all(C1, M1).contains(reserved));

        d.advanceMs(DAY_MS);
        d.tick();   // queries see the time of the last input
        assertEquals(List.of(), all(C1, 0), "past their expiry, swept or not");
    }

    @Test
    void refusalsAndTheirFields()
    {
        assertRefused(ResultCode.INVALID_ID, 0, M1, 0);
        assertRefused(ResultCode.INVALID_ID, -1, M1, 0);
        assertRefused(ResultCode.INVALID_ID, C1, -1, 0);
        assertRefused(ResultCode.INVALID_ID, C1, M1, -1);
        assertRefused(ResultCode.INVALID_ID, C1, M1, Long.MIN_VALUE);
        assertRefused(ResultCode.UNKNOWN_CONSUMER, 999, M1, 0);
        assertRefused(ResultCode.UNKNOWN_MERCHANT, C1, 999, 0);
        final ConsumerVouchersReplyDecoder beyond = query(C1, M1, Long.MAX_VALUE);
        assertEquals(ResultCode.OK, beyond.code(), "a cursor past the end: an empty last page");
        assertEquals(0, beyond.nextCursor());
        assertEquals(0, beyond.vouchers().count());
    }

    private void assertRefused(final ResultCode code, final long consumerId, final long merchantId, final long cursor)
    {
        final ConsumerVouchersReplyDecoder answer = query(consumerId, merchantId, cursor);
        assertEquals(code, answer.code());
        assertEquals(consumerId, answer.consumerId());
        assertEquals(merchantId, answer.merchantId());
        assertEquals(0, answer.nextCursor());
        assertEquals(0, answer.vouchers().count());
    }

    @Test
    void aQueryReadsABoundedNumberOfSlotsAndThePagesStillCoverEveryVoucher()
    {
        // More vouchers of another consumer than one query scans, then one of C1 at the end.
        final int others = ConsumerVouchersAnswer.SCAN_SLOTS_MAX + 10;
        assertEquals(ResultCode.OK, d.rules(M1, 10, 1_000, 0, 0, true, DistributionMode.VOUCHER, 1, 1, DAY_MS));
        assertEquals(ResultCode.OK, d.adjust(C2, 1, others));
        for (int i = 1; i <= others; i++)
        {
            assertEquals(ResultCode.OK, d.redeem(C2, M1, i));
        }
        assertEquals(ResultCode.OK, d.redeem(C1, M1, 1));
        final long mine = d.voucherIdOfLastReply();
        final ConsumerVouchersReplyDecoder first = query(C1, M1, 0);
        assertEquals(0, first.vouchers().count());
        assertEquals(ConsumerVouchersAnswer.SCAN_SLOTS_MAX, first.nextCursor(), "the scan stopped at its bound");
        assertEquals(List.of(mine), all(C1, M1));
    }

    /** Random and truncated queries: a reply every time, each a refusal or a well-formed page. */
    @Test
    void randomAndMalformedQueriesNeverBreakTheEngine()
    {
        final Random random = new Random(7);
        final long[] interesting = {0, 1, -1, C1, C2, M1, M2, Long.MAX_VALUE, Long.MIN_VALUE, 4096, 4097};
        for (int i = 0; i < 2_000; i++)
        {
            final long consumerId = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] :
                random.nextLong();
            final long merchantId = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] :
                random.nextLong();
            final long cursor = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] :
                random.nextLong();
            final ConsumerVouchersReplyDecoder answer = query(consumerId, merchantId, cursor);
            assertTrue(answer.nextCursor() >= 0);
            assertTrue(answer.vouchers().count() <= ConsumerVouchersAnswer.VOUCHERS_PER_REPLY_MAX);
            assertTrue(d.replyLength <= CommandCatalog.MAX_REPLY_LENGTH);
        }
        // Short blocks and random bytes: the engine's check refuses them in an ErrorReply.
        for (int i = 0; i < 500; i++)
        {
            final int length = d.encoder.consumerVouchersQuery(d.command, 0, C1, M1, 0);
            final int cut = random.nextInt(length + 1);
            if (random.nextBoolean())
            {
                d.command.putByte(random.nextInt(length), (byte)random.nextInt());
            }
            d.query(cut);
            assertEquals(1, d.replyCount, "one reply to each");
        }
    }
}
