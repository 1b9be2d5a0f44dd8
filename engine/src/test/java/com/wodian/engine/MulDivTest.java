package com.wodian.engine;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MulDivTest
{
    @Test
    void matchesBigIntegerOnSmallAndHugeOperands()
    {
        final MulDiv mulDiv = MulDiv.create();
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++)
        {
            final int bits = 1 + random.nextInt(63);
            final long c = 1 + (random.nextLong() >>> (64 - bits)) % Long.MAX_VALUE;
            final long b = random.nextLong(c + (c == Long.MAX_VALUE ? 0 : 1));
            final long a = random.nextInt(3) == 0 ? Long.MAX_VALUE - random.nextInt(5) :
                random.nextLong() >>> (1 + random.nextInt(63));
            final BigInteger[] expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
                .divideAndRemainder(BigInteger.valueOf(c));
            assertEquals(expected[0].longValueExact(), mulDiv.apply(a, b, c), a + "*" + b + "/" + c);
            assertEquals(expected[1].longValueExact(), mulDiv.remainder(), a + "*" + b + "%" + c);
        }
    }
}
