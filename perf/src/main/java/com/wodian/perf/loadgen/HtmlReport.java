package com.wodian.perf.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML report: a percentile plot drawn as inline SVG by this class (no script, no stylesheet or
 * font from elsewhere: the product never connects outward, and the file opens anywhere), then tables. The plot has
 * HdrHistogram's usual shape: x is the percentile on a "number of nines" scale (0%, 90%, 99%, 99.9% ... equally
 * spaced), y the latency in microseconds on a log scale, so that p50 and a multi-millisecond max are both readable.
 */
public final class HtmlReport
{
    private static final String[] COLOURS =
        {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;
    private static final double NINES_MAX_CAP = 6;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;

    private final String title;
    private final List<String> notes = new ArrayList<>();
    private final List<String> seriesLabels = new ArrayList<>();
    private final List<Histogram> seriesHistograms = new ArrayList<>();
    private final List<String[]> tableRows = new ArrayList<>();
    private String[] tableHeader;
    private final StringBuilder preformatted = new StringBuilder();

    public HtmlReport(final String title)
    {
        this.title = title;
    }

    /** A line under the title (command, machine, load). */
    public HtmlReport note(final String line)
    {
        notes.add(line);
        return this;
    }

    /** A curve of the plot: a latency histogram in nanoseconds. */
    public HtmlReport series(final String label, final Histogram histogramNs)
    {
        seriesLabels.add(label);
        seriesHistograms.add(histogramNs);
        return this;
    }

    public HtmlReport tableHeader(final String... header)
    {
        tableHeader = header.clone();
        return this;
    }

    public HtmlReport tableRow(final String... row)
    {
        tableRows.add(row.clone());
        return this;
    }

    /** Text shown as is, in a {@code <pre>} block (the text summary). */
    public HtmlReport preformatted(final String text)
    {
        preformatted.append(text);
        return this;
    }

    public void write(final Path file) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        Files.write(file, render().getBytes(StandardCharsets.UTF_8));
    }

    /** The whole document. */
    public String render()
    {
        final StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .append(escape(title)).append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}")
            .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;")
            .append("text-align:right}th{background:#eee}td:first-child{text-align:left}")
            .append("pre{background:#f6f6f6;padding:1em}</style></head><body>\n<h1>").append(escape(title))
            .append("</h1>\n");
        for (final String note : notes)
        {
            html.append("<p>").append(escape(note)).append("</p>\n");
        }
        html.append(svg()).append('\n');
        html.append(percentileTable());
        if (tableHeader != null)
        {
            html.append("<table><tr>");
            for (final String cell : tableHeader)
            {
                html.append("<th>").append(escape(cell)).append("</th>");
            }
            html.append("</tr>\n");
            for (final String[] row : tableRows)
            {
                html.append("<tr>");
                for (final String cell : row)
                {
                    html.append("<td>").append(escape(cell)).append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</table>\n");
        }
        if (preformatted.length() > 0)
        {
            html.append("<pre>").append(escape(preformatted.toString())).append("</pre>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    private String percentileTable()
    {
        final StringBuilder html = new StringBuilder("<table><tr><th>latency (us)</th>");
        for (final double percentile : LatencyReport.PERCENTILES)
        {
            html.append("<th>p").append(LatencyReport.percentileName(percentile)).append("</th>");
        }
        html.append("<th>max</th><th>count</th></tr>\n");
        for (int s = 0; s < seriesLabels.size(); s++)
        {
            final Histogram histogram = seriesHistograms.get(s);
            html.append("<tr><td>").append(escape(seriesLabels.get(s))).append("</td>");
            for (final double percentile : LatencyReport.PERCENTILES)
            {
                html.append("<td>").append(micros(histogram.getValueAtPercentile(percentile))).append("</td>");
            }
            html.append("<td>").append(micros(histogram.getMaxValue())).append("</td><td>")
                .append(histogram.getTotalCount()).append("</td></tr>\n");
        }
        return html.append("</table>\n").toString();
    }

    private String svg()
    {
        final PlotScale scale = PlotScale.of(seriesHistograms);
        final StringBuilder svg = new StringBuilder();
        appendFrame(svg, scale);
        for (int s = 0; s < seriesHistograms.size(); s++)
        {
            final Histogram histogram = seriesHistograms.get(s);
            final String colour = COLOURS[s % COLOURS.length];
            if (histogram.getTotalCount() > 0)
            {
                svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour)
                    .append("\" points=\"").append(curvePoints(histogram, scale)).append("\"/>\n");
            }
            final int legendY = TOP + 16 + 16 * s;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>" +
                "<text x=\"%d\" y=\"%d\">%s</text>\n", LEFT + 10, legendY - 4, colour, LEFT + 30, legendY,
                escape(seriesLabels.get(s))));
        }
        return svg.append("</svg>").toString();
    }

    /** The svg element, the plot's border, the grid with its labels (nines across, decades up) and the axis titles. */
    private static void appendFrame(final StringBuilder svg, final PlotScale scale)
    {
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" " +
            "stroke=\"#888\"/>\n", LEFT, TOP, PLOT_WIDTH, PLOT_HEIGHT));
        for (int nines = 0; nines <= scale.ninesMax; nines++)
        {
            final double x = scale.x(nines);
            svg.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>" +
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, TOP, x, TOP + PLOT_HEIGHT, x,
                TOP + PLOT_HEIGHT + 16, escape(ninesLabel(nines))));
        }
        for (int decade = (int)scale.logMin; decade <= scale.logMax; decade++)
        {
            final double y = scale.y(decade);
            svg.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>" +
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT, y, LEFT + PLOT_WIDTH, y, LEFT - 6,
                y + 4, escape(decadeLabel(decade))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>\n",
            LEFT + PLOT_WIDTH / 2, HEIGHT - 8));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" " +
            "transform=\"rotate(-90 16 %d)\">latency (us, log scale)</text>\n", TOP + PLOT_HEIGHT / 2,
            TOP + PLOT_HEIGHT / 2));
    }

    /** The polyline's points of one histogram: HdrHistogram's percentile iteration, five steps per halving. */
    private static String curvePoints(final Histogram histogram, final PlotScale scale)
    {
        final StringBuilder points = new StringBuilder();
        for (final HistogramIterationValue value : histogram.percentiles(5))
        {
            final double fraction = value.getPercentileLevelIteratedTo() / 100.0;
            final double nines = fraction >= 1 ? scale.ninesMax : Math.min(scale.ninesMax, -Math.log10(1 - fraction));
            final double micros = Math.max(Math.pow(10, scale.logMin),
                histogram.highestEquivalentValue(value.getValueIteratedTo()) / 1e3);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", scale.x(nines), scale.y(Math.log10(micros))));
            if (fraction >= 1)
            {
                break;
            }
        }
        return points.toString().trim();
    }

    /** 0 -> "0%", 1 -> "90%", 2 -> "99%", 3 -> "99.9%", 4 -> "99.99%". */
    private static String ninesLabel(final int nines)
    {
        if (nines == 0)
        {
            return "0%";
        }
        if (nines == 1)
        {
            return "90%";
        }
        final StringBuilder label = new StringBuilder("99");
        for (int i = 2; i < nines; i++)
        {
            label.append(i == 2 ? ".9" : "9");
        }
        return label.append('%').toString();
    }

    private static String decadeLabel(final int decade)
    {
        final double micros = Math.pow(10, decade);
        if (micros >= 1e6)
        {
            return String.format(Locale.ROOT, "%.0f s", micros / 1e6);
        }
        if (micros >= 1e3)
        {
            return String.format(Locale.ROOT, "%.0f ms", micros / 1e3);
        }
        return micros >= 1 ? String.format(Locale.ROOT, "%.0f us", micros) :
            String.format(Locale.ROOT, "%.1f us", micros);
    }

    private static String micros(final long nanos)
    {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }

    static String escape(final String text)
    {
        final StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '<': escaped.append("&lt;"); break;
                case '>': escaped.append("&gt;"); break;
                case '&': escaped.append("&amp;"); break;
                case '"': escaped.append("&quot;"); break;
                default: escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * Where a point falls in the plot: x in "nines" (-log10(1 - p)) up to {@code ninesMax}, y in log10(microseconds)
     * between whole decades {@code logMin} and {@code logMax}; both chosen to hold every series.
     */
    private record PlotScale(double ninesMax, double logMin, double logMax)
    {
        static PlotScale of(final List<Histogram> histograms)
        {
            long countMax = 1;
            double microsMax = 1;
            double microsMin = Double.MAX_VALUE;
            for (final Histogram histogram : histograms)
            {
                if (histogram.getTotalCount() == 0)
                {
                    continue;
                }
                countMax = Math.max(countMax, histogram.getTotalCount());
                microsMax = Math.max(microsMax, histogram.getMaxValue() / 1e3);
                microsMin = Math.min(microsMin, Math.max(0.1, histogram.getMinValue() / 1e3));
            }
            if (microsMin == Double.MAX_VALUE)
            {
                microsMin = 1;
            }
            final double ninesMax = Math.min(NINES_MAX_CAP, Math.max(2, Math.ceil(Math.log10(countMax))));
            final double logMin = Math.floor(Math.log10(microsMin));
            final double logMax = Math.max(logMin + 1, Math.ceil(Math.log10(microsMax)));
            return new PlotScale(ninesMax, logMin, logMax);
        }

        double x(final double nines)
        {
            return LEFT + PLOT_WIDTH * nines / ninesMax;
        }

        double y(final double log10Micros)
        {
            return TOP + PLOT_HEIGHT - PLOT_HEIGHT * (log10Micros - logMin) / (logMax - logMin);
        }
    }
}
