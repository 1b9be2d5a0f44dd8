package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.Actor;
import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.Variant;
import com.wodian.protocol.sbe.AdjustPointsDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RegisterConsumerDecoder;
import org.agrona.collections.Long2LongHashMap;

import java.util.Map;
import java.util.TreeMap;

/**
 * The offline count behind feature 76 {@code DORMANT_BATCH_ACCOUNT} (first tried as the candidate
 * CONSUMER_REGISTERED_WITH_OTHERS, docs/history/risk-sessions.md, "Twelfth session: careful circular flow in the
 * held-out shape"; in the engine since d4247b8, see "Model v17"): per abuse kind and variant (and
 * for legitimate payments), the payments (Pay and Try) by accounts registered at most 0 s, 60 s or 10 min after the
 * previous account of the same home shop (the later accounts of a batch, as the candidate marked them), and of those
 * at 60 s, by accounts at least 30 days old at the payment and by such accounts that held at most one point before
 * their first payment (dormant). Exact counts through the world's public
 * API (commands and labels), no engine.
 *
 * <p>Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp tools/target/wodian.jar
 * com.wodian.perf.riskmodel.RegisteredTogether SEED [TRAINING|HELD_OUT] [KNOB,KNOB...]} (the knobs named are drawn
 * from the HELD_OUT range, see {@link RiskWorldDump}). Analyse TRAINING seeds; a HELD_OUT count only explains a result
 * after the decision (as docs/history/risk-sessions.md "Model v17" does for 707-712).
 */
public final class RegisteredTogether
{
    static final long DAY_MS = 86_400_000L;
    /** Columns of a label's counts. */
    static final int PAYMENTS = 0;
    static final int SAME_MS = 1;
    static final int WITHIN_60S = 2;
    static final int WITHIN_60S_OLD = 3;
    static final int WITHIN_60S_OLD_DORMANT = 4;
    static final int WITHIN_10MIN = 5;
    private static final long[] WINDOWS_MS = {0, 60_000, 600_000};
    private static final int[] WINDOW_COLUMNS = {SAME_MS, WITHIN_60S, WITHIN_10MIN};

    private RegisteredTogether()
    {
    }

    public static void main(final String[] args)
    {
        final long seed = Long.parseLong(args[0]);
        final ParameterRange range = args.length > 1 ? ParameterRange.valueOf(args[1]) : ParameterRange.TRAINING;
        final RiskWorld world = RiskWorld.generate(RiskWorldDump.knobs(seed, range, args.length > 2 ? args[2] : ""));
        System.out.printf("seed %d %s%s: payments by accounts registered right after another of their home shop%n",
            seed, range, args.length > 2 ? " with HELD_OUT " + args[2] : "");
        for (final Map.Entry<String, long[]> entry : count(world.cursor()).entrySet())
        {
            final long[] c = entry.getValue();
            System.out.printf("%-28s payments %7d  same ms %6d  60 s %6d (30+ days old %6d, and dormant %6d)  "
                + "10 min %6d%n", entry.getKey(), c[PAYMENTS], c[SAME_MS], c[WITHIN_60S], c[WITHIN_60S_OLD],
                c[WITHIN_60S_OLD_DORMANT], c[WITHIN_10MIN]);
        }
    }

    /** Per label ("LEGITIMATE", "KIND/VARIANT"): the columns above. */
    static Map<String, long[]> count(final LabelledCommands commands)
    {
        final Long2LongHashMap lastRegistrationMs = new Long2LongHashMap(-1);   // by home shop
        final Long2LongHashMap registeredMs = new Long2LongHashMap(-1);         // by consumer
        final Long2LongHashMap sincePreviousMs = new Long2LongHashMap(-1);      // by consumer; none: -1
        final Long2LongHashMap points = new Long2LongHashMap(0);
        final Long2LongHashMap dormant = new Long2LongHashMap(-1);               // 1 / 0 once it paid
        final Map<String, long[]> counts = new TreeMap<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final RegisterConsumerDecoder register = new RegisterConsumerDecoder();
        final AdjustPointsDecoder adjust = new AdjustPointsDecoder();
        final PayDecoder pay = new PayDecoder();
        final PaymentTryDecoder paymentTry = new PaymentTryDecoder();
        while (commands.next())
        {
            if (commands.warmUp())
            {
                continue;   // the warm-up before the week (session 56): these counts are the labelled week's
            }
            header.wrap(commands.buffer(), commands.offset());
            final int body = commands.offset() + MessageHeaderDecoder.ENCODED_LENGTH;
            final long nowMs = commands.timestampMs();
            long consumer = -1;
            switch (header.templateId())
            {
                case RegisterConsumerDecoder.TEMPLATE_ID ->
                {
                    final long id = register.wrap(commands.buffer(), body, header.blockLength(), header.version())
                        .consumerId();
                    final long home = register.homeMerchantId();
                    registeredMs.put(id, nowMs);
                    if (home > 0)
                    {
                        final long previous = lastRegistrationMs.get(home);
                        if (previous >= 0 && previous <= nowMs)
                        {
                            sincePreviousMs.put(id, nowMs - previous);
                        }
                        lastRegistrationMs.put(home, nowMs);
                    }
                }
                case AdjustPointsDecoder.TEMPLATE_ID ->
                {
                    adjust.wrap(commands.buffer(), body, header.blockLength(), header.version());
                    points.put(adjust.consumerId(), points.get(adjust.consumerId()) + adjust.deltaPoints());
                }
                case PayDecoder.TEMPLATE_ID ->
                    consumer = pay.wrap(commands.buffer(), body, header.blockLength(), header.version()).consumerId();
                case PaymentTryDecoder.TEMPLATE_ID -> consumer = paymentTry.wrap(commands.buffer(), body,
                    header.blockLength(), header.version()).consumerId();
                default -> { }
            }
            if (consumer >= 0)
            {
                if (dormant.get(consumer) < 0)
                {
                    dormant.put(consumer, points.get(consumer) <= 1 ? 1 : 0);
                }
                count(counts.computeIfAbsent(label(commands), key -> new long[6]), sincePreviousMs.get(consumer),
                    nowMs - registeredMs.get(consumer) >= 30 * DAY_MS, dormant.get(consumer) == 1);
            }
        }
        return counts;
    }

    private static void count(final long[] c, final long sincePreviousMs, final boolean old, final boolean dormant)
    {
        c[PAYMENTS]++;
        for (int w = 0; w < WINDOWS_MS.length; w++)
        {
            c[WINDOW_COLUMNS[w]] += sincePreviousMs >= 0 && sincePreviousMs <= WINDOWS_MS[w] ? 1 : 0;
        }
        final boolean together = sincePreviousMs >= 0 && sincePreviousMs <= 60_000;
        c[WITHIN_60S_OLD] += together && old ? 1 : 0;
        c[WITHIN_60S_OLD_DORMANT] += together && old && dormant ? 1 : 0;
    }

    private static String label(final LabelledCommands commands)
    {
        return commands.actor() == Actor.LEGITIMATE ? "LEGITIMATE" :
            commands.actor() + "/" + (commands.variant() == Variant.CAREFUL ? "CAREFUL" : "BLATANT");
    }
}
