package com.wodian.tools;

import com.wodian.net.client.RequestChannel;
import com.wodian.net.client.WodianClient;
import com.wodian.perf.loadgen.HtmlReport;
import com.wodian.perf.loadgen.LatencyReport;
import com.wodian.perf.loadgen.LoadGenerator;
import com.wodian.perf.loadgen.LoadResult;
import com.wodian.perf.loadgen.MaxRateSearch;
import com.wodian.perf.loadgen.Schedule;
import com.wodian.protocol.sbe.ResultCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code wodian loadgen}: open-loop latency load against a running server (see {@link LoadGenerator}), with the
 * population it needs set up first, a fixed offered rate or {@code --rate max} (a {@link MaxRateSearch}), and the
 * results as text, {@code .hgrm} files and a self-contained HTML report. {@code --echo} drives a
 * {@code wodian perf echo-server} instead, for the network ceiling with the same framing and pacing.
 */
@Command(name = "loadgen", description = {
    "Open-loop load with a fixed send schedule; latency corrected for coordinated omission.",
    "Example: wodian loadgen --target 127.0.0.1:7701 --rate 50000 --duration 20 --connections 4 " +
        "--out pay.hgrm --html pay.html"})
public final class LoadgenCommand implements Callable<Integer>
{
    static final long CALL_TIMEOUT_MS = 120_000;

    @Option(names = "--target", required = true, description = "HOST:PORT of the server, or a replica group's " +
        "client addresses HOST:PORT,... (native protocol: each connection follows NOT_PRIMARY to the primary and " +
        "re-sends there, as the client library does)")
    String target;

    /** Every address of --target, when it names several (a replica group); null for one. */
    private String groupTargets;

    @Option(names = "--rate", required = true,
        description = "offered commands per second over all connections, or 'max' to search for the highest " +
            "sustainable rate (see --p99-bound)")
    String rate;

    @Option(names = "--duration", defaultValue = "10",
        description = "seconds of load, warm-up included; with --rate max, per step (default: ${DEFAULT-VALUE})")
    double durationSeconds;

    @Option(names = "--warmup", defaultValue = "2",
        description = "first seconds whose latencies are not recorded (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--connections", defaultValue = "4", description = "TCP connections (default: ${DEFAULT-VALUE})")
    int connectionCount;

    @Option(names = "--senders", defaultValue = "1",
        description = "sender threads, each owning every n-th connection (default: ${DEFAULT-VALUE})")
    int senderCount;

    @Option(names = "--mix", defaultValue = "pay=100",
        description = "operation weights: pay, try-confirm, try-cancel, refund, balance, payment-status " +
            "(default: ${DEFAULT-VALUE})")
    String mix;

    @Option(names = "--out", description = "response-time percentiles to FILE.hgrm, service time to " +
        "FILE.service.hgrm (microseconds)")
    Path hgrmFile;

    @Option(names = "--html", description = "self-contained HTML report with a percentile plot")
    Path htmlFile;

    @Option(names = "--no-setup", description = "the population exists already: register nothing")
    boolean noSetup;

    @Option(names = "--echo", description = "the target is an echo server (wodian perf echo-server): no set-up, " +
        "no result codes")
    boolean echo;

    @Option(names = "--merchants", defaultValue = "100", description = "(default: ${DEFAULT-VALUE})")
    int merchantCount;

    @Option(names = "--terminals-per-merchant", defaultValue = "10", description = "(default: ${DEFAULT-VALUE})")
    int terminalsPerMerchant;

    @Option(names = "--consumers", defaultValue = "100000", description = "(default: ${DEFAULT-VALUE})")
    int consumerCount;

    @Option(names = "--top-up-fen", defaultValue = "100000000",
        description = "each consumer's top-up at set-up (default: ${DEFAULT-VALUE})")
    long topUpFen;

    @Option(names = "--seed", defaultValue = "7", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--p99-bound", defaultValue = "1ms",
        description = "--rate max: a step passes while its p99 response time stays under this (e.g. 500us, 2ms; " +
            "default: ${DEFAULT-VALUE})")
    String p99Bound;

    @Option(names = "--start-rate", defaultValue = "10000",
        description = "--rate max: first rate tried (default: ${DEFAULT-VALUE})")
    double startRate;

    @Option(names = "--rate-ceiling", defaultValue = "2000000",
        description = "--rate max: never offer more (default: ${DEFAULT-VALUE})")
    double rateCeiling;

    @Option(names = "--steps-max", defaultValue = "12",
        description = "--rate max: most steps (default: ${DEFAULT-VALUE})")
    int stepsMax;

    @Option(names = "--protocol", defaultValue = "native", description = "native (SBE, default) or iso8583: the " +
        "same schedule as ISO 8583 0200 purchases to --iso8583-port (mix pay=100 only; docs/iso8583.md)")
    String protocol;

    @Option(names = "--iso8583-port", defaultValue = "0",
        description = "with --protocol iso8583: the server's ISO port")
    int iso8583Port;

    @Option(names = "--iso-keys", description = "with --protocol iso8583: the server's ISO key file; keys for the " +
        "population's terminals are added to it (the server re-reads it)")
    Path isoKeysFile;

    private boolean iso8583;

    @Option(names = "--label", description = "a line for the reports, e.g. the server's mode and the machine load")
    String label;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out = System.out;
    private long runNumber;
    private String loadAtStart = "";
    /** What the runs load, for the summary lines ("server HOST:PORT, mix ..."). */
    private String described = "";

    @Option(names = "--credentials", defaultValue = "${env:WODIAN_CREDENTIALS}",
        description = "client secrets file with the identity to log on as (e.g. " +
        "<data>/client-secrets of 'wodian demo'); without it no logon, which only a server started with " +
        "--auth disabled accepts")
    Path credentialsFile;

    @picocli.CommandLine.Mixin
    TlsClientOptions tlsOptions = new TlsClientOptions();

    @Option(names = "--as", defaultValue = "admin", description = "identity from the secrets file: admin (the " +
        "first admin) or admin:ID. Set-up registers parties and the load pays for many terminals of many " +
        "merchants, so loadgen logs on as an admin (default: ${DEFAULT-VALUE})")
    String identity;

    /**
     * The one place where loadgen opens a connection (set-up and load alike). Logging on happens here, once per
     * connection, before the schedule starts: it costs nothing on the measured path.
     */
    WodianClient connect(final String host, final int port) throws IOException
    {
        final com.wodian.net.client.ClientConfig config = null == groupTargets ?
            tlsOptions.clientConfig(host, port) : tlsOptions.clientConfig(java.util.List.of(groupTargets.split(",")))
            .reconnect(true).reconnectGiveUpMs(CALL_TIMEOUT_MS);
        if (null == credentialsFile)
        {
            return WodianClient.connect(config);
        }
        final int colon = identity.indexOf(':');
        final com.wodian.protocol.sbe.SessionRole role = com.wodian.protocol.sbe.SessionRole.valueOf(
            (colon < 0 ? identity : identity.substring(0, colon)).toUpperCase(java.util.Locale.ROOT));
        final com.wodian.net.auth.Credentials credentials = colon < 0 ?
            com.wodian.net.auth.Credentials.loadFirst(credentialsFile, role) :
            com.wodian.net.auth.Credentials.load(credentialsFile, role, Long.parseLong(identity.substring(colon + 1)));
        return WodianClient.connect(config.credentials(credentials));
    }

    @Override
    public Integer call() throws Exception
    {
        final String first = checkedTargets();
        final String host = first.substring(0, first.lastIndexOf(':'));
        final int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
        final boolean searchMax = "max".equalsIgnoreCase(rate);
        checkOptions(searchMax);
        final int[] weights = LoadgenWorkload.parseMix(mix);
        loadAtStart = loadAverage();
        final DemoPopulation population =
            new DemoPopulation(merchantCount, terminalsPerMerchant, consumerCount, topUpFen, seed);

        final List<RequestChannel> clients = new ArrayList<>();
        try
        {
            try
            {
                if (!echo && !noSetup)
                {
                    setUp(host, port, population);
                }
                if (iso8583)
                {
                    IsoLoadSupport.prepare(isoKeysFile, population, weights, out);
                }
                for (int c = 0; c < connectionCount; c++)
                {
                    clients.add(iso8583 ? IsoLoadSupport.connect(host, iso8583Port, isoKeysFile) :
                        connect(host, port));
                }
            }
            catch (final IOException ex)
            {
                System.err.println("loadgen: cannot reach " + target + ": " + ex);
                return WodianMain.EXIT_UNREACHABLE;
            }
            final String what = iso8583 ? "ISO 8583 port " + host + ":" + iso8583Port + ", mix " +
                LoadgenWorkload.describeMix(weights) : echo ? "echo server " + target : "server " + target + ", mix " +
                LoadgenWorkload.describeMix(weights);
            described = what;
            final LoadResult result;
            try
            {
                if (searchMax)
                {
                    return searchMaxRate(clients, population, weights, what);
                }
                result = runOnce(clients, population, weights, parseRate(), (long)(60e9));
            }
            catch (final AbortedRun ex)
            {
                out.println("loadgen: " + what + ": " + ex.getMessage());
                printSummary(ex.result());
                return WodianMain.EXIT_REFUSED;
            }
            return report(result, what);
        }
        finally
        {
            for (final RequestChannel client : clients)
            {
                ((AutoCloseable)client).close();
            }
        }
    }

    /** Usage errors of --rate, --protocol and --warmup; sets {@link #iso8583}. */
    private void checkOptions(final boolean searchMax)
    {
        if (!searchMax && !(parseRate() > 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--rate must be a positive number of commands per second, or max: " + rate);
        }
        iso8583 = "iso8583".equals(protocol);
        if (iso8583 && (iso8583Port <= 0 || null == isoKeysFile || null != groupTargets) ||
            !iso8583 && !"native".equals(protocol))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--protocol is native or iso8583 (which needs --iso8583-port and --iso-keys, and one --target): " +
                protocol);
        }
        if (warmupSeconds >= durationSeconds)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must be shorter than --duration");
        }
    }

    /** @return the first address of --target, each checked (HOST:PORT); sets {@link #groupTargets} when several. */
    private String checkedTargets()
    {
        for (final String address : target.split(","))
        {
            try
            {
                new GroupCommands.HostPort().convert(address);
            }
            catch (final CommandLine.TypeConversionException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--target must be HOST:PORT[,...]: " +
                    target);
            }
        }
        groupTargets = target.contains(",") ? target : null;
        return target.split(",")[0];
    }

    /** Prints one run's summary; @return its exit status. */
    private int report(final LoadResult result, final String what) throws IOException
    {
        out.println("loadgen: " + what + (label == null ? "" : " (" + label + ")") + "; " + loadAtStart);
        out.print(LatencyReport.summary(result, !echo));
        writeFiles(result, what, null);
        final String notDecided = echo ? null : notDecidedByTheEngine(result);
        if (null != notDecided)
        {
            out.println(notDecided);
        }
        return result.mismatchedCount() == 0 && result.answeredCount() == result.sentCount() &&
            !result.aborted() && null == notDecided ? WodianMain.EXIT_OK : WodianMain.EXIT_REFUSED;
    }

    /**
     * The summary of a run that did not reach its end (a client failed, or a signal stops the process): what a
     * normal end prints (sent, answered by command and result code, latency percentiles), so far.
     */
    private void printSummary(final LoadResult result)
    {
        out.print(LatencyReport.summary(result, !echo));
        final String notDecided = echo ? null : notDecidedByTheEngine(result);
        if (null != notDecided)
        {
            out.println(notDecided);
        }
        out.flush();
    }

    /**
     * Replies with a code of {@link #ENGINE_CODES_END} and above are no engine decision: a session, replica group or
     * gateway answer (NOT_PRIMARY: not executed; PRIMARY_LOST: outcome unknown). A load run that got any is not a
     * run of the mix asked for and fails (operator review 13: 56 of them exited 0).
     *
     * @return one line naming them by code, or null when there were none.
     */
    static String notDecidedByTheEngine(final LoadResult result)
    {
        final StringBuilder codes = new StringBuilder();
        long total = 0;
        for (int code = ENGINE_CODES_END; code < LoadResult.CODE_LIMIT; code++)
        {
            final long count = result.countOfCode(code);
            if (count > 0)
            {
                codes.append(codes.length() == 0 ? "" : ", ").append(codeName(code)).append(' ').append(count);
                total += count;
            }
        }
        return 0 == total ? null : "NOT DECIDED BY THE ENGINE (not executed, or outcome unknown): " + total + " (" +
            codes + ")";
    }

    private static String codeName(final int code)
    {
        try
        {
            return ResultCode.get(code).name();
        }
        catch (final IllegalArgumentException ex)
        {
            return "code " + code; // a code of a newer server
        }
    }

    /** The first result code that is not the engine's (session codes from 750 on; replica group 850; gateway 900). */
    static final int ENGINE_CODES_END = 750;

    /**
     * "load average 0.12 0.30 0.25 (2 CPUs)" from /proc/loadavg, or the JVM's one-minute figure elsewhere: every
     * report says how busy the machine was, since on a shared machine that decides the latency tails.
     */
    static String loadAverage()
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        try
        {
            final String[] fields = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average " + fields[0] + " " + fields[1] + " " + fields[2] + " (" + cpus + " CPUs)";
        }
        catch (final IOException | RuntimeException ex)
        {
            return String.format(Locale.ROOT, "load average %.2f (%d CPUs)",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), cpus);
        }
    }

    /** The --rate value as a number; NaN when it is not one. */
    private double parseRate()
    {
        try
        {
            return Double.parseDouble(rate);
        }
        catch (final NumberFormatException ex)
        {
            return Double.NaN;
        }
    }

    private LoadResult runOnce(
        final List<RequestChannel> clients,
        final DemoPopulation population,
        final int[] weights,
        final double ratePerSecond,
        final long abortLagNs)
    {
        final Schedule schedule = new Schedule(ratePerSecond, (long)(durationSeconds * 1e9),
            (long)(warmupSeconds * 1e9), connectionCount);
        // Ids unique across runs against one server: the wall clock in milliseconds, times a million, plus the
        // run number times 10^11 leaves room for 10^11 commands per run.
        final long idBase = System.currentTimeMillis() * 1_000_000L + (runNumber++) * 100_000_000_000L;
        final LoadgenWorkload workload = new LoadgenWorkload(population, weights, connectionCount, idBase, seed);
        final LoadGenerator generator = new LoadGenerator(clients, schedule, senderCount, WodianClient.IN_FLIGHT_MAX,
            TimeUnit.SECONDS.toNanos(30), abortLagNs, workload,
            echo ? LoadGenerator.ReplyCodeReader.NONE : LoadGenerator.ReplyCodeReader.WODIAN);
        // SIGTERM or Ctrl-C during a soak: the counts so far are printed, not lost with the process (ops2 C12).
        final Thread summaryOnSignal = new Thread(() ->
        {
            out.println("loadgen: " + described + ": STOPPED by a signal before the end of the schedule; so far:");
            printSummary(generator.resultSoFar(STOPPED_BY_SIGNAL));
        }, "wodian-loadgen-stopped");
        Runtime.getRuntime().addShutdownHook(summaryOnSignal);
        try
        {
            return generator.run();
        }
        catch (final RuntimeException ex)
        {
            // A client failed (the server closed its connection, a full disk, a crash): say what was done before.
            throw new AbortedRun(ex, generator.resultSoFar("a client failed: " + ex));
        }
        finally
        {
            removeShutdownHook(summaryOnSignal);
        }
    }

    static final String STOPPED_BY_SIGNAL = "stopped by a signal";

    private static void removeShutdownHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // The process is stopping: the hook runs, and says what was measured.
        }
    }

    /** A run a client failure ended: its cause and what it measured before it. */
    static final class AbortedRun extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final transient LoadResult result;

        AbortedRun(final RuntimeException cause, final LoadResult result)
        {
            super("ABORTED: " + cause + " (cause: " + cause.getCause() + "); " + result.sentCount() +
                " requests sent, " + result.answeredCount() + " of them answered (the rest: outcome unknown)", cause);
            this.result = result;
        }

        LoadResult result()
        {
            return result;
        }
    }

    private int searchMaxRate(
        final List<RequestChannel> clients, final DemoPopulation population, final int[] weights, final String what)
        throws IOException
    {
        final long boundNs = parseDurationNs(p99Bound);
        out.printf(Locale.ROOT, "loadgen --rate max: %s%s; steps of %.1f s (%.1f s warm-up), p99 bound %s, " +
            "from %.0f/s; %s%n", what, label == null ? "" : " (" + label + ")", durationSeconds, warmupSeconds,
            LatencyReport.duration(boundNs), startRate, loadAtStart);
        final MaxRateSearch search = new MaxRateSearch(startRate, rateCeiling, 2.0, 0.05, stepsMax, boundNs);
        // A step that falls a whole step-length behind cannot pass: give up on it early.
        final long abortLagNs = (long)(Math.max(1.0, durationSeconds / 2) * 1e9);
        final List<MaxRateSearch.Step> steps = search.run(
            (ratePerSecond) -> runOnce(clients, population, weights, ratePerSecond, abortLagNs), out::println);
        final double best = MaxRateSearch.bestRate(steps);
        MaxRateSearch.Step bestStep = null;
        for (final MaxRateSearch.Step step : steps)
        {
            if (step.passed() && step.ratePerSecond() == best)
            {
                bestStep = step;
            }
        }
        if (bestStep == null)
        {
            out.println("max sustainable rate: none of the rates tried passed");
        }
        else
        {
            out.printf(Locale.ROOT, "max sustainable rate: %.0f/s (p99 under %s); that step in full:%n", best,
                LatencyReport.duration(boundNs));
            out.print(LatencyReport.summary(bestStep.result(), !echo));
        }
        writeFiles(bestStep == null ? null : bestStep.result(), what, steps);
        return WodianMain.EXIT_OK;
    }

    private void writeFiles(final LoadResult result, final String what, final List<MaxRateSearch.Step> steps)
        throws IOException
    {
        if (hgrmFile != null && result != null)
        {
            LatencyReport.writeHgrm(result.responseTimeNs(), hgrmFile);
            LatencyReport.writeHgrm(result.serviceTimeNs(), LatencyReport.serviceTimeFile(hgrmFile));
            out.println("percentile distributions (microseconds): " + hgrmFile + ", " +
                LatencyReport.serviceTimeFile(hgrmFile));
        }
        if (htmlFile == null)
        {
            return;
        }
        final HtmlReport html = new HtmlReport("wodian loadgen: " + what);
        if (label != null)
        {
            html.note(label);
        }
        html.note(loadAtStart);
        html.note("connections " + connectionCount + ", sender threads " + senderCount + ", duration " +
            durationSeconds + " s (warm-up " + warmupSeconds + " s)" + (steps == null ? "" : " per step"));
        if (steps == null)
        {
            html.series("response time (from intended send)", result.responseTimeNs());
            html.series("service time (from actual send)", result.serviceTimeNs());
            html.preformatted(LatencyReport.summary(result, !echo));
        }
        else
        {
            html.tableHeader("offered/s", "achieved/s", "p50 us", "p99 us", "p99.9 us", "max us", "errors", "verdict");
            for (final MaxRateSearch.Step step : steps)
            {
                final LoadResult stepResult = step.result();
                html.series(String.format(Locale.ROOT, "%.0f/s response time%s", step.ratePerSecond(),
                    step.passed() ? "" : " (fail)"), stepResult.responseTimeNs());
                html.tableRow(String.format(Locale.ROOT, "%.0f", step.ratePerSecond()),
                    String.format(Locale.ROOT, "%.0f", stepResult.achievedRatePerSecond()),
                    micros(stepResult.responseTimeNs().getValueAtPercentile(50)),
                    micros(stepResult.responseTimeNs().getValueAtPercentile(99)),
                    micros(stepResult.responseTimeNs().getValueAtPercentile(99.9)),
                    micros(stepResult.responseTimeNs().getMaxValue()),
                    Long.toString(LatencyReport.errorCount(stepResult)), step.verdict());
            }
            if (result != null)
            {
                html.preformatted(LatencyReport.summary(result, !echo));
            }
        }
        html.write(htmlFile);
        out.println("HTML report: " + htmlFile);
    }

    private static String micros(final long nanos)
    {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }

    /** "500us", "2ms", "1s", "750ns"; a bare number is microseconds. */
    static long parseDurationNs(final String text)
    {
        final String value = text.trim().toLowerCase(Locale.ROOT);
        final String[] units = {"ns", "us", "ms", "s"};
        final long[] factors = {1, 1_000, 1_000_000, 1_000_000_000};
        for (int i = 0; i < units.length; i++)
        {
            if (value.endsWith(units[i]) && !(units[i].equals("s") && (value.endsWith("ns") || value.endsWith("us") ||
                value.endsWith("ms"))))
            {
                return (long)(Double.parseDouble(value.substring(0, value.length() - units[i].length())) * factors[i]);
            }
        }
        return (long)(Double.parseDouble(value) * 1_000);
    }

    private void setUp(final String host, final int port, final DemoPopulation population)
        throws IOException, TimeoutException
    {
        final long startNs = System.nanoTime();
        final AtomicReference<String> firstRefusal = new AtomicReference<>();
        final long refused;
        try (WodianClient admin = connect(host, port))
        {
            refused = BulkCall.run(admin, population.setupCommandCount(),
                (index, encoder, buffer, offset) -> population.encodeSetup(index, encoder, buffer, offset),
                (buffer, offset, length) -> {}, CALL_TIMEOUT_MS, firstRefusal);
        }
        out.printf(Locale.ROOT, "setup: %d merchants, %d terminals, %d consumers topped up with %d fen each: " +
            "%d commands in %d ms%s%n", population.merchantCount(), population.terminalCount(),
            population.consumerCount(), population.topUpFen(), population.setupCommandCount(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
            refused == 0 ? ", all OK" : ", " + refused + " refused (first: " + firstRefusal.get() + ")");
    }
}
