package com.wodian.perf.loadgen;

import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.RequestChannel;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.WodianServer;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open-loop load generator against a real server: schedule kept, every reply counted and observed, latencies
 * recorded after the warm-up.
 */
class LoadGeneratorTest
{
    /**
     * A client that fails in the middle of a run (the group client that found no node for two minutes): the run
     * throws, and what it measured before is still there, counted per result code (operator review 2, C9: the abort
     * said "0 requests sent, 38393 answered before it", the senders' counts being added only at a normal end).
     */
    @Test
    void aRunEndedByAClientFailureStillSaysWhatItSentAndGot()
    {
        final int answeredBeforeFailure = 100;
        final FailingChannel channel = new FailingChannel(answeredBeforeFailure);
        final CommandEncoder encoder = new CommandEncoder();
        final Schedule schedule = new Schedule(10_000, TimeUnit.SECONDS.toNanos(2), 0, 1);
        final LoadGenerator load = new LoadGenerator(List.of(channel), schedule, 1, WodianClient.IN_FLIGHT_MAX,
            TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(60),
            (index, connectionIndex, buffer, offset) -> encoder.pay(buffer, offset, 1, 11, 1 + index, 5, 100),
            (buffer, offset, length) -> buffer.getInt(offset));

        final RuntimeException failure = assertThrows(RuntimeException.class, load::run);
        assertEquals("no connection to any node", failure.getMessage());
        assertEquals(answeredBeforeFailure, load.sentSoFar());
        assertEquals(answeredBeforeFailure, load.answeredSoFar());
        final LoadResult result = load.resultSoFar("a client failed");
        assertTrue(result.aborted());
        assertEquals(answeredBeforeFailure, result.sentCount());
        assertEquals(answeredBeforeFailure, result.answeredCount());
        assertEquals(answeredBeforeFailure / 2, result.count(PayDecoder.TEMPLATE_ID, ResultCode.OK.value()));
        assertEquals(answeredBeforeFailure / 2,
            result.count(PayDecoder.TEMPLATE_ID, ResultCode.INSUFFICIENT_FUNDS.value()));
        assertEquals(answeredBeforeFailure, result.responseTimeNs().getTotalCount());
        final String summary = LatencyReport.summary(result, true);
        assertTrue(summary.contains("sent 100 of 20000 scheduled") && summary.contains("answered 100;") &&
            summary.contains("ABORTED: a client failed") && summary.contains("INSUFFICIENT_FUNDS=50"), summary);
    }

    /** Answers each request at once, alternately OK and INSUFFICIENT_FUNDS, then fails its next send. */
    private static final class FailingChannel implements RequestChannel
    {
        private final UnsafeBuffer reply = new UnsafeBuffer(new byte[4]);
        private final int answerCount;
        private long nextId;

        FailingChannel(final int answerCount)
        {
            this.answerCount = answerCount;
        }

        @Override
        public long send(
            final DirectBuffer message, final int offset, final int length, final ReplyListener listener)
        {
            if (nextId == answerCount)
            {
                throw new IllegalStateException("no connection to any node");
            }
            final long id = nextId++;
            reply.putInt(0, (id & 1) == 0 ? ResultCode.OK.value() : ResultCode.INSUFFICIENT_FUNDS.value());
            listener.onReply(id, reply, 0, 4);
            return id;
        }

        @Override
        public void flush()
        {
        }
    }

    @Test
    // A backstop above the waits inside (60-s lag and drain limits), not a schedule.
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sendsOnScheduleAndMeasuresEveryReply(@TempDir final Path dir) throws Exception
    {
        final ServerConfig config = new ServerConfig().dataDir(dir).host("127.0.0.1").port(0);
        final com.wodian.net.auth.CredentialStore credentials = new com.wodian.net.auth.CredentialStore();
        final com.wodian.net.auth.Credentials adminCredentials = credentials.provision(
            com.wodian.protocol.sbe.SessionRole.ADMIN, 1, 0, new java.security.SecureRandom());
        // The server's 5-s default logon limit is below a stall of a loaded test machine.
        config.gateway().credentialStore(credentials).logonTimeoutMs(30_000);
        try (WodianServer server = WodianServer.launch(config))
        {
            final List<WodianClient> clients = new ArrayList<>();
            try
            {
                for (int i = 0; i < 2; i++)
                {
                    // 30 s to connect, log on and hear a reply: the client's defaults (2, 5, 10 s) are a
                    // production terminal's, below what a starved test machine may take with nothing wrong.
                    clients.add(WodianClient.connect(new com.wodian.net.client.ClientConfig().node("127.0.0.1",
                        server.port()).credentials(adminCredentials).connectTimeoutMs(30_000).logonTimeoutMs(30_000)
                        .replyTimeoutMs(30_000)));
                }
                final CommandEncoder encoder = new CommandEncoder();
                final UnsafeBuffer setup = new UnsafeBuffer(new byte[256]);
                final WodianClient admin = clients.get(0);
                admin.call(setup, 0, encoder.registerMerchant(setup, 0, 1, 1, 100, 0, 10, false), 30_000);
                admin.call(setup, 0, encoder.registerTerminal(setup, 0, 11, 1), 30_000);
                admin.call(setup, 0, encoder.registerConsumer(setup, 0, 5, 0), 30_000);
                admin.call(setup, 0, encoder.topUp(setup, 0, 5, 1, 10_000_000), 30_000);

                final AtomicLong observed = new AtomicLong();
                final Schedule schedule = new Schedule(1_000, TimeUnit.SECONDS.toNanos(2),
                    TimeUnit.MILLISECONDS.toNanos(500), clients.size());
                // Drain and abort-lag limits of 60 s: at 10 s a stall of the machine that long aborted the run (or
                // cut the drain short), and this test is about what is measured, not how fast.
                final LoadGenerator load = new LoadGenerator(clients, schedule, 1, WodianClient.IN_FLIGHT_MAX,
                    TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(60),
                    (index, connectionIndex, buffer, offset) -> encoder.pay(buffer, offset, 1, 11, 1 + index, 5, 100),
                    LoadGenerator.ReplyCodeReader.WODIAN,
                    (connectionIndex, commandTemplateId, buffer, offset, length) ->
                    {
                        if (PayDecoder.TEMPLATE_ID == commandTemplateId)
                        {
                            observed.incrementAndGet();
                        }
                    });
                final LoadResult result = load.run();

                assertEquals(false, result.aborted());
                assertEquals(2_000, result.sentCount());
                assertEquals(2_000, result.answeredCount());
                assertEquals(2_000, observed.get());
                assertEquals(0, result.mismatchedCount());
                assertEquals(2_000, result.count(PayDecoder.TEMPLATE_ID, ResultCode.OK.value()));
                assertEquals(2_000, result.countOfCode(ResultCode.OK.value()));
                final long measured = result.responseTimeNs().getTotalCount();
                assertEquals(1_500, measured, "commands intended after the 0.5 s warm-up");
                assertEquals(measured, result.serviceTimeNs().getTotalCount());
                assertEquals(measured, result.sendLatenessNs().getTotalCount(), "one send lateness per measured command");
                // Per command, response time (from the intended send) >= service time (from the actual send, never
                // earlier): so every order statistic and the mean are too (the histograms' rounding is monotonic).
                for (final double percentile : new double[]{0, 50, 90, 99, 100})
                {
                    assertTrue(result.responseTimeNs().getValueAtPercentile(percentile) >=
                        result.serviceTimeNs().getValueAtPercentile(percentile), "p" + percentile);
                }
                assertTrue(result.responseTimeNs().getMean() >= result.serviceTimeNs().getMean());
                // Only that a rate is reported: how close it comes to the schedule depends on the machine's load.
                assertTrue(result.achievedSendRatePerSecond() > 0, "rate " + result.achievedSendRatePerSecond());
                assertTrue(LatencyReport.percentiles(result.responseTimeNs()).startsWith("p50="));
            }
            finally
            {
                for (final WodianClient client : clients)
                {
                    client.close();
                }
            }
        }
    }
}
