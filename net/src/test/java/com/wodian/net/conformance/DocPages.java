package com.wodian.net.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the published documentation (docs/ at the repository root) so that tests take their cases from the pages a
 * client is written from: a table row or a worked example that disagrees with the server fails a test.
 */
public final class DocPages
{
    private DocPages()
    {
    }

    /** The text of {@code docs/NAME}, found from the module's directory (Surefire runs in it) or the root. */
    public static String read(final String name) throws IOException
    {
        for (final Path candidate : List.of(Path.of("..", "docs", name), Path.of("docs", name)))
        {
            if (Files.isRegularFile(candidate))
            {
                return Files.readString(candidate);
            }
        }
        throw new IOException("docs/" + name + " not found from " + Path.of("").toAbsolutePath());
    }

    /** The fenced code block that follows the first line containing {@code marker}, one string per line. */
    public static List<String> codeBlockAfter(final String page, final String marker)
    {
        final int at = page.indexOf(marker);
        if (at < 0)
        {
            throw new IllegalArgumentException("no '" + marker + "' in the page");
        }
        final int open = page.indexOf("```", at);
        final int start = page.indexOf('\n', open) + 1;
        final int close = page.indexOf("```", start);
        return List.of(page.substring(start, close).split("\n"));
    }

    /** {@code name value} lines of a code block, as a map (value: the second word). */
    public static Map<String, String> namedValues(final List<String> lines)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String line : lines)
        {
            final String[] words = line.trim().split("\\s+");
            if (words.length >= 2)
            {
                values.put(words[0], words[1]);
            }
        }
        return values;
    }

    /**
     * The rows of the first markdown table after the heading line containing {@code heading}: each row's cells,
     * trimmed, without the header row and the separator row.
     */
    public static List<List<String>> tableAfter(final String page, final String heading)
    {
        final int at = page.indexOf(heading);
        if (at < 0)
        {
            throw new IllegalArgumentException("no '" + heading + "' in the page");
        }
        final List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        int seen = 0;
        for (final String line : page.substring(at).split("\n"))
        {
            if (line.startsWith("|"))
            {
                inTable = true;
                if (seen++ >= 2)
                {
                    final List<String> cells = new ArrayList<>();
                    final String[] parts = line.split("\\|", -1);
                    for (int i = 1; i < parts.length - 1; i++)
                    {
                        cells.add(parts[i].trim());
                    }
                    rows.add(cells);
                }
            }
            else if (inTable)
            {
                break;
            }
        }
        return rows;
    }
}
