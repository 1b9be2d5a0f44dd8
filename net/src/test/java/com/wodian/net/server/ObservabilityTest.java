package com.wodian.net.server;

import com.wodian.net.BuildIdentity;
import com.wodian.net.client.WodianClient;
import com.wodian.net.metrics.CountersFile;
import com.wodian.net.metrics.CountersPrinter;
import com.wodian.net.metrics.StageLatency;
import com.wodian.protocol.sbe.ResultCode;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Counters in the data directory's counters file (read as another process would), per-stage latency, and the HTTP
 * endpoint: /metrics parses as Prometheus text and carries the counters, the stage percentiles and JVM figures;
 * /health/live and /health/ready answer.
 */
class ObservabilityTest
{
    private static final long READY_TIMEOUT_MS = 30_000;
    private static final long COPY_TIMEOUT_MS = 30_000;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void countersStagesAndEndpointDescribeTheTraffic(final ThreadingMode mode) throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, mode).metricsPort(0);
        try (WodianServer server = WodianServer.launch(config))
        {
            assertTrue(server.metricsPort() > 0, "the endpoint is bound");
            try (WodianClient client = ServerTestSupport.connect(server))
            {
                final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
                requests.setUpParties(); // 4 commands, each answered OK
                assertEquals(ResultCode.UNKNOWN_MERCHANT, requests.registerTerminal(77, 999));
            }
            awaitReady(server);
            awaitCopyAfterTraffic();

            // From another process's point of view: the file, not the server object.
            try (CountersFile file = CountersFile.open(dataDir))
            {
                final CountersReader reader = file.reader();
                assertEquals(1, value(reader, "inputs RegisterMerchant"));
                assertEquals(2, value(reader, "inputs RegisterTerminal"));
                assertTrue(value(reader, "replies OK") >= 4, "set-up replies");
                assertEquals(1, value(reader, "replies UNKNOWN_MERCHANT"));
                assertTrue(value(reader, "journal entries appended") >= 5, "every command journaled");
                assertTrue(value(reader, "journal batches ended") >= 1);
                assertEquals(1, value(reader, "successful logons"));
                assertEquals(1, value(reader, "connections accepted"));
                assertEquals(1, value(reader, "1 when recovered and serving (see /health/ready)"));
                assertEquals(ProcessHandle.current().pid(), file.pid());
                // "Now" is the file's own heartbeat, not this JVM's wall clock: a clock step (NTP on a fresh CI VM)
                // or a 5-s stall of this test would otherwise read as a stale server.
                assertTrue(file.heartbeatMs() > 0, "the server writes its heartbeat");
                final String stat = CountersPrinter.format(file, file.heartbeatMs(), false);
                assertTrue(stat.contains("inputs RegisterMerchant"), stat);
                assertTrue(!stat.contains("STALE"), stat);
                final String late = CountersPrinter.format(file, file.heartbeatMs() + 60_000, false);
                assertTrue(late.contains("STALE"), "a heartbeat a minute old reads as stale: " + late);
            }

            final Histogram[] stages = server.stageLatency().snapshot();
            final long endToEnd = stages[StageLatency.Stage.RECEIVED_TO_WRITTEN.ordinal()].getTotalCount();
            assertTrue(endToEnd >= 6, "logon, 4 set-up replies and the refusal: " + endToEnd);
            assertEquals(endToEnd, stages[StageLatency.Stage.RECEIVED_TO_TAKEN.ordinal()].getTotalCount());
            final long durable = stages[StageLatency.Stage.RECEIVED_TO_DURABLE.ordinal()].getTotalCount();
            if (ThreadingMode.DEDICATED == mode)
            {
                assertEquals(endToEnd, durable, "the journal thread stamps every input durable");
            }
            else
            {
                assertEquals(0, durable, "COMPACT: the pipeline thread runs the engine, so it reads no clock");
            }

            final String metrics = get(server, "/metrics", 200);
            final Map<String, Double> samples = PrometheusTextParser.parse(metrics);
            assertEquals(1.0, samples.get("wodian_inputs_total{template=\"RegisterMerchant\"}"), metrics);
            assertEquals(1.0, samples.get("wodian_replies_by_code_total{code=\"UNKNOWN_MERCHANT\"}"), metrics);
            assertEquals(1.0, samples.get("wodian_ready{}"), metrics);
            assertTrue(samples.keySet().stream().anyMatch((name) -> name.startsWith("wodian_build_info{") &&
                name.contains("payload_schema=\"" + BuildIdentity.payloadSchema() + "\"") &&
                name.contains("snapshot_format=\"" + BuildIdentity.snapshotFormat() + "\"")), metrics);
            for (final String quantile : new String[] {"0.5", "0.9", "0.99", "0.999", "0.9999", "1.0"})
            {
                // docs/observability.md names these labels exactly; a scraper's selector matches the string.
                assertNotNull(samples.get("wodian_stage_latency_seconds{stage=\"received_to_written\",quantile=\"" +
                    quantile + "\"}"), metrics);
            }
            assertEquals((double)endToEnd,
                samples.get("wodian_stage_latency_seconds_count{stage=\"received_to_written\"}"), 2.0, metrics);
            assertTrue(samples.keySet().stream().anyMatch((name) -> name.startsWith("jvm_memory_used_bytes")),
                "JVM figures");
            assertTrue(samples.keySet().stream().anyMatch((name) -> name.startsWith("jvm_gc_collection_seconds")),
                "GC figures");

            assertDashboardNamesExist(samples);

            assertEquals("live\n", get(server, "/health/live", 200));
            assertEquals("ready\n", get(server, "/health/ready", 200));
            get(server, "/nothing-here", 404);
        }
    }

    /**
     * Every wodian_* series the Grafana dashboard queries is served, with the exact label values its selectors
     * match on (a renamed metric or a quantile label written differently, "0.9990000000000001" for "0.999", would
     * blank a panel). Regex matchers ({@code instance=~"$instance"}) are the dashboard's own variables: skipped.
     */
    private static void assertDashboardNamesExist(final Map<String, Double> samples) throws IOException
    {
        final String dashboard = Files.readString(Path.of("..", "docs", "grafana-dashboard.json"))
            .replace("\\\"", "\"");
        final Matcher selector = Pattern.compile("(wodian_[a-z_]+)(\\{[^}]*\\})?").matcher(dashboard);
        int checked = 0;
        while (selector.find())
        {
            final String prefix = selector.group(1) + "{";
            final List<String> exactLabels = exactLabels(selector.group(2));
            assertTrue(samples.keySet().stream().anyMatch((series) -> series.startsWith(prefix) &&
                exactLabels.stream().allMatch(series::contains)),
                "the dashboard queries " + selector.group() + ", which /metrics does not serve");
            checked++;
        }
        assertTrue(checked > 10, "the dashboard names its metrics");
    }

    /** The {@code label="value"} matchers of a selector's braces, as they appear in a served series' name. */
    private static List<String> exactLabels(final String braces)
    {
        final List<String> labels = new ArrayList<>();
        if (braces != null)
        {
            final Matcher label = Pattern.compile("([a-z_]+)=\"([^\"]*)\"").matcher(braces);
            while (label.find())
            {
                labels.add(label.group(1) + "=\"" + label.group(2) + "\"");
            }
        }
        return labels;
    }

    private static void awaitReady(final WodianServer server) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (!server.isReady() && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(20);
        }
        assertTrue(server.isReady(), "ready within " + READY_TIMEOUT_MS + " ms");
    }

    /**
     * The metrics thread copies the other threads' figures into the file about once a second and then beats the
     * file's heartbeat with the time it started the copy. On a starved machine the first copy after the traffic can
     * come much later than a second, so wait for the heartbeat to change twice after the traffic ended: the second
     * change is of a copy that started after the first was seen, so after the traffic. No wall-clock comparison (a
     * clock stepped back on a fresh machine would hide a copy).
     */
    private void awaitCopyAfterTraffic() throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COPY_TIMEOUT_MS);
        long seen = heartbeatMs();
        for (int changes = 0; changes < 2; )
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("no copy of the figures within " + COPY_TIMEOUT_MS + " ms after the traffic");
            }
            Thread.sleep(50);
            final long now = heartbeatMs();
            changes += now != seen ? 1 : 0;
            seen = now;
        }
    }

    private long heartbeatMs() throws Exception
    {
        try (CountersFile file = CountersFile.open(dataDir))
        {
            return file.heartbeatMs();
        }
    }

    private static long value(final CountersReader reader, final String label)
    {
        final long[] found = {-1};
        reader.forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (label.equals(counterLabel))
            {
                found[0] = reader.getCounterValue(counterId);
            }
        });
        assertTrue(found[0] >= 0, "no counter labelled '" + label + "'");
        return found[0];
    }

    private static String get(final WodianServer server, final String path, final int expectedStatus)
        throws IOException
    {
        final HttpURLConnection connection = (HttpURLConnection)URI.create(
            "http://127.0.0.1:" + server.metricsPort() + path).toURL().openConnection();
        connection.setConnectTimeout((int)ServerTestSupport.TIMEOUT_MS);
        connection.setReadTimeout((int)ServerTestSupport.TIMEOUT_MS);
        try
        {
            assertEquals(expectedStatus, connection.getResponseCode(), path);
            try (InputStream in = expectedStatus < 400 ? connection.getInputStream() : connection.getErrorStream())
            {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        finally
        {
            connection.disconnect();
        }
    }
}
