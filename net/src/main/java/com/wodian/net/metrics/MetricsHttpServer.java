package com.wodian.net.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.wodian.net.BuildIdentity;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.math.BigDecimal;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The server's HTTP endpoint on its own threads (the Prometheus Java client's HTTP server), off the hot path:
 * <ul>
 *     <li>{@code /metrics}: the counters, the stage latency percentiles and the JVM's figures (GC, heap, threads)
 *     in the Prometheus text format;</li>
 *     <li>{@code /health/live}: 200 while the process serves HTTP at all;</li>
 *     <li>{@code /health/ready}: 200 when the server is recovered and serving (alone or primary, or a standby close
 *     behind its primary), else 503.</li>
 * </ul>
 * Each scrape reads the counters as they are; the stage histograms are accumulated at the scrape.
 */
public final class MetricsHttpServer implements AutoCloseable
{
    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";
    /**
     * {@link StageLatency#PERCENTILES} as quantile labels, divided in decimal: {@code 99.9 / 100} in binary is
     * 0.9990000000000001, a label no dashboard query ("0.999") matches. The max is published as quantile 1.0.
     */
    static final double[] QUANTILES = quantilesOf(StageLatency.PERCENTILES);
    private static final String PREFIX = "wodian_";

    /** Threads answering requests (the exporter's own default is ten as well). */
    static final int HANDLER_THREADS = 10;

    private final HTTPServer server;
    /** Ours, not the exporter's: its close does not wait for handlers still reading the counters file. */
    private final ExecutorService handlers;

    private MetricsHttpServer(final HTTPServer server, final ExecutorService handlers)
    {
        this.server = server;
        this.handlers = handlers;
    }

    /**
     * Binds and starts the endpoint.
     *
     * @param host  address to bind (loopback unless an operator chooses otherwise).
     * @param port  TCP port; 0 for an ephemeral one ({@link #port()}).
     * @param ready whether the server is ready, for {@code /health/ready}.
     */
    public static MetricsHttpServer start(
        final String host,
        final int port,
        final ServerCounters counters,
        final StageLatency latency,
        final BooleanSupplier ready) throws IOException
    {
        return start(host, port, counters, latency, ready, null);
    }

    /**
     * The same over HTTPS when {@code tls} is set (the server's key material; no client certificate is asked for).
     * The JDK's HTTPS server keeps the context it was given, so it gets one that creates each connection's engine
     * from the current key material: a rotated certificate is served from the next connection, without a restart.
     */
    public static MetricsHttpServer start(
        final String host,
        final int port,
        final ServerCounters counters,
        final StageLatency latency,
        final BooleanSupplier ready,
        final com.wodian.net.tls.TlsContext tls) throws IOException
    {
        return start(host, port, counters, latency, ready, tls, null);
    }

    /** The same, asking every request for HTTP basic authentication when {@code authenticator} is set. */
    public static MetricsHttpServer start(
        final String host,
        final int port,
        final ServerCounters counters,
        final StageLatency latency,
        final BooleanSupplier ready,
        final com.wodian.net.tls.TlsContext tls,
        final com.sun.net.httpserver.Authenticator authenticator) throws IOException
    {
        final PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        registry.register(new ServerCollector(counters.reader(), latency));
        return start(host, port, registry, ready, tls, authenticator);
    }

    /** Serves {@code registry}'s collectors (the server's: above). */
    static MetricsHttpServer start(
        final String host,
        final int port,
        final PrometheusRegistry registry,
        final BooleanSupplier ready,
        final com.wodian.net.tls.TlsContext tls) throws IOException
    {
        return start(host, port, registry, ready, tls, null);
    }

    /** As above; {@code authenticator} (or null) guards every path, the health ones included. */
    static MetricsHttpServer start(
        final String host,
        final int port,
        final PrometheusRegistry registry,
        final BooleanSupplier ready,
        final com.wodian.net.tls.TlsContext tls,
        final com.sun.net.httpserver.Authenticator authenticator) throws IOException
    {
        limitSlowRequests();
        final ExecutorService handlers = Executors.newFixedThreadPool(HANDLER_THREADS, (runnable) ->
        {
            final Thread thread = new Thread(runnable, "wodian-metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        final HTTPServer.Builder builder = HTTPServer.builder()
            .inetAddress(InetAddress.getByName(host))
            .port(port)
            .registry(registry)
            .executorService(handlers)
            .defaultHandler((exchange) -> answerHealth(exchange, ready));
        if (null != authenticator)
        {
            builder.authenticator(authenticator);
        }
        if (null != tls)
        {
            builder.httpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls.reloadingSslContext()));
        }
        try
        {
            return new MetricsHttpServer(builder.buildAndStart(), handlers);
        }
        catch (final IOException | RuntimeException ex)
        {
            handlers.shutdownNow();
            throw ex;
        }
    }

    /** Seconds a client may take to send a request, and the server to send a response, before it is closed. */
    static final int REQUEST_TIME_LIMIT_S = 5;

    /**
     * Sets the JDK HTTP server's request and response time limits ({@code sun.net.httpserver.maxReqTime},
     * {@code maxRspTime}, in seconds) unless the operator set them: it has none by default, and it reads a request on
     * the exporter's executor (ten threads), so ten clients that send a request slowly would hold every thread and
     * {@code /health/ready} would stop answering while the engine is fine. The JDK reads the two properties once, when
     * its first HTTP server in the process is made: this is called before that.
     */
    private static void limitSlowRequests()
    {
        for (final String property : new String[] {"sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime"})
        {
            if (null == System.getProperty(property))
            {
                System.setProperty(property, Integer.toString(REQUEST_TIME_LIMIT_S));
            }
        }
    }

    /** The bound port. */
    public int port()
    {
        return server.getPort();
    }

    /**
     * Stops accepting and waits for the requests in progress: a scrape still reading the counters file when the server
     * unmaps it (right after this) would fault the JVM (concurrency review F3). Bounded by the response time limit.
     */
    @Override
    public void close()
    {
        server.close(); // stops the listener and shuts the handler pool down, without waiting for it
        try
        {
            if (!handlers.awaitTermination(REQUEST_TIME_LIMIT_S + 1, TimeUnit.SECONDS))
            {
                handlers.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void answerHealth(final HttpExchange exchange, final BooleanSupplier ready) throws IOException
    {
        final String path = exchange.getRequestURI().getPath();
        final int status;
        final String body;
        if (LIVE_PATH.equals(path))
        {
            status = 200;
            body = "live\n";
        }
        else if (READY_PATH.equals(path))
        {
            final boolean isReady = ready.getAsBoolean();
            status = isReady ? 200 : 503;
            body = isReady ? "ready\n" : "not ready\n";
        }
        else
        {
            status = 404;
            body = "not found: try /metrics, " + LIVE_PATH + " or " + READY_PATH + "\n";
        }
        final byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }

    /** Turns the counters and the stage histograms into metric snapshots at each scrape. */
    private static final class ServerCollector implements MultiCollector
    {
        private final CountersReader reader;
        private final StageLatency latency;

        ServerCollector(final CountersReader reader, final StageLatency latency)
        {
            this.reader = reader;
            this.latency = latency;
        }

        @Override
        public MetricSnapshots collect()
        {
            final List<MetricSnapshot> snapshots = new ArrayList<>();
            final CounterSnapshot.Builder inputs = CounterSnapshot.builder().name(PREFIX + "inputs")
                .help("inputs published to the ring, by SBE template");
            final CounterSnapshot.Builder replies = CounterSnapshot.builder().name(PREFIX + "replies_by_code")
                .help("replies taken by the sender, by result code");
            final CounterSnapshot.Builder limits = CounterSnapshot.builder().name(PREFIX + "gateway_limits")
                .help("POS connections refused or sessions ended to keep a gateway limit, by reason");
            reader.forEach((counterId, typeId, keyBuffer, label) ->
            {
                final long value = reader.getCounterValue(counterId);
                if (ServerCounters.TYPE_SCALAR == typeId)
                {
                    snapshots.add(scalar(ServerCounters.Scalar.values()[keyBuffer.getInt(0)], value));
                }
                else if (ServerCounters.TYPE_INPUTS_BY_TEMPLATE == typeId && 0 != value)
                {
                    inputs.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("template", label.substring(label.indexOf(' ') + 1))).value(value).build());
                }
                else if (ServerCounters.TYPE_REPLIES_BY_CODE == typeId && 0 != value)
                {
                    replies.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("code", label.substring(label.indexOf(' ') + 1))).value(value).build());
                }
                else if (ServerCounters.TYPE_GATEWAY_LIMITS == typeId)
                {
                    limits.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("reason",
                        ServerCounters.GatewayLimit.values()[keyBuffer.getInt(0)].reason())).value(value).build());
                }
            });
            snapshots.add(inputs.build());
            snapshots.add(replies.build());
            snapshots.add(limits.build());
            snapshots.add(stageLatency());
            snapshots.add(buildInfo());
            return new MetricSnapshots(snapshots);
        }

        /** {@code wodian_build_info}: which release and formats this node runs, for a rolling upgrade. */
        private static MetricSnapshot buildInfo()
        {
            return InfoSnapshot.builder().name(PREFIX + "build")
                .help("the release, payload schema, snapshot formats and replication protocol this node runs")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of(
                    "version", BuildIdentity.VERSION,
                    "payload_schema", Integer.toString(BuildIdentity.payloadSchema()),
                    "snapshot_format", Long.toString(BuildIdentity.snapshotFormat()),
                    "snapshot_format_oldest_read", Long.toString(BuildIdentity.oldestReadableSnapshotFormat()),
                    "replication_protocol", Integer.toString(BuildIdentity.replicationProtocol()))).build())
                .build();
        }

        private static MetricSnapshot scalar(final ServerCounters.Scalar scalar, final long value)
        {
            if (scalar.gauge())
            {
                return GaugeSnapshot.builder().name(PREFIX + scalar.metricName()).help(scalar.description())
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
            }
            final String name = scalar.metricName().endsWith("_total") ?
                scalar.metricName().substring(0, scalar.metricName().length() - "_total".length()) :
                scalar.metricName();
            return CounterSnapshot.builder().name(PREFIX + name).help(scalar.description())
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build();
        }

        private MetricSnapshot stageLatency()
        {
            final Histogram[] histograms = latency.snapshot();
            final SummarySnapshot.Builder summary = SummarySnapshot.builder().name(PREFIX + "stage_latency_seconds")
                .help("latency of each server stage since start (see docs/observability.md)");
            for (final StageLatency.Stage stage : StageLatency.Stage.values())
            {
                final Histogram histogram = histograms[stage.ordinal()];
                final List<Quantile> quantiles = new ArrayList<>();
                for (int p = 0; p < StageLatency.PERCENTILES.length; p++)
                {
                    quantiles.add(new Quantile(QUANTILES[p],
                        histogram.getValueAtPercentile(StageLatency.PERCENTILES[p]) / 1e9));
                }
                quantiles.add(new Quantile(1.0, histogram.getMaxValue() / 1e9));
                summary.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                    .labels(Labels.of("stage", stage.metricName()))
                    .quantiles(Quantiles.of(quantiles))
                    .count(histogram.getTotalCount())
                    .sum(histogram.getMean() * histogram.getTotalCount() / 1e9)
                    .build());
            }
            return summary.build();
        }
    }

    private static double[] quantilesOf(final double[] percentiles)
    {
        final double[] quantiles = new double[percentiles.length];
        for (int p = 0; p < percentiles.length; p++)
        {
            quantiles[p] = BigDecimal.valueOf(percentiles[p]).movePointLeft(2).doubleValue();
        }
        return quantiles;
    }
}
