package com.wodian.net.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the SBE messages by template id, read once from the wire schema on the class path (the schema is the one
 * place that names them), for counter labels and metric labels.
 */
final class TemplateNames
{
    private static final String SCHEMA_RESOURCE = "/sbe/wodian-schema.xml";
    private static final Pattern MESSAGE = Pattern.compile("<sbe:message\\s+name=\"(\\w+)\"\\s+id=\"(\\d+)\"");
    private static final int TEMPLATE_ID_LIMIT = 1024;

    private TemplateNames()
    {
    }

    /** Names indexed by template id; null where no message has that id. */
    static String[] load()
    {
        final String[] names = new String[TEMPLATE_ID_LIMIT];
        try (InputStream in = TemplateNames.class.getResourceAsStream(SCHEMA_RESOURCE))
        {
            if (null == in)
            {
                return names;
            }
            final Matcher matcher = MESSAGE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            while (matcher.find())
            {
                final int id = Integer.parseInt(matcher.group(2));
                if (id < TEMPLATE_ID_LIMIT)
                {
                    names[id] = matcher.group(1);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return names;
    }
}
