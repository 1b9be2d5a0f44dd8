package com.wodian.net.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing the endpoint waits for a scrape in progress: the server unmaps the counters file right after this close,
 * and a collector still reading it would fault the JVM (concurrency review F3, 2026-12-05). The exporter's own close
 * stops the listener and shuts its handler pool down without waiting for it.
 */
class MetricsCloseTest
{
    @Test
    void closeReturnsOnlyAfterTheScrapeInProgressHasCollected() throws Exception
    {
        final CountDownLatch collecting = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean collected = new AtomicBoolean();
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register((Collector)() ->
        {
            collecting.countDown();
            awaitQuietly(release);
            collected.set(true);
            return GaugeSnapshot.builder().name("test_gauge")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(1).build()).build();
        });
        final MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, registry, () -> true, null);
        final Thread scraper = new Thread(() -> scrape(server.port()), "test-scraper");
        scraper.start();
        assertTrue(collecting.await(30, TimeUnit.SECONDS), "the scrape reached the collector");

        final AtomicBoolean collectedWhenClosed = new AtomicBoolean();
        final Thread closer = new Thread(() ->
        {
            server.close();
            collectedWhenClosed.set(collected.get());
        }, "test-closer");
        closer.start();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (closer.isAlive() && Thread.State.TIMED_WAITING != closer.getState() && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(1); // until the close waits (fixed) or has returned (the bug)
        }
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        scraper.join(TimeUnit.SECONDS.toMillis(30));

        assertFalse(closer.isAlive());
        assertTrue(collectedWhenClosed.get(), "close() returned while a collector was still running");
    }

    private static void scrape(final int port)
    {
        try
        {
            final HttpURLConnection connection =
                (HttpURLConnection)new URL("http://127.0.0.1:" + port + "/metrics").openConnection();
            connection.setConnectTimeout(30_000);
            connection.setReadTimeout(30_000);
            try (InputStream body = connection.getInputStream())
            {
                body.readAllBytes();
            }
        }
        catch (final java.io.IOException ex)
        {
            // the close may cut the response off: what matters is when close() returned
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
