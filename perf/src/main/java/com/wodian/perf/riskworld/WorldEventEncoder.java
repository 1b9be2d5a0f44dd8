package com.wodian.perf.riskworld;

import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.AccountEventKind;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.MerchantTrade;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;

/**
 * Turns planned events into wire messages, giving out ids and idempotency keys in emission order: payment ids and
 * refund ids count per merchant, top-up references, withdrawal, redemption and adjustment ids count platform-wide,
 * and voucher slots count redemptions. An account event takes no id, so it shifts none of the others.
 */
final class WorldEventEncoder
{
    static final long VOUCHER_VALIDITY_MS = 30 * SimulatedClock.DAY_MS;

    private final WorldState world;
    private final CommandEncoder encoder = new CommandEncoder();
    private final long[] nextPaymentId;
    private final long[] nextRefundId;
    /** Payment handle → wire payment id (kept until the week ends: refunds may come days later). */
    private final Long2LongHashMap paymentIds = new Long2LongHashMap(-1);
    private final Int2IntHashMap voucherSlots = new Int2IntHashMap(0);
    private long nextReference;
    private int nextVoucherSlot;
    private int lastVoucherSlot;

    WorldEventEncoder(final WorldState world)
    {
        this(world, 0);
    }

    /**
     * An encoder whose payment, refund and reference ids count from {@code idBase} + 1: the warm-up's
     * ({@link WarmUp}) are counted apart from the week's, so the week's commands carry the ids they had without it.
     */
    WorldEventEncoder(final WorldState world, final long idBase)
    {
        this.world = world;
        this.nextPaymentId = new long[world.merchants.size()];
        this.nextRefundId = new long[world.merchants.size()];
        java.util.Arrays.fill(nextPaymentId, idBase);
        java.util.Arrays.fill(nextRefundId, idBase);
        this.nextReference = idBase;
    }

    /** The voucher slot of the last encoded event (0 for none). */
    int lastVoucherSlot()
    {
        return lastVoucherSlot;
    }

    int encode(final WorldEvent event, final MutableDirectBuffer buffer, final int offset)
    {
        lastVoucherSlot = 0;
        return switch (event.type)
        {
            case REGISTER_MERCHANT -> registerMerchant(world.merchant(event.merchant), buffer, offset);
            case SET_MERCHANT_RULES -> merchantRules(world.merchant(event.merchant), buffer, offset);
            case REGISTER_TERMINAL ->
                encoder.registerTerminal(buffer, offset, world.terminalId[event.terminal], merchantId(event));
            case REGISTER_CONSUMER -> encoder.registerConsumer(buffer, offset, accountId(event),
                world.merchant(world.account(event.account).homeMerchant).id);
            case TOP_UP -> encoder.topUp(buffer, offset, accountId(event), ++nextReference, event.amountFen);
            case ADJUST_POINTS -> encoder.adjustPoints(buffer, offset, accountId(event), ++nextReference,
                event.extra);
            case PAY -> pay(event, buffer, offset);
            case TRY -> encoder.tryPayment(buffer, offset, merchantId(event), world.terminalId[event.terminal],
                newPaymentId(event), accountId(event), event.amountFen, event.extra);
            case CONFIRM -> encoder.confirm(buffer, offset, merchantId(event), world.terminalId[event.terminal],
                paymentId(event));
            case REFUND -> encoder.refund(buffer, offset, merchantId(event), world.terminalId[event.terminal],
                paymentId(event), ++nextRefundId[event.merchant], event.amountFen);
            case REDEEM_POINTS -> redeem(event, buffer, offset);
            case WITHDRAW -> encoder.withdraw(buffer, offset, merchantId(event), ++nextReference, event.amountFen);
            case ACCOUNT_EVENT -> encoder.accountEvent(buffer, offset, accountId(event),
                AccountEventKind.get((short)event.accountEvent.wireValue()));
        };
    }

    private int registerMerchant(final Merchant merchant, final MutableDirectBuffer buffer, final int offset)
    {
        return encoder.registerMerchant(buffer, offset, merchant.id, merchant.pointsPerYuan, merchant.poolRateBps,
            merchant.allianceShareBps, merchant.platformFeeBps, merchant.allianceMember, wireTrade(merchant.trade),
            Areas.CODES[merchant.area]);
    }

    /** The schema's trade categories are coarser than the world's: beauty salons are services, supermarkets grocery. */
    static MerchantTrade wireTrade(final Trade trade)
    {
        return switch (trade)
        {
            case CONVENIENCE -> MerchantTrade.CONVENIENCE;
            case SUPERMARKET -> MerchantTrade.GROCERY;
            case RESTAURANT -> MerchantTrade.RESTAURANT;
            case CAFE_TEA -> MerchantTrade.CAFE;
            case APPAREL -> MerchantTrade.FASHION;
            case ELECTRONICS -> MerchantTrade.ELECTRONICS;
            case BEAUTY -> MerchantTrade.SERVICES;
        };
    }

    private int merchantRules(final Merchant merchant, final MutableDirectBuffer buffer, final int offset)
    {
        return encoder.setMerchantRules(buffer, offset, merchant.id, merchant.pointsPerYuan, merchant.poolRateBps,
            merchant.allianceShareBps, merchant.platformFeeBps, merchant.allianceMember, DistributionMode.VOUCHER,
            merchant.voucherPointsCost, merchant.voucherValueFen, merchant.hasVoucherRule() ? VOUCHER_VALIDITY_MS : 0);
    }

    private int pay(final WorldEvent event, final MutableDirectBuffer buffer, final int offset)
    {
        long voucherId = 0;
        if (event.voucherHandle >= 0)
        {
            lastVoucherSlot = voucherSlots.get(event.voucherHandle);
            voucherSlots.remove(event.voucherHandle);
            voucherId = lastVoucherSlot;
        }
        return encoder.pay(buffer, offset, merchantId(event), world.terminalId[event.terminal], newPaymentId(event),
            accountId(event), event.amountFen, voucherId);
    }

    private int redeem(final WorldEvent event, final MutableDirectBuffer buffer, final int offset)
    {
        lastVoucherSlot = ++nextVoucherSlot;
        voucherSlots.put(event.voucherHandle, lastVoucherSlot);
        return encoder.redeemPoints(buffer, offset, accountId(event), merchantId(event), ++nextReference);
    }

    private long newPaymentId(final WorldEvent event)
    {
        final long paymentId = ++nextPaymentId[event.merchant];
        paymentIds.put(event.paymentHandle, paymentId);
        return paymentId;
    }

    private long paymentId(final WorldEvent event)
    {
        final long id = paymentIds.get(event.paymentHandle);
        if (id < 0)
        {
            throw new IllegalStateException("payment handle " + event.paymentHandle + " used before its payment");
        }
        return id;
    }

    private long merchantId(final WorldEvent event)
    {
        return world.merchant(event.merchant).id;
    }

    private long accountId(final WorldEvent event)
    {
        return world.account(event.account).id;
    }
}
