package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;

/**
 * The engine alone applying Pay with every reward on: points, pool, platform fee, alliance share (each consumer's
 * home merchant is another alliance member) and a voucher on 10% of payments. 1,000,000 consumers, 10,000 merchants.
 *
 * <p>Voucher ids are assigned by the engine in sequence, so the command stream is generated in step with it: one
 * operation in eleven is a RedeemPoints (points for a voucher, funded from the merchant's pool) and the next is a Pay
 * that spends that voucher; the other nine are plain Pays. Commands are encoded in the measured method with the
 * allocation-free {@link CommandEncoder} (a few tens of ns, included). Every reply's code is counted; the run fails
 * in tear-down if any was not OK, so the number is the rate of successful rewarded payments.
 */
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Xms6g",
    "-Xmx6g",
    "-XX:+AlwaysPreTouch"})
public class EngineRewardsBenchmark extends EngineBenchmarkSettings implements ReplySink
{
    static final int CONSUMERS = 1_000_000;
    static final int MERCHANTS = 10_000;
    static final int RANDOM_RING = 1 << 20;

    /**
     * reserve: the engine's tables are allocated at their limits at start, as before tables grew with use (the 8 M
     * spend pairs are still filling during the measured window, so growing tables would put their doublings into
     * the B/op figure); grow: tables grow with use (docs/engine.md, "Table growth").
     */
    @Param({"reserve"})
    public String tables;

    private Engine engine;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
    private long sequence;
    private long nowMs = 1_700_000_000_000L;
    private int[] consumerRing;
    private int[] merchantRing;
    private int cursor;
    private long operation;
    private long nextId = 1;
    private long notOk;
    private int lastCode;

    @Override
    public void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        // Every reply starts with its uint16 result code after the 8-byte header.
        lastCode = buffer.getShort(offset + 8, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (lastCode != 0)
        {
            notOk++;
        }
    }

    private void apply(final int length)
    {
        engine.onCommand(++sequence, ++nowMs, command, 0, length, this);
    }

    /** Longest command of the workload, rounded up: one slot of the batch variant's command buffer. */
    private static final int BATCH_SLOT = 128;
    // The batch variant's commands ({@link EngineRewardsBatchBenchmark}), encoded before the batch is prefetched.
    private UnsafeBuffer batchCommands;
    private int[] batchLengths;

    @Setup(Level.Trial)
    public void setUp()
    {
        engine = new Engine(new EngineConfig()
            .reserveTables("reserve".equals(tables))
            .consumersMax(CONSUMERS)
            .merchantsMax(MERCHANTS)
            .terminalsMax(MERCHANTS)
            .keysMax(2_000_000)
            .keyRetentionMs(0)
            .vouchersMax(1_000_000)
            .consumptionPairsMax(8_000_000)
            .amountFenMax(1_000_000_000L)
            .walletFenMax(1_000_000_000_000_000L));
        for (int m = 1; m <= MERCHANTS; m++)
        {
            apply(encoder.registerMerchant(command, 0, m, 0, 0, 0, 0, true));
            apply(encoder.setMerchantRules(command, 0, m, 10, 500, 200, 60, true, DistributionMode.VOUCHER,
                100, 50, 30L * 24 * 3600 * 1000));
            apply(encoder.registerTerminal(command, 0, m, m));
        }
        final SplittableRandom random = new SplittableRandom(42);
        for (int c = 1; c <= CONSUMERS; c++)
        {
            apply(encoder.registerConsumer(command, 0, c, 1 + random.nextInt(MERCHANTS)));
            apply(encoder.topUp(command, 0, c, c, 1_000_000_000L));
            apply(encoder.adjustPoints(command, 0, c, 1, 1_000_000_000L));
        }
        // Fill every pool so that redemptions are funded.
        for (int m = 1; m <= MERCHANTS; m++)
        {
            apply(encoder.pay(command, 0, m, m, nextId++, 1 + random.nextInt(CONSUMERS), 10_000_000));
        }
        consumerRing = new int[RANDOM_RING];
        merchantRing = new int[RANDOM_RING];
        for (int i = 0; i < RANDOM_RING; i++)
        {
            // Each consumer shops at four merchants of its own, as people do: (consumer, merchant) pairs stay bounded.
            final int consumer = 1 + random.nextInt(CONSUMERS);
            consumerRing[i] = consumer;
            merchantRing[i] = 1 + (int)((consumer * 31L + random.nextInt(4) * 997L) % MERCHANTS);
        }
        engine.verifyInvariants();
        if (notOk != 0)
        {
            throw new IllegalStateException("set-up had " + notOk + " refusals");
        }
        // A warm pass that must be all OK, or the benchmark would measure refusals.
        for (int i = 0; i < 200_000; i++)
        {
            payWithRewards();
        }
        if (notOk != 0)
        {
            throw new IllegalStateException("warm pass had " + notOk + " refusals, last " +
                ResultCode.get(lastCode));
        }
    }

    @Benchmark
    public int payWithRewards()
    {
        final int slot = cursor;
        final int phase = (int)(operation++ % 11);
        final long consumer = consumerRing[slot];
        final long merchant = merchantRing[slot];
        if (phase == 9)
        {
            apply(encoder.redeemPoints(command, 0, consumer, merchant, nextId++));
            return lastCode;   // the next operation spends this voucher, same consumer and merchant
        }
        cursor = (slot + 1) & (RANDOM_RING - 1);
        final long voucherId = phase == 10 ? engine.lastVoucherId() : 0;
        apply(encoder.pay(command, 0, merchant, merchant, nextId++, consumer, 100 + (slot & 4095), voucherId));
        return lastCode;
    }

    /** Makes room for batches of up to {@code batch} commands (set-up of the batch variant). */
    void prepareBatches(final int batch)
    {
        batchCommands = new UnsafeBuffer(new byte[batch * BATCH_SLOT]);
        batchLengths = new int[batch];
    }

    /**
     * The next {@code batch} operations of {@link #payWithRewards} as one batch ({@link EngineRewardsBatchBenchmark}):
     * encoded in order, the staged prefetch over all of them ({@link Engine#prefetchInput}, then
     * {@link Engine#prefetchBatch}), then applied in order. A Pay that spends the voucher of the redemption before it
     * must be encoded before that redemption is applied, so it names the id the engine will hand out: ids are
     * assigned in sequence and nothing else issues vouchers here, so these are the commands of {@code batch} calls of
     * {@link #payWithRewards} (a wrong id would be refused, and the run fails on any refusal). Returns the prefetch's
     * folded loads, for the caller to keep.
     */
    long rewardsBatch(final int batch)
    {
        long voucherId = engine.lastVoucherId();
        for (int i = 0; i < batch; i++)
        {
            final int at = i * BATCH_SLOT;
            final int slot = cursor;
            final int phase = (int)(operation++ % 11);
            final long consumer = consumerRing[slot];
            final long merchant = merchantRing[slot];
            if (phase == 9)
            {
                batchLengths[i] = encoder.redeemPoints(batchCommands, at, consumer, merchant, nextId++);
                voucherId++;
            }
            else
            {
                cursor = (slot + 1) & (RANDOM_RING - 1);
                batchLengths[i] = encoder.pay(batchCommands, at, merchant, merchant, nextId++, consumer,
                    100 + (slot & 4095), phase == 10 ? voucherId : 0);
            }
            engine.prefetchInput(batchCommands, at, batchLengths[i]);
        }
        final long prefetched = engine.prefetchBatch();
        for (int i = 0; i < batch; i++)
        {
            engine.onCommand(++sequence, ++nowMs, batchCommands, i * BATCH_SLOT, batchLengths[i], this);
        }
        return prefetched;
    }

    /** Fails when a reply since set-up was not OK (the batch variant checks this after every iteration). */
    void requireAllOk(final String what)
    {
        if (notOk != 0)
        {
            throw new IllegalStateException(what + ": " + notOk + " replies were not OK, last " +
                ResultCode.get(lastCode));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        engine.verifyInvariants();
        if (notOk != 0)
        {
            throw new IllegalStateException(notOk + " replies were not OK");
        }
    }

    /** Prints a reply, for debugging a failed warm pass. */
    static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        return MessageText.describe(buffer, offset, length);
    }
}
