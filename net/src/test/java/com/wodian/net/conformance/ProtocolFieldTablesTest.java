package com.wodian.net.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The message tables of docs/protocol.md against the schema a client never sees: every documented field sits at the
 * offset the generated codec uses, its "since" column is the schema version that added the field or its message
 * (whichever is later), a heading's "since version" is the message's, and no field of a message is left out.
 * Clients are written from these tables alone.
 */
final class ProtocolFieldTablesTest
{
    private static final String SBE_PACKAGE = "com.wodian.protocol.sbe.";
    private static final Pattern HEADING =
        Pattern.compile("^#### (\\w+) \\(templateId (\\d+), blockLength \\d+(?: \\([^)]*\\))?(?:, since version (\\d+))?");
    private static final Pattern OFFSET_CELL = Pattern.compile("(group entry )?\\d+");
    private static final Pattern NAME_CELL = Pattern.compile("`\\w+`");
    /** A group entry's field described in prose: {@code `nodeId` int32 @0}. */
    private static final Pattern PROSE_FIELD = Pattern.compile("`(\\w+)` \\w+ @(\\d+)");
    private static final Pattern GROUP_MENTION = Pattern.compile("group `(\\w+)`");

    private static final int NOT_DOCUMENTED = -1;

    private final List<String> problems = new ArrayList<>();

    @Test
    void everyMessageTableMatchesTheSchema() throws Exception
    {
        final Map<Integer, Element> messages = schemaMessages();
        Section section = null;
        int sections = 0;
        for (final String line : DocPages.read("protocol.md").split("\n"))
        {
            final Matcher heading = HEADING.matcher(line);
            if (line.startsWith("#"))
            {
                finish(section);
                section = null;
                if (heading.find())
                {
                    section = new Section(heading.group(1), messages.get(Integer.parseInt(heading.group(2))));
                    sections++;
                    checkHeading(section, heading.group(3));
                }
            }
            else if (null != section && null != section.element)
            {
                read(section, line);
            }
        }
        finish(section);
        assertTrue(sections >= 40, "only " + sections + " message sections found in protocol.md");
        assertTrue(problems.isEmpty(), "docs/protocol.md disagrees with the schema:\n" + String.join("\n", problems));
    }

    /** The "Enums:" paragraph lists each enum's values exactly as the schema has them. */
    @Test
    void everyListedEnumMatchesTheSchema() throws Exception
    {
        final String page = DocPages.read("protocol.md");
        final int start = page.indexOf("Enums: ");
        assertTrue(start >= 0, "no Enums paragraph in protocol.md");
        final String paragraph = page.substring(start, page.indexOf("\n\n", start));
        final Map<String, String> schema = schemaEnums();
        final Matcher listed = Pattern.compile("`(\\w+)` (u?int\\d+) \\(([^)]*)\\)").matcher(paragraph);
        int count = 0;
        while (listed.find())
        {
            if ("ResultCode".equals(listed.group(1)))
            {
                continue; // its values are docs/result-codes.md, checked by ProtocolConformanceTest
            }
            count++;
            final String values = schema.get(listed.group(1) + " " + listed.group(2));
            if (!listed.group(3).equals(values))
            {
                problems.add("enum " + listed.group(1) + " " + listed.group(2) + ": documented (" + listed.group(3) +
                    "), schema (" + values + ")");
            }
        }
        assertTrue(count >= 10, "only " + count + " enums listed");
        assertTrue(problems.isEmpty(), "docs/protocol.md disagrees with the schema:\n" + String.join("\n", problems));
    }

    /** "Name encodingType" to "0 A, 1 B" in schema order. */
    private static Map<String, String> schemaEnums() throws Exception
    {
        final Map<String, String> enums = new HashMap<>();
        final NodeList nodes = schema().getElementsByTagName("enum");
        for (int i = 0; i < nodes.getLength(); i++)
        {
            final Element element = (Element)nodes.item(i);
            final NodeList values = element.getElementsByTagName("validValue");
            final StringBuilder text = new StringBuilder();
            for (int v = 0; v < values.getLength(); v++)
            {
                final Element value = (Element)values.item(v);
                text.append(v == 0 ? "" : ", ").append(value.getTextContent().trim()).append(' ')
                    .append(value.getAttribute("name"));
            }
            enums.put(element.getAttribute("name") + " " + element.getAttribute("encodingType"), text.toString());
        }
        return enums;
    }

    /** Where the reader is inside one message's section. */
    private static final class Section
    {
        final String message;
        final Element element;
        final Set<String> documented = new LinkedHashSet<>();
        int tablesSeen;
        boolean sinceColumn;
        String mentionedGroup;
        String tableGroup;

        Section(final String message, final Element element)
        {
            this.message = message;
            this.element = null != element && message.equals(element.getAttribute("name")) ? element : null;
        }
    }

    /**
     * A table's first table is the message's own fields; a later table describes the group last named in the text
     * before it; a row written {@code group entry N} is a field of that group wherever it stands.
     */
    private void read(final Section section, final String line) throws Exception
    {
        if (line.startsWith("| offset |"))
        {
            section.tableGroup = section.tablesSeen++ > 0 ? section.mentionedGroup : null;
            section.sinceColumn = line.contains("| since |");
            return;
        }
        final String[] cells = line.split("\\|");
        if (line.startsWith("| ") && cells.length >= 4 && OFFSET_CELL.matcher(cells[1].trim()).matches() &&
            NAME_CELL.matcher(cells[2].trim()).matches())
        {
            final String offset = cells[1].trim();
            final boolean groupEntry = offset.startsWith("group entry ");
            final String last = cells[cells.length - 1].trim();
            final int since = section.sinceColumn && last.matches("\\d+") ? Integer.parseInt(last) : NOT_DOCUMENTED;
            final String field = cells[2].trim().replace("`", "");
            checkField(section, groupEntry ? section.mentionedGroup : section.tableGroup, field,
                Integer.parseInt(groupEntry ? offset.substring("group entry ".length()) : offset), since);
            return;
        }
        if (line.startsWith("|"))
        {
            return;
        }
        final Matcher mention = GROUP_MENTION.matcher(line);
        if (mention.find())
        {
            section.mentionedGroup = mention.group(1);
        }
        final Matcher prose = PROSE_FIELD.matcher(line);
        while (null != section.mentionedGroup && prose.find())
        {
            checkField(section, section.mentionedGroup, prose.group(1), Integer.parseInt(prose.group(2)),
                NOT_DOCUMENTED);
        }
    }

    private void checkField(
        final Section section, final String group, final String field, final int offset, final int since)
        throws Exception
    {
        final Element holder = null == group ? section.element : child(section.element, "group", group);
        if (null == holder)
        {
            problems.add(section.message + ": group " + group + " is not in the schema");
            return;
        }
        section.documented.add(null == group ? field : group + "." + field);
        checkRow(section.message, section.element, holder, group, field, offset, since);
    }

    private void checkRow(
        final String message,
        final Element element,
        final Element holder,
        final String group,
        final String field,
        final int offset,
        final int since) throws Exception
    {
        final Element fieldElement = child(holder, "field", field);
        if (null == fieldElement)
        {
            problems.add(message + ": field " + field + " is not in the schema");
            return;
        }
        final Class<?> decoder = decoderClass(message, group);
        final int schemaOffset = (int)staticCall(decoder, field + "EncodingOffset");
        int schemaSince = Math.max(1, sinceVersion(element));
        schemaSince = Math.max(schemaSince, sinceVersion(fieldElement));
        if (holder != element)
        {
            schemaSince = Math.max(schemaSince, sinceVersion(holder));
        }
        if (schemaOffset != offset)
        {
            problems.add(message + "." + field + ": offset " + offset + " documented, " + schemaOffset + " in schema");
        }
        if (NOT_DOCUMENTED != since && schemaSince != since)
        {
            problems.add(message + "." + field + ": since " + since + " documented, " + schemaSince + " in schema");
        }
    }

    private void checkHeading(final Section section, final String documentedSince)
    {
        final String message = section.message;
        final Element element = section.element;
        if (null == element)
        {
            problems.add(message + ": its template id names another message, or none");
            return;
        }
        final int since = Math.max(1, sinceVersion(element));
        final int documented = null == documentedSince ? 1 : Integer.parseInt(documentedSince);
        if (since != documented)
        {
            problems.add(message + ": heading says since version " + documented + ", schema " + since);
        }
    }

    /** Every field of the message and of its groups appears in a table (variable-length data is described in text). */
    private void finish(final Section section)
    {
        if (null == section || null == section.element)
        {
            return;
        }
        final String message = section.message;
        final Element element = section.element;
        final Set<String> documented = section.documented;
        final NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++)
        {
            if (children.item(i) instanceof Element child)
            {
                if ("field".equals(child.getTagName()) && !documented.contains(child.getAttribute("name")))
                {
                    problems.add(message + ": field " + child.getAttribute("name") + " has no row");
                }
                else if ("group".equals(child.getTagName()))
                {
                    checkGroupComplete(message, child, documented);
                }
            }
        }
    }

    private void checkGroupComplete(final String message, final Element group, final Set<String> documented)
    {
        final NodeList fields = group.getElementsByTagName("field");
        for (int i = 0; i < fields.getLength(); i++)
        {
            final String name = group.getAttribute("name") + "." + ((Element)fields.item(i)).getAttribute("name");
            if (!documented.contains(name))
            {
                problems.add(message + ": group field " + name + " has no row");
            }
        }
    }

    private static Map<Integer, Element> schemaMessages() throws Exception
    {
        final Map<Integer, Element> messages = new HashMap<>();
        final NodeList nodes = schema().getElementsByTagName("sbe:message");
        for (int i = 0; i < nodes.getLength(); i++)
        {
            final Element message = (Element)nodes.item(i);
            messages.put(Integer.parseInt(message.getAttribute("id")), message);
        }
        return messages;
    }

    private static Document schema() throws Exception
    {
        try (InputStream in = ProtocolFieldTablesTest.class.getResourceAsStream("/sbe/wodian-schema.xml"))
        {
            assertTrue(null != in, "sbe/wodian-schema.xml is not on the test classpath");
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            return factory.newDocumentBuilder().parse(in);
        }
    }

    private static Element child(final Element parent, final String tag, final String name)
    {
        for (Node node = parent.getFirstChild(); null != node; node = node.getNextSibling())
        {
            if (node instanceof Element element && tag.equals(element.getTagName()) &&
                name.equals(element.getAttribute("name")))
            {
                return element;
            }
        }
        return null;
    }

    private static int sinceVersion(final Element element)
    {
        final String since = element.getAttribute("sinceVersion");
        return since.isEmpty() ? 0 : Integer.parseInt(since);
    }

    private static Class<?> decoderClass(final String message, final String group) throws ClassNotFoundException
    {
        final String outer = SBE_PACKAGE + message + "Decoder";
        if (null == group)
        {
            return Class.forName(outer);
        }
        return Class.forName(outer + "$" + Character.toUpperCase(group.charAt(0)) + group.substring(1) + "Decoder");
    }

    private static Object staticCall(final Class<?> type, final String method) throws Exception
    {
        final Method call = type.getMethod(method);
        return call.invoke(null);
    }
}
