package com.wodian.protocol;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SetEngineSettingEncoder;
import com.wodian.protocol.sbe.WithdrawDecoder;
import com.wodian.protocol.sbe.WithdrawEncoder;
import com.wodian.protocol.sbe.WithdrawSource;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalog checks an enum field, and an enum value, only from the schema version that added it: what a sender of
 * an older version sends there is what that version's build accepted, so an old journal replays to the same replies.
 */
class CommandCatalogEnumVersionTest
{
    @Test
    void aFieldAddedLaterIsNotCheckedInTheLongerBlockOfAnOlderVersion()
    {
        // A version-6 Withdraw with one byte more than version 6's block: legal SBE (a newer sender's extension),
        // applied by the version-6 builds as a settlement withdrawal whatever that byte held.
        final int olderBlockLength = WithdrawDecoder.sourceEncodingOffset();
        for (final int extraByte : new int[]{0, 2, 255})
        {
            final UnsafeBuffer buffer = withdraw(6, olderBlockLength + 1);
            buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + olderBlockLength, (byte)extraByte);
            assertEquals(ResultCode.OK, check(buffer), "version 6, byte " + extraByte + " where 7 put source");
        }

        final UnsafeBuffer current = withdraw(7, WithdrawEncoder.BLOCK_LENGTH);
        current.putByte(MessageHeaderEncoder.ENCODED_LENGTH + olderBlockLength, (byte)0);
        assertEquals(ResultCode.MALFORMED_MESSAGE, check(current), "version 7 names no source");
        current.putByte(MessageHeaderEncoder.ENCODED_LENGTH + olderBlockLength, (byte)WithdrawSource.SETTLEMENT.value());
        assertEquals(ResultCode.OK, check(current));
    }

    @Test
    void aValueAddedLaterIsRefusedFromASenderOfAnOlderVersion()
    {
        final EngineSetting addedIn7 = EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT;
        assertEquals(ResultCode.MALFORMED_MESSAGE, check(setting(6, addedIn7)), "the version-6 build refused it");
        assertEquals(ResultCode.OK, check(setting(7, addedIn7)));
        assertEquals(ResultCode.OK, check(setting(6, EngineSetting.PAYMENT_TERMINAL_BINDING)));
    }

    @Test
    void theValuesAddedLaterAreTheSchemasOwn() throws Exception
    {
        final NodeList enums = schema().getElementsByTagNameNS("*", "enum");
        int checkedEnums = 0;
        int laterValues = 0;
        for (int i = 0; i < enums.getLength(); i++)
        {
            final Element type = (Element)enums.item(i);
            final Class<?> enumClass = Class.forName("com.wodian.protocol.sbe." + type.getAttribute("name"));
            if (!CommandCatalog.checksEnum(enumClass))
            {
                continue;
            }
            checkedEnums++;
            final int typeSince = sinceVersion(type);
            final NodeList values = type.getElementsByTagNameNS("*", "validValue");
            for (int v = 0; v < values.getLength(); v++)
            {
                final Element value = (Element)values.item(v);
                final int valueSince = sinceVersion(value);
                final int expected = valueSince > typeSince ? valueSince : 1;
                laterValues += expected > 1 ? 1 : 0;
                final Enum<?> constant = enumConstant(enumClass, value.getAttribute("name"));
                assertEquals(expected, CommandCatalog.valueSinceVersion(constant), constant + " in the schema");
            }
        }
        assertTrue(checkedEnums >= 10, "enum types the catalog checks: " + checkedEnums);
        assertTrue(laterValues >= 1, "values added after their enum: " + laterValues);
    }

    private static UnsafeBuffer withdraw(final int version, final int blockLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        new WithdrawEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .merchantId(7).amountFen(100).source(WithdrawSource.SETTLEMENT);
        header(buffer, version, blockLength);
        return buffer;
    }

    private static UnsafeBuffer setting(final int version, final EngineSetting setting)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        new SetEngineSettingEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).setting(setting);
        header(buffer, version, SetEngineSettingEncoder.BLOCK_LENGTH);
        return buffer;
    }

    private static void header(final UnsafeBuffer buffer, final int version, final int blockLength)
    {
        buffer.putShort(0, (short)blockLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(6, (short)version, ByteOrder.LITTLE_ENDIAN);
    }

    private static ResultCode check(final UnsafeBuffer buffer)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + (buffer.getShort(0, ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
        return CommandCatalog.checkInbound(buffer, 0, length);
    }

    private static int sinceVersion(final Element element)
    {
        final String since = element.getAttribute("sinceVersion");
        return since.isEmpty() ? 1 : Integer.parseInt(since);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Enum<?> enumConstant(final Class<?> enumClass, final String name)
    {
        return Enum.valueOf((Class)enumClass, name);
    }

    private static org.w3c.dom.Document schema() throws Exception
    {
        try (InputStream schema = CommandCatalog.class.getResourceAsStream("/sbe/wodian-schema.xml"))
        {
            assertTrue(null != schema, "the schema is on the class path");
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(schema);
        }
    }
}
