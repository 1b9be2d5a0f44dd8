package com.wodian.engine;

import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.ConsumerVouchersQueryDecoder;
import com.wodian.protocol.sbe.ConsumerVouchersReplyEncoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherState;

/**
 * ConsumerVouchersQuery (docs/protocol.md): a page of a consumer's live vouchers, so that a POS or a consumer app can
 * name one in a Pay (a pool distribution issues vouchers no reply names). The voucher book has no index by consumer,
 * so each query scans at most {@link #SCAN_SLOTS_MAX} voucher slots from its cursor (a slot index: a live voucher
 * never changes slot) and says where the next page starts: the engine thread's cost per query is bounded whatever the
 * book's size, and the client pages. Encoded from primitives into the reply publisher's buffer; allocates nothing.
 */
final class ConsumerVouchersAnswer
{
    /** Vouchers per reply: 16 entries of 33 bytes keep the reply under 560 bytes. */
    static final int VOUCHERS_PER_REPLY_MAX = 16;
    /** Slots one query reads (64-byte rows, 256 KiB): tens of microseconds of the engine thread. */
    static final int SCAN_SLOTS_MAX = 4096;

    private static final int ISSUED = VoucherState.ISSUED.value();
    private static final int RESERVED = VoucherState.RESERVED.value();

    private final CommandContext context;
    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final VoucherBook vouchers;
    private final ReplyPublisher replies;
    private final ConsumerVouchersReplyEncoder encoder = new ConsumerVouchersReplyEncoder();
    private final int[] foundSlots = new int[VOUCHERS_PER_REPLY_MAX];
    private int foundCount;

    ConsumerVouchersAnswer(final CommandContext context, final EngineBooks books, final ReplyPublisher replies)
    {
        this.context = context;
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.vouchers = books.vouchers;
        this.replies = replies;
        encoder.wrap(replies.buffer, 0);  // once, on the buffer it will always use (ReplyPublisher's constructor)
    }

    void answer(final ConsumerVouchersQueryDecoder query, final ReplySink sink)
    {
        final long consumerId = query.consumerId();
        final long merchantId = query.merchantId();
        final long cursor = query.cursor();
        final int consumerIndex = consumerId > 0 ? consumers.indexOf(consumerId) : -1;
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        final ResultCode code;
        if (consumerId <= 0 || merchantId < 0 || cursor < 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (consumerIndex < 0)
        {
            code = ResultCode.UNKNOWN_CONSUMER;
        }
        else if (merchantId > 0 && merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        else
        {
            code = ResultCode.OK;
        }
        encoder.wrapAndApplyHeader(replies.buffer, 0, replies.header)
            .code(code).consumerId(consumerId).merchantId(merchantId);
        if (code != ResultCode.OK)
        {
            encoder.nextCursor(0).vouchersCount(0);
        }
        else
        {
            // cursor is client input: compared, never used in arithmetic that could overflow.
            final int from = cursor >= vouchers.count() ? vouchers.count() : (int)cursor;
            final int next = scan(from, consumerIndex, merchantIndex);
            final int found = foundCount;
            encoder.nextCursor(next >= vouchers.count() ? 0 : next);
            encodeFound(encoder.vouchersCount(found), found);
        }
        replies.send(encoder.encodedLength(), sink);
    }

    /**
     * Collects into {@link #foundSlots} the consumer's live vouchers (of {@code merchantIndex}, or any when -1) from
     * slot {@code from}; returns the slot after the last one read.
     */
    private int scan(final int from, final int consumerIndex, final int merchantIndex)
    {
        final int end = (int)Math.min(vouchers.count(), (long)from + SCAN_SLOTS_MAX);
        foundCount = 0;
        int slot = from;
        while (slot < end && foundCount < VOUCHERS_PER_REPLY_MAX)
        {
            if (vouchers.get(slot, VoucherBook.CONSUMER_INDEX) == consumerIndex && spendableOrHeld(slot) &&
                (merchantIndex < 0 || vouchers.get(slot, VoucherBook.MERCHANT_INDEX) == merchantIndex))
            {
                foundSlots[foundCount++] = slot;
            }
            slot++;
        }
        return slot;
    }

    /**
     * ISSUED and not yet past its expiry (one past it but not yet swept would be refused 605), or RESERVED by a live
     * Try (its expiry is suspended while the hold lives).
     */
    private boolean spendableOrHeld(final int slot)
    {
        final long state = vouchers.get(slot, VoucherBook.STATE);
        return state == RESERVED ||
            (state == ISSUED && vouchers.get(slot, VoucherBook.EXPIRES_AT_MS) > context.nowMs);
    }

    private void encodeFound(final ConsumerVouchersReplyEncoder.VouchersEncoder group, final int found)
    {
        for (int i = 0; i < found; i++)
        {
            final int slot = foundSlots[i];
            group.next()
                .voucherId(vouchers.get(slot, VoucherBook.ID))
                .merchantId(merchants.get((int)vouchers.get(slot, VoucherBook.MERCHANT_INDEX), MerchantBook.ID))
                .valueFen(vouchers.get(slot, VoucherBook.VALUE_FEN))
                .expiresAtMs(vouchers.get(slot, VoucherBook.EXPIRES_AT_MS))
                .state(VoucherState.get((short)vouchers.get(slot, VoucherBook.STATE)));
        }
    }
}
