package com.wodian.engine;

import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.risk.RiskFeatures;
import com.wodian.engine.risk.RiskModels;
import com.wodian.engine.risk.RiskRules;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.SetRiskModelDecoder;
import org.agrona.DirectBuffer;

/**
 * The journaled risk settings: SetRiskRule (a rule's mode, action and thresholds, platform-wide or per merchant) and
 * SetRiskModel (loading scoring models into their slots). The risk checks themselves live in the risk package. Each
 * returns its result code, which {@link CommandAdapter} acknowledges.
 */
final class RiskSettingsRules
{
    /** Thresholds above this are refused: keeps every product in the rules inside a long. */
    private static final long RISK_THRESHOLD_MAX = 1_000_000_000_000L;

    private final MerchantBook merchants;
    private final RiskControl risk;

    RiskSettingsRules(final EngineBooks books, final RiskControl risk)
    {
        this.merchants = books.merchants;
        this.risk = risk;
    }

    ResultCode setRiskRule(final long merchantId, final int ruleId, final short mode, final short action,
        final long threshold1, final long threshold2, final long threshold3)
    {
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        final boolean inherit = mode == RiskMode.INHERIT.value();
        final ResultCode code;
        if (merchantId < 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (merchantId > 0 && merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        else if (!RiskRules.configurable(ruleId) || mode < 0 || mode > RiskMode.INHERIT.value() ||
            (inherit && merchantId == 0) ||
            (!inherit && action != RiskAction.DECLINE.value() && action != RiskAction.FLAG.value()) ||
            threshold1 < 0 || threshold2 < 0 || threshold3 < 0 || threshold1 > RISK_THRESHOLD_MAX ||
            threshold2 > RISK_THRESHOLD_MAX || threshold3 > RISK_THRESHOLD_MAX)
        {
            code = ResultCode.RISK_RULE_INVALID;
        }
        else
        {
            code = risk.rules.set(merchantIndex, ruleId, mode, action, threshold1, threshold2, threshold3);
        }
        return code;
    }

    /**
     * SetRiskModel: BEGIN / COMMIT / CLEAR change the slots, TREES stage up to four trees. The trees group is checked
     * against the message's end ({@code messageEnd}) before it is decoded (the command is journaled input like any
     * other); it starts at {@code groupOffset}, after the message's block as the header gave its length.
     */
    ResultCode setRiskModel(final SetRiskModelDecoder decoder, final DirectBuffer buffer, final int groupOffset,
        final int messageEnd)
    {
        final int slot = decoder.slotRaw();
        final int op = decoder.opRaw();
        ResultCode code;
        if (op != RiskModelOp.TREES.value())
        {
            code = risk.models.control(slot, op, decoder.version(), decoder.treeCount(), decoder.declineScore(),
                decoder.flagScore());
        }
        else
        {
            code = stageRiskTrees(decoder, buffer, messageEnd, groupOffset,
                RiskFeatures.countForSchemaVersion(decoder.actingVersion()));
        }
        return code;
    }

    private ResultCode stageRiskTrees(final SetRiskModelDecoder decoder, final DirectBuffer buffer, final int end,
        final int groupOffset, final int featureCount)
    {
        if (groupOffset + 4 > end)
        {
            return ResultCode.MALFORMED_MESSAGE;
        }
        final int entryLength = buffer.getShort(groupOffset, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (entryLength < SetRiskModelDecoder.TreesDecoder.sbeBlockLength() ||
            (long)groupOffset + 4 + (long)count * entryLength > end)
        {
            return ResultCode.MALFORMED_MESSAGE;
        }
        final ResultCode order = risk.models.checkTrees(decoder.slotRaw(), decoder.version(), decoder.firstTree(),
            count);
        if (order != ResultCode.OK)
        {
            return order;
        }
        // A refused tree unstages the whole message, so a refused message changes nothing.
        final int stagedBefore = decoder.firstTree();
        for (final SetRiskModelDecoder.TreesDecoder tree : decoder.trees())
        {
            if (!RiskModels.validTree(tree.feature0(), tree.feature1(), tree.feature2(), tree.leaf0(), tree.leaf1(),
                tree.leaf2(), tree.leaf3(), featureCount))
            {
                risk.models.unstage(stagedBefore);
                return ResultCode.RISK_MODEL_INVALID;
            }
            risk.models.stageTree(tree.feature0(), tree.threshold0(), tree.feature1(), tree.threshold1(),
                tree.feature2(), tree.threshold2(), tree.leaf0(), tree.leaf1(), tree.leaf2(), tree.leaf3());
        }
        return ResultCode.OK;
    }
}
