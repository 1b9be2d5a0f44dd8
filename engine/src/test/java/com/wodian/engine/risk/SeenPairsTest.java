package com.wodian.engine.risk;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The seen-pairs set's load ahead of the rules ({@code SeenPairs.touch}, called by RiskControl.touchLines and
 * touchPayment: docs/risk.md "Cost on the payment path"): it returns the word that holds the pair's bit and changes
 * nothing, so whether a pair was seen and the state hash are the same with and without it.
 */
class SeenPairsTest
{
    @Test
    void touchReturnsThePairsWordAndChangesNothing()
    {
        final SeenPairs pairs = new SeenPairs(1 << 10);
        final SplittableRandom random = new SplittableRandom(58);
        for (int payment = 0; payment < 2_000; payment++)
        {
            final int consumer = random.nextInt(5_000);
            final int terminal = random.nextInt(200);
            final boolean seen = pairs.seen(consumer, terminal);
            final long hash = pairs.hash(7);
            final long word = pairs.touch(consumer, terminal);
            assertEquals(hash, pairs.hash(7), "payment " + payment);
            assertEquals(seen, pairs.seen(consumer, terminal), "payment " + payment);
            if (seen)
            {
                assertNotEquals(0, word, "payment " + payment + ": a seen pair's word holds its bit");
            }
            if (random.nextInt(3) == 0)
            {
                pairs.add(consumer, terminal);
                assertNotEquals(0, pairs.touch(consumer, terminal), "payment " + payment + " after add");
            }
        }
    }
}
