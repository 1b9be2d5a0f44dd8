package com.wodian.perf;

import com.wodian.engine.EngineConfig;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.ServerProperties;
import com.wodian.net.server.ThreadingMode;
import com.wodian.net.server.WodianServer;
import com.wodian.protocol.ReplyCodes;
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
 * time on the wire (no batching by the client), each reply timed on the client's receiver thread: the server in the
 * same JVM, no load generator between. A harness to run by hand, not a test. From the repository root:
 * <pre>
 * mvn -q -B -pl perf -am package -DskipTests
 * mvn -q -B -pl perf dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * CP="perf/target/classes:engine/target/classes:journal/target/classes:net/target/classes:\
 * $(tr ':' '\n' &lt; /tmp/cp.txt | grep -v com/wodian | paste -sd:)"
 * FLAGS=$(sed -n 's:.*&lt;wodian.jvm.base&gt;\(.*\)&lt;/wodian.jvm.base&gt;.*:\1:p' pom.xml)
 * java $FLAGS -Xmx1g -cp "$CP" com.wodian.perf.RoundTripLatencyMain --mode compact \
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

    private static final long MERCHANT_ID = 100;
    private static final long TERMINAL_ID = 200;
    private static final long CONSUMER_ID = 300;
    private static final long CALL_TIMEOUT_MS = 10_000;

    private RoundTripLatencyMain()
    {
    }

    /** One merchant, terminal and consumer, topped up 10 times: 13 calls before the timed loop. */
    private static void setUpParties(final WodianClient client) throws Exception
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
        requireOk(client, request, encoder.registerMerchant(request, 0, MERCHANT_ID, 1, 100, 0, 0, false));
        requireOk(client, request, encoder.registerConsumer(request, 0, CONSUMER_ID, 0));
        requireOk(client, request, encoder.registerTerminal(request, 0, TERMINAL_ID, MERCHANT_ID));
        for (int i = 0; i < 10; i++)
        {
            requireOk(client, request, encoder.topUp(request, 0, CONSUMER_ID, 1 + i, 100_000_000));
        }
    }

    private static void requireOk(final WodianClient client, final UnsafeBuffer request, final int length)
        throws Exception
    {
        final UnsafeBuffer reply = new UnsafeBuffer(client.call(request, 0, length, CALL_TIMEOUT_MS));
        final int code = ReplyCodes.codeAt(reply, 0);
        if (ResultCode.OK.value() != code)
        {
            throw new IllegalStateException("set-up refused with code " + code);
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final ServerConfig config = new ServerConfig().host("127.0.0.1").port(0)
            .engineConfig(EngineConfig.small().keysMax(2_000_000)).tickIntervalMs(1000);
        final OfferedLoad load = OfferedLoad.parse(args, config);
        final Path dataDir = Files.createTempDirectory("wodian-latency");
        config.dataDir(dataDir);
        final byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        final Credentials admin = Credentials.admin(1, secret);
        // A load-test admin (docs/security.md, "Admin kinds"): it pays at a fixed rate over its admin session, and an
        // ordinary admin's payments would each be an admin audit record (a copy and a line), which this measures.
        config.gateway().credentialStore(new CredentialStore().addAdmin(admin,
            com.wodian.net.auth.AdminKind.LOADTEST));

        final String allocatedBytes;
        final Histogram serviceHistogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Histogram scheduledHistogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = WodianClient.connect("127.0.0.1", server.port(), admin))
        {
            setUpParties(client);
            final Recorder recorder = new Recorder(serviceHistogram, scheduledHistogram, load.warmupCount());
            allocatedBytes = sendAtFixedRate(client, load, recorder);
        }

        System.out.println(String.format(Locale.ROOT,
            "mode=%s pipeline-wait=%s network-idle=%s sender-idle=%s durability=%s request=%s rate=%d count=%d " +
            "p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f co-p99=%.1f (us) allocated bytes while timed: %s",
            config.threadingMode(), config.pipelineWaitStrategy(), config.networkIdleStrategy(),
            ThreadingMode.DEDICATED == config.threadingMode() ? config.senderIdleStrategy() : "-",
            config.durabilityPolicy(), load.request, load.rate, serviceHistogram.getTotalCount(),
            micros(serviceHistogram, 50), micros(serviceHistogram, 90), micros(serviceHistogram, 99),
            micros(serviceHistogram, 99.9), serviceHistogram.getMaxValue() / 1000.0,
            micros(scheduledHistogram, 99), allocatedBytes));
        deleteRecursively(dataDir);
    }

    /**
     * The timed loop: one request per interval on its schedule (warm-up first, then the measured ones), then waits up
     * to 10 s for the last replies. Returns what the server's threads allocated while timed.
     */
    private static String sendAtFixedRate(final WodianClient client, final OfferedLoad load, final Recorder recorder)
        throws InterruptedException
    {
        final boolean pay = "pay".equals(load.request);
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / load.rate;
        final long warmupCount = load.warmupCount();
        final long totalCount = warmupCount + (long)load.seconds * load.rate;
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
                encoder.pay(message, 0, MERCHANT_ID, TERMINAL_ID, 1_000_000 + i,
                    CONSUMER_ID, 1) :
                encoder.balanceQuery(message, 0, CONSUMER_ID);
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
        return allocations.stop();
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

    /** What the client offers: which request, how many a second, for how long after how long a warm-up. */
    private static final class OfferedLoad
    {
        String request = "pay";
        int rate = 2_000;
        int seconds = 10;
        int warmupSeconds = 5;

        /** Reads the load's options, and sets the server's options on {@code config}. */
        static OfferedLoad parse(final String[] args, final ServerConfig config)
        {
            final OfferedLoad load = new OfferedLoad();
            for (int i = 0; i < args.length; i += 2)
            {
                final String value = args[i + 1];
                switch (args[i])
                {
                    case "--mode": config.threadingMode(ServerProperties.parseThreadingMode(value)); break;
                    case "--pipeline-wait": config.pipelineWaitStrategy(value); break;
                    case "--network-idle": config.networkIdleStrategy(value); break;
                    case "--sender-idle": config.senderIdleStrategy(value); break;
                    case "--durability": config.durabilityPolicy(ServerProperties.parseDurabilityPolicy(value));
                        break;
                    case "--request": load.request = value; break;
                    case "--rate": load.rate = Integer.parseInt(value); break;
                    case "--seconds": load.seconds = Integer.parseInt(value); break;
                    case "--warmup-seconds": load.warmupSeconds = Integer.parseInt(value); break;
                    default: throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return load;
        }

        long warmupCount()
        {
            return (long)warmupSeconds * rate;
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
