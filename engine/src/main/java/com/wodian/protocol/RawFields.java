package com.wodian.protocol;

import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The root-block fields of a message as raw numbers, read at the offsets the generated decoder declares: what the
 * journal tools print for a stored entry they cannot decode (an enum value the schema does not define, a group count
 * beyond the message). Never fails: a template without a decoder, or a block too short for a field, prints what is
 * there. Allocates and uses reflection: tools and logs only, never the engine thread.
 */
public final class RawFields
{
    /** Every message decoder of the schema (requests, session messages and replies; RawFieldsTest checks it). */
    private static final Class<?>[] DECODERS = {
        RegisterMerchantDecoder.class, RegisterConsumerDecoder.class, RegisterTerminalDecoder.class,
        TopUpDecoder.class, WithdrawDecoder.class, SetBlockedDecoder.class, SetMerchantRulesDecoder.class,
        PayDecoder.class, PaymentTryDecoder.class, PaymentConfirmDecoder.class, PaymentCancelDecoder.class,
        RefundDecoder.class, RedeemPointsDecoder.class, AdjustPointsDecoder.class, DistributePoolDecoder.class,
        TickDecoder.class, SetRiskRuleDecoder.class, SetEngineSettingDecoder.class, TakeSnapshotDecoder.class,
        BalanceQueryDecoder.class,
        PaymentStatusQueryDecoder.class, MerchantStatementQueryDecoder.class, StateHashQueryDecoder.class,
        ConsumerStatementQueryDecoder.class, VoucherStatusQueryDecoder.class, DistributionStatusQueryDecoder.class,
        RiskRuleQueryDecoder.class, RiskEventsQueryDecoder.class, RiskStatsQueryDecoder.class,
        ClusterStatusQueryDecoder.class, ClusterControlDecoder.class, LogonDecoder.class, LogonProofDecoder.class,
        HeartbeatDecoder.class, AckDecoder.class, PaymentReplyDecoder.class, RefundReplyDecoder.class,
        BalanceReplyDecoder.class, PaymentStatusReplyDecoder.class, MerchantStatementReplyDecoder.class,
        StateHashReplyDecoder.class, ErrorReplyDecoder.class, VoucherReplyDecoder.class,
        ConsumerStatementReplyDecoder.class, VoucherStatusReplyDecoder.class, DistributionStatusReplyDecoder.class,
        RiskRuleReplyDecoder.class, RiskEventsReplyDecoder.class, RiskStatsReplyDecoder.class,
        LogonChallengeDecoder.class, LogonReplyDecoder.class, HeartbeatReplyDecoder.class,
        ClusterStatusReplyDecoder.class, ClusterControlReplyDecoder.class, ConsumerVouchersQueryDecoder.class,
        ConsumerVouchersReplyDecoder.class, SetRiskModelDecoder.class, RiskModelQueryDecoder.class,
        RiskModelReplyDecoder.class, AccountEventDecoder.class};

    /** One field of a root block: its name, body offset and length in bytes. */
    record Field(String name, int offset, int length)
    {
    }

    /** A message's name and fields in offset order. */
    record Layout(String name, List<Field> fields)
    {
    }

    private static final Map<Integer, Layout> LAYOUT_BY_TEMPLATE = layouts();

    private RawFields()
    {
    }

    /** The message's name, or null when the template id has no decoder in this build. */
    public static String name(final int templateId)
    {
        final Layout layout = LAYOUT_BY_TEMPLATE.get(templateId);
        return null == layout ? null : layout.name();
    }

    /**
     * {@code Name field=raw ...} for every root-block field inside {@code blockLength}, or the body as hex when the
     * template is unknown; integers of 1, 2 and 4 bytes unsigned, of 8 bytes signed, arrays in hex.
     */
    public static String describe(
        final DirectBuffer buffer, final int bodyOffset, final int bodyBytesPresent, final int templateId)
    {
        final Layout layout = LAYOUT_BY_TEMPLATE.get(templateId);
        final StringBuilder text = new StringBuilder(128);
        if (null == layout)
        {
            return text.append("templateId=").append(templateId).append(" body=")
                .append(hex(buffer, bodyOffset, bodyBytesPresent)).toString();
        }
        text.append(layout.name());
        for (final Field field : layout.fields())
        {
            if (field.offset() + field.length() > bodyBytesPresent)
            {
                break;
            }
            text.append(' ').append(field.name()).append('=');
            final int at = bodyOffset + field.offset();
            switch (field.length())
            {
                case 1 -> text.append(buffer.getByte(at) & 0xFF);
                case 2 -> text.append(buffer.getShort(at, ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
                case 4 -> text.append(buffer.getInt(at, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL);
                case 8 -> text.append(buffer.getLong(at, ByteOrder.LITTLE_ENDIAN));
                default -> text.append(hex(buffer, at, field.length()));
            }
        }
        return text.toString();
    }

    /** Lower-case hex of {@code length} bytes, no separators. */
    public static String hex(final DirectBuffer buffer, final int offset, final int length)
    {
        final StringBuilder hex = new StringBuilder(Math.max(0, length) * 2);
        for (int i = 0; i < length; i++)
        {
            final int b = buffer.getByte(offset + i) & 0xFF;
            hex.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }

    private static Map<Integer, Layout> layouts()
    {
        final Map<Integer, Layout> layouts = new HashMap<>();
        for (final Class<?> decoder : DECODERS)
        {
            try
            {
                final int templateId = decoder.getField("TEMPLATE_ID").getInt(null);
                final String name = decoder.getSimpleName().substring(0,
                    decoder.getSimpleName().length() - "Decoder".length());
                layouts.put(templateId, new Layout(name, fields(decoder)));
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("not a generated SBE decoder: " + decoder, ex);
            }
        }
        return layouts;
    }

    /** Root-block fields from the decoder's static {@code xEncodingOffset()} and {@code xEncodingLength()}. */
    private static List<Field> fields(final Class<?> decoder) throws ReflectiveOperationException
    {
        final List<Field> fields = new ArrayList<>();
        for (final Method method : decoder.getMethods())
        {
            final String methodName = method.getName();
            if (Modifier.isStatic(method.getModifiers()) && 0 == method.getParameterCount() &&
                methodName.endsWith("EncodingOffset") && int.class == method.getReturnType())
            {
                final String field = methodName.substring(0, methodName.length() - "EncodingOffset".length());
                final Method length = decoder.getMethod(field + "EncodingLength");
                fields.add(new Field(field, (int)method.invoke(null), (int)length.invoke(null)));
            }
        }
        fields.sort(Comparator.comparingInt(Field::offset));
        return fields;
    }
}
