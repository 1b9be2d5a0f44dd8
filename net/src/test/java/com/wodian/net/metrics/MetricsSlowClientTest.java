package com.wodian.net.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Clients that send a request slowly (a slowloris, a stuck scraper) hold the exporter's threads only until the
 * request time limit: a health probe that comes after them is still answered.
 */
class MetricsSlowClientTest
{
    private static final int SLOW_CLIENTS = 20;

    @Test
    // A backstop, not a schedule: at load 17 on the 2-vCPU dev VM a run took a fifth of the old limit, too close.
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aHealthProbeIsAnsweredAfterTwentySlowClients(@TempDir final Path dir) throws IOException
    {
        try (ServerCounters counters = ServerCounters.create(dir, 0);
            MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, counters, new StageLatency(),
                () -> true))
        {
            final List<Socket> slow = new ArrayList<>();
            try
            {
                for (int i = 0; i < SLOW_CLIENTS; i++)
                {
                    final Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 30_000);
                    final OutputStream out = socket.getOutputStream();
                    out.write("GET /health/li".getBytes(StandardCharsets.US_ASCII)); // and nothing more
                    out.flush();
                    slow.add(socket);
                }
                final HttpURLConnection probe =
                    (HttpURLConnection)new URL("http://127.0.0.1:" + server.port() + "/health/live").openConnection();
                probe.setConnectTimeout(30_000);
                probe.setReadTimeout(30_000); // without the limit the probe waits behind the slow clients for ever
                assertEquals(200, probe.getResponseCode());
                try (InputStream body = probe.getInputStream())
                {
                    body.readAllBytes();
                }
            }
            finally
            {
                for (final Socket socket : slow)
                {
                    socket.close();
                }
            }
        }
    }
}
