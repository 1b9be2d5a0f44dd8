package com.wodian.protocol;

import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

/**
 * Human-readable text of any encoded message, for the CLI, journal dumps and logs; e.g.
 * {@code Pay merchantId=1 terminalId=11 paymentId=7 consumerId=1001 amountFen=2500}. Allocates: never call it on the
 * engine thread.
 */
public final class MessageText
{
    private MessageText()
    {
    }

    /**
     * The message as text. Never throws: a message the generated decoders cannot read (too short, another schema, a
     * block beyond the bytes, an enum value the schema does not define, an unknown template) is shown as its raw
     * fields, {@code Name field=raw ... undecodable=REASON}, or as hex ({@link RawFields}), so that a tool reading a
     * journal prints every entry.
     */
    public static String describe(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return "<undecodable> length=" + length + " hex=" + RawFields.hex(buffer, offset, Math.max(0, length)) +
                " undecodable=shorter-than-a-header";
        }
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        final int templateId = header.templateId();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int bodyBytes = length - MessageHeaderDecoder.ENCODED_LENGTH;
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() > length)
        {
            return raw(buffer, bodyOffset, bodyBytes, templateId, "schemaId=" + header.schemaId() + " blockLength=" +
                header.blockLength() + " length=" + length, header.schemaId() != MessageHeaderDecoder.SCHEMA_ID ?
                "another-schema" : "block-beyond-the-message");
        }
        try
        {
            return decoded(buffer, bodyOffset, header, length);
        }
        catch (final RuntimeException ex)
        {
            // The generated decoders throw for an enum value the schema does not define, and read out of bounds
            // for a group count beyond the message.
            return raw(buffer, bodyOffset, Math.min(bodyBytes, header.blockLength()), templateId,
                "version=" + header.version(), reason(ex));
        }
    }

    private static String raw(
        final DirectBuffer buffer, final int bodyOffset, final int bodyBytes, final int templateId,
        final String headerText, final String reason)
    {
        final String fields = RawFields.describe(buffer, bodyOffset, Math.max(0, bodyBytes), templateId);
        final String prefix = null == RawFields.name(templateId) ? "<undecodable> " : "";
        return prefix + fields + " " + headerText + " undecodable=" + reason;
    }

    /** One token (no spaces or quotes), so that the dump's text stays one {@code key=value} per word. */
    private static String reason(final RuntimeException ex)
    {
        final String message = null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
        return message.replaceAll("[^A-Za-z0-9:._-]+", "-");
    }

    private static String decoded(
        final DirectBuffer buffer, final int bodyOffset, final MessageHeaderDecoder header, final int length)
    {
        final int templateId = header.templateId();
        final int version = header.version();
        final MessageDecoderFlyweight decoder = decoderOf(templateId);
        if (null == decoder)
        {
            return raw(buffer, bodyOffset, length - MessageHeaderDecoder.ENCODED_LENGTH, templateId,
                "version=" + version, "unknown-template");
        }
        final StringBuilder text = new StringBuilder(128);
        decoder.wrap(buffer, bodyOffset, header.blockLength(), version).appendTo(text);
        return compact(text.toString());
    }

    /** A fresh decoder for every template of the schema (text is for people, not the hot path); null if unknown. */
    private static MessageDecoderFlyweight decoderOf(final int templateId)
    {
        return switch (templateId)
        {
            case RegisterMerchantDecoder.TEMPLATE_ID -> new RegisterMerchantDecoder();
            case RegisterConsumerDecoder.TEMPLATE_ID -> new RegisterConsumerDecoder();
            case RegisterTerminalDecoder.TEMPLATE_ID -> new RegisterTerminalDecoder();
            case TopUpDecoder.TEMPLATE_ID -> new TopUpDecoder();
            case WithdrawDecoder.TEMPLATE_ID -> new WithdrawDecoder();
            case SetBlockedDecoder.TEMPLATE_ID -> new SetBlockedDecoder();
            case PayDecoder.TEMPLATE_ID -> new PayDecoder();
            case PaymentTryDecoder.TEMPLATE_ID -> new PaymentTryDecoder();
            case PaymentConfirmDecoder.TEMPLATE_ID -> new PaymentConfirmDecoder();
            case PaymentCancelDecoder.TEMPLATE_ID -> new PaymentCancelDecoder();
            case RefundDecoder.TEMPLATE_ID -> new RefundDecoder();
            case TickDecoder.TEMPLATE_ID -> new TickDecoder();
            case TakeSnapshotDecoder.TEMPLATE_ID -> new TakeSnapshotDecoder();
            case BalanceQueryDecoder.TEMPLATE_ID -> new BalanceQueryDecoder();
            case PaymentStatusQueryDecoder.TEMPLATE_ID -> new PaymentStatusQueryDecoder();
            case MerchantStatementQueryDecoder.TEMPLATE_ID -> new MerchantStatementQueryDecoder();
            case StateHashQueryDecoder.TEMPLATE_ID -> new StateHashQueryDecoder();
            case AckDecoder.TEMPLATE_ID -> new AckDecoder();
            case PaymentReplyDecoder.TEMPLATE_ID -> new PaymentReplyDecoder();
            case RefundReplyDecoder.TEMPLATE_ID -> new RefundReplyDecoder();
            case BalanceReplyDecoder.TEMPLATE_ID -> new BalanceReplyDecoder();
            case PaymentStatusReplyDecoder.TEMPLATE_ID -> new PaymentStatusReplyDecoder();
            case MerchantStatementReplyDecoder.TEMPLATE_ID -> new MerchantStatementReplyDecoder();
            case StateHashReplyDecoder.TEMPLATE_ID -> new StateHashReplyDecoder();
            case ErrorReplyDecoder.TEMPLATE_ID -> new ErrorReplyDecoder();
            case SetMerchantRulesDecoder.TEMPLATE_ID -> new SetMerchantRulesDecoder();
            case RedeemPointsDecoder.TEMPLATE_ID -> new RedeemPointsDecoder();
            case AdjustPointsDecoder.TEMPLATE_ID -> new AdjustPointsDecoder();
            case DistributePoolDecoder.TEMPLATE_ID -> new DistributePoolDecoder();
            case ConsumerStatementQueryDecoder.TEMPLATE_ID -> new ConsumerStatementQueryDecoder();
            case VoucherStatusQueryDecoder.TEMPLATE_ID -> new VoucherStatusQueryDecoder();
            case DistributionStatusQueryDecoder.TEMPLATE_ID -> new DistributionStatusQueryDecoder();
            case VoucherReplyDecoder.TEMPLATE_ID -> new VoucherReplyDecoder();
            case ConsumerStatementReplyDecoder.TEMPLATE_ID -> new ConsumerStatementReplyDecoder();
            case VoucherStatusReplyDecoder.TEMPLATE_ID -> new VoucherStatusReplyDecoder();
            case DistributionStatusReplyDecoder.TEMPLATE_ID -> new DistributionStatusReplyDecoder();
            case LogonDecoder.TEMPLATE_ID -> new LogonDecoder();
            case LogonProofDecoder.TEMPLATE_ID -> new LogonProofDecoder();
            case HeartbeatDecoder.TEMPLATE_ID -> new HeartbeatDecoder();
            case LogonChallengeDecoder.TEMPLATE_ID -> new LogonChallengeDecoder();
            case LogonReplyDecoder.TEMPLATE_ID -> new LogonReplyDecoder();
            case HeartbeatReplyDecoder.TEMPLATE_ID -> new HeartbeatReplyDecoder();
            case SetRiskRuleDecoder.TEMPLATE_ID -> new SetRiskRuleDecoder();
            case RiskRuleQueryDecoder.TEMPLATE_ID -> new RiskRuleQueryDecoder();
            case RiskEventsQueryDecoder.TEMPLATE_ID -> new RiskEventsQueryDecoder();
            case RiskStatsQueryDecoder.TEMPLATE_ID -> new RiskStatsQueryDecoder();
            case RiskRuleReplyDecoder.TEMPLATE_ID -> new RiskRuleReplyDecoder();
            case RiskEventsReplyDecoder.TEMPLATE_ID -> new RiskEventsReplyDecoder();
            case ClusterStatusQueryDecoder.TEMPLATE_ID -> new ClusterStatusQueryDecoder();
            case ClusterControlDecoder.TEMPLATE_ID -> new ClusterControlDecoder();
            case ClusterStatusReplyDecoder.TEMPLATE_ID -> new ClusterStatusReplyDecoder();
            case ClusterControlReplyDecoder.TEMPLATE_ID -> new ClusterControlReplyDecoder();
            case RiskStatsReplyDecoder.TEMPLATE_ID -> new RiskStatsReplyDecoder();
            case SetRiskModelDecoder.TEMPLATE_ID -> new SetRiskModelDecoder();
            case RiskModelQueryDecoder.TEMPLATE_ID -> new RiskModelQueryDecoder();
            case RiskModelReplyDecoder.TEMPLATE_ID -> new RiskModelReplyDecoder();
            case SetEngineSettingDecoder.TEMPLATE_ID -> new SetEngineSettingDecoder();
            case AccountEventDecoder.TEMPLATE_ID -> new AccountEventDecoder();
            case ConsumerVouchersQueryDecoder.TEMPLATE_ID -> new ConsumerVouchersQueryDecoder();
            case ConsumerVouchersReplyDecoder.TEMPLATE_ID -> new ConsumerVouchersReplyDecoder();
            default -> null;
        };
    }

    /** Turns SBE's "[Pay](sbeTemplateId=10|...):merchantId=1|amountFen=2" into "Pay merchantId=1 amountFen=2". */
    static String compact(final String sbeText)
    {
        final int nameEnd = sbeText.indexOf(']');
        final int fieldsStart = sbeText.indexOf("):");
        if (!sbeText.startsWith("[") || nameEnd < 0 || fieldsStart < 0)
        {
            return sbeText;
        }
        return sbeText.substring(1, nameEnd) + ' ' + sbeText.substring(fieldsStart + 2).replace('|', ' ');
    }
}
