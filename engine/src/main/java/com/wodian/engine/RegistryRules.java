package com.wodian.engine;

import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.BooleanType;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.MerchantTrade;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.ResultCode;

/**
 * The rules of the registry: merchants, consumers and terminals are registered once (a repeat with the same fields
 * is OK, with other fields a refusal), and any of them can be blocked and unblocked. Each command's fields come
 * decoded ({@link CommandAdapter}); each rule returns its result code, which the adapter acknowledges.
 */
final class RegistryRules
{
    private static final long BPS = 10_000;
    private static final long POINTS_PER_YUAN_MAX = 100;

    private final CommandContext context;
    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final TerminalBook terminals;
    private final RiskControl risk;

    RegistryRules(final CommandContext context, final EngineBooks books, final RiskControl risk)
    {
        this.context = context;
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.terminals = books.terminals;
        this.risk = risk;
    }

    private static final short TRUE = BooleanType.TRUE.value();

    /** A wire boolean holds FALSE or TRUE; anything else is a malformed message. */
    static boolean isBoolean(final short value)
    {
        return value == BooleanType.FALSE.value() || value == TRUE;
    }

    /** A merchant's rates: points per yuan in 0..100, basis points non-negative and together at most 100%. */
    static boolean validRates(final long pointsPerYuan, final long poolRateBps, final long allianceShareBps,
        final long platformFeeBps)
    {
        return pointsPerYuan >= 0 && pointsPerYuan <= POINTS_PER_YUAN_MAX && poolRateBps >= 0 &&
            allianceShareBps >= 0 && platformFeeBps >= 0 && poolRateBps + allianceShareBps + platformFeeBps <= BPS;
    }

    /** RegisterMerchant; {@code trade} and {@code areaCode} are 0 (unspecified, unknown) from a version 3 sender. */
    ResultCode registerMerchant(final long merchantId, final long pointsPerYuan, final long poolRateBps,
        final long allianceShareBps, final long platformFeeBps, final short allianceMember, final short trade,
        final int areaCode)
    {
        final ResultCode code;
        if (merchantId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (!isBoolean(allianceMember) || trade < 0 || trade > MerchantTrade.OTHER.value())
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        else if (!validRates(pointsPerYuan, poolRateBps, allianceShareBps, platformFeeBps))
        {
            code = ResultCode.RATE_OUT_OF_RANGE;
        }
        else
        {
            final int existing = merchants.indexOf(merchantId);
            if (existing >= 0)
            {
                final boolean same = merchants.get(existing, MerchantBook.POINTS_PER_YUAN) == pointsPerYuan &&
                    merchants.get(existing, MerchantBook.POOL_RATE_BPS) == poolRateBps &&
                    merchants.get(existing, MerchantBook.ALLIANCE_SHARE_BPS) == allianceShareBps &&
                    merchants.get(existing, MerchantBook.PLATFORM_FEE_BPS) == platformFeeBps &&
                    merchants.hasFlag(existing, MerchantBook.FLAG_ALLIANCE_MEMBER) == (allianceMember == TRUE) &&
                    risk.features.merchantProfiles.trade(existing) == trade &&
                    risk.features.merchantProfiles.areaCode(existing) == areaCode;
                code = same ? ResultCode.OK : ResultCode.MERCHANT_EXISTS_WITH_DIFFERENT_FIELDS;
            }
            else if (merchants.isFull())
            {
                code = ResultCode.LIMIT_MERCHANTS;
            }
            else
            {
                final int index = merchants.add(merchantId);
                merchants.setRates(index, pointsPerYuan, poolRateBps, allianceShareBps, platformFeeBps);
                merchants.setFlag(index, MerchantBook.FLAG_ALLIANCE_MEMBER, allianceMember == TRUE);
                merchants.setDistributionMode(index, DistributionMode.VOUCHER.value());
                risk.merchantRegistered(index, trade, areaCode, context.nowMs);
                code = ResultCode.OK;
            }
        }
        return code;
    }

    ResultCode registerConsumer(final long consumerId, final long homeMerchantId)
    {
        final ResultCode code;
        final int homeIndex = homeMerchantId > 0 ? merchants.indexOf(homeMerchantId) : -1;
        if (consumerId <= 0 || homeMerchantId < 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (homeMerchantId > 0 && homeIndex < 0)
        {
            code = ResultCode.UNKNOWN_HOME_MERCHANT;
        }
        else
        {
            final int existing = consumers.indexOf(consumerId);
            if (existing >= 0)
            {
                code = consumers.homeMerchantIndex(existing) == homeIndex ?
                    ResultCode.OK : ResultCode.CONSUMER_EXISTS_WITH_DIFFERENT_FIELDS;
            }
            else if (consumers.isFull())
            {
                code = ResultCode.LIMIT_CONSUMERS;
            }
            else
            {
                risk.consumerRegistered(consumers.add(consumerId, homeIndex), context.nowMs);
                code = ResultCode.OK;
            }
        }
        return code;
    }

    ResultCode registerTerminal(final long terminalId, final long merchantId)
    {
        final ResultCode code;
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        if (terminalId <= 0 || merchantId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        else
        {
            final int existing = terminals.indexOf(terminalId);
            if (existing >= 0)
            {
                code = terminals.merchantIndex(existing) == merchantIndex ?
                    ResultCode.OK : ResultCode.TERMINAL_EXISTS_WITH_DIFFERENT_FIELDS;
            }
            else if (terminals.isFull())
            {
                code = ResultCode.LIMIT_TERMINALS;
            }
            else
            {
                risk.terminalRegistered(terminals.add(terminalId, merchantIndex));
                code = ResultCode.OK;
            }
        }
        return code;
    }

    ResultCode setBlocked(final short partyType, final long partyId, final short blocked)
    {
        ResultCode code = ResultCode.OK;
        if (!isBoolean(blocked))
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        else if (partyType == PartyType.CONSUMER.value())
        {
            final int index = consumers.indexOf(partyId);
            if (index < 0)
            {
                code = ResultCode.UNKNOWN_CONSUMER;
            }
            else
            {
                consumers.setBlocked(index, blocked == TRUE);
            }
        }
        else if (partyType == PartyType.MERCHANT.value())
        {
            final int index = merchants.indexOf(partyId);
            if (index < 0)
            {
                code = ResultCode.UNKNOWN_MERCHANT;
            }
            else
            {
                merchants.setFlag(index, MerchantBook.FLAG_BLOCKED, blocked == TRUE);
            }
        }
        else if (partyType == PartyType.TERMINAL.value())
        {
            final int index = terminals.indexOf(partyId);
            if (index < 0)
            {
                code = ResultCode.UNKNOWN_TERMINAL;
            }
            else
            {
                terminals.setBlocked(index, blocked == TRUE);
            }
        }
        else
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        return code;
    }
}
