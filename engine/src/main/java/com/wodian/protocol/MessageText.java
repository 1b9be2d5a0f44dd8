package com.wodian.protocol;

import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;

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
        final int blockLength = header.blockLength();
        final int version = header.version();
        final StringBuilder text = new StringBuilder(128);
        switch (templateId)
        {
            case RegisterMerchantDecoder.TEMPLATE_ID:
                new RegisterMerchantDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RegisterConsumerDecoder.TEMPLATE_ID:
                new RegisterConsumerDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RegisterTerminalDecoder.TEMPLATE_ID:
                new RegisterTerminalDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case TopUpDecoder.TEMPLATE_ID:
                new TopUpDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case WithdrawDecoder.TEMPLATE_ID:
                new WithdrawDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case SetBlockedDecoder.TEMPLATE_ID:
                new SetBlockedDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case PayDecoder.TEMPLATE_ID:
                new PayDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case PaymentTryDecoder.TEMPLATE_ID:
                new PaymentTryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case PaymentConfirmDecoder.TEMPLATE_ID:
                new PaymentConfirmDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case PaymentCancelDecoder.TEMPLATE_ID:
                new PaymentCancelDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RefundDecoder.TEMPLATE_ID:
                new RefundDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case TickDecoder.TEMPLATE_ID:
                new TickDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case TakeSnapshotDecoder.TEMPLATE_ID:
                new TakeSnapshotDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case BalanceQueryDecoder.TEMPLATE_ID:
                new BalanceQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case PaymentStatusQueryDecoder.TEMPLATE_ID:
                new PaymentStatusQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case MerchantStatementQueryDecoder.TEMPLATE_ID:
                new MerchantStatementQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case StateHashQueryDecoder.TEMPLATE_ID:
                new StateHashQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case AckDecoder.TEMPLATE_ID:
                new AckDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case PaymentReplyDecoder.TEMPLATE_ID:
                new PaymentReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RefundReplyDecoder.TEMPLATE_ID:
                new RefundReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case BalanceReplyDecoder.TEMPLATE_ID:
                new BalanceReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case PaymentStatusReplyDecoder.TEMPLATE_ID:
                new PaymentStatusReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case MerchantStatementReplyDecoder.TEMPLATE_ID:
                new MerchantStatementReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case StateHashReplyDecoder.TEMPLATE_ID:
                new StateHashReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case ErrorReplyDecoder.TEMPLATE_ID:
                new ErrorReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case SetMerchantRulesDecoder.TEMPLATE_ID:
                new SetMerchantRulesDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RedeemPointsDecoder.TEMPLATE_ID:
                new RedeemPointsDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case AdjustPointsDecoder.TEMPLATE_ID:
                new AdjustPointsDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case DistributePoolDecoder.TEMPLATE_ID:
                new DistributePoolDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case ConsumerStatementQueryDecoder.TEMPLATE_ID:
                new ConsumerStatementQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case VoucherStatusQueryDecoder.TEMPLATE_ID:
                new VoucherStatusQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case DistributionStatusQueryDecoder.TEMPLATE_ID:
                new DistributionStatusQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case VoucherReplyDecoder.TEMPLATE_ID:
                new VoucherReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case ConsumerStatementReplyDecoder.TEMPLATE_ID:
                new ConsumerStatementReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case VoucherStatusReplyDecoder.TEMPLATE_ID:
                new VoucherStatusReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case DistributionStatusReplyDecoder.TEMPLATE_ID:
                new DistributionStatusReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case LogonDecoder.TEMPLATE_ID:
                new LogonDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case LogonProofDecoder.TEMPLATE_ID:
                new LogonProofDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case HeartbeatDecoder.TEMPLATE_ID:
                new HeartbeatDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case LogonChallengeDecoder.TEMPLATE_ID:
                new LogonChallengeDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case LogonReplyDecoder.TEMPLATE_ID:
                new LogonReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case HeartbeatReplyDecoder.TEMPLATE_ID:
                new HeartbeatReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case SetRiskRuleDecoder.TEMPLATE_ID:
                new SetRiskRuleDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RiskRuleQueryDecoder.TEMPLATE_ID:
                new RiskRuleQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RiskEventsQueryDecoder.TEMPLATE_ID:
                new RiskEventsQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RiskStatsQueryDecoder.TEMPLATE_ID:
                new RiskStatsQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RiskRuleReplyDecoder.TEMPLATE_ID:
                new RiskRuleReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RiskEventsReplyDecoder.TEMPLATE_ID:
                new RiskEventsReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case ClusterStatusQueryDecoder.TEMPLATE_ID:
                new ClusterStatusQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case ClusterControlDecoder.TEMPLATE_ID:
                new ClusterControlDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case ClusterStatusReplyDecoder.TEMPLATE_ID:
                new ClusterStatusReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case ClusterControlReplyDecoder.TEMPLATE_ID:
                new ClusterControlReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RiskStatsReplyDecoder.TEMPLATE_ID:
                new RiskStatsReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case SetRiskModelDecoder.TEMPLATE_ID:
                new SetRiskModelDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RiskModelQueryDecoder.TEMPLATE_ID:
                new RiskModelQueryDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            case RiskModelReplyDecoder.TEMPLATE_ID:
                new RiskModelReplyDecoder().wrap(buffer, bodyOffset, blockLength, version).appendTo(text);
                break;
            default:
                return raw(buffer, bodyOffset, length - MessageHeaderDecoder.ENCODED_LENGTH, templateId,
                    "version=" + version, "unknown-template");
        }
        return compact(text.toString());
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

    /** The result code of a reply, or null when the message is not a reply with a code. */
    public static ResultCode resultCode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH + 2)
        {
            return null;
        }
        final int templateId = CommandCatalog.templateId(buffer, offset);
        // Reply ids are 100..126 (engine replies, the session layer's 120..124, the replica group's 125..126).
        if (templateId < AckDecoder.TEMPLATE_ID || templateId > ClusterControlReplyDecoder.TEMPLATE_ID)
        {
            return null;
        }
        // Every reply starts with its uint16 result code (schema convention, see docs/protocol.md).
        final int code = buffer.getShort(offset + MessageHeaderDecoder.ENCODED_LENGTH,
            java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return ResultCode.get(code);
    }
}
