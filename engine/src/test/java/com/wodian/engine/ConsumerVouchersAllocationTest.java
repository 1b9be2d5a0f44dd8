package com.wodian.engine;

import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ConsumerVouchersQuery is answered on the engine thread, so it allocates nothing (README: no allocation after
 * start-up): after a warm stretch, phases of {@value #PHASE_QUERIES} queries (a full page of 16 and a page at the scan
 * bound, in turn) are measured on this thread, at most {@value AllocationPhases#PHASES_MAX}, and one must allocate under one byte per
 * query (as EngineBenchmarkSetupTest: which code C2 has compiled depends on the compiler threads' share of the cores;
 * a real allocation per query shows in every phase).
 */
class ConsumerVouchersAllocationTest
{
    private static final int PHASE_QUERIES = 20_000;

    private int replies;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void answeringAllocatesNothing()
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.OK, d.merchant(1, 0, 0, 0, 0, true));
        assertEquals(ResultCode.OK, d.rules(1, 10, 1_000, 0, 0, true, DistributionMode.VOUCHER, 1, 1, 86_400_000L));
        assertEquals(ResultCode.OK, d.terminal(11, 1));
        assertEquals(ResultCode.OK, d.consumer(1001, 0));
        assertEquals(ResultCode.OK, d.consumer(1002, 0));
        assertEquals(ResultCode.OK, d.topUp(1001, 1, 1_000_000));
        assertEquals(ResultCode.OK, d.pay(1, 11, 1, 1001, 100_000));
        for (int i = 1; i <= ConsumerVouchersAnswer.SCAN_SLOTS_MAX + 100; i++)
        {
            assertEquals(ResultCode.OK, d.redeem(1001, 1, i));
        }
        final ReplySink sink = this::count;
        final int fullPage = d.encoder.consumerVouchersQuery(d.command, 0, 1001, 1, 0);
        final org.agrona.concurrent.UnsafeBuffer atBound = new org.agrona.concurrent.UnsafeBuffer(new byte[64]);
        final int atBoundLength = d.encoder.consumerVouchersQuery(atBound, 0, 1002, 0, 0);   // none: reads 4,096 slots
        final Runnable query = () ->
        {
            d.engine.onQuery(d.command, 0, fullPage, sink);
            d.engine.onQuery(atBound, 0, atBoundLength, sink);
        };
        AllocationPhases.warm(query, 5 * PHASE_QUERIES);
        final AllocationPhases measured = AllocationPhases.measure(query, PHASE_QUERIES, () -> replies);
        assertTrue(measured.underOneBytePer(PHASE_QUERIES), measured.describe(PHASE_QUERIES, "query pairs"));
        assertEquals(2L * PHASE_QUERIES * (5 + measured.phases), replies, "one reply each");
    }

    private void count(final DirectBuffer buffer, final int offset, final int length)
    {
        replies++;
    }
}
