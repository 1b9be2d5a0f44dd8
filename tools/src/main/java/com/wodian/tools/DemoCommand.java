package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.perf.OpenLoopLoad;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.MerchantStatementReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * End to end on one machine: an embedded server with a real journal, simulated POS terminals at a fixed offered
 * rate (open loop, latency corrected for coordinated omission), then the checks that matter: conservation of money
 * over every balance, and recovery from the journal to the same state hash. Exit code 0 when every check passes.
 */
@Command(name = "demo", description = "Run an embedded server, drive simulated POS terminals, check and recover.")
public final class DemoCommand implements Callable<Integer>
{
    /** A data directory the demo created: only such a directory (or an empty one) is ever wiped. */
    static final String MARKER_FILE = "WODIAN-DEMO-DATA";
    static final long CALL_TIMEOUT_MS = 30_000;
    static final long TOP_UP_FEN_MAX = 100_000_000L;

    @Option(names = "--data", defaultValue = "./wodian-demo-data",
        description = "data directory, wiped first (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--rate", defaultValue = "20000",
        description = "offered commands per second (default: ${DEFAULT-VALUE})")
    double ratePerSecond;

    @Option(names = "--seconds", defaultValue = "10",
        description = "length of the load, warm-up included (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "2",
        description = "first part of the load left out of the latency figures (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--connections", defaultValue = "4", description = "POS connections (default: ${DEFAULT-VALUE})")
    int connectionCount;

    @Option(names = "--merchants", defaultValue = "20", description = "(default: ${DEFAULT-VALUE})")
    int merchantCount;

    @Option(names = "--terminals-per-merchant", defaultValue = "2", description = "(default: ${DEFAULT-VALUE})")
    int terminalsPerMerchant;

    @Option(names = "--consumers", defaultValue = "10000", description = "(default: ${DEFAULT-VALUE})")
    int consumerCount;

    @Option(names = "--retry-permille", defaultValue = "20",
        description = "commands that are retries of a recent one, per thousand (default: ${DEFAULT-VALUE})")
    int retryPermille;

    @Option(names = "--mode", description = "server thread layout: compact or dedicated (default: the server's)")
    String mode;

    @Option(names = "--durability",
        description = "journal durability: sync (forced to disk before each reply, default) or page-cache")
    String durability;

    @Option(names = "--seed", defaultValue = "42", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--hgrm", description = "also write the response-time percentile distribution to this file")
    Path hgrmFile;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception
    {
        final long topUpFen = topUpFen();
        final DemoPopulation population = new DemoPopulation(
            merchantCount, terminalsPerMerchant, consumerCount, topUpFen, seed);
        prepareDataDir();

        final List<String> failures = new ArrayList<>();
        final StateHash before;
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, mode, durability))
        {
            out.printf("server: listening on 127.0.0.1:%d (%s), data in %s%n", server.port(), server.describe(),
                dataDir);
            try (WodianClient admin = WodianClient.connect("127.0.0.1", server.port()))
            {
                setUp(admin, population);
                final List<WodianClient> clients = new ArrayList<>();
                try
                {
                    for (int i = 0; i < connectionCount; i++)
                    {
                        clients.add(WodianClient.connect("127.0.0.1", server.port()));
                    }
                    runLoad(clients, population, failures);
                }
                finally
                {
                    for (final WodianClient client : clients)
                    {
                        client.close();
                    }
                }
                checkConservation(admin, population, failures);
                before = stateHash(admin);
            }
            out.printf("state: lastSequence=%d stateHash=%d; closing the server%n",
                before.lastSequence, before.stateHash);
        }

        // The journal alone, replayed off line into a fresh engine with the server's limits: the engine's own
        // invariant check (which the wire does not expose) and a second, independent recovery of the same state.
        final long replayNs = System.nanoTime();
        final JournalCommand.Replayed replayed;
        try
        {
            replayed = JournalCommand.replayAndVerify(dataDir, new EngineConfig());
            final boolean equal = replayed.lastSequence() == before.lastSequence &&
                replayed.stateHash() == before.stateHash;
            out.printf("offline replay: %d inputs into a fresh engine in %d ms: engine invariants hold " +
                "(conservation, holds, no negative balance), state hash %s%n", replayed.inputCount(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - replayNs), equal ? "equal" : "DIFFERENT");
            if (!equal)
            {
                failures.add("offline replay: lastSequence=" + replayed.lastSequence() + " hash=" +
                    replayed.stateHash() + " differ from the live server's " + before);
            }
        }
        catch (final IllegalStateException ex)
        {
            failures.add("offline replay: engine invariant broken: " + ex.getMessage());
        }

        final long restartNs = System.nanoTime();
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, mode, durability);
            WodianClient admin = WodianClient.connect("127.0.0.1", server.port()))
        {
            final StateHash after = stateHash(admin);
            final long recoveryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
            final long recovered = server.recoveredInputCount();
            if (after.equals(before) && recovered == before.lastSequence)
            {
                out.printf("recovered %d inputs, state hash equal (%d; restart with replay took %d ms)%n",
                    recovered, after.stateHash, recoveryMs);
            }
            else
            {
                failures.add(String.format("recovery: recovered %d inputs; before lastSequence=%d hash=%d, " +
                    "after lastSequence=%d hash=%d", recovered, before.lastSequence, before.stateHash,
                    after.lastSequence, after.stateHash));
            }
        }

        if (!failures.isEmpty())
        {
            System.err.println("DEMO FAILED:");
            failures.forEach(failure -> System.err.println("  " + failure));
            return WodianMain.EXIT_REFUSED;
        }
        out.println("demo: all checks passed");
        return WodianMain.EXIT_OK;
    }

    /** Enough for every consumer to pay the whole run's worth at the largest amounts, within the top-up limit. */
    private long topUpFen()
    {
        final double commandsPerConsumer = ratePerSecond * seconds / consumerCount;
        final double needFen = 4 * Math.max(10, commandsPerConsumer) * DemoWorkload.AMOUNT_FEN_MAX;
        return Math.min(TOP_UP_FEN_MAX, (long)needFen);
    }

    private void prepareDataDir() throws IOException
    {
        if (Files.exists(dataDir))
        {
            final boolean empty;
            try (Stream<Path> entries = Files.list(dataDir))
            {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dataDir.resolve(MARKER_FILE)))
            {
                throw new IllegalStateException(dataDir + " is not empty and was not made by the demo (no " +
                    MARKER_FILE + "): refusing to wipe it; pass another --data");
            }
            out.printf("demo: wiping %s (data of an earlier demo run)%n", dataDir);
            deleteRecursively(dataDir);
        }
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve(MARKER_FILE), "Made by 'wodian demo', which wipes it on every run.\n");
    }

    static void deleteRecursively(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path ->
            {
                try
                {
                    Files.delete(path);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }

    private void setUp(final WodianClient admin, final DemoPopulation population) throws TimeoutException
    {
        final long startNs = System.nanoTime();
        final AtomicReference<String> firstRefusal = new AtomicReference<>();
        final long refused = BulkCall.run(admin, population.setupCommandCount(),
            (index, encoder, buffer, offset) -> population.encodeSetup(index, encoder, buffer, offset),
            (buffer, offset, length) -> {}, CALL_TIMEOUT_MS, firstRefusal);
        if (refused != 0)
        {
            throw new IllegalStateException("set-up: " + refused + " commands refused, first: " + firstRefusal.get());
        }
        out.printf("setup: %d merchants (%d alliance members; pool %d bps, alliance share %d bps, fee %d bps), " +
            "%d terminals, %d consumers topped up with %d fen each: %d commands, all OK, in %d ms%n",
            population.merchantCount(), population.allianceMemberCount(), DemoPopulation.POOL_RATE_BPS,
            DemoPopulation.ALLIANCE_SHARE_BPS, DemoPopulation.PLATFORM_FEE_BPS, population.terminalCount(),
            population.consumerCount(), population.topUpFen(), population.setupCommandCount(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    private void runLoad(
        final List<WodianClient> clients, final DemoPopulation population, final List<String> failures)
        throws IOException
    {
        final DemoWorkload workload = new DemoWorkload(population, clients.size(), retryPermille, seed);
        out.printf("load: %.0f commands/s offered for %.1f s (latencies after a %.1f s warm-up) on %d connections; " +
            "mix ~70%% Pay, 20%% Try+Confirm, 5%% Try+Cancel, 5%% Refund, %d/1000 retries%n",
            ratePerSecond, seconds, warmupSeconds, clients.size(), retryPermille);
        final OpenLoopLoad load = new OpenLoopLoad(clients, ratePerSecond, (long)(seconds * 1e9),
            (long)(warmupSeconds * 1e9), TimeUnit.SECONDS.toNanos(30), 1 << 18, workload,
            OpenLoopLoad.ReplyObserver.NONE);
        final OpenLoopLoad.Result result = load.run();

        out.printf("  sent %d commands (%.0f/s achieved), answered %d (%.0f/s), sender at most %.1f ms behind " +
            "schedule%n", result.sentCount(), result.achievedSendRatePerSecond(), result.answeredCount(),
            result.achievedReplyRatePerSecond(), result.maxSendLagNs() / 1e6);
        final StringBuilder kinds = new StringBuilder();
        for (int kind = 0; kind < DemoWorkload.KIND_NAMES.length; kind++)
        {
            kinds.append(kind == 0 ? "" : ", ").append(DemoWorkload.KIND_NAMES[kind]).append(' ')
                .append(workload.count(kind));
        }
        out.println("  commands: " + kinds);
        out.println("  response time (from intended send, coordinated omission corrected): " +
            OpenLoopLoad.Result.percentiles(result.responseTimeNs()));
        out.println("  service time (from actual send):                                   " +
            OpenLoopLoad.Result.percentiles(result.serviceTimeNs()));
        out.println("  replies by command and result code (retries included):");
        final int[] templates = {PayDecoder.TEMPLATE_ID, PaymentTryDecoder.TEMPLATE_ID,
            PaymentConfirmDecoder.TEMPLATE_ID, PaymentCancelDecoder.TEMPLATE_ID, RefundDecoder.TEMPLATE_ID};
        final String[] names = {"Pay", "Try", "Confirm", "Cancel", "Refund"};
        for (int t = 0; t < templates.length; t++)
        {
            final StringBuilder line = new StringBuilder();
            for (int code = 0; code < 1024; code++)
            {
                final long count = result.count(templates[t], code);
                if (count != 0)
                {
                    line.append(' ').append(codeName(code)).append('=').append(count);
                }
            }
            out.printf("    %-8s%s%n", names[t], line.length() == 0 ? " -" : line);
        }
        if (hgrmFile != null)
        {
            try (PrintStream file = new PrintStream(Files.newOutputStream(hgrmFile)))
            {
                result.responseTimeNs().outputPercentileDistribution(file, 1000.0);
            }
            out.println("  response-time distribution (microseconds) written to " + hgrmFile);
        }
        if (result.answeredCount() != result.sentCount())
        {
            failures.add("load: " + (result.sentCount() - result.answeredCount()) + " commands never answered");
        }
        if (result.mismatchedCount() != 0)
        {
            failures.add("load: " + result.mismatchedCount() + " replies did not match their request");
        }
        lastLoadSeconds = result.sentCount() / result.achievedSendRatePerSecond();
    }

    private double lastLoadSeconds;

    /**
     * Withdraws half of each merchant's settlement, then sums every balance the platform holds, read back through
     * the queries: wallets + holds + settlement + pools + alliance earnings + fees must equal top-ups - withdrawals.
     */
    private void checkConservation(
        final WodianClient admin, final DemoPopulation population, final List<String> failures)
        throws TimeoutException
    {
        final int merchants = population.merchantCount();
        final long[] settlementFen = new long[merchants + 1];
        final MerchantStatementReplyDecoder statement = new MerchantStatementReplyDecoder();
        final AtomicLong salesCount = new AtomicLong();
        final AtomicLong refundsCount = new AtomicLong();
        queryOrFail(admin, merchants, (index, encoder, buffer, offset) ->
            encoder.merchantStatementQuery(buffer, offset, index + 1), (buffer, offset, length) ->
        {
            wrap(statement, buffer, offset);
            settlementFen[(int)statement.merchantId()] = statement.settlementFen();
            salesCount.addAndGet(statement.salesCount());
            refundsCount.addAndGet(statement.refundsCount());
        }, "statements");
        out.printf("  payments settled: %d (%.0f/s over the load), refunds: %d%n", salesCount.get(),
            salesCount.get() / lastLoadSeconds, refundsCount.get());

        final AtomicReference<String> firstRefusal = new AtomicReference<>();
        final long refused = BulkCall.run(admin, merchants, (index, encoder, buffer, offset) ->
            encoder.withdraw(buffer, offset, index + 1, 1, Math.max(1, settlementFen[index + 1] / 2)),
            (buffer, offset, length) -> {}, CALL_TIMEOUT_MS, firstRefusal);
        if (refused != 0)
        {
            failures.add("withdrawals: " + refused + " refused, first: " + firstRefusal.get());
        }

        final long[] sums = new long[2];
        queryOrFail(admin, merchants, (index, encoder, buffer, offset) ->
            encoder.merchantStatementQuery(buffer, offset, index + 1), (buffer, offset, length) ->
        {
            wrap(statement, buffer, offset);
            synchronized (sums)
            {
                sums[0] += statement.settlementFen() + statement.poolFen() + statement.allianceEarningsFen() +
                    statement.feesFen();
                sums[1] += statement.withdrawnFen();
            }
        }, "statements");
        final BalanceReplyDecoder balance = new BalanceReplyDecoder();
        final long[] wallets = new long[2];
        queryOrFail(admin, population.consumerCount(), (index, encoder, buffer, offset) ->
            encoder.balanceQuery(buffer, offset, population.consumerId(index)), (buffer, offset, length) ->
        {
            wrap(balance, buffer, offset);
            synchronized (wallets)
            {
                wallets[0] += balance.walletFen();
                wallets[1] += balance.heldFen();
            }
        }, "balances");

        final long inside = wallets[0] + wallets[1] + sums[0];
        final long outside = (long)population.consumerCount() * population.topUpFen() - sums[1];
        out.printf("conservation: wallets %d + holds %d + merchants (settlement+pool+alliance+fees) %d = %d fen; " +
            "top-ups - withdrawals = %d fen: %s%n", wallets[0], wallets[1], sums[0], inside, outside,
            inside == outside ? "equal" : "NOT EQUAL");
        if (inside != outside)
        {
            failures.add("conservation: balances " + inside + " != top-ups - withdrawals " + outside);
        }
    }

    private static void queryOrFail(
        final WodianClient admin,
        final int count,
        final BulkCall.Encoder encoder,
        final BulkCall.ReplyHandler handler,
        final String what) throws TimeoutException
    {
        final AtomicReference<String> firstRefusal = new AtomicReference<>();
        final long refused = BulkCall.run(admin, count, encoder, handler, CALL_TIMEOUT_MS, firstRefusal);
        if (refused != 0)
        {
            throw new IllegalStateException(what + ": " + refused + " queries refused, first: " + firstRefusal.get());
        }
    }

    private static void wrap(
        final MerchantStatementReplyDecoder decoder, final org.agrona.DirectBuffer buffer, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
    }

    private static void wrap(final BalanceReplyDecoder decoder, final org.agrona.DirectBuffer buffer, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
    }

    static StateHash stateHash(final WodianClient client) throws IOException, TimeoutException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final int length = new CommandEncoder().stateHashQuery(buffer, 0);
        final byte[] reply = client.call(buffer, 0, length, CALL_TIMEOUT_MS);
        final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
        if (header.templateId() != StateHashReplyDecoder.TEMPLATE_ID)
        {
            throw new IllegalStateException("state hash query answered with " +
                MessageText.describe(replyBuffer, 0, reply.length));
        }
        final StateHashReplyDecoder decoder = new StateHashReplyDecoder().wrap(
            replyBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        if (decoder.code() != ResultCode.OK)
        {
            throw new IllegalStateException("state hash query refused: " + decoder.code());
        }
        return new StateHash(decoder.lastSequence(), decoder.stateHash());
    }

    static String codeName(final int code)
    {
        return com.wodian.perf.ReplyCounter.codeName(code);
    }

    /** The engine's identity at a moment: last applied sequence and state hash. */
    record StateHash(long lastSequence, long stateHash)
    {
    }
}
