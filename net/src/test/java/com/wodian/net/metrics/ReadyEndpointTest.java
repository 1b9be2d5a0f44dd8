package com.wodian.net.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code /health/ready} answers 503 whenever the server says it is not ready (docs/observability.md: while starting,
 * once closing, a standby out of touch with or far behind its primary) and 200 again once it is; load balancers and
 * orchestrators act on the 503. {@code /health/live} stays 200 throughout. (Which states count as ready is the server's
 * MetricsAgent; this is the endpoint's side.)
 */
class ReadyEndpointTest
{
    private static final int TIMEOUT_MS = 30_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void notReadyIs503AndReadyAgainIs200(@TempDir final Path dir) throws IOException
    {
        final AtomicBoolean ready = new AtomicBoolean(false);
        try (ServerCounters counters = ServerCounters.create(dir, 0);
            MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, counters, new StageLatency(),
                ready::get))
        {
            assertEquals(503, get(server, MetricsHttpServer.READY_PATH), "not ready: 503");
            assertEquals(200, get(server, "/health/live"), "live while not ready");
            ready.set(true);
            assertEquals(200, get(server, MetricsHttpServer.READY_PATH), "ready: 200");
            ready.set(false);
            assertEquals(503, get(server, MetricsHttpServer.READY_PATH), "not ready again (closing, standby lost): 503");
        }
    }

    private static int get(final MetricsHttpServer server, final String path) throws IOException
    {
        final HttpURLConnection connection =
            (HttpURLConnection)new URL("http://127.0.0.1:" + server.port() + path).openConnection();
        connection.setConnectTimeout(TIMEOUT_MS);
        connection.setReadTimeout(TIMEOUT_MS);
        try
        {
            final int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream())
            {
                if (null != body)
                {
                    new String(body.readAllBytes(), StandardCharsets.US_ASCII);
                }
            }
            return status;
        }
        finally
        {
            connection.disconnect();
        }
    }
}
