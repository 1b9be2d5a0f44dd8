package com.wodian.perf.riskmodel;

import com.wodian.protocol.sbe.MerchantTrade;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What risk did to labelled decisions (payments and redemptions risk evaluated): recall per abuse kind and variant,
 * precision, legitimate payments declined overall and per merchant trade, abuse groups stopped (at least one
 * decision declined) and the abusive decisions each group got through before its first decline.
 */
public final class Scorecard
{
    private final String[] kindNames;
    final long[][] abusive;          // [kind][variant]
    final long[][] abusiveDeclined;
    long legitPayments;
    long legitPaymentsDeclined;
    long legitDecisions;
    long legitDeclined;
    final long[] tradePayments = new long[16];
    final long[] tradeDeclined = new long[16];
    long groupsTotal;
    long groupsStopped;
    long passedBeforeFirstDecline;
    // group -> {stopped 0/1, passed before first decline, kind, variant}
    final Map<Long, long[]> groupState = new HashMap<>();
    /** Groups per kind and variant, and how many of them were stopped. */
    final long[][] groupsOfKind;
    final long[][] groupsOfKindStopped;
    /**
     * Abusive decisions the groups of each kind and variant got through before their first decline (a group never
     * stopped: all of its decisions).
     */
    final long[][] passedOfKind;
    /** Names of the legitimate look-alikes by id (0: none); empty when the world does not label them. */
    private String[] lookAlikeNames = new String[0];
    private long[] lookAlikePayments = new long[0];
    private long[] lookAlikeDeclined = new long[0];

    /** @param kindNames name of each kind by id, 0 being legitimate */
    public Scorecard(final String[] kindNames, final RiskDataset data, final boolean[] declined, final long[] groups)
    {
        this.kindNames = kindNames;
        abusive = new long[kindNames.length][3];
        abusiveDeclined = new long[kindNames.length][3];
        groupsOfKind = new long[kindNames.length][3];
        groupsOfKindStopped = new long[kindNames.length][3];
        passedOfKind = new long[kindNames.length][3];
        for (int i = 0; i < data.size; i++)
        {
            add(data, i, declined[i], groups[i]);
        }
        for (final long[] state : groupState.values())
        {
            groupsTotal++;
            groupsStopped += state[0];
            passedBeforeFirstDecline += state[1];
            groupsOfKind[(int)state[2]][(int)state[3]]++;
            groupsOfKindStopped[(int)state[2]][(int)state[3]] += state[0];
            passedOfKind[(int)state[2]][(int)state[3]] += state[1];
        }
    }

    /**
     * Counts legitimate payments and their declines per look-alike ({@code lookAlikes[i]}: 0 none, else an index into
     * {@code names}), printed as "FPR per look-alike".
     */
    public Scorecard withLookAlikes(final String[] names, final RiskDataset data, final boolean[] declined,
        final int[] lookAlikes)
    {
        lookAlikeNames = names.clone();
        lookAlikePayments = new long[names.length];
        lookAlikeDeclined = new long[names.length];
        for (int i = 0; i < data.size; i++)
        {
            if (!data.abusive[i] && data.payment[i] && lookAlikes[i] > 0 && lookAlikes[i] < names.length)
            {
                lookAlikePayments[lookAlikes[i]]++;
                lookAlikeDeclined[lookAlikes[i]] += declined[i] ? 1 : 0;
            }
        }
        return this;
    }

    private void add(final RiskDataset data, final int i, final boolean isDeclined, final long group)
    {
        if (!data.abusive[i])
        {
            legitDecisions++;
            legitDeclined += isDeclined ? 1 : 0;
            if (data.payment[i])
            {
                legitPayments++;
                legitPaymentsDeclined += isDeclined ? 1 : 0;
                tradePayments[data.trade[i] & 15]++;
                tradeDeclined[data.trade[i] & 15] += isDeclined ? 1 : 0;
            }
            return;
        }
        abusive[data.kind[i]][data.variant[i]]++;
        abusiveDeclined[data.kind[i]][data.variant[i]] += isDeclined ? 1 : 0;
        final long[] state = groupState.computeIfAbsent(group, g -> new long[]{0, 0, data.kind[i], data.variant[i]});
        if (state[0] == 0)
        {
            if (isDeclined)
            {
                state[0] = 1;
            }
            else
            {
                state[1]++;
            }
        }
    }

    private static String pct(final long part, final long whole)
    {
        return whole == 0 ? "     -" : String.format(Locale.ROOT, "%6.2f%%", 100.0 * part / whole);
    }

    public long abusiveTotal(final int variant)
    {
        long sum = 0;
        for (int k = 1; k < abusive.length; k++)
        {
            sum += variant < 0 ? abusive[k][1] + abusive[k][2] + abusive[k][0] : abusive[k][variant];
        }
        return sum;
    }

    public long abusiveDeclinedTotal(final int variant)
    {
        long sum = 0;
        for (int k = 1; k < abusive.length; k++)
        {
            sum += variant < 0 ? abusiveDeclined[k][1] + abusiveDeclined[k][2] + abusiveDeclined[k][0] :
                abusiveDeclined[k][variant];
        }
        return sum;
    }

    public double recall()
    {
        return (double)abusiveDeclinedTotal(-1) / Math.max(1, abusiveTotal(-1));
    }

    public double fpr()
    {
        return (double)legitPaymentsDeclined / Math.max(1, legitPayments);
    }

    public void print(final PrintStream out)
    {
        out.printf(Locale.ROOT, "%-22s %9s %9s %9s %9s %9s %9s%n", "kind", "blatant", "recall", "careful", "recall",
            "all", "recall");
        for (int k = 1; k < abusive.length; k++)
        {
            final long all = abusive[k][0] + abusive[k][1] + abusive[k][2];
            final long hit = abusiveDeclined[k][0] + abusiveDeclined[k][1] + abusiveDeclined[k][2];
            out.printf(Locale.ROOT, "%-22s %9d %9s %9d %9s %9d %9s%n", kindNames[k], abusive[k][1],
                pct(abusiveDeclined[k][1], abusive[k][1]), abusive[k][2], pct(abusiveDeclined[k][2], abusive[k][2]),
                all, pct(hit, all));
        }
        final long all = abusiveTotal(-1);
        final long hit = abusiveDeclinedTotal(-1);
        out.printf(Locale.ROOT, "%-22s %9d %9s %9d %9s %9d %9s%n", "ALL", abusiveTotal(1),
            pct(abusiveDeclinedTotal(1), abusiveTotal(1)), abusiveTotal(2), pct(abusiveDeclinedTotal(2),
                abusiveTotal(2)), all, pct(hit, all));
        out.printf(Locale.ROOT, "precision: %s (%d abusive of %d declined)%n", pct(hit, hit + legitDeclined), hit,
            hit + legitDeclined);
        out.printf(Locale.ROOT, "legitimate payments declined (FPR): %d of %d = %s%n", legitPaymentsDeclined,
            legitPayments, pct(legitPaymentsDeclined, legitPayments));
        final StringBuilder trades = new StringBuilder("FPR per trade:");
        for (int t = 0; t < 16; t++)
        {
            if (tradePayments[t] > 0)
            {
                final MerchantTrade trade = MerchantTrade.get((short)t);
                trades.append(' ').append(trade == MerchantTrade.NULL_VAL ? "trade" + t : trade.name()).append(' ')
                    .append(pct(tradeDeclined[t], tradePayments[t]).trim()).append(" (").append(tradeDeclined[t])
                    .append('/').append(tradePayments[t]).append(')');
            }
        }
        out.println(trades);
        final StringBuilder lookAlikes = new StringBuilder("FPR per legitimate look-alike:");
        for (int l = 1; l < lookAlikeNames.length; l++)
        {
            if (lookAlikePayments[l] > 0)
            {
                lookAlikes.append(' ').append(lookAlikeNames[l]).append(' ')
                    .append(pct(lookAlikeDeclined[l], lookAlikePayments[l]).trim()).append(" (")
                    .append(lookAlikeDeclined[l]).append('/').append(lookAlikePayments[l]).append(')');
            }
        }
        if (lookAlikeNames.length > 1)
        {
            out.println(lookAlikes);
        }
        out.printf(Locale.ROOT, "abuse groups stopped (>= 1 decline): %d of %d = %s; abusive decisions passed " +
            "before the first decline: %d (%.1f per group)%n", groupsStopped, groupsTotal,
            pct(groupsStopped, groupsTotal), passedBeforeFirstDecline,
            (double)passedBeforeFirstDecline / Math.max(1, groupsTotal));
        printPerKind(out);
    }

    /** Groups stopped, and the decisions their groups got through before the first decline, per kind and variant. */
    private void printPerKind(final PrintStream out)
    {
        final StringBuilder byKind = new StringBuilder("groups stopped per kind (blatant, careful):");
        for (int k = 1; k < kindNames.length; k++)
        {
            if (groupsOfKind[k][1] + groupsOfKind[k][2] > 0)
            {
                byKind.append(' ').append(kindNames[k]).append(' ').append(groupsOfKindStopped[k][1]).append('/')
                    .append(groupsOfKind[k][1]).append(", ").append(groupsOfKindStopped[k][2]).append('/')
                    .append(groupsOfKind[k][2]).append(';');
            }
        }
        out.println(byKind);
        final StringBuilder passedByKind =
            new StringBuilder("decisions passed before the first decline per kind (blatant, careful):");
        for (int k = 1; k < kindNames.length; k++)
        {
            if (groupsOfKind[k][1] + groupsOfKind[k][2] > 0)
            {
                passedByKind.append(' ').append(kindNames[k]).append(' ').append(passedOfKind[k][1]).append(", ")
                    .append(passedOfKind[k][2]).append(';');
            }
        }
        out.println(passedByKind);
    }
}
