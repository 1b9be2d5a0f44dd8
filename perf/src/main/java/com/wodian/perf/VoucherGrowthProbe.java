package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * How long the engine thread is held while the voucher book grows (issue 14 item 6): an engine at the default limits
 * (2,000,000 vouchers), one merchant whose points buy vouchers, 10,000 consumers; then {@code vouchers} times a Pay
 * (points and pool) and a RedeemPoints (a voucher issued), each input timed apart (wall and this thread's CPU). The
 * vouchers stay live, so the rows, the id map and the expiry heap grow to hold them all. Prints the longest inputs by
 * wall and by CPU (and at which voucher), how many took over 1 ms and 10 ms, the total, and the state hash (the same
 * whatever the table layout or the JVM).
 *
 * <p>Run: {@code java -Xmx3g -cp tools/target/wodian.jar com.wodian.perf.VoucherGrowthProbe [vouchers]} (default
 * 1900000).
 */
public final class VoucherGrowthProbe
{
    private static final int CONSUMERS = 10_000;
    private static final long MERCHANT = 1;
    private static final long TERMINAL = 11;

    private VoucherGrowthProbe()
    {
    }

    public static void main(final String[] args)
    {
        final int vouchers = args.length > 0 ? Integer.parseInt(args[0]) : 1_900_000;
        final Engine engine = new Engine(new EngineConfig().keyRetentionMs(0));
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final Check check = new Check();
        final long startMs = 1_800_000_000_000L;
        long sequence = 0;
        engine.onCommand(++sequence, startMs, buffer, 0,
            encoder.registerMerchant(buffer, 0, MERCHANT, 0, 0, 0, 0, true), check);
        engine.onCommand(++sequence, startMs, buffer, 0, encoder.setMerchantRules(buffer, 0, MERCHANT, 10, 1_000, 0,
            0, true, DistributionMode.VOUCHER, 500, 300, 365L * 24 * 3600 * 1000), check);
        engine.onCommand(++sequence, startMs, buffer, 0, encoder.registerTerminal(buffer, 0, TERMINAL, MERCHANT),
            check);
        for (long consumer = 1; consumer <= CONSUMERS; consumer++)
        {
            engine.onCommand(++sequence, startMs, buffer, 0, encoder.registerConsumer(buffer, 0, consumer, 0), check);
            engine.onCommand(++sequence, startMs, buffer, 0,
                encoder.topUp(buffer, 0, consumer, consumer, 100_000_000L), check);
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long longestNs = 0;
        long longestAt = 0;
        long longestCpuNs = 0;
        long longestCpuAt = 0;
        long over1Ms = 0;
        long over10Ms = 0;
        final long started = System.nanoTime();
        final long startedCpu = threads.getCurrentThreadCpuTime();
        for (int voucher = 1; voucher <= vouchers; voucher++)
        {
            final long consumer = 1 + voucher % CONSUMERS;
            final long nowMs = startMs + voucher;
            for (int step = 0; step < 2; step++)
            {
                final int length = step == 0 ?
                    encoder.pay(buffer, 0, MERCHANT, TERMINAL, voucher, consumer, 5_000) :
                    encoder.redeemPoints(buffer, 0, consumer, MERCHANT, voucher);
                final long cpu = threads.getCurrentThreadCpuTime();
                final long wall = System.nanoTime();
                engine.onCommand(++sequence, nowMs, buffer, 0, length, check);
                final long wallNs = System.nanoTime() - wall;
                final long cpuNs = threads.getCurrentThreadCpuTime() - cpu;
                if (wallNs > longestNs)
                {
                    longestNs = wallNs;
                    longestAt = voucher;
                }
                if (cpuNs > longestCpuNs)
                {
                    longestCpuNs = cpuNs;
                    longestCpuAt = voucher;
                }
                over1Ms += wallNs > 1_000_000 ? 1 : 0;
                over10Ms += wallNs > 10_000_000 ? 1 : 0;
            }
        }
        System.out.printf("VoucherGrowthProbe: %,d vouchers issued (%,d refused) in %,d ms wall, %,d ms CPU; longest " +
            "input %.1f ms wall (voucher %,d), %.1f ms CPU (voucher %,d); inputs over 1 ms %d, over 10 ms %d; " +
            "state hash %016x%n", engine.lastVoucherId(), check.refused, (System.nanoTime() - started) / 1_000_000,
            (threads.getCurrentThreadCpuTime() - startedCpu) / 1_000_000, longestNs / 1e6, longestAt,
            longestCpuNs / 1e6, longestCpuAt, over1Ms, over10Ms, engine.stateHash());
        if (check.refused > 0)
        {
            System.out.println("first refusal: " + check.firstRefusal);
        }
    }

    /** Counts refusals (there should be none). */
    private static final class Check implements ReplySink
    {
        long refused;
        String firstRefusal;

        @Override
        public void onReply(final DirectBuffer buffer, final int offset, final int length)
        {
            if (ReplyCodes.resultCodeOf(buffer, offset, length) != ResultCode.OK)
            {
                refused++;
                if (firstRefusal == null)
                {
                    firstRefusal = MessageText.describe(buffer, offset, length);
                }
            }
        }
    }
}
