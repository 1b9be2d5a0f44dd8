package com.wodian.net.server;

import com.wodian.engine.EngineConfig;
import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Round-trip latency through the real server at a fixed request rate: one client connection, one request at a
 * time on the wire (no batching by the client), each reply timed on the client's receiver thread. A harness to run
 * by hand, not a test (it belongs in perf/ once that module has a home for it). From the repository root:
 * <pre>
 * mvn -o -q -B -pl net -am test-compile
 * mvn -o -q -B -pl net -am dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * CP="engine/target/classes:journal/target/classes:net/target/classes:net/target/test-classes:\
 * $(tr ':' '\n' &lt; /tmp/cp.txt | grep -v com/wodian | paste -sd:)"
 * FLAGS=$(sed -n 's:.*&lt;wodian.jvm.base&gt;\(.*\)&lt;/wodian.jvm.base&gt;.*:\1:p' pom.xml)
 * java $FLAGS -Xmx1g -cp "$CP" com.wodian.net.server.RoundTripLatencyMain --mode compact \
 *     --pipeline-wait blocking --network-idle select --durability page-cache --request pay --rate 2000 \
 *     --seconds 4 --warmup-seconds 2
 * </pre>
 * Prints one line: the configuration, the request count and the percentiles in microseconds, measured from the
 * moment each request was written to the socket to the moment its reply was decoded; {@code co-p99} is the 99th
 * percentile measured from each request's scheduled time instead (coordinated omission corrected).
 */
public final class RoundTripLatencyMain
{
    private static final int SLOTS = 1 << 16;

    /** Set-up sends 4 + 9 requests with call() before the timed loop, whose request i has correlation id 14 + i. */
    private static final long FIRST_LOOP_CORRELATION_ID = 14;

    private RoundTripLatencyMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final ServerConfig config = new ServerConfig().host("127.0.0.1").port(0)
            .engineConfig(EngineConfig.small().keysMax(2_000_000)).tickIntervalMs(1000);
        String request = "pay";
        int rate = 2_000;
        int seconds = 10;
        int warmupSeconds = 5;
        for (int i = 0; i < args.length; i += 2)
        {
            final String value = args[i + 1];
            switch (args[i])
            {
                case "--mode": config.threadingMode(ServerConfig.Configuration.parseThreadingMode(value)); break;
                case "--pipeline-wait": config.pipelineWaitStrategy(value); break;
                case "--network-idle": config.networkIdleStrategy(value); break;
                case "--sender-idle": config.senderIdleStrategy(value); break;
                case "--durability": config.durabilityPolicy(ServerConfig.Configuration.parseDurabilityPolicy(value));
                    break;
                case "--request": request = value; break;
                case "--rate": rate = Integer.parseInt(value); break;
                case "--seconds": seconds = Integer.parseInt(value); break;
                case "--warmup-seconds": warmupSeconds = Integer.parseInt(value); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final Path dataDir = Files.createTempDirectory("wodian-latency");
        config.dataDir(dataDir);
        config.gateway().credentialStore(ServerTestSupport.credentialStore());

        String allocatedBytes = "";
        final Histogram serviceHistogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Histogram scheduledHistogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            final boolean pay = "pay".equals(request);
            final ServerTestSupport.Requests setUp = new ServerTestSupport.Requests(client);
            setUp.setUpParties();
            for (int i = 0; i < 9; i++)
            {
                setUp.topUp(ServerTestSupport.CONSUMER_ID, 2 + i, 100_000_000);
            }

            final long warmupCount = (long)warmupSeconds * rate;
            final Recorder recorder = new Recorder(serviceHistogram, scheduledHistogram, warmupCount);
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
            final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
            final long totalCount = warmupCount + (long)seconds * rate;
            final long startNs = System.nanoTime();
            final ThreadAllocations allocations = new ThreadAllocations();
            for (long i = 0; i < totalCount; i++)
            {
                if (i == warmupCount)
                {
                    allocations.start();
                }
                final long scheduledNs = startNs + i * intervalNs;
                long nowNs;
                while ((nowNs = System.nanoTime()) < scheduledNs)
                {
                    LockSupport.parkNanos(scheduledNs - nowNs);
                }
                final int length = pay ?
                    encoder.pay(message, 0, ServerTestSupport.MERCHANT_ID, ServerTestSupport.TERMINAL_ID, 1_000_000 + i,
                        ServerTestSupport.CONSUMER_ID, 1) :
                    encoder.balanceQuery(message, 0, ServerTestSupport.CONSUMER_ID);
                final int slot = (int)(i & (SLOTS - 1));
                recorder.scheduledNs[slot] = scheduledNs;
                recorder.sentNs[slot] = System.nanoTime();
                client.send(message, 0, length, recorder);
                client.flush();
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (client.inFlightCount() > 0 && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(1);
            }
            if (recorder.errorCount > 0)
            {
                throw new IllegalStateException(recorder.errorCount + " replies were not OK");
            }
            allocatedBytes = allocations.stop();
        }

        System.out.println(String.format(Locale.ROOT,
            "mode=%s pipeline-wait=%s network-idle=%s sender-idle=%s durability=%s request=%s rate=%d count=%d " +
            "p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f co-p99=%.1f (us) allocated bytes while timed: %s",
            config.threadingMode(), config.pipelineWaitStrategy(), config.networkIdleStrategy(),
            ThreadingMode.DEDICATED == config.threadingMode() ? config.senderIdleStrategy() : "-",
            config.durabilityPolicy(), request, rate, serviceHistogram.getTotalCount(),
            micros(serviceHistogram, 50), micros(serviceHistogram, 90), micros(serviceHistogram, 99),
            micros(serviceHistogram, 99.9), serviceHistogram.getMaxValue() / 1000.0,
            micros(scheduledHistogram, 99), allocatedBytes));
        deleteRecursively(dataDir);
    }

    private static double micros(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    private static void deleteRecursively(final Path dir) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
    }

    /**
     * Bytes allocated by each server thread (and the client's receiver) during the timed phase: the steady-state
     * paths of the network and engine threads must show 0.
     */
    private static final class ThreadAllocations
    {
        private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        private final java.util.Map<Thread, Long> startBytes = new java.util.TreeMap<>(
            java.util.Comparator.comparing(Thread::getName));

        void start()
        {
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                if (thread.getName().startsWith("wodian-"))
                {
                    startBytes.put(thread, threads.getThreadAllocatedBytes(thread.getId()));
                }
            }
        }

        String stop()
        {
            final StringBuilder text = new StringBuilder();
            startBytes.forEach((thread, bytes) -> text.append(thread.getName()).append('=')
                .append(threads.getThreadAllocatedBytes(thread.getId()) - bytes).append(' '));
            return text.toString().trim();
        }
    }

    /** Times each reply; runs on the client's receiver thread, the only writer of the histograms. */
    private static final class Recorder implements ReplyListener
    {
        final long[] scheduledNs = new long[SLOTS];
        final long[] sentNs = new long[SLOTS];
        private final Histogram serviceHistogram;
        private final Histogram scheduledHistogram;
        private final com.wodian.protocol.sbe.MessageHeaderDecoder header =
            new com.wodian.protocol.sbe.MessageHeaderDecoder();
        private final long warmupCount;
        long errorCount;

        Recorder(final Histogram serviceHistogram, final Histogram scheduledHistogram, final long warmupCount)
        {
            this.serviceHistogram = serviceHistogram;
            this.scheduledHistogram = scheduledHistogram;
            this.warmupCount = warmupCount;
        }

        @Override
        public void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            final long nowNs = System.nanoTime();
            final long index = correlationId - FIRST_LOOP_CORRELATION_ID;
            if (index < warmupCount)
            {
                return;
            }
            final int slot = (int)(index & (SLOTS - 1));
            serviceHistogram.recordValue(nowNs - sentNs[slot]);
            scheduledHistogram.recordValue(nowNs - scheduledNs[slot]);
            if (ResultCode.OK.value() != (buffer.getShort(offset + header.encodedLength(),
                java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF))
            {
                errorCount++;
            }
        }
    }
}
