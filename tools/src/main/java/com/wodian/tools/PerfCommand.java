package com.wodian.tools;

import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.net.server.ServerProperties;
import com.wodian.perf.DistributionStallHarness;
import com.wodian.perf.loadgen.HtmlReport;
import com.wodian.perf.loadgen.JournalAppendProbe;
import com.wodian.perf.loadgen.LatencyReport;
import com.wodian.perf.loadgen.TcpEchoServer;
import net.openhft.chronicle.queue.RollCycle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The perf harnesses that are plain programs (the JMH benchmarks run through {@code wodian jmh}), and the raw
 * ceilings measured with the same tool family as {@code wodian loadgen}: TCP echo and journal append.
 */
@Command(name = "perf", description = "Run a perf harness (JMH benchmarks: see 'jmh').",
    subcommands = {
        PerfCommand.DistributionStall.class,
        RecoveryPerfCommand.class,
        JournalSyncPerfCommand.class,
        PerfCommand.TcpEcho.class,
        PerfCommand.EchoServer.class,
        PerfCommand.JournalAppend.class})
public final class PerfCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "name a harness (distribution-stall, tcp-echo, echo-server, journal-append)");
    }

    /** {@link DistributionStallHarness}: Pay service time while a pool distribution runs in slices. */
    @Command(name = "distribution-stall",
        description = "Engine service time of Pay while a pool distribution over many consumers runs in slices.")
    static final class DistributionStall implements Runnable
    {
        @Parameters(index = "0", arity = "0..1", defaultValue = "1000000",
            description = "consumers (default: ${DEFAULT-VALUE})")
        int consumers;

        @Parameters(index = "1", arity = "0..1", description = "entries per distribution slice (default: the engine's)")
        Integer sliceEntries;

        @Override
        public void run()
        {
            DistributionStallHarness.main(sliceEntries == null ?
                new String[] {Integer.toString(consumers)} :
                new String[] {Integer.toString(consumers), Integer.toString(sliceEntries)});
        }
    }

    /**
     * The network ceiling: {@code wodian loadgen --echo} against a {@link TcpEchoServer} started in this process on
     * a free loopback port (or {@code --target} of a separate {@code wodian perf echo-server}). Pay frames, same
     * framing, pipelining and pacing as against the real server. Every other option is loadgen's.
     */
    @Command(name = "tcp-echo", description = {
        "Network ceiling: loadgen's Pay frames against a loopback echo server (same framing and pacing).",
        "Options are loadgen's (--rate R|max, --duration, --connections, --out, --html ...).",
        "Example: wodian perf tcp-echo --rate 100000 --duration 10 --connections 4"})
    static final class TcpEcho implements Callable<Integer>
    {
        @Option(names = "--target", description = "HOST:PORT of a running 'wodian perf echo-server' " +
            "(default: one in this process)")
        String target;

        /** Everything else goes to loadgen untouched. */
        @CommandLine.Unmatched
        List<String> loadgenArgs = new ArrayList<>();

        @Override
        public Integer call() throws IOException
        {
            TcpEchoServer server = null;
            try
            {
                String where = target;
                if (where == null)
                {
                    server = TcpEchoServer.start("127.0.0.1", 0);
                    where = "127.0.0.1:" + server.port();
                }
                final List<String> args = new ArrayList<>(List.of("loadgen", "--target", where, "--echo"));
                args.addAll(loadgenArgs);
                return WodianMain.commandLine().execute(args.toArray(new String[0]));
            }
            finally
            {
                if (server != null)
                {
                    server.close();
                }
            }
        }
    }

    /** A standalone echo server, so that the echo ceiling can run in its own process like the real server. */
    @Command(name = "echo-server", description = "Loopback TCP echo server for 'perf tcp-echo --target'; runs " +
        "until standard input ends (or Ctrl-C).")
    static final class EchoServer implements Callable<Integer>
    {
        @Option(names = "--port", defaultValue = "7799", description = "(default: ${DEFAULT-VALUE}; 0 picks one)")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "(default: ${DEFAULT-VALUE})")
        String host;

        @Override
        public Integer call() throws IOException
        {
            try (TcpEchoServer server = TcpEchoServer.start(host, port))
            {
                System.out.println("WODIAN ECHO LISTENING port=" + server.port());
                System.out.flush();
                final InputStream in = System.in;
                final byte[] scratch = new byte[256];
                while (in.read(scratch) >= 0)
                {
                    // Input is ignored: only its end matters.
                }
            }
            return WodianMain.EXIT_OK;
        }
    }

    /** {@link JournalAppendProbe}: the journal's ceiling through our journal module. */
    @Command(name = "journal-append", description = {
        "Journal ceiling: entries appended through the journal module, in batches, page-cache or sync.",
        "Example: wodian perf journal-append --durability sync --rate 50000 --duration 10"})
    static final class JournalAppend implements Callable<Integer>
    {
        @Option(names = "--durability", defaultValue = "page-cache",
            description = "page-cache or sync (default: ${DEFAULT-VALUE})")
        String durability;

        @Option(names = "--rate", defaultValue = "max",
            description = "entries per second (paced, batches of what is due), or max: back-to-back batches of " +
                "--batch (default: ${DEFAULT-VALUE})")
        String rate;

        @Option(names = "--duration", defaultValue = "10", description = "seconds (default: ${DEFAULT-VALUE})")
        double durationSeconds;

        @Option(names = "--warmup", defaultValue = "2", description = "seconds (default: ${DEFAULT-VALUE})")
        double warmupSeconds;

        @Option(names = "--batch", defaultValue = "64",
            description = "entries per batch with --rate max; most per batch when paced (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--payload", defaultValue = "56",
            description = "payload bytes per entry; 56 is a Pay command (default: ${DEFAULT-VALUE})")
        int payloadLength;

        @Option(names = "--dir", description = "parent directory of the temporary journal (default: the system " +
            "temporary directory; use the server's disk to compare with it)")
        Path dir;

        @Option(names = "--touch-ahead", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "paced: pre-fault the next journal page between batches, as the server does while idle " +
                "(default: ${DEFAULT-VALUE}); --no-touch-ahead shows an append's cost without it")
        boolean touchAhead;

        @Option(names = "--map-ahead", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "paced, with touch-ahead (the writer publishes where it writes when it touches ahead): a " +
                "second thread maps the journal file's next 64-MiB chunk before the appends reach it, as the " +
                "server's metrics thread does (default: ${DEFAULT-VALUE}); --no-map-ahead leaves it to the append " +
                "that crosses into it; no effect with --rate max or --no-touch-ahead")
        boolean mapAhead;

        @Option(names = "--write-ahead-kib", defaultValue = "4096",
            description = "page-cache, with map-ahead: how far ahead of the appender (KiB) the map-ahead thread " +
                "write-faults the journal's pages, as the server's metrics thread does; 0 leaves each page's first " +
                "write to the appending thread (default: ${DEFAULT-VALUE})")
        long writeAheadKib;

        @Option(names = "--stall-us", defaultValue = "0",
            description = "paced: list every batch slower than this many microseconds (service time) with the " +
                "position of its first entry in the journal, to match stalls with Chronicle's index arrays " +
                "(default: ${DEFAULT-VALUE}: none)")
        long stallUs;

        @Option(names = "--out", description = "latency percentiles to this .hgrm file (microseconds)")
        Path hgrmFile;

        @Option(names = "--html", description = "HTML report with a percentile plot")
        Path htmlFile;

        @Override
        public Integer call() throws IOException
        {
            final DurabilityPolicy policy = ServerProperties.parseDurabilityPolicy(durability);
            final boolean paced = !"max".equalsIgnoreCase(rate);
            final double ratePerSecond = paced ? Double.parseDouble(rate) : 0;
            final Path parent = dir != null ? dir : Paths.get(System.getProperty("java.io.tmpdir"));
            final JournalAppendProbe.Result result = JournalAppendProbe.run(parent, policy, ratePerSecond,
                (long)(durationSeconds * 1e9), (long)(warmupSeconds * 1e9), paced ? Math.max(batch, 1024) : batch,
                payloadLength, touchAhead, stallUs * 1000, mapAhead, writeAheadKib * 1024);
            final String what = String.format(java.util.Locale.ROOT,
                "journal append %s, %s, %d-byte payloads%s, in %s", policy, paced ? rate + " entries/s" : "max rate",
                payloadLength, (paced ? (touchAhead ? ", touch-ahead" : ", no touch-ahead") : ", batches of " + batch) +
                    (paced && touchAhead ? (mapAhead ? ", map-ahead, write-ahead " + writeAheadKib + " KiB" :
                        ", no map-ahead") : ""),
                parent);
            System.out.println(what);
            System.out.print(result.summary(paced));
            if (paced && stallUs > 0)
            {
                final RollCycle cycle = JournalConfig.ROLL_CYCLE_DEFAULT;
                final long indexArrayEntries = (long)cycle.defaultIndexCount() * cycle.defaultIndexSpacing();
                System.out.printf(java.util.Locale.ROOT, "roll cycle %s: an index entry every %d entries, a new " +
                    "index array every %,d entries%n", cycle, cycle.defaultIndexSpacing(), indexArrayEntries);
                System.out.print(result.stalls.describe(indexArrayEntries));
            }
            if (hgrmFile != null)
            {
                LatencyReport.writeHgrm(result.responseTimeNs, hgrmFile);
            }
            if (htmlFile != null)
            {
                final HtmlReport html = new HtmlReport(what);
                html.series(paced ? "response time (from due time)" : "time per batch", result.responseTimeNs);
                if (paced)
                {
                    html.series("service time (from start of batch)", result.serviceTimeNs);
                }
                html.preformatted(result.summary(paced)).write(htmlFile);
            }
            return WodianMain.EXIT_OK;
        }
    }
}
