package com.wodian.net.server;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be a HELP or TYPE
 * comment or a sample; metric and label names must be valid; label values properly quoted and escaped; values
 * numbers (or NaN, +Inf, -Inf); a family's TYPE at most once and before its samples; no series twice.
 * Throws {@link IllegalArgumentException} naming the line on the first violation.
 */
final class PrometheusTextParser
{
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE =
        Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE =
        Pattern.compile("(" + NAME + ")(\\{(.*)\\})? ([^ ]+)( -?[0-9]+)?");
    private static final Pattern LABEL =
        Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final String[] SUFFIXES = {"_total", "_created", "_count", "_sum", "_bucket"};

    private PrometheusTextParser()
    {
    }

    /** Parses the text; returns every sample as "name{labels}" to its value. */
    static Map<String, Double> parse(final String text)
    {
        final Map<String, Double> samples = new LinkedHashMap<>();
        final Map<String, String> types = new HashMap<>();
        final Set<String> familiesWithSamples = new HashSet<>();
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i];
            if (line.isEmpty())
            {
                if (i != lines.length - 1)
                {
                    fail(i, line, "empty line inside the exposition");
                }
                continue;
            }
            if (line.startsWith("#"))
            {
                parseComment(i, line, types, familiesWithSamples);
                continue;
            }
            final Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches())
            {
                fail(i, line, "not a sample line");
            }
            final String labels = null == sample.group(3) ? "" : parseLabels(i, line, sample.group(3));
            final double value = parseValue(i, line, sample.group(4));
            familiesWithSamples.add(family(sample.group(1), types));
            if (null != samples.put(sample.group(1) + "{" + labels + "}", value))
            {
                fail(i, line, "series given twice");
            }
        }
        if (!text.endsWith("\n"))
        {
            fail(lines.length - 1, lines[lines.length - 1], "the exposition must end with a line feed");
        }
        return samples;
    }

    private static void parseComment(
        final int index, final String line, final Map<String, String> types, final Set<String> familiesWithSamples)
    {
        final Matcher type = TYPE.matcher(line);
        if (type.matches())
        {
            if (types.containsKey(type.group(1)) || familiesWithSamples.contains(type.group(1)))
            {
                fail(index, line, "TYPE given twice or after the family's samples");
            }
            types.put(type.group(1), type.group(2));
            return;
        }
        if (line.startsWith("# HELP ") && !HELP.matcher(line).matches())
        {
            fail(index, line, "malformed HELP");
        }
        if (line.startsWith("# TYPE "))
        {
            fail(index, line, "malformed TYPE");
        }
    }

    private static String parseLabels(final int index, final String line, final String labels)
    {
        final Matcher label = LABEL.matcher(labels);
        int position = 0;
        final Set<String> names = new HashSet<>();
        while (position < labels.length())
        {
            if (!label.find(position) || label.start() != position)
            {
                fail(index, line, "malformed label at '" + labels.substring(position) + "'");
            }
            if (!names.add(label.group(1)))
            {
                fail(index, line, "label " + label.group(1) + " given twice");
            }
            position = label.end();
        }
        return labels;
    }

    private static double parseValue(final int index, final String line, final String value)
    {
        switch (value)
        {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try
                {
                    return Double.parseDouble(value);
                }
                catch (final NumberFormatException ex)
                {
                    fail(index, line, "value is not a number");
                    return 0;
                }
        }
    }

    /** The family a sample belongs to: its name, or its name without a suffix when that family has a TYPE. */
    private static String family(final String name, final Map<String, String> types)
    {
        for (final String suffix : SUFFIXES)
        {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length())))
            {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static void fail(final int index, final String line, final String why)
    {
        throw new IllegalArgumentException("line " + (index + 1) + ": " + why + ": " + line);
    }
}
