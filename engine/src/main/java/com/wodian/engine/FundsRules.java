package com.wodian.engine;

import com.wodian.engine.RecordFields.TopUp;
import com.wodian.engine.RecordFields.Withdrawal;
import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.TopUpDecoder;
import com.wodian.protocol.sbe.WithdrawDecoder;
import com.wodian.protocol.sbe.WithdrawSource;

/**
 * The rules of money entering and leaving: TopUp of a consumer's wallet and Withdraw of a merchant's settlement or
 * alliance earnings or of the platform's fee income, each idempotent under its own key (docs/rules.md).
 */
final class FundsRules
{
    private static final short SETTLEMENT = WithdrawSource.SETTLEMENT.value();

    private final EngineConfig config;
    private final CommandContext context;
    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final RecordTable records;
    private final RiskControl risk;
    private final Ledger ledger;

    FundsRules(final EngineConfig config, final CommandContext context, final EngineBooks books,
        final RiskControl risk, final Ledger ledger)
    {
        this.config = config;
        this.context = context;
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.records = books.records;
        this.risk = risk;
        this.ledger = ledger;
    }

    /** TopUp; returns its result code (the adapter acknowledges it with the external reference). */
    ResultCode topUp(final long consumerId, final long externalRef, final long amountFen)
    {
        final int template = TopUpDecoder.TEMPLATE_ID;
        ResultCode code = consumerId <= 0 || externalRef <= 0 ? ResultCode.INVALID_ID : config.checkAmount(amountFen);
        if (code != ResultCode.OK)
        {
            return code;
        }
        final int consumerIndex = consumers.indexOf(consumerId);
        if (consumerIndex < 0)
        {
            return ResultCode.UNKNOWN_CONSUMER;
        }
        final int existing = records.find(TopUp.NAMESPACE, 0, externalRef);
        if (existing >= 0)
        {
            if (records.get(existing, TopUp.CONSUMER_INDEX) != consumerIndex)
            {
                code = ResultCode.EXISTS_WITH_DIFFERENT_CONSUMER;
            }
            else if (records.get(existing, TopUp.AMOUNT_FEN) != amountFen)
            {
                code = ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT;
            }
            else
            {
                code = ResultCode.get(records.firstCode(existing));
            }
            return code;
        }
        final int record = records.insert(TopUp.NAMESPACE, 0, externalRef, context.nowMs);
        if (record < 0)
        {
            return ResultCode.LIMIT_KEYS;
        }
        records.set(record, TopUp.CONSUMER_INDEX, consumerIndex);
        records.set(record, TopUp.AMOUNT_FEN, amountFen);
        code = ledger.topUp(consumerIndex, amountFen);
        if (code == ResultCode.OK)
        {
            risk.recordTopUp(consumerIndex, amountFen, context.nowMs);
        }
        records.finishDecided(record, template, code, context.nowMs);
        return code;
    }

    /**
     * A Withdraw: the merchant's settlement balance or alliance earnings, or (merchant 0) the platform's fee income,
     * paid out. {@code sourceRaw} is the schema's null value for a Withdraw of version 6 or older, which had no source
     * and paid out the settlement balance.
     */
    ResultCode withdraw(final long merchantId, final long withdrawalId, final long amountFen, final short sourceRaw)
    {
        final int template = WithdrawDecoder.TEMPLATE_ID;
        final short source = sourceRaw == WithdrawSource.NULL_VAL.value() ? SETTLEMENT : sourceRaw;
        final boolean platform = source == WithdrawSource.PLATFORM_FEES.value();
        ResultCode code = source < SETTLEMENT || source > WithdrawSource.PLATFORM_FEES.value() ?
            ResultCode.MALFORMED_MESSAGE : withdrawalId <= 0 || (platform ? merchantId != 0 : merchantId <= 0) ?
            ResultCode.INVALID_ID : config.checkAmount(amountFen);
        final int merchantIndex = code == ResultCode.OK && !platform ? merchants.indexOf(merchantId) : -1;
        if (code == ResultCode.OK && !platform && merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        if (code != ResultCode.OK)
        {
            return code;
        }
        final int existing = records.find(Withdrawal.NAMESPACE, merchantId, withdrawalId);
        if (existing >= 0)
        {
            return records.get(existing, Withdrawal.AMOUNT_FEN) != amountFen ?
                ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT : sourceOf(existing) != source ?
                ResultCode.EXISTS_WITH_DIFFERENT_KIND : ResultCode.get(records.firstCode(existing));
        }
        final int record = records.insert(Withdrawal.NAMESPACE, merchantId, withdrawalId, context.nowMs);
        if (record < 0)
        {
            return ResultCode.LIMIT_KEYS;
        }
        records.set(record, Withdrawal.MERCHANT_INDEX, merchantIndex);
        records.set(record, Withdrawal.AMOUNT_FEN, amountFen);
        if (source != SETTLEMENT)
        {
            // Only other sources are stored, so that a record of an old journal is stored (and hashed) as before.
            records.set(record, Withdrawal.SOURCE, source);
        }
        code = platform ? ledger.payOutPlatformFees(amountFen) :
            merchants.hasFlag(merchantIndex, MerchantBook.FLAG_BLOCKED) ? ResultCode.MERCHANT_BLOCKED :
            source == SETTLEMENT ? ledger.withdraw(merchantIndex, amountFen) :
            ledger.withdrawAllianceEarnings(merchantIndex, amountFen);
        records.finishDecided(record, template, code, context.nowMs);
        return code;
    }

    private short sourceOf(final int withdrawal)
    {
        final long stored = records.get(withdrawal, Withdrawal.SOURCE);
        return stored == 0 ? SETTLEMENT : (short)stored;
    }
}
