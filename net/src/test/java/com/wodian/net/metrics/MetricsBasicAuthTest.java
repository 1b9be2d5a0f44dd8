package com.wodian.net.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Security review item 16: with an auth file the metrics endpoint answers 401 to a request without the right basic
 * credentials, on every path (the health ones too), and 200 with them; before, anyone who reached it read it.
 */
class MetricsBasicAuthTest
{
    @TempDir
    Path dir;

    @Test
    void everyPathAsksForTheCredentials() throws Exception
    {
        final Path file = dir.resolve("metrics-auth");
        Files.writeString(file, "prometheus:s3cret-Pass\n");
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, new PrometheusRegistry(), () -> true,
            null, MetricsBasicAuth.load(file)))
        {
            assertEquals(401, status(server.port(), "/metrics", null));
            assertEquals(401, status(server.port(), MetricsHttpServer.READY_PATH, null));
            assertEquals(401, status(server.port(), "/metrics", "prometheus:wrong"));
            assertEquals(401, status(server.port(), "/metrics", "other:s3cret-Pass"));
            assertEquals(200, status(server.port(), "/metrics", "prometheus:s3cret-Pass"));
            assertEquals(200, status(server.port(), MetricsHttpServer.READY_PATH, "prometheus:s3cret-Pass"));
        }
    }

    @Test
    void aFileWithoutUserAndPasswordIsRefused() throws Exception
    {
        final Path file = dir.resolve("metrics-auth");
        Files.writeString(file, "no-colon-here\n");
        assertThrows(IOException.class, () -> MetricsBasicAuth.load(file));
    }

    private static int status(final int port, final String path, final String credentials) throws IOException
    {
        final HttpURLConnection connection =
            (HttpURLConnection)new URL("http://127.0.0.1:" + port + path).openConnection();
        connection.setConnectTimeout(30_000);
        connection.setReadTimeout(30_000);
        if (null != credentials)
        {
            connection.setRequestProperty("Authorization", "Basic " +
                Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try
        {
            return connection.getResponseCode();
        }
        finally
        {
            connection.disconnect();
        }
    }
}
