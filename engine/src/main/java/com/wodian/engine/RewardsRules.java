package com.wodian.engine;

import com.wodian.engine.RecordFields.Adjustment;
import com.wodian.engine.RecordFields.Distribution;
import com.wodian.engine.RecordFields.Redemption;
import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.AdjustPointsDecoder;
import com.wodian.protocol.sbe.BooleanType;
import com.wodian.protocol.sbe.DistributePoolDecoder;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.PaymentState;
import com.wodian.protocol.sbe.PointsEntryKind;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.ResultCode;

/**
 * The rules of rewards: a merchant's reward settings, points redeemed for vouchers, points adjustments, pool
 * distributions, and the expiry of unused vouchers (docs/rules.md). Each command's fields come decoded ({@link
 * CommandAdapter}); each rule returns its result code (a redemption: its {@link Decision}, whose record holds the
 * voucher the reply reports), and the adapter has the reply encoded.
 */
final class RewardsRules
{
    private final EngineConfig config;
    private final CommandContext context;
    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final RecordTable records;
    private final VoucherBook vouchers;
    private final ConsumptionBook consumption;
    private final PoolDistribution distribution;
    private final RiskControl risk;
    private final Ledger ledger;
    private final MerchantKeyQuota keyQuota;
    private final EngineSettings settings;

    RewardsRules(final EngineConfig config, final CommandContext context, final EngineBooks books,
        final PoolDistribution distribution, final RiskControl risk, final Ledger ledger,
        final MerchantKeyQuota keyQuota, final EngineSettings settings)
    {
        this.keyQuota = keyQuota;
        this.settings = settings;
        this.config = config;
        this.context = context;
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.records = books.records;
        this.vouchers = books.vouchers;
        this.consumption = books.consumption;
        this.distribution = distribution;
        this.risk = risk;
        this.ledger = ledger;
    }

    ResultCode setMerchantRules(final long merchantId, final long pointsPerYuan, final long poolRateBps,
        final long allianceShareBps, final long platformFeeBps, final short allianceMember,
        final short distributionMode, final long voucherPointsCost, final long voucherValueFen,
        final long voucherValidityMs)
    {
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;

        final ResultCode code;
        if (merchantId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        else if (!RegistryRules.isBoolean(allianceMember) ||
            (distributionMode != DistributionMode.VOUCHER.value() &&
            distributionMode != DistributionMode.WALLET_REBATE.value()))
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        else if (!RegistryRules.validRates(pointsPerYuan, poolRateBps, allianceShareBps, platformFeeBps) ||
            voucherPointsCost < 0 || voucherValidityMs < 0 ||
            (voucherPointsCost > 0 && (voucherValueFen <= 0 || voucherValueFen > config.amountFenMax ||
            voucherValidityMs == 0)))
        {
            code = ResultCode.RATE_OUT_OF_RANGE;
        }
        else
        {
            merchants.setRates(merchantIndex, pointsPerYuan, poolRateBps, allianceShareBps, platformFeeBps);
            merchants.setFlag(merchantIndex, MerchantBook.FLAG_ALLIANCE_MEMBER,
                allianceMember == BooleanType.TRUE.value());
            merchants.setDistributionMode(merchantIndex, distributionMode);
            merchants.setVoucherRule(merchantIndex, voucherPointsCost, voucherPointsCost > 0 ? voucherValueFen : 0,
                voucherValidityMs);
            code = ResultCode.OK;
        }
        return code;
    }

    // ------------------------------------------------------------------------------------------------ redemption

    /** RedeemPoints; the decision's record, when there is one, holds the voucher the reply reports. */
    long redeemPoints(final long consumerId, final long merchantId, final long redemptionId)
    {
        final int consumerIndex = consumerId > 0 ? consumers.indexOf(consumerId) : -1;
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        ResultCode code = ResultCode.OK;
        if (consumerId <= 0 || merchantId <= 0 || redemptionId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (consumerIndex < 0)
        {
            code = ResultCode.UNKNOWN_CONSUMER;
        }
        else if (merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        if (code != ResultCode.OK)
        {
            return Decision.of(code);
        }
        final int existing = records.find(Redemption.NAMESPACE, consumerId, redemptionId);
        if (existing >= 0)
        {
            // A repeat is answered from its record; one naming another merchant learns nothing of it.
            return records.get(existing, Redemption.MERCHANT_INDEX) != merchantIndex ?
                Decision.of(ResultCode.EXISTS_WITH_DIFFERENT_MERCHANT) :
                Decision.ofValue(records.firstCode(existing), existing);
        }
        final ResultCode limit = vouchers.freeCount() == 0 ? ResultCode.LIMIT_VOUCHERS : keyQuota.check(merchantIndex);
        if (limit != ResultCode.OK)
        {
            return Decision.of(limit);
        }
        final int record = records.insert(Redemption.NAMESPACE, consumerId, redemptionId, context.nowMs);
        if (record < 0)
        {
            return Decision.of(ResultCode.LIMIT_KEYS);
        }
        records.set(record, Redemption.CONSUMER_INDEX, consumerIndex);
        records.set(record, Redemption.MERCHANT_INDEX, merchantIndex);
        keyQuota.count(record, merchantIndex);
        return Decision.of(decideRedemption(record, consumerId, merchantId, redemptionId, consumerIndex,
            merchantIndex), record);
    }

    /** The parties' indexes are those {@link #redeemPoints} just wrote into the record, passed on, not read back. */
    private ResultCode decideRedemption(final int record, final long consumerId, final long merchantId,
        final long redemptionId, final int consumerIndex, final int merchantIndex)
    {
        final long pointsCost = merchants.get(merchantIndex, MerchantBook.VOUCHER_POINTS_COST);
        final long valueFen = merchants.get(merchantIndex, MerchantBook.VOUCHER_VALUE_FEN);
        ResultCode code = checkRedemption(consumerIndex, merchantIndex, pointsCost, valueFen);
        if (code == ResultCode.OK && risk.isActive(merchantIndex))
        {
            // Points farmed by brushing or pay/refund cycles are caught here, where they would turn into value.
            risk.begin(context.sequence, context.nowMs, RedeemPointsDecoder.TEMPLATE_ID, merchantId, consumerId, 0,
                redemptionId, valueFen);
            code = risk.checkRedemption(consumerIndex, merchantIndex,
                consumers.homeMerchantIndex(consumerIndex));
        }
        if (code == ResultCode.OK)
        {
            final long expiresAtMs = settings.voucherExpiryMs(context.nowMs,
                merchants.get(merchantIndex, MerchantBook.VOUCHER_VALIDITY_MS));
            final int slot = ledger.issueVoucherForPoints(consumerIndex, merchantIndex, merchantId, redemptionId,
                pointsCost, valueFen, expiresAtMs);
            records.set(record, Redemption.VOUCHER_ID, vouchers.get(slot, VoucherBook.ID));
            records.set(record, Redemption.VOUCHER_VALUE_FEN, valueFen);
            records.set(record, Redemption.POINTS_COST, pointsCost);
            records.set(record, Redemption.VOUCHER_EXPIRES_AT_MS, expiresAtMs);
        }
        // A refused redemption's record keeps no voucher: its reply reports zeros.
        records.finishDecided(record, RedeemPointsDecoder.TEMPLATE_ID, code, context.nowMs);
        return code;
    }

    private ResultCode checkRedemption(final int consumerIndex, final int merchantIndex, final long pointsCost,
        final long valueFen)
    {
        final long points = consumers.get(consumerIndex, ConsumerBook.POINTS);
        if (pointsCost == 0)
        {
            return ResultCode.VOUCHER_RULE_NOT_SET;
        }
        if (consumers.isBlocked(consumerIndex))
        {
            return ResultCode.CONSUMER_BLOCKED;
        }
        if (merchants.hasFlag(merchantIndex, MerchantBook.FLAG_BLOCKED))
        {
            return ResultCode.MERCHANT_BLOCKED;
        }
        if (points < 0)
        {
            return ResultCode.POINTS_IN_DEBT;
        }
        if (points < pointsCost)
        {
            return ResultCode.INSUFFICIENT_POINTS;
        }
        if (merchants.get(merchantIndex, MerchantBook.POOL_FEN) < valueFen)
        {
            return ResultCode.INSUFFICIENT_POOL;
        }
        return ResultCode.OK;
    }

    // ------------------------------------------------------------------------------------------------ adjustments

    ResultCode adjustPoints(final long consumerId, final long adjustmentId, final long deltaPoints)
    {
        final int template = AdjustPointsDecoder.TEMPLATE_ID;
        final int consumerIndex = consumerId > 0 ? consumers.indexOf(consumerId) : -1;
        ResultCode code = ResultCode.OK;
        if (consumerId <= 0 || adjustmentId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (deltaPoints == 0 || Math.abs(deltaPoints) > EngineConfig.AMOUNT_FEN_CEILING)
        {
            code = ResultCode.AMOUNT_OUT_OF_RANGE;
        }
        else if (consumerIndex < 0)
        {
            code = ResultCode.UNKNOWN_CONSUMER;
        }
        if (code != ResultCode.OK)
        {
            return code;
        }
        final int existing = records.find(Adjustment.NAMESPACE, consumerId, adjustmentId);
        if (existing >= 0)
        {
            return records.get(existing, Adjustment.DELTA_POINTS) != deltaPoints ?
                ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT : ResultCode.get(records.firstCode(existing));
        }
        final int record = records.insert(Adjustment.NAMESPACE, consumerId, adjustmentId, context.nowMs);
        if (record < 0)
        {
            return ResultCode.LIMIT_KEYS;
        }
        records.set(record, Adjustment.CONSUMER_INDEX, consumerIndex);
        records.set(record, Adjustment.DELTA_POINTS, deltaPoints);
        ledger.changePoints(consumerIndex, PointsEntryKind.ADJUST, deltaPoints, 0, adjustmentId);
        records.finishDecided(record, template, ResultCode.OK, context.nowMs);
        return ResultCode.OK;
    }

    // ------------------------------------------------------------------------------------------------ distributions

    ResultCode distributePool(final long merchantId, final long distributionId, final long amountFen)
    {
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        ResultCode code = ResultCode.OK;
        if (merchantId <= 0 || distributionId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (amountFen < 0)
        {
            code = ResultCode.AMOUNT_OUT_OF_RANGE;
        }
        else if (merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        if (code != ResultCode.OK)
        {
            return code;
        }
        final int existing = records.find(Distribution.NAMESPACE, merchantId, distributionId);
        if (existing >= 0)
        {
            return records.get(existing, Distribution.REQUESTED_FEN) != amountFen ?
                ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT : ResultCode.get(records.firstCode(existing));
        }
        // Transient refusals, not recorded: one distribution at a time, and room for one voucher per recipient.
        final boolean voucherMode = PoolDistribution.isVoucherMode(
            merchants.get(merchantIndex, MerchantBook.DISTRIBUTION_MODE));
        if (distribution.isRunning())
        {
            return ResultCode.DISTRIBUTION_RUNNING;
        }
        if (voucherMode && vouchers.freeCount() < consumption.entriesOf(merchantIndex))
        {
            return ResultCode.LIMIT_VOUCHERS;
        }
        final int record = records.insert(Distribution.NAMESPACE, merchantId, distributionId,
            context.nowMs);
        if (record < 0)
        {
            return ResultCode.LIMIT_KEYS;
        }
        records.set(record, Distribution.MERCHANT_INDEX, merchantIndex);
        records.set(record, Distribution.REQUESTED_FEN, amountFen);
        return decideDistribution(record, merchantIndex, amountFen, voucherMode);
    }

    private ResultCode decideDistribution(final int record, final int merchantIndex, final long amountFen,
        final boolean voucherMode)
    {
        final long poolFen = merchants.get(merchantIndex, MerchantBook.POOL_FEN);
        final long payFen = amountFen == 0 ? poolFen : amountFen;
        final long basisFen = merchants.get(merchantIndex, MerchantBook.CONSUMPTION_OPEN_FEN);
        ResultCode code = ResultCode.OK;
        if (merchants.hasFlag(merchantIndex, MerchantBook.FLAG_BLOCKED))
        {
            code = ResultCode.MERCHANT_BLOCKED;
        }
        else if (payFen > poolFen)
        {
            code = ResultCode.INSUFFICIENT_POOL;
        }
        else if (payFen == 0 || basisFen == 0)
        {
            code = ResultCode.NOTHING_TO_DISTRIBUTE;
        }
        records.setKindAndFirstCode(record, DistributePoolDecoder.TEMPLATE_ID, code.value());
        if (code != ResultCode.OK)
        {
            records.setState(record, PaymentState.REJECTED.value());
            records.finish(record, context.nowMs);
            return code;
        }
        final long epoch = merchants.get(merchantIndex, MerchantBook.DISTRIBUTION_EPOCH) + 1;
        merchants.setDistributionEpoch(merchantIndex, epoch);
        ledger.startDistribution(merchantIndex, payFen);
        records.set(record, Distribution.AMOUNT_FEN, payFen);
        records.set(record, Distribution.CONSUMPTION_BASIS_FEN, basisFen);
        records.setState(record, PaymentState.HELD.value());
        final long ruleValidityMs = merchants.get(merchantIndex, MerchantBook.VOUCHER_VALIDITY_MS);
        distribution.start(record, merchantIndex, epoch, payFen, basisFen, voucherMode,
            ruleValidityMs > 0 ? ruleValidityMs : config.distributionVoucherValidityMs);
        return ResultCode.OK;
    }

    /** Expires vouchers whose validity has passed, at most a bounded number per input. */
    void expireDueVouchers()
    {
        for (int i = 0; i < config.expiriesPerCommandMax; i++)
        {
            final int slot = vouchers.expiry.peek();
            if (slot < 0 || vouchers.get(slot, VoucherBook.EXPIRES_AT_MS) > context.nowMs)
            {
                return;
            }
            ledger.expireVoucher(slot);
        }
    }
}
