package com.wodian.net.durability;

import com.wodian.engine.EngineConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine limits that change decisions ({@link EngineConfig}: the journal records the commands and the engine
 * settings, not these), by name in a fixed order, as one text ({@code name=value,name=value,...}) and its digest. A
 * data directory records them ({@link EngineLimitsFile}); the nodes of a replica group compare them at every hello
 * and in {@code wodian group add}/{@code status}: a member deciding under other limits is another ledger
 * (docs/replication.md, "One set of engine limits per group").
 */
public final class EngineLimits
{
    /** The limits' names, in the order of {@link #of} (also the order of ClusterStatusReply's engineLimits group). */
    public static final String[] NAMES = {
        "consumersMax", "merchantsMax", "terminalsMax", "holdsMax", "keysMax", "keyRetentionMs", "amountFenMax",
        "walletFenMax", "ttlMsMax", "expiriesPerCommandMax", "vouchersMax", "consumptionPairsMax",
        "pointsLedgerEntriesMax", "distributionSliceEntries", "distributionVoucherValidityMs", "riskPairsMax",
        "riskEventsMax", "riskOverridesMax"};

    private EngineLimits()
    {
    }

    /** The values of {@link #NAMES}, in that order. */
    public static long[] values(final EngineConfig config)
    {
        return new long[] {
            config.consumersMax(), config.merchantsMax(), config.terminalsMax(), config.holdsMax(), config.keysMax(),
            config.keyRetentionMs(), config.amountFenMax(), config.walletFenMax(), config.ttlMsMax(),
            config.expiriesPerCommandMax(), config.vouchersMax(), config.consumptionPairsMax(),
            config.pointsLedgerEntriesMax(), config.distributionSliceEntries(),
            config.distributionVoucherValidityMs(), config.riskPairsMax(), config.riskEventsMax(),
            config.riskOverridesMax()};
    }

    /** The limits by name, in a fixed order. */
    public static Map<String, String> of(final EngineConfig config)
    {
        return named(values(config));
    }

    /** {@link #NAMES} with {@code values} (as many as both have). */
    public static Map<String, String> named(final long[] values)
    {
        final Map<String, String> limits = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(NAMES.length, values.length); i++)
        {
            limits.put(NAMES[i], Long.toString(values[i]));
        }
        return limits;
    }

    /** {@code consumersMax=10000,merchantsMax=1000,...}: what a node's hellos carry. */
    public static String text(final EngineConfig config)
    {
        final StringBuilder text = new StringBuilder();
        of(config).forEach((name, value) -> text.append(text.length() == 0 ? "" : ",").append(name).append('=')
            .append(value));
        return text.toString();
    }

    /** The inverse of {@link #text}; a malformed item is kept whole as a name without a value. */
    public static Map<String, String> parse(final String text)
    {
        final Map<String, String> limits = new LinkedHashMap<>();
        for (final String item : text.split(","))
        {
            final int equals = item.indexOf('=');
            if (!item.isEmpty())
            {
                limits.put(equals < 0 ? item : item.substring(0, equals), equals < 0 ? "" : item.substring(equals + 1));
            }
        }
        return limits;
    }

    /** The digest of {@link #text} (its SHA-256's first 8 bytes); never 0, which stands for "not known". */
    public static long digest(final String text)
    {
        try
        {
            final byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            long digest = 0;
            for (int i = 0; i < Long.BYTES; i++)
            {
                digest = digest << 8 | hash[i] & 0xFF;
            }
            return 0 == digest ? 1 : digest;
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
        }
    }

    /**
     * Every limit whose value differs, or that only one side has: {@code merchantsMax 1000 (node 0) / 2000 (node 3)}.
     */
    public static String differences(
        final Map<String, String> ours, final String ourName, final Map<String, String> theirs, final String theirName)
    {
        final Map<String, String> names = new LinkedHashMap<>(ours);
        theirs.forEach(names::putIfAbsent);
        final StringBuilder differences = new StringBuilder();
        for (final String name : names.keySet())
        {
            final String mine = ours.getOrDefault(name, "-");
            final String other = theirs.getOrDefault(name, "-");
            if (!mine.equals(other))
            {
                differences.append(differences.length() == 0 ? "" : ", ").append(name).append(' ').append(mine)
                    .append(" (").append(ourName).append(") / ").append(other).append(" (").append(theirName)
                    .append(')');
            }
        }
        return differences.toString();
    }
}
