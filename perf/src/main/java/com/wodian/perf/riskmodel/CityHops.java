package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.Actor;
import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.MerchantInfo;
import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.Variant;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.TopUpDecoder;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The offline look behind the city-hop candidate feature (docs/history/risk-sessions.md, "Eleventh session: careful
 * takeover"): per abuse kind and variant (and for legitimate payments), the share of payments (Pay and Try) made by a
 * consumer whose previous payment was in another city (area codes that differ in more than their last two digits) at
 * most 1 h or 6 h before, and of those at 6 h, at a shop the consumer never paid with no top-up in the last 24 h. Exact
 * counts through the world's public API (commands and labels), no engine.
 *
 * <p>Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp tools/target/wodian.jar
 * com.wodian.perf.riskmodel.CityHops SEED [TRAINING|HELD_OUT]}. Tune on TRAINING seeds only.
 */
public final class CityHops
{
    static final long HOUR_MS = 3_600_000L;
    /** Columns of a label's counts. */
    static final int PAYMENTS = 0;
    static final int HOP_1H = 1;
    static final int HOP_6H = 2;
    static final int HOP_6H_NEW_SHOP_NO_TOP_UP = 3;

    private CityHops()
    {
    }

    public static void main(final String[] args)
    {
        final long seed = Long.parseLong(args[0]);
        final ParameterRange range = args.length > 1 ? ParameterRange.valueOf(args[1]) : ParameterRange.TRAINING;
        final RiskWorld world = RiskWorld.generate(seed, range);
        final Map<String, long[]> counts = count(world.merchants(), world.cursor());
        System.out.printf("seed %d %s: payments after a payment in another city%n", seed, range);
        for (final Map.Entry<String, long[]> entry : counts.entrySet())
        {
            final long[] c = entry.getValue();
            System.out.printf("%-28s payments %7d  within 1 h %6.2f%%  within 6 h %6.2f%%  and new shop, no top-up "
                + "for 24 h %6.2f%%%n", entry.getKey(), c[PAYMENTS], 100.0 * c[HOP_1H] / c[PAYMENTS],
                100.0 * c[HOP_6H] / c[PAYMENTS], 100.0 * c[HOP_6H_NEW_SHOP_NO_TOP_UP] / c[PAYMENTS]);
        }
    }

    /** The next command of the labelled week: the warm-up before it (session 56) is not counted. */
    private static boolean nextOfTheWeek(final LabelledCommands commands)
    {
        while (commands.next())
        {
            if (!commands.warmUp())
            {
                return true;
            }
        }
        return false;
    }

    /** Per label ("LEGITIMATE", "KIND/VARIANT"): the columns above. */
    static Map<String, long[]> count(final List<MerchantInfo> merchants, final LabelledCommands commands)
    {
        final Long2LongHashMap cityOf = new Long2LongHashMap(0);
        for (final MerchantInfo merchant : merchants)
        {
            cityOf.put(merchant.merchantId(), merchant.areaCode() / 100);
        }
        final Long2LongHashMap lastPaymentMs = new Long2LongHashMap(-1);
        final Long2LongHashMap lastCity = new Long2LongHashMap(0);
        final Long2LongHashMap lastTopUpMs = new Long2LongHashMap(-1);
        final LongHashSet pairs = new LongHashSet();
        final Map<String, long[]> counts = new TreeMap<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final PayDecoder pay = new PayDecoder();
        final PaymentTryDecoder paymentTry = new PaymentTryDecoder();
        final TopUpDecoder topUp = new TopUpDecoder();
        while (nextOfTheWeek(commands))
        {
            header.wrap(commands.buffer(), commands.offset());
            final int body = commands.offset() + MessageHeaderDecoder.ENCODED_LENGTH;
            final long nowMs = commands.timestampMs();
            long consumer = -1;
            long merchant = -1;
            switch (header.templateId())
            {
                case TopUpDecoder.TEMPLATE_ID -> lastTopUpMs.put(topUp.wrap(commands.buffer(), body,
                    header.blockLength(), header.version()).consumerId(), nowMs);
                case PayDecoder.TEMPLATE_ID ->
                {
                    consumer = pay.wrap(commands.buffer(), body, header.blockLength(), header.version()).consumerId();
                    merchant = pay.merchantId();
                }
                case PaymentTryDecoder.TEMPLATE_ID ->
                {
                    consumer = paymentTry.wrap(commands.buffer(), body, header.blockLength(), header.version())
                        .consumerId();
                    merchant = paymentTry.merchantId();
                }
                default -> { }
            }
            if (consumer < 0)
            {
                continue;
            }
            final long[] c = counts.computeIfAbsent(label(commands), key -> new long[4]);
            c[PAYMENTS]++;
            final long city = cityOf.get(merchant);
            final long sinceMs = nowMs - lastPaymentMs.get(consumer);
            final boolean hop = lastPaymentMs.get(consumer) >= 0 && city != 0 && lastCity.get(consumer) != 0 &&
                lastCity.get(consumer) != city;
            final long pair = consumer * 1_000_003L + merchant;
            final long topUpMs = lastTopUpMs.get(consumer);
            if (hop && sinceMs <= HOUR_MS)
            {
                c[HOP_1H]++;
            }
            if (hop && sinceMs <= 6 * HOUR_MS)
            {
                c[HOP_6H]++;
                c[HOP_6H_NEW_SHOP_NO_TOP_UP] += !pairs.contains(pair) && (topUpMs < 0 || nowMs - topUpMs > 24 * HOUR_MS)
                    ? 1 : 0;
            }
            pairs.add(pair);
            lastPaymentMs.put(consumer, nowMs);
            lastCity.put(consumer, city);
        }
        return counts;
    }

    private static String label(final LabelledCommands commands)
    {
        return commands.actor() == Actor.LEGITIMATE ? "LEGITIMATE" :
            commands.actor() + "/" + (commands.variant() == Variant.CAREFUL ? "CAREFUL" : "BLATANT");
    }
}
