package com.wodian.engine;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.SetBlockedDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The apply starts its party lookups from the indexes the batch prefetch found (BatchPrefetcher.take): the replies and
 * the state hash must be those of applying the inputs alone whatever the pairing, including when a party registers
 * inside the batch (the prefetch found none), when inputs are applied out of step with the batch, and when an input
 * changes after it was prefetched (the entry then names another party's row, which the id check must refuse; or the
 * input is no longer well formed, which the catalog check must refuse although the prefetch's passed).
 */
class BatchPartyIndexTest
{
    private static final int SLOT = 128;
    private static final long NOW_MS = 1_700_000_000_000L;

    private final CommandEncoder encoder = new CommandEncoder();

    @Test
    void partiesRegisteredInsideTheBatchAndPaymentsOfEveryKindMatchOneAtATime()
    {
        final List<byte[]> inputs = setUp();
        int payment = 1;
        for (int consumer = 1; consumer <= 6; consumer++)
        {
            final long consumerId = 100 + consumer;
            final long refundId = 500 + consumer;
            final long refusedPaymentId = 900 + consumer;
            final long unknownConsumerPaymentId = 950 + consumer;
            inputs.add(encode(length -> encoder.registerConsumer(scratch, 0, consumerId, 1)));
            inputs.add(encode(length -> encoder.topUp(scratch, 0, consumerId, consumerId, 50_000)));
            final long pay = payment++;
            inputs.add(encode(length -> encoder.pay(scratch, 0, 2, 21, pay, consumerId, 1_000)));
            final long held = payment++;
            inputs.add(encode(length -> encoder.tryPayment(scratch, 0, 1, 11, held, consumerId, 700, 60_000)));
            inputs.add(encode(length -> encoder.confirm(scratch, 0, 1, 11, held)));
            inputs.add(encode(length -> encoder.refund(scratch, 0, 2, 21, pay, refundId, 400)));
            // The wrong terminal for the merchant, an unknown consumer: refusals decided from the same lookups.
            inputs.add(encode(length -> encoder.pay(scratch, 0, 1, 21, refusedPaymentId, consumerId, 100)));
            inputs.add(encode(length -> encoder.pay(scratch, 0, 1, 11, unknownConsumerPaymentId, 9_999, 100)));
        }
        final Run alone = run(inputs, inputs, 0, false);
        for (final int batch : new int[] {1, 3, 8, 64, Engine.PREFETCH_BATCH_MAX})
        {
            final Run batched = run(inputs, inputs, batch, false);
            assertEquals(alone.replies.size(), batched.replies.size());
            for (int i = 0; i < alone.replies.size(); i++)
            {
                assertArrayEquals(alone.replies.get(i), batched.replies.get(i), "batch " + batch + ", input " + i);
            }
            assertEquals(alone.stateHash, batched.stateHash, "batch " + batch);
        }
    }

    @Test
    void inputsAppliedOutOfStepOrChangedAfterThePrefetchGetTheirOwnParties()
    {
        final List<byte[]> inputs = setUp();
        final List<byte[]> changed = setUp();
        for (int consumer = 1; consumer <= 4; consumer++)
        {
            final long consumerId = 100 + consumer;
            inputs.add(encode(length -> encoder.registerConsumer(scratch, 0, consumerId, 2)));
            inputs.add(encode(length -> encoder.topUp(scratch, 0, consumerId, consumerId, 50_000)));
            changed.add(inputs.get(inputs.size() - 2));
            changed.add(inputs.get(inputs.size() - 1));
        }
        for (int i = 0; i < 16; i++)
        {
            final long paymentId = 1 + i;
            final long consumerId = 101 + i % 4;
            final long merchantId = 1 + i % 2;
            inputs.add(encode(length -> encoder.pay(scratch, 0, merchantId, merchantId * 10 + 1, paymentId,
                consumerId, 300)));
            // The same slot after the prefetch: another consumer at the other merchant (its entry names other rows).
            final long otherConsumerId = 101 + (i + 1) % 4;
            final long otherMerchantId = 3 - merchantId;
            changed.add(encode(length -> encoder.pay(scratch, 0, otherMerchantId, otherMerchantId * 10 + 1,
                paymentId, otherConsumerId, 300)));
        }
        final Run alone = run(inputs, inputs, 0, false);
        final Run outOfStep = run(inputs, inputs, 8, true);
        final Run changedAlone = run(changed, changed, 0, false);
        final Run changedAfterPrefetch = run(inputs, changed, 8, false);
        for (int i = 0; i < alone.replies.size(); i++)
        {
            assertArrayEquals(alone.replies.get(i), outOfStep.replies.get(i), "out of step, input " + i);
            assertArrayEquals(changedAlone.replies.get(i), changedAfterPrefetch.replies.get(i),
                "changed after the prefetch, input " + i);
        }
        assertEquals(alone.stateHash, outOfStep.stateHash);
        assertEquals(changedAlone.stateHash, changedAfterPrefetch.stateHash);
    }

    /**
     * The apply does not repeat the catalog check the prefetch ran for an input whose header and length are the same
     * (BatchPrefetcher.checked): an input made malformed after its prefetch, in its header, its length or an enum
     * field of its body, must be refused as it is when applied alone.
     */
    @Test
    void inputsMadeMalformedAfterThePrefetchAreRefusedAsAlone()
    {
        final List<byte[]> inputs = setUp();
        final List<byte[]> changed = setUp();
        inputs.add(encode(length -> encoder.registerConsumer(scratch, 0, 101, 1)));
        inputs.add(encode(length -> encoder.topUp(scratch, 0, 101, 101, 50_000)));
        changed.add(inputs.get(inputs.size() - 2));
        changed.add(inputs.get(inputs.size() - 1));
        for (int i = 0; i < 4; i++)
        {
            final long paymentId = 1 + i;
            final byte[] pay = encode(length -> encoder.pay(scratch, 0, 1, 11, paymentId, 101, 300));
            inputs.add(pay);
            final byte[] newerVersion = pay.clone();
            new UnsafeBuffer(newerVersion).putShort(MessageHeaderDecoder.versionEncodingOffset(),
                (short)(CommandCatalog.SCHEMA_VERSION + 1), ByteOrder.LITTLE_ENDIAN);
            final byte[] truncated = java.util.Arrays.copyOf(pay, pay.length - 1);
            changed.add(i % 2 == 0 ? newerVersion : truncated);
            final byte[] block = encode(length -> encoder.setBlocked(scratch, 0, PartyType.CONSUMER, 101, false));
            inputs.add(block);
            final byte[] undefinedPartyType = block.clone();
            undefinedPartyType[MessageHeaderDecoder.ENCODED_LENGTH + SetBlockedDecoder.partyTypeEncodingOffset()] = 99;
            changed.add(undefinedPartyType);
        }
        final Run changedAlone = run(changed, changed, 0, false);
        final Run changedAfterPrefetch = run(inputs, changed, 8, false);
        for (int i = 0; i < changedAlone.replies.size(); i++)
        {
            assertArrayEquals(changedAlone.replies.get(i), changedAfterPrefetch.replies.get(i),
                "changed after the prefetch, input " + i);
        }
        assertEquals(changedAlone.stateHash, changedAfterPrefetch.stateHash);
        final Run asPrefetched = run(inputs, inputs, 8, false);
        assertNotEquals(asPrefetched.stateHash, changedAlone.stateHash, "the changed inputs are refused");
    }

    /** Two merchants (1 with terminal 11, 2 with terminal 21), as inputs. */
    private List<byte[]> setUp()
    {
        final List<byte[]> inputs = new ArrayList<>();
        for (long merchant = 1; merchant <= 2; merchant++)
        {
            final long merchantId = merchant;
            inputs.add(encode(length -> encoder.registerMerchant(scratch, 0, merchantId, 2, 300, 100, 50, true)));
            inputs.add(encode(length -> encoder.registerTerminal(scratch, 0, merchantId * 10 + 1, merchantId)));
        }
        return inputs;
    }

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[SLOT]);

    /** Encodes one input into {@link #scratch} and returns its length. */
    private interface Encoding
    {
        int encode(int unused);
    }

    private byte[] encode(final Encoding encoding)
    {
        final int length = encoding.encode(0);
        final byte[] bytes = new byte[length];
        scratch.getBytes(0, bytes);
        return bytes;
    }

    private record Run(List<byte[]> replies, long stateHash)
    {
    }

    /**
     * Applies {@code applied}: one at a time ({@code batch} 0), or in batches laid out in one buffer, each batch
     * prefetched while the buffer holds the same inputs of {@code prefetched} and then overwritten with those of
     * {@code applied}. {@code outOfStep}: each batch is applied from another buffer over the same bytes (no input
     * pairs with its entry).
     */
    private Run run(final List<byte[]> prefetched, final List<byte[]> applied, final int batch,
        final boolean outOfStep)
    {
        final Engine engine = new Engine(new EngineConfig().keyRetentionMs(0));
        final List<byte[]> replies = new ArrayList<>();
        final ReplySink sink = (buffer, offset, length) ->
        {
            final byte[] reply = new byte[length];
            buffer.getBytes(offset, reply);
            replies.add(reply);
        };
        final int step = Math.max(1, batch);
        final ExpandableArrayBuffer laid = new ExpandableArrayBuffer(SLOT * step);
        final DirectBuffer applyFrom = outOfStep ? new UnsafeBuffer(laid.byteArray()) : laid;
        long sequence = 0;
        for (int first = 0; first < applied.size(); first += step)
        {
            final int end = Math.min(applied.size(), first + step);
            if (batch > 0)
            {
                for (int i = first; i < end; i++)
                {
                    laid.putBytes((i - first) * SLOT, prefetched.get(i));
                    engine.prefetchInput(laid, (i - first) * SLOT, prefetched.get(i).length);
                }
                engine.prefetchBatch();
            }
            for (int i = first; i < end; i++)
            {
                laid.putBytes((i - first) * SLOT, applied.get(i));
            }
            for (int i = first; i < end; i++)
            {
                engine.onCommand(++sequence, NOW_MS + sequence, applyFrom, (i - first) * SLOT, applied.get(i).length,
                    sink);
            }
        }
        return new Run(replies, engine.stateHash());
    }
}
