package com.wodian.perf.loadgen;

import com.wodian.protocol.sbe.BalanceQueryDecoder;
import com.wodian.protocol.sbe.ConsumerStatementQueryDecoder;
import com.wodian.protocol.sbe.MerchantStatementQueryDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentStatusQueryDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.RegisterConsumerDecoder;
import com.wodian.protocol.sbe.RegisterMerchantDecoder;
import com.wodian.protocol.sbe.RegisterTerminalDecoder;
import com.wodian.protocol.sbe.SetBlockedDecoder;
import com.wodian.protocol.sbe.SetMerchantRulesDecoder;
import com.wodian.protocol.sbe.StateHashQueryDecoder;
import com.wodian.protocol.sbe.TickDecoder;
import com.wodian.protocol.sbe.TopUpDecoder;
import com.wodian.protocol.sbe.WithdrawDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Text forms of a {@link LoadResult}: the summary a person reads (rates, percentiles, replies by command and result
 * code) and HdrHistogram's percentile distribution ({@code .hgrm}, values in microseconds), which HdrHistogram's
 * plotter and {@link #readHgrm} read back.
 */
public final class LatencyReport
{
    /** Percentiles printed and tabulated everywhere, in this order. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private LatencyReport()
    {
    }

    /** "p50=12.3us p90=... max=... (n=...)", in microseconds (milliseconds above 10 ms). */
    public static String percentiles(final Histogram histogram)
    {
        final StringBuilder text = new StringBuilder();
        for (final double percentile : PERCENTILES)
        {
            text.append('p').append(percentileName(percentile)).append('=')
                .append(duration(histogram.getValueAtPercentile(percentile))).append(' ');
        }
        return text.append("max=").append(duration(histogram.getMaxValue()))
            .append(" (n=").append(histogram.getTotalCount()).append(')').toString();
    }

    /** "99.9" for 99.9, "50" for 50. */
    public static String percentileName(final double percentile)
    {
        return percentile == Math.rint(percentile) ? Long.toString((long)percentile) : Double.toString(percentile);
    }

    /** Nanoseconds as "12.3us", or "12.3ms" from 10 ms. */
    public static String duration(final long nanos)
    {
        return nanos >= 10_000_000 ?
            String.format(Locale.ROOT, "%.1fms", nanos / 1e6) : String.format(Locale.ROOT, "%.1fus", nanos / 1e3);
    }

    /** Whether a result code is one of the OK family (OK, OK_EMPTY_ROLLBACK). */
    public static boolean isOk(final int code)
    {
        return code == ResultCode.OK.value() || code == ResultCode.OK_EMPTY_ROLLBACK.value();
    }

    /** The name of a result code, or "code123" for a number the schema does not define. */
    public static String codeName(final int code)
    {
        for (final ResultCode resultCode : ResultCode.values())
        {
            if (resultCode != ResultCode.NULL_VAL && resultCode.value() == code)
            {
                return resultCode.name();
            }
        }
        return "code" + code;
    }

    /** The message name of a template id of the schema, or "template123". */
    public static String templateName(final int templateId)
    {
        switch (templateId)
        {
            case RegisterMerchantDecoder.TEMPLATE_ID: return "RegisterMerchant";
            case RegisterConsumerDecoder.TEMPLATE_ID: return "RegisterConsumer";
            case RegisterTerminalDecoder.TEMPLATE_ID: return "RegisterTerminal";
            case TopUpDecoder.TEMPLATE_ID: return "TopUp";
            case WithdrawDecoder.TEMPLATE_ID: return "Withdraw";
            case SetBlockedDecoder.TEMPLATE_ID: return "SetBlocked";
            case SetMerchantRulesDecoder.TEMPLATE_ID: return "SetMerchantRules";
            case PayDecoder.TEMPLATE_ID: return "Pay";
            case PaymentTryDecoder.TEMPLATE_ID: return "PaymentTry";
            case PaymentConfirmDecoder.TEMPLATE_ID: return "PaymentConfirm";
            case PaymentCancelDecoder.TEMPLATE_ID: return "PaymentCancel";
            case RefundDecoder.TEMPLATE_ID: return "Refund";
            case RedeemPointsDecoder.TEMPLATE_ID: return "RedeemPoints";
            case TickDecoder.TEMPLATE_ID: return "Tick";
            case BalanceQueryDecoder.TEMPLATE_ID: return "BalanceQuery";
            case PaymentStatusQueryDecoder.TEMPLATE_ID: return "PaymentStatusQuery";
            case MerchantStatementQueryDecoder.TEMPLATE_ID: return "MerchantStatementQuery";
            case StateHashQueryDecoder.TEMPLATE_ID: return "StateHashQuery";
            case ConsumerStatementQueryDecoder.TEMPLATE_ID: return "ConsumerStatementQuery";
            default: return "template" + templateId;
        }
    }

    /** Replies that were not OK, over all commands. */
    public static long errorCount(final LoadResult result)
    {
        long errors = 0;
        for (int code = 0; code < LoadResult.CODE_LIMIT; code++)
        {
            if (!isOk(code))
            {
                errors += result.countOfCode(code);
            }
        }
        return errors;
    }

    /** The multi-line summary of a run, ending with a newline. */
    public static String summary(final LoadResult result, final boolean hasResultCodes)
    {
        final StringBuilder text = new StringBuilder();
        final Schedule schedule = result.schedule();
        text.append(String.format(Locale.ROOT,
            "offered %.0f/s for %.1f s (latencies after %.1f s warm-up), %d connections, %d sender thread(s)%n",
            schedule.ratePerSecond(), schedule.durationNs() / 1e9, schedule.warmupNs() / 1e9,
            schedule.connectionCount(), result.senderCount()));
        text.append(String.format(Locale.ROOT,
            "achieved %.0f/s (%.1f%% of offered); sent %d of %d scheduled at %.0f/s, answered %d; sender at most " +
            "%.2f ms behind schedule, allocated %d bytes while sending%s%n",
            result.achievedRatePerSecond(), 100.0 * result.achievedRatePerSecond() / schedule.ratePerSecond(),
            result.sentCount(), result.scheduledCount(), result.achievedSendRatePerSecond(), result.answeredCount(),
            result.maxSendLagNs() / 1e6, result.senderAllocatedBytes(),
            result.aborted() ? "; ABORTED: " + result.stoppedBy() : ""));
        text.append("response time (from intended send, CO-corrected): ")
            .append(percentiles(result.responseTimeNs())).append(System.lineSeparator());
        text.append("service time  (from actual send):                  ")
            .append(percentiles(result.serviceTimeNs())).append(System.lineSeparator());
        text.append("send lateness (actual - intended send):            ")
            .append(percentiles(result.sendLatenessNs())).append(", sender timer slack ")
            .append(result.senderTimerSlackNs() < 0 ? "unknown" : duration(result.senderTimerSlackNs()))
            .append(System.lineSeparator());
        if (hasResultCodes)
        {
            text.append("replies by command and result code (warm-up included):").append(System.lineSeparator());
            for (int template = 0; template < LoadResult.TEMPLATE_LIMIT; template++)
            {
                if (result.countOfTemplate(template) == 0)
                {
                    continue;
                }
                text.append(String.format(Locale.ROOT, "  %-20s", templateName(template)));
                for (int code = 0; code < LoadResult.CODE_LIMIT; code++)
                {
                    final long count = result.count(template, code);
                    if (count != 0)
                    {
                        text.append(' ').append(codeName(code)).append('=').append(count);
                    }
                }
                text.append(System.lineSeparator());
            }
            text.append("errors (replies not OK): ").append(errorCount(result)).append(System.lineSeparator());
        }
        if (result.mismatchedCount() != 0)
        {
            text.append("MISMATCHED replies: ").append(result.mismatchedCount()).append(System.lineSeparator());
        }
        return text.toString();
    }

    /** Writes HdrHistogram's percentile distribution of a latency histogram, values in microseconds. */
    public static void writeHgrm(final Histogram histogramNs, final Path file) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "US-ASCII"))
        {
            histogramNs.outputPercentileDistribution(out, 1000.0);
        }
    }

    /**
     * The sibling file for the service-time distribution of {@code FILE.hgrm}: {@code FILE.service.hgrm}.
     */
    public static Path serviceTimeFile(final Path responseTimeFile)
    {
        final String name = responseTimeFile.getFileName().toString();
        final String stem = name.endsWith(".hgrm") ? name.substring(0, name.length() - 5) : name;
        return responseTimeFile.resolveSibling(stem + ".service.hgrm");
    }

    /**
     * Reads the rows of a {@code .hgrm} file: {@code {value, percentile (0..1), totalCount}} per row. For tests and
     * for comparing runs; fails on a malformed row.
     */
    public static double[][] readHgrm(final Path file) throws IOException
    {
        final java.util.List<double[]> rows = new java.util.ArrayList<>();
        for (final String line : Files.readAllLines(file))
        {
            final String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("Value"))
            {
                continue;
            }
            final String[] fields = trimmed.split("\\s+");
            if (fields.length < 3)
            {
                throw new IOException("malformed hgrm row in " + file + ": " + line);
            }
            rows.add(new double[] {
                Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2])});
        }
        return rows.toArray(new double[0][]);
    }
}
