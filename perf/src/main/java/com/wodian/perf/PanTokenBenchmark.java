package com.wodian.perf;

import com.wodian.net.iso8583.PanTokenizer;
import com.wodian.net.iso8583.RetailMac;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What turning a card number into its token costs the ISO 8583 gateway's thread per purchase (docs/security.md,
 * "Card numbers at rest"): {@code token} is {@link PanTokenizer#token} over 1,024 16-digit card numbers in turn;
 * {@code retailMac} the MAC check every such request already pays (a 96-byte 0200 under a double-length key), for
 * scale. Run: {@code bin/wodian jmh PanTokenBenchmark -prof gc} (the token allocates nothing: ~0 B/op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PanTokenBenchmark
{
    private static final int PANS = 1_024;

    private final long[] pans = new long[PANS];
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[96]);
    private final UnsafeBuffer mac = new UnsafeBuffer(new byte[8]);
    private PanTokenizer tokenizer;
    private RetailMac retailMac;
    private int next;

    @Setup
    public void setUp()
    {
        final Random random = new Random(44);
        final byte[] key = new byte[PanTokenizer.KEY_LENGTH];
        random.nextBytes(key);
        tokenizer = new PanTokenizer(key);
        for (int i = 0; i < PANS; i++)
        {
            pans[i] = 6_200_000_000_000_000L + (random.nextLong() >>> 1) % 100_000_000_000_000L;
        }
        final byte[] macKey = new byte[16];
        random.nextBytes(macKey);
        retailMac = new RetailMac(macKey);
        random.nextBytes(message.byteArray());
    }

    @Benchmark
    public long token()
    {
        next = (next + 1) & (PANS - 1);
        return tokenizer.token(pans[next]);
    }

    @Benchmark
    public boolean retailMac()
    {
        return retailMac.verify(message, 0, message.capacity(), mac, 0);
    }
}
