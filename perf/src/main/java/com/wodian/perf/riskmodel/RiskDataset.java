package com.wodian.perf.riskmodel;

import java.util.Arrays;

/**
 * Labelled decisions captured from an engine run: per decision the engine's integer features, whether it was abuse,
 * its abuse kind and variant (from the generator's labels, never seen by the engine), whether it was a payment and
 * the merchant's trade. Growable columns of primitives.
 */
public final class RiskDataset
{
    public final int featureCount;
    public long[] features = new long[0];
    public boolean[] abusive = new boolean[0];
    public int[] kind = new int[0];
    public int[] variant = new int[0];
    public boolean[] payment = new boolean[0];
    public int[] trade = new int[0];
    /** The legitimate look-alike (riskworld's LookAlike ordinal; 0 none or abusive). */
    public int[] lookAlike = new int[0];
    /**
     * A row of the warm-up before the week (legitimate), added by {@link #addAll(RiskDataset, boolean)}: a trainer's
     * honest negative, weighed apart ({@link RiskTrainer#warmUpWeight}). Not written by {@link #write}: a capture keeps
     * the warm-up's rows in a file of their own.
     */
    public boolean[] warmUp = new boolean[0];
    public int size;

    public RiskDataset(final int featureCount)
    {
        this.featureCount = featureCount;
    }

    public void add(final long[] x, final boolean isAbusive, final int kindId, final int variantId,
        final boolean isPayment, final int tradeId)
    {
        add(x, isAbusive, kindId, variantId, isPayment, tradeId, 0);
    }

    public void add(final long[] x, final boolean isAbusive, final int kindId, final int variantId,
        final boolean isPayment, final int tradeId, final int lookAlikeId)
    {
        if (size == abusive.length)
        {
            // 1.5x, not 2x: a training set of millions of rows is gigabytes, and the copy holds both.
            final int capacity = Math.max(1024, size + (size >> 1));
            features = Arrays.copyOf(features, capacity * featureCount);
            abusive = Arrays.copyOf(abusive, capacity);
            kind = Arrays.copyOf(kind, capacity);
            variant = Arrays.copyOf(variant, capacity);
            payment = Arrays.copyOf(payment, capacity);
            trade = Arrays.copyOf(trade, capacity);
            lookAlike = Arrays.copyOf(lookAlike, capacity);
            warmUp = Arrays.copyOf(warmUp, capacity);
        }
        System.arraycopy(x, 0, features, size * featureCount, featureCount);
        abusive[size] = isAbusive;
        kind[size] = kindId;
        variant[size] = variantId;
        payment[size] = isPayment;
        trade[size] = tradeId;
        lookAlike[size] = lookAlikeId;
        size++;
    }

    public long feature(final int row, final int feature)
    {
        return features[row * featureCount + feature];
    }

    public long[] row(final int row, final long[] into)
    {
        System.arraycopy(features, row * featureCount, into, 0, featureCount);
        return into;
    }

    /** Writes the decisions to a file (a cache: a world's run takes tens of seconds, reading it back a second). */
    public void write(final java.nio.file.Path path) throws java.io.IOException
    {
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
            java.nio.file.Files.newOutputStream(path), 1 << 16)))
        {
            out.writeInt(featureCount);
            out.writeInt(size);
            for (int i = 0; i < size; i++)
            {
                for (int f = 0; f < featureCount; f++)
                {
                    out.writeLong(features[i * featureCount + f]);
                }
                out.writeBoolean(abusive[i]);
                out.writeByte(kind[i]);
                out.writeByte(variant[i]);
                out.writeBoolean(payment[i]);
                out.writeByte(trade[i]);
                out.writeByte(lookAlike[i]);
            }
        }
    }

    public static RiskDataset read(final java.nio.file.Path path) throws java.io.IOException
    {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
            java.nio.file.Files.newInputStream(path), 1 << 16)))
        {
            final RiskDataset data = new RiskDataset(in.readInt());
            final int n = in.readInt();
            final long[] x = new long[data.featureCount];
            for (int i = 0; i < n; i++)
            {
                for (int f = 0; f < data.featureCount; f++)
                {
                    x[f] = in.readLong();
                }
                data.add(x, in.readBoolean(), in.readByte(), in.readByte(), in.readBoolean(), in.readByte(),
                    in.readByte());
            }
            return data;
        }
    }

    public void addAll(final RiskDataset other)
    {
        addAll(other, false);
    }

    /** As {@link #addAll(RiskDataset)}; with {@code asWarmUp} every added row is marked a warm-up row. */
    public void addAll(final RiskDataset other, final boolean asWarmUp)
    {
        final long[] x = new long[featureCount];
        for (int i = 0; i < other.size; i++)
        {
            add(other.row(i, x), other.abusive[i], other.kind[i], other.variant[i], other.payment[i], other.trade[i],
                other.lookAlike[i]);
            warmUp[size - 1] = asWarmUp || other.warmUp[i];
        }
    }
}
