package com.wodian.engine;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HOME_SAME_SET_LIMIT through the batch path: the batch prefetch loads a consumer's same-set word
 * ({@code RiskControl.touchPayment}) and the apply loads its counters with the payment's other risk lines
 * ({@code RiskControl.touchLines}; docs/risk.md "Cost on the payment path"). Loads change nothing: a town of dormant
 * accounts of one home shop paying at random shops, recorded one input at a time with the setting on, answers every
 * input with the same bytes and ends in the same state hash when applied in batches.
 */
class HomeSameSetBatchTest
{
    private static final long HOME = 1;
    private static final long DAY_MS = 86_400_000L;

    /** Every journaled input with its time and reply, for a replay. */
    private static final class Journal implements EngineDriver.Tap
    {
        final List<byte[]> inputs = new ArrayList<>();
        final List<Long> sequences = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final List<byte[]> replies = new ArrayList<>();

        @Override
        public void onInput(final long sequence, final long timestampMs, final DirectBuffer input,
            final int inputLength, final DirectBuffer reply, final int replyLength)
        {
            if (sequence > 0)
            {
                final byte[] bytes = new byte[inputLength];
                input.getBytes(0, bytes);
                inputs.add(bytes);
                sequences.add(sequence);
                times.add(timestampMs);
                final byte[] answer = new byte[replyLength];
                reply.getBytes(0, answer);
                replies.add(answer);
            }
        }
    }

    @Test
    void batchesDeclineAndLearnAsOneAtATime()
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        final Journal journal = new Journal();
        d.tap = journal;
        for (long merchant = HOME; merchant <= 9; merchant++)
        {
            assertEquals(ResultCode.OK, d.merchant(merchant, 10, 500, 300, 100, true));
            assertEquals(ResultCode.OK, d.terminal(merchant * 10, merchant));
        }
        for (long consumer = 101; consumer <= 400; consumer++)
        {
            assertEquals(ResultCode.OK, d.consumer(consumer, HOME));
            assertEquals(ResultCode.OK, d.topUp(consumer, consumer, 1_000_000));
        }
        // Dormant from here (31 days old, no point held before the first payment), then the rule on.
        d.advanceMs(31 * DAY_MS);
        assertEquals(ResultCode.OK, d.setting(EngineSetting.HOME_SAME_SET_LIMIT, 2));
        final SplittableRandom random = new SplittableRandom(48);
        int declined = 0;
        for (int payment = 0; payment < 3_000; payment++)
        {
            final long shop = 2 + random.nextInt(3);
            final ResultCode code = d.pay(shop, shop * 10, 10_000 + payment, 101 + random.nextInt(300), 1_000);
            declined += code == ResultCode.RISK_HOME_SAME_SET ? 1 : 0;
            d.advanceMs(1_000);
        }
        assertTrue(declined > 100, "the rule declined payments: " + declined);

        for (final int batch : new int[] {3, 64})
        {
            final Engine engine = new Engine(EngineConfig.small());
            final List<byte[]> replies = new ArrayList<>();
            final BatchApplier applier = new BatchApplier(engine, batch, (buffer, offset, length) ->
            {
                final byte[] reply = new byte[length];
                buffer.getBytes(offset, reply);
                replies.add(reply);
            });
            for (int i = 0; i < journal.inputs.size(); i++)
            {
                final byte[] input = journal.inputs.get(i);
                applier.apply(journal.sequences.get(i), journal.times.get(i), new UnsafeBuffer(input), 0, input.length);
            }
            applier.flush();
            assertEquals(journal.replies.size(), replies.size(), "replies at batch " + batch);
            for (int i = 0; i < replies.size(); i++)
            {
                assertArrayEquals(journal.replies.get(i), replies.get(i), "reply " + (i + 1) + ", batch " + batch);
            }
            assertEquals(d.engine.stateHash(), engine.stateHash(), "state hash, batch " + batch);
        }
    }
}
