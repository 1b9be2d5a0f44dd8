package com.wodian.engine;

import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The voucher book (rows, id map, ended ring, expiry heap) and the holds' expiry heap grow in steps (docs/engine.md,
 * "Table growth"): an engine whose tables start small and grow answers every command byte for byte as one whose
 * tables are reserved at their limits, through several growths, slots reclaimed once every voucher slot was used,
 * vouchers reserved, redeemed and expired, holds confirmed, cancelled and expired; and so does an engine restored from
 * a snapshot taken while the growing engine's arrays were still moving. The state hashes agree throughout.
 */
class VoucherAndHoldGrowthTest
{
    private static final long M1 = 1;
    private static final long T1 = 11;
    private static final int CONSUMERS = 200;
    private static final int VOUCHERS_MAX = 3_000;
    private static final int HOLDS_MAX = 2_600;
    private static final long DAY_MS = 24L * 3600 * 1000;

    private final EngineDriver growing = new EngineDriver(config());
    private final EngineDriver reserved = new EngineDriver(config().reserveTables(true));
    private EngineDriver restored;
    private int restoreCount;

    @Test
    void growingBooksAnswerAsReservedOnesAndSurviveASnapshotTakenWhileMoving()
    {
        assertEquals(growing.engine.stateHash(), reserved.engine.stateHash(), "empty engines hash alike");
        restored = new EngineDriver(config());

        all((d) -> d.merchant(M1, 0, 0, 0, 0, true));
        all((d) -> d.rules(M1, 10, 1_000, 0, 0, true, DistributionMode.VOUCHER, 500, 300, DAY_MS));
        all((d) -> d.terminal(T1, M1));
        for (long consumer = 1; consumer <= CONSUMERS; consumer++)
        {
            final long id = consumer;
            all((d) -> d.consumer(id, 0));
            all((d) -> d.topUp(id, id, 100_000_000));
        }

        long paymentId = 1;
        final List<List<Long>> vouchersByConsumer = new ArrayList<>();
        for (int c = 0; c <= CONSUMERS; c++)
        {
            vouchersByConsumer.add(new ArrayList<>());
        }
        int expiryWaves = 0;
        for (int i = 0; i < 7_200; i++)
        {
            final long consumer = 1 + i % CONSUMERS;
            final long pay = paymentId++;
            assertEquals(ResultCode.OK, all((d) -> d.pay(M1, T1, pay, consumer, 3_000)), "pay " + i);
            final long adjustment = i + 1;
            all((d) -> d.adjust(consumer, adjustment, 500));
            final long redemption = i + 1;
            assertEquals(ResultCode.OK, all((d) -> d.redeem(consumer, M1, redemption)), "redeem " + i);
            vouchersByConsumer.get((int)consumer).add(growing.voucherIdOfLastReply());
            if (growing.engine.lastVoucherId() == 1_025)
            {
                // Right after a growth of the rows and of the id map, their contents still moving. (Only here: a
                // snapshot finishes the moving, and the later growths are to move while commands run.)
                restoreFromGrowing();
            }
            final List<Long> own = vouchersByConsumer.get((int)consumer);
            if (i % 3 == 0 && own.size() > 1)
            {
                final long voucher = own.remove(0);
                final long withVoucher = paymentId++;
                all((d) -> d.payWithVoucher(M1, T1, withVoucher, consumer, 1_000, voucher));
            }
            else if (i % 5 == 0 && own.size() > 1)
            {
                final long voucher = own.get(0);
                final long tried = paymentId++;
                all((d) -> d.tryWithVoucher(M1, T1, tried, consumer, 1_000, 60_000, voucher));
                if (i % 10 == 0)
                {
                    all((d) -> d.confirm(M1, T1, tried));
                    own.remove(0);
                }
                else
                {
                    all((d) -> d.cancel(M1, T1, tried));
                }
            }
            // Expiry waves 2,400 inputs apart: about 1,400 vouchers are live before each (past the heap's start size).
            advanceAll(i % 2_400 == 2_399 ? DAY_MS + 1 : 1 + i % 7);
            if (i % 2_400 == 2_399)
            {
                expiryWaves++;
                vouchersByConsumer.forEach(List::clear);
            }
        }
        assertTrue(growing.engine.lastVoucherId() > VOUCHERS_MAX + 1_000, "slots were reclaimed");
        assertTrue(expiryWaves == 3 && restoreCount == 1, expiryWaves + " " + restoreCount);
        assertHashesEqual("after the vouchers");

        // Holds: more live Tries than the heap's start size, then confirmed, cancelled and expired.
        final List<Long> tries = new ArrayList<>();
        for (int i = 0; i < 2_500; i++)
        {
            final long consumer = 1 + i % CONSUMERS;
            final long tried = paymentId++;
            final long ttlMs = 60_000 + (i * 7_919L) % 600_000;
            assertEquals(ResultCode.OK, all((d) -> d.tryPay(M1, T1, tried, consumer, 500, ttlMs)), "try " + i);
            tries.add(tried);
            if (growing.engine.liveHoldCount() == 1_025)
            {
                restoreFromGrowing();
            }
        }
        assertEquals(2_500, growing.engine.liveHoldCount());
        for (int i = 0; i < tries.size(); i++)
        {
            final long tried = tries.get(i);
            if (i % 3 == 0)
            {
                all((d) -> d.confirm(M1, T1, tried));
            }
            else if (i % 5 == 0)
            {
                all((d) -> d.cancel(M1, T1, tried));
            }
            advanceAll(100);
        }
        for (int i = 0; i < 200; i++)
        {
            advanceAll(10_000);
            all(EngineDriver::tick);
        }
        assertEquals(0, growing.engine.liveHoldCount(), "every hold ended");
        assertHashesEqual("after the holds");
        growing.engine.verifyInvariants();
        reserved.engine.verifyInvariants();
        restored.engine.verifyInvariants();
    }

    /** Small limits (a new object each time: a configuration is mutable). */
    private static EngineConfig config()
    {
        return EngineConfig.small().vouchersMax(VOUCHERS_MAX).holdsMax(HOLDS_MAX);
    }

    /** Applies one command to all three engines; their replies must be byte-identical. @return its result. */
    private ResultCode all(final Function<EngineDriver, ResultCode> command)
    {
        final ResultCode code = command.apply(growing);
        final byte[] reply = growing.replyBytes();
        assertEquals(code, command.apply(reserved), growing.replyText());
        assertArrayEquals(reply, reserved.replyBytes(), "reserved twin at sequence " + growing.sequence);
        assertEquals(code, command.apply(restored), growing.replyText());
        assertArrayEquals(reply, restored.replyBytes(), "restored twin at sequence " + growing.sequence);
        return code;
    }

    private void advanceAll(final long ms)
    {
        growing.advanceMs(ms);
        reserved.advanceMs(ms);
        restored.advanceMs(ms);
    }

    private void restoreFromGrowing()
    {
        final MemorySnapshot snapshot = new MemorySnapshot();
        growing.engine.writeSnapshot(snapshot);
        restored = new EngineDriver(config());
        restored.engine.readSnapshot(snapshot);
        restored.sequence = growing.sequence;
        restored.nowMs = growing.nowMs;
        restoreCount++;
        assertHashesEqual("restored at sequence " + growing.sequence);
    }

    private void assertHashesEqual(final String when)
    {
        assertEquals(growing.engine.stateHash(), reserved.engine.stateHash(), "reserved twin " + when);
        assertEquals(growing.engine.stateHash(), restored.engine.stateHash(), "restored twin " + when);
    }
}
