package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.Actor;
import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.Variant;
import com.wodian.protocol.sbe.AdjustPointsDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.RegisterConsumerDecoder;
import org.agrona.collections.Long2LongHashMap;

import java.util.Map;
import java.util.TreeMap;

/**
 * The offline look behind risk feature 74 (docs/history/risk-sessions.md, "Model v12"): per abuse kind and variant (and
 * for legitimate payments), the share of Pay commands made by accounts that had received no points adjustment (migrated
 * or welcome points) before their first payment, and the share of those by accounts at least 30 days old. Exact counts
 * through the world's public API (its commands and labels), no engine: a signal measured here before it is built.
 *
 * <p>Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp tools/target/wodian.jar
 * com.wodian.perf.riskmodel.DormantAccounts SEED [TRAINING|HELD_OUT]}. Tune on TRAINING seeds only.
 */
public final class DormantAccounts
{
    private static final long OLD_MS = 30 * 24 * 3_600_000L;
    /** Per consumer: registration time; then, from its first payment on, whether it held no points then (bit 63). */
    private static final long NO_POINTS_AT_FIRST = Long.MIN_VALUE;
    private static final long PAID = 1L << 62;

    private DormantAccounts()
    {
    }

    public static void main(final String[] args)
    {
        final long seed = Long.parseLong(args[0]);
        final ParameterRange range = args.length > 1 ? ParameterRange.valueOf(args[1]) : ParameterRange.TRAINING;
        final Map<String, long[]> counts = count(RiskWorld.generate(seed, range).cursor());
        System.out.printf("seed %d %s: payments by accounts with no points before their first payment%n", seed, range);
        for (final Map.Entry<String, long[]> entry : counts.entrySet())
        {
            final long[] c = entry.getValue();
            System.out.printf("%-28s payments %7d  no points %6.2f%%  no points and >= 30 days old %6.2f%%%n",
                entry.getKey(), c[0], 100.0 * c[1] / c[0], 100.0 * c[2] / c[0]);
        }
    }

    /** Per label: payments, by accounts with no points at their first payment, and of those by old accounts. */
    static Map<String, long[]> count(final LabelledCommands commands)
    {
        final Long2LongHashMap consumers = new Long2LongHashMap(-1);
        final Long2LongHashMap adjusted = new Long2LongHashMap(0);
        final Map<String, long[]> counts = new TreeMap<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final RegisterConsumerDecoder register = new RegisterConsumerDecoder();
        final AdjustPointsDecoder adjust = new AdjustPointsDecoder();
        final PayDecoder pay = new PayDecoder();
        while (commands.next())
        {
            if (commands.warmUp())
            {
                continue;   // the warm-up before the week (session 56): these counts are the labelled week's
            }
            header.wrap(commands.buffer(), commands.offset());
            final int body = commands.offset() + MessageHeaderDecoder.ENCODED_LENGTH;
            switch (header.templateId())
            {
                case RegisterConsumerDecoder.TEMPLATE_ID -> consumers.put(register.wrap(commands.buffer(), body,
                    header.blockLength(), header.version()).consumerId(), commands.timestampMs());
                case AdjustPointsDecoder.TEMPLATE_ID -> adjusted.put(adjust.wrap(commands.buffer(), body,
                    header.blockLength(), header.version()).consumerId(), 1);
                case PayDecoder.TEMPLATE_ID -> countPayment(commands, pay.wrap(commands.buffer(), body,
                    header.blockLength(), header.version()).consumerId(), consumers, adjusted, counts);
                default -> { }
            }
        }
        return counts;
    }

    private static void countPayment(final LabelledCommands commands, final long consumerId,
        final Long2LongHashMap consumers, final Long2LongHashMap adjusted, final Map<String, long[]> counts)
    {
        long state = consumers.get(consumerId);
        if (state == -1)
        {
            return;
        }
        if ((state & PAID) == 0)
        {
            // The first payment fixes what the account held: points adjusted in later do not count.
            state |= PAID | (adjusted.get(consumerId) == 0 ? NO_POINTS_AT_FIRST : 0);
            consumers.put(consumerId, state);
        }
        final String label = commands.actor() == Actor.LEGITIMATE ? "LEGITIMATE" :
            commands.actor() + "/" + (commands.variant() == Variant.CAREFUL ? "CAREFUL" : "BLATANT");
        final long[] c = counts.computeIfAbsent(label, key -> new long[3]);
        c[0]++;
        if ((state & NO_POINTS_AT_FIRST) != 0)
        {
            c[1]++;
            final long registeredMs = state & ~(NO_POINTS_AT_FIRST | PAID);
            c[2] += commands.timestampMs() - registeredMs >= OLD_MS ? 1 : 0;
        }
    }
}
