package com.wodian.protocol;

import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every inbound message is refused with {@code UNSUPPORTED_SCHEMA} from a sender whose header version is older than
 * the schema version that introduced it, and accepted (past the version check) from that version on: read from the
 * schema itself, so a message added later cannot be forgotten in {@link CommandCatalog}'s table.
 */
class CommandCatalogVersionTest
{
    @Test
    void inboundMessagesNeedTheVersionThatIntroducedThem() throws Exception
    {
        final NodeList messages = schemaMessages();
        int inbound = 0;
        int introducedLater = 0;
        for (int i = 0; i < messages.getLength(); i++)
        {
            final Element message = (Element)messages.item(i);
            final int templateId = Integer.parseInt(message.getAttribute("id"));
            if (!CommandCatalog.isCommand(templateId) && !CommandCatalog.isQuery(templateId) &&
                !CommandCatalog.isSession(templateId))
            {
                continue;
            }
            inbound++;
            final String since = message.getAttribute("sinceVersion");
            final int sinceVersion = since.isEmpty() ? 1 : Integer.parseInt(since);
            final String name = message.getAttribute("name");
            if (sinceVersion > 1)
            {
                introducedLater++;
                assertEquals(ResultCode.UNSUPPORTED_SCHEMA, checkInbound(templateId, sinceVersion - 1),
                    name + " from a sender of version " + (sinceVersion - 1));
            }
            for (int version = sinceVersion; version <= CommandCatalog.SCHEMA_VERSION; version++)
            {
                assertNotEquals(ResultCode.UNSUPPORTED_SCHEMA, checkInbound(templateId, version),
                    name + " from a sender of version " + version);
            }
        }
        assertTrue(inbound >= 30, "inbound messages found in the schema: " + inbound);
        assertTrue(introducedLater >= 19, "inbound messages introduced after version 1: " + introducedLater);
    }

    /** A message of zeros with a full block; only the header's template id and version matter here. */
    private static ResultCode checkInbound(final int templateId, final int version)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final int blockLength = 64;
        buffer.putShort(0, (short)blockLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(2, (short)templateId, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(4, (short)CommandCatalog.SCHEMA_ID, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(6, (short)version, ByteOrder.LITTLE_ENDIAN);
        return CommandCatalog.checkInbound(buffer, 0, CommandCatalog.MAX_MESSAGE_LENGTH);
    }

    private static NodeList schemaMessages() throws Exception
    {
        try (InputStream schema = CommandCatalog.class.getResourceAsStream("/sbe/wodian-schema.xml"))
        {
            assertTrue(null != schema, "the schema is on the class path");
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(schema)
                .getElementsByTagNameNS("http://fixprotocol.io/2016/sbe", "message");
        }
    }
}
