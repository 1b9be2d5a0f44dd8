package com.wodian.net.durability;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Random;

/**
 * Random but valid-looking commands for recovery tests: a few merchants, terminals and consumers, then payments
 * (single- and two-phase), refunds, top-ups, withdrawals and ticks with repeated keys (idempotent repeats) and time
 * jumps (hold expiry). Deterministic for a seed.
 */
final class RandomWorkload
{
    static final int MERCHANTS = 3;
    static final int CONSUMERS = 40;

    private final Random random;
    private final CommandEncoder encoder = new CommandEncoder();
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private int setupStep;
    private long timestampMs = 1_700_000_000_000L;
    private long nextTopUpRef = 1_000;

    RandomWorkload(final long seed)
    {
        this.random = new Random(seed);
    }

    /** Timestamp for the next command: moves forward, now and then by more than a hold's ttl. */
    long nextTimestampMs()
    {
        timestampMs += random.nextInt(20) == 0 ? 120_000 : random.nextInt(50);
        return timestampMs;
    }

    /** Encodes the next command into {@link #buffer} at 0 and returns its length. */
    int next()
    {
        if (setupStep < MERCHANTS)
        {
            final long merchantId = ++setupStep;
            return encoder.registerMerchant(buffer, 0, merchantId, 2, 300, 150, 60, true);
        }
        if (setupStep < 2 * MERCHANTS)
        {
            final long merchantId = ++setupStep - MERCHANTS;
            return encoder.registerTerminal(buffer, 0, 100 + merchantId, merchantId);
        }
        if (setupStep < 2 * MERCHANTS + 2 * CONSUMERS)
        {
            final int step = setupStep++ - 2 * MERCHANTS;
            final long consumerId = 1 + step / 2;
            return step % 2 == 0 ?
                encoder.registerConsumer(buffer, 0, consumerId, 1 + consumerId % MERCHANTS) :
                encoder.topUp(buffer, 0, consumerId, nextTopUpRef++, 50_000 + random.nextInt(100_000));
        }

        final long merchantId = 1 + random.nextInt(MERCHANTS);
        final long terminalId = 100 + merchantId;
        final long consumerId = 1 + random.nextInt(CONSUMERS);
        // A small key space so that keys repeat: repeats must be idempotent across snapshots too.
        final long paymentId = 1 + random.nextInt(400);
        final long amountFen = 1 + random.nextInt(5_000);
        final int kind = random.nextInt(100);
        if (kind < 40)
        {
            return encoder.pay(buffer, 0, merchantId, terminalId, paymentId, consumerId, amountFen);
        }
        if (kind < 55)
        {
            return encoder.tryPayment(buffer, 0, merchantId, terminalId, paymentId, consumerId, amountFen, 60_000);
        }
        if (kind < 65)
        {
            return encoder.confirm(buffer, 0, merchantId, terminalId, paymentId);
        }
        if (kind < 72)
        {
            return encoder.cancel(buffer, 0, merchantId, terminalId, paymentId);
        }
        if (kind < 82)
        {
            return encoder.refund(buffer, 0, merchantId, terminalId, paymentId, 1 + random.nextInt(50),
                1 + random.nextInt(2_000));
        }
        if (kind < 90)
        {
            return encoder.topUp(buffer, 0, consumerId, random.nextInt(3) == 0 ? 1_000 : nextTopUpRef++,
                1 + random.nextInt(20_000));
        }
        if (kind < 95)
        {
            return encoder.withdraw(buffer, 0, merchantId, 1 + random.nextInt(50), 1 + random.nextInt(1_000));
        }
        return encoder.tick(buffer, 0);
    }

    /** Encodes a TakeSnapshot marker into {@link #buffer} at 0 and returns its length. */
    int takeSnapshot(final long requestId)
    {
        return encoder.takeSnapshot(buffer, 0, requestId);
    }
}
