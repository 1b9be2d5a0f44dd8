package com.wodian.protocol;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal tools print any stored message's raw fields: every message of the schema has its layout in
 * {@link RawFields}, so a message added later cannot be forgotten in its hand-kept list.
 */
class RawFieldsTest
{
    private static final Pattern MESSAGE = Pattern.compile("<sbe:message\\s+name=\"(\\w+)\"\\s+id=\"(\\d+)\"");

    @Test
    void everyMessageOfTheSchemaHasItsLayout() throws Exception
    {
        final String schema;
        try (InputStream in = RawFields.class.getResourceAsStream("/sbe/wodian-schema.xml"))
        {
            assertTrue(null != in, "the schema is on the class path");
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final Matcher matcher = MESSAGE.matcher(schema);
        int messages = 0;
        while (matcher.find())
        {
            messages++;
            assertEquals(matcher.group(1), RawFields.name(Integer.parseInt(matcher.group(2))),
                "template " + matcher.group(2));
        }
        assertTrue(messages >= 59, "messages found in the schema: " + messages);
    }
}
