package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.perf.loadgen.LatencyReport;
import com.wodian.perf.loadgen.LoadGenerator;
import com.wodian.perf.loadgen.LoadResult;
import com.wodian.perf.loadgen.Schedule;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.MerchantStatementReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskStatsReplyDecoder;
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
 * rate (open loop, latency corrected for coordinated omission) that also earn points, redeem them for vouchers and
 * spend the vouchers, one pool distribution run to the end in slices, then the checks that matter: conservation of
 * money over every balance (outstanding vouchers and pool in distribution included), and recovery from the journal
 * to the same state hash. Exit code 0 when every check passes.
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

    @Option(names = "--mode",
        description = "server thread layout: compact, shared or dedicated (default: the server's)")
    String mode;

    @Option(names = "--durability",
        description = "journal durability: sync (forced to disk before each reply, default) or page-cache")
    String durability;

    @Option(names = "--clear-text", description = "POS connections without TLS (by default the demo makes a " +
        "private CA in <data>/tls and runs TLS with its certificates; docs/security.md)")
    boolean clearText;

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
        // The settlement below is of the day the run starts (in the acquirer's zone): a run that crosses midnight
        // there would otherwise settle the new, empty day.
        final java.time.ZoneId settlementZone = java.time.ZoneId.of("Asia/Shanghai");
        final java.time.LocalDate settlementDate = java.time.LocalDate.now(settlementZone);

        // 1. The live run: set-up, load, distribution and the checks a client can make over the wire.
        final List<String> failures = new ArrayList<>();
        final StateHash before = runLive(population, failures);
        // 2. The journal alone, replayed off line: the engine's own invariants and a second recovery.
        replayOffline(before, failures);
        // 3. The day's settlement files of this run, built off line from the journal (docs/settlement.md). The day is
        // still open (the run is today), so they are provisional, as --allow-open-day gives them.
        out.println(SettlementCommand.write(dataDir, settlementDate, settlementZone,
            dataDir.resolve("settlement").resolve(settlementDate.toString()), new EngineConfig(), true, false));
        // 4. A restart of the server on the same data directory recovers the same state.
        restartAndCompare(before, failures);

        if (!failures.isEmpty())
        {
            System.err.println("DEMO FAILED:");
            failures.forEach(failure -> System.err.println("  " + failure));
            return WodianMain.EXIT_REFUSED;
        }
        out.println("demo: all checks passed");
        return WodianMain.EXIT_OK;
    }

    private StateHash runLive(final DemoPopulation population, final List<String> failures) throws Exception
    {
        final StateHash before;
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, mode, durability, !clearText))
        {
            out.printf("server: listening on 127.0.0.1:%d (%s), data in %s%n", server.port(), server.describe(),
                dataDir);
            try (WodianClient admin = server.connectAdmin())
            {
                setUp(admin, population);
                shadowRiskRules(admin);
                runLoadOnConnections(server, population, failures);
                final int latePayments = workload.spendLateVouchers(admin, CALL_TIMEOUT_MS);
                out.printf("  %d Pays after the load, one at a time, spent the vouchers whose reply came back after " +
                    "the load's last command%n", latePayments);
                final DemoDistribution distribution =
                    DemoDistribution.run(admin, largestVoucherPool(admin, population), out, failures);
                checkConservation(admin, population, distribution, failures);
                reportRisk(admin, failures);
                before = stateHash(admin);
            }
            out.printf("state: lastSequence=%d stateHash=%d; closing the server%n",
                before.lastSequence, before.stateHash);
        }
        return before;
    }

    private void runLoadOnConnections(
        final EmbeddedServer server, final DemoPopulation population, final List<String> failures) throws Exception
    {
        final List<WodianClient> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < connectionCount; i++)
            {
                // Each simulated connection multiplexes several terminals of several merchants, so it
                // logs on as an operator; per-terminal sessions are exercised by the net module's tests.
                clients.add(server.connectAdmin());
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
    }

    /**
     * The journal alone, replayed off line into a fresh engine with the server's limits: the engine's own invariant
     * check (which the wire does not expose) and a second, independent recovery of the same state.
     */
    private void replayOffline(final StateHash before, final List<String> failures) throws Exception
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final long replayCpuNs = threads.getCurrentThreadCpuTime();
        final long replayNs = System.nanoTime();
        try
        {
            final JournalCommand.Replayed replayed = JournalCommand.replayAndVerify(dataDir, new EngineConfig());
            final boolean equal = replayed.lastSequence() == before.lastSequence &&
                replayed.stateHash() == before.stateHash;
            out.printf("offline replay: %d inputs into a fresh engine in %d ms (CPU: %d ms reading, checking and " +
                "hashing on this thread, %d ms applying on the replay thread): engine invariants hold (conservation, " +
                "holds, no negative balance), state hash %s%n", replayed.inputCount(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - replayNs),
                TimeUnit.NANOSECONDS.toMillis(threads.getCurrentThreadCpuTime() - replayCpuNs),
                TimeUnit.NANOSECONDS.toMillis(replayed.applyCpuNs()), equal ? "equal" : "DIFFERENT");
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
    }

    private void restartAndCompare(final StateHash before, final List<String> failures) throws Exception
    {
        final long restartNs = System.nanoTime();
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, mode, durability, !clearText);
            WodianClient admin = server.connectAdmin())
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
        out.printf("setup: %d merchants (%d alliance members; pool %d bps, alliance share %d bps, fee %d bps; " +
            "voucher rule %d points -> %d fen valid %d days; %d distribute as wallet rebates, the rest as vouchers), " +
            "%d terminals, %d consumers topped up with %d fen each: %d commands, all OK, in %d ms%n",
            population.merchantCount(), population.allianceMemberCount(), DemoPopulation.POOL_RATE_BPS,
            DemoPopulation.ALLIANCE_SHARE_BPS, DemoPopulation.PLATFORM_FEE_BPS, DemoPopulation.VOUCHER_POINTS_COST,
            DemoPopulation.VOUCHER_VALUE_FEN, TimeUnit.MILLISECONDS.toDays(DemoPopulation.VOUCHER_VALIDITY_MS),
            population.walletRebateMerchantCount(), population.terminalCount(),
            population.consumerCount(), population.topUpFen(), population.setupCommandCount(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    private void runLoad(
        final List<WodianClient> clients, final DemoPopulation population, final List<String> failures)
        throws IOException
    {
        final DemoWorkload workload = new DemoWorkload(population, clients.size(), retryPermille, seed);
        this.workload = workload;
        out.printf("load: %.0f commands/s offered for %.1f s (latencies after a %.1f s warm-up) on %d connections; " +
            "mix ~67%% Pay, 20%% Try+Confirm, 5%% Try+Cancel, 5%% Refund, 3%% RedeemPoints (each voucher spent in " +
            "its consumer's next Pay or Try at its merchant), %d/1000 retries%n",
            ratePerSecond, seconds, warmupSeconds, clients.size(), retryPermille);
        // One sender: the workload's per-connection state (Try before its Confirm) needs schedule order. The demo
        // never aborts: a slow machine shows as lag and response time, not as a cut-short run.
        final LoadGenerator load = new LoadGenerator(clients, new Schedule(ratePerSecond, (long)(seconds * 1e9),
            (long)(warmupSeconds * 1e9), clients.size()), 1, WodianClient.IN_FLIGHT_MAX,
            TimeUnit.SECONDS.toNanos(30), Long.MAX_VALUE / 4, workload, LoadGenerator.ReplyCodeReader.WODIAN,
            workload);
        final LoadResult result = load.run();

        out.printf("  sent %d commands (%.0f/s achieved), answered %d (%.0f/s), sender at most %.1f ms behind " +
            "schedule%n", result.sentCount(), result.achievedSendRatePerSecond(), result.answeredCount(),
            result.achievedRatePerSecond(), result.maxSendLagNs() / 1e6);
        final StringBuilder kinds = new StringBuilder();
        for (int kind = 0; kind < DemoWorkload.KIND_NAMES.length; kind++)
        {
            kinds.append(kind == 0 ? "" : ", ").append(DemoWorkload.KIND_NAMES[kind]).append(' ')
                .append(workload.count(kind));
        }
        out.println("  commands: " + kinds + "; " + workload.voucherPaymentCount() + " Pays/Tries with a voucher " +
            "(" + workload.vouchersKept() + " vouchers kept for later)");
        out.println("  response time (from intended send, coordinated omission corrected): " +
            LatencyReport.percentiles(result.responseTimeNs()));
        out.println("  service time (from actual send):                                   " +
            LatencyReport.percentiles(result.serviceTimeNs()));
        out.println("  replies by command and result code (retries included):");
        final int[] templates = {PayDecoder.TEMPLATE_ID, PaymentTryDecoder.TEMPLATE_ID,
            PaymentConfirmDecoder.TEMPLATE_ID, PaymentCancelDecoder.TEMPLATE_ID, RefundDecoder.TEMPLATE_ID,
            RedeemPointsDecoder.TEMPLATE_ID};
        final String[] names = {"Pay", "Try", "Confirm", "Cancel", "Refund", "Redeem"};
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
    private DemoWorkload workload;

    /**
     * Prints the day's sales and refunds from the merchants' statements and returns the voucher-mode merchant whose
     * pool is largest (vouchers are the default and the compliant payout).
     */
    private long largestVoucherPool(final WodianClient admin, final DemoPopulation population)
        throws TimeoutException
    {
        final int merchants = population.merchantCount();
        final long[] poolFen = new long[merchants + 1];
        final MerchantStatementReplyDecoder statement = new MerchantStatementReplyDecoder();
        final AtomicLong salesCount = new AtomicLong();
        final AtomicLong refundsCount = new AtomicLong();
        queryOrFail(admin, merchants, (index, encoder, buffer, offset) ->
            encoder.merchantStatementQuery(buffer, offset, index + 1), (buffer, offset, length) ->
        {
            wrap(statement, buffer, offset);
            poolFen[(int)statement.merchantId()] = statement.poolFen();
            salesCount.addAndGet(statement.salesCount());
            refundsCount.addAndGet(statement.refundsCount());
        }, "statements");
        out.printf("  payments settled: %d (%.0f/s over the load), refunds: %d%n", salesCount.get(),
            salesCount.get() / lastLoadSeconds, refundsCount.get());
        long merchantId = 1;
        for (int m = 2; m <= merchants; m++)
        {
            if (DemoPopulation.distributionMode(m) == DistributionMode.VOUCHER && poolFen[m] > poolFen[(int)merchantId])
            {
                merchantId = m;
            }
        }
        return merchantId;
    }

    /**
     * Withdraws half of each merchant's settlement, then sums every balance the platform holds, read back through
     * the queries: wallets + holds + settlement + pools + alliance earnings + outstanding vouchers + pool in
     * distribution + fees must equal top-ups - withdrawals. Prints the rewards summary from the same sums.
     */
    private void checkConservation(
        final WodianClient admin, final DemoPopulation population, final DemoDistribution distribution,
        final List<String> failures)
        throws TimeoutException
    {
        final int merchants = population.merchantCount();
        final long[] settlementFen = new long[merchants + 1];
        final MerchantStatementReplyDecoder statement = new MerchantStatementReplyDecoder();
        queryOrFail(admin, merchants, (index, encoder, buffer, offset) ->
            encoder.merchantStatementQuery(buffer, offset, index + 1), (buffer, offset, length) ->
            settlementFen[(int)wrap(statement, buffer, offset).merchantId()] = statement.settlementFen(),
            "statements");

        final AtomicReference<String> firstRefusal = new AtomicReference<>();
        final long refused = BulkCall.run(admin, merchants, (index, encoder, buffer, offset) ->
            encoder.withdraw(buffer, offset, index + 1, 1, Math.max(1, settlementFen[index + 1] / 2)),
            (buffer, offset, length) -> {}, CALL_TIMEOUT_MS, firstRefusal);
        if (refused != 0)
        {
            failures.add("withdrawals: " + refused + " refused, first: " + firstRefusal.get());
        }

        final MerchantTotals totals = new MerchantTotals();
        queryOrFail(admin, merchants, (index, encoder, buffer, offset) ->
            encoder.merchantStatementQuery(buffer, offset, index + 1), (buffer, offset, length) ->
        {
            wrap(statement, buffer, offset);
            totals.add(statement);
        }, "statements");
        final BalanceReplyDecoder balance = new BalanceReplyDecoder();
        final long[] wallets = new long[3];
        queryOrFail(admin, population.consumerCount(), (index, encoder, buffer, offset) ->
            encoder.balanceQuery(buffer, offset, population.consumerId(index)), (buffer, offset, length) ->
        {
            wrap(balance, buffer, offset);
            synchronized (wallets)
            {
                wallets[0] += balance.walletFen();
                wallets[1] += balance.heldFen();
                wallets[2] += balance.points();
            }
        }, "balances");

        printRewards(totals, wallets[2], distribution, failures);

        final long merchantsFen = totals.settlementFen + totals.poolFen + totals.allianceEarningsFen +
            totals.feesFen;
        final long inside = wallets[0] + wallets[1] + merchantsFen + totals.vouchersOutstandingFen +
            totals.poolInDistributionFen;
        final long outside = (long)population.consumerCount() * population.topUpFen() - totals.withdrawnFen;
        out.printf("conservation: wallets %d + holds %d + merchants (settlement+pool+alliance+fees) %d + " +
            "outstanding vouchers %d + pool in distribution %d = %d fen; top-ups - withdrawals = %d fen: %s%n",
            wallets[0], wallets[1], merchantsFen, totals.vouchersOutstandingFen, totals.poolInDistributionFen, inside,
            outside, inside == outside ? "equal" : "NOT EQUAL");
        if (inside != outside)
        {
            failures.add("conservation: balances " + inside + " != top-ups - withdrawals " + outside);
        }
    }

    private void printRewards(
        final MerchantTotals totals, final long pointsHeld, final DemoDistribution distribution,
        final List<String> failures)
    {
        final DemoWorkload load = workload;
        final long pointsEarned = load.pointsEarned();
        final long pointsRedeemed = load.pointsRedeemed();
        out.println("rewards:");
        out.printf("  points: %d earned by payments, %d spent on %d vouchers, %d taken back by refunds, %d held by " +
            "consumers now%n", pointsEarned, pointsRedeemed, load.vouchersIssued(),
            pointsEarned - pointsRedeemed - pointsHeld, pointsHeld);
        out.printf("  vouchers: issued %d (%d for points, %d by the pool distribution), redeemed %d in payments " +
            "(%d fen), outstanding %d fen, expired %d fen%n", totals.vouchersIssuedCount, load.vouchersIssued(),
            totals.vouchersIssuedCount - load.vouchersIssued(), load.vouchersUsed(), totals.vouchersRedeemedFen,
            totals.vouchersOutstandingFen, totals.vouchersExpiredFen);
        if (distribution != null)
        {
            out.printf("  pool distribution: merchant %d, %d fen paid to %d consumers (basis: %d fen of spend) " +
                "as %s, DONE%n", distribution.merchantId(), distribution.paidFen(), distribution.recipients(),
                distribution.consumptionFen(), distribution.paidAs());
        }
        out.printf("  alliance earnings: %d fen; pools: %d fen (after %d fen distributed, %d fen in distribution)%n",
            totals.allianceEarningsFen, totals.poolFen, totals.distributedFen, totals.poolInDistributionFen);
        if (totals.vouchersRedeemedFen != load.vouchersUsedFen())
        {
            failures.add("vouchers: statements say " + totals.vouchersRedeemedFen + " fen redeemed, the " +
                load.vouchersUsed() + " payments with a voucher carried " + load.vouchersUsedFen() + " fen");
        }
        if (pointsEarned - pointsRedeemed - pointsHeld < 0)
        {
            failures.add("points: consumers hold " + pointsHeld + ", more than the " + pointsEarned +
                " earned less the " + pointsRedeemed + " spent");
        }
    }

    /** Sums of every merchant statement; filled on the client's receiving thread, read after the sweep. */
    private static final class MerchantTotals
    {
        long settlementFen;
        long poolFen;
        long allianceEarningsFen;
        long feesFen;
        long withdrawnFen;
        long vouchersOutstandingFen;
        long vouchersIssuedCount;
        long vouchersRedeemedFen;
        long vouchersExpiredFen;
        long distributedFen;
        long poolInDistributionFen;

        synchronized void add(final MerchantStatementReplyDecoder statement)
        {
            settlementFen += statement.settlementFen();
            poolFen += statement.poolFen();
            allianceEarningsFen += statement.allianceEarningsFen();
            feesFen += statement.feesFen();
            withdrawnFen += statement.withdrawnFen();
            vouchersOutstandingFen += statement.vouchersOutstandingFen();
            vouchersIssuedCount += statement.vouchersIssuedCount();
            vouchersRedeemedFen += statement.vouchersRedeemedFen();
            vouchersExpiredFen += statement.vouchersExpiredFen();
            distributedFen += statement.distributedFen();
            poolInDistributionFen += statement.poolInDistributionFen();
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

    private static MerchantStatementReplyDecoder wrap(
        final MerchantStatementReplyDecoder decoder, final org.agrona.DirectBuffer buffer, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        return decoder.wrap(
            buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
    }

    private static void wrap(final BalanceReplyDecoder decoder, final org.agrona.DirectBuffer buffer, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
    }

    /**
     * Every risk rule in SHADOW mode at its tuned thresholds (docs/risk.md): evaluated on every payment, refund and
     * redemption, recorded, never declining, so the demo's own checks are unaffected and the report shows what the
     * rules would have done with this traffic.
     */
    private void shadowRiskRules(final WodianClient admin) throws IOException, TimeoutException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final CommandEncoder encoder = new CommandEncoder();
        for (int rule = 1; rule <= com.wodian.engine.Engine.RISK_RULES_CONFIGURABLE; rule++)
        {
            final long[] defaults = com.wodian.engine.Engine.riskRuleDefaults(rule);
            final int length = encoder.setRiskRule(buffer, 0, 0, rule, RiskMode.SHADOW,
                RiskAction.get((short)defaults[0]), defaults[1], defaults[2], defaults[3]);
            final byte[] reply = admin.call(buffer, 0, length, CALL_TIMEOUT_MS);
            if (ReplyCodes.resultCodeOf(new UnsafeBuffer(reply), 0, reply.length) != ResultCode.OK)
            {
                throw new IllegalStateException("risk rule " + rule + ": " +
                    MessageText.describe(new UnsafeBuffer(reply), 0, reply.length));
            }
        }
        out.printf("risk: %d rules in SHADOW mode (evaluated and recorded, never declining)%n",
            com.wodian.engine.Engine.RISK_RULES_CONFIGURABLE);
    }

    private void reportRisk(final WodianClient admin, final List<String> failures)
        throws IOException, TimeoutException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final int length = new CommandEncoder().riskStatsQuery(buffer, 0, 0);
        final byte[] reply = admin.call(buffer, 0, length, CALL_TIMEOUT_MS);
        final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
        if (header.templateId() != RiskStatsReplyDecoder.TEMPLATE_ID)
        {
            failures.add("risk stats query answered with " + MessageText.describe(replyBuffer, 0, reply.length));
            return;
        }
        final RiskStatsReplyDecoder stats = new RiskStatsReplyDecoder().wrap(
            replyBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final StringBuilder hits = new StringBuilder();
        long shadowHits = 0;
        long enforced = 0;
        for (final RiskStatsReplyDecoder.RulesDecoder rule : stats.rules())
        {
            shadowHits += rule.shadowHits();
            enforced += rule.declined() + rule.flagged();
            if (rule.shadowHits() > 0)
            {
                hits.append(' ').append(rule.ruleId()).append('=').append(rule.shadowHits());
            }
        }
        // The demo squeezes hours of shopping into seconds (every consumer pays every few seconds at 20,000/s), so
        // the velocity rules (1, 2, 10) would fire on most payments: exactly what shadow mode is for.
        out.printf("risk (shadow): %d would-be hits, by rule id:%s; declined or flagged: %d (velocity rules fire on " +
            "this time-compressed traffic; docs/risk.md)%n",
            shadowHits, hits.length() == 0 ? " none" : hits.toString(), enforced);
        if (enforced != 0)
        {
            failures.add("risk: " + enforced + " declines or flags although every rule is in SHADOW mode");
        }
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
