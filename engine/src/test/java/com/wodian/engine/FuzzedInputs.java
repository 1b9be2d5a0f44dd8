package com.wodian.engine;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.*;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inputs for the differential engine fuzz (EngineDifferentialFuzzTest): every inbound template, admin ones included,
 * its fields found by reflection on the SBE decoders (so a field added to the schema is fuzzed without a change here)
 * and filled with extreme values (0, ±1, Long.MIN/MAX, the limits and one past them, 2^53, ...), with ids drawn from
 * a small set so that keys, parties and vouchers collide, one input in eight as a client of an older schema version
 * sends it (its version, its shorter block), and now and then structural damage (a cut, a flipped byte, a bad
 * header). Deterministic from the seed.
 */
final class FuzzedInputs
{
    static final long[] EXTREMES = {0, 1, 2, 3, 4, 5, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1,
        Integer.MAX_VALUE, 0xFFFF_FFFFL, 100_000_000L, 100_000_001L, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4 + 1,
        10_000, 1_000_000, 999_999_999_999L, 1_000_000_000_000L, 1_000_000_000_001L, 1L << 53, 30L * 60 * 1000,
        30L * 60 * 1000 + 1, Long.MAX_VALUE / 2, 86_400_000L, 3_153_600_000_000L, 3_153_600_000_001L};
    /** Durations past the end of time from any input time of the fuzz (each plus now wraps past Long.MAX_VALUE). */
    private static final long[] FOREVER_MS = {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - 1_000_000_000_000L};
    private static final long[] IDS = {1, 2, 3, 4, 11, 12, 13, 14, 100, 101, 102, 103, 104, 1, 2, 3, 100, 101};
    /** Inbound templates, weighted: payments and refunds more often than the rest. */
    static final int[] TEMPLATES = {1, 2, 3, 4, 5, 6, 7, 7, 8, 8, 10, 10, 10, 11, 11, 11, 11, 12, 13, 14, 14, 15, 15, 16, 17,
        17, 20, 21, 22, 22, 23, 25, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 60};
    private static final String[] DECODERS = {"RegisterMerchant", "RegisterConsumer", "RegisterTerminal", "TopUp",
        "Withdraw", "SetBlocked", "SetMerchantRules", "SetEngineSetting", "Pay", "PaymentTry", "PaymentConfirm",
        "PaymentCancel", "Refund", "RedeemPoints", "AdjustPoints", "DistributePool", "Tick", "SetRiskRule",
        "SetRiskModel", "AccountEvent", "TakeSnapshot", "BalanceQuery", "PaymentStatusQuery", "MerchantStatementQuery",
        "StateHashQuery", "ConsumerStatementQuery", "VoucherStatusQuery", "DistributionStatusQuery", "RiskRuleQuery",
        "RiskEventsQuery", "RiskStatsQuery", "RiskModelQuery", "ConsumerVouchersQuery", "ClusterStatusQuery",
        "ClusterControl"};

    /** A field of a template's block: where it sits, its length, its name and the schema version that added it. */
    private record Field(int offset, int length, String name, int sinceVersion)
    {
    }

    private static final Map<Integer, List<Field>> FIELDS = new HashMap<>();
    private static final Map<Integer, Integer> BLOCK_LENGTHS = new HashMap<>();

    static
    {
        try
        {
            for (final String name : DECODERS)
            {
                learn(Class.forName("com.wodian.protocol.sbe." + name + "Decoder"));
            }
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static void learn(final Class<?> decoder) throws ReflectiveOperationException
    {
        final int templateId = decoder.getField("TEMPLATE_ID").getInt(null);
        final List<Field> fields = new ArrayList<>();
        for (final Method method : decoder.getMethods())
        {
            final String suffix = "EncodingOffset";
            if (Modifier.isStatic(method.getModifiers()) && method.getName().endsWith(suffix) &&
                method.getParameterCount() == 0)
            {
                final String name = method.getName().substring(0, method.getName().length() - suffix.length());
                final int length = (int)decoder.getMethod(name + "EncodingLength").invoke(null);
                final int since = (int)decoder.getMethod(name + "SinceVersion").invoke(null);
                fields.add(new Field((int)method.invoke(null), length, name, since));
            }
        }
        fields.sort((a, b) -> Integer.compare(a.offset, b.offset));
        FIELDS.put(templateId, fields);
        BLOCK_LENGTHS.put(templateId, decoder.getField("BLOCK_LENGTH").getInt(null));
    }

    private final SplittableRandom random;
    private final CommandEncoder encoder = new CommandEncoder();

    FuzzedInputs(final SplittableRandom random)
    {
        this.random = random;
    }

    /** One input of a random template. */
    byte[] next()
    {
        return next(TEMPLATES[random.nextInt(TEMPLATES.length)]);
    }

    /** One input of {@code templateId}: fields extreme or consistent, sometimes damaged. */
    byte[] next(final int templateId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH + 64]);
        // One input in eight as an older client sends it: its version, its shorter block (det-review C2: inputs of
        // every schema version through the batch path, as journals of older clients hold them).
        final int version = random.nextInt(8) == 0 ? olderVersion(templateId) : CommandCatalog.SCHEMA_VERSION;
        final int block = blockLengthOf(templateId, version);
        buffer.putShort(0, (short)block, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(2, (short)templateId, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(4, (short)CommandCatalog.SCHEMA_ID, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(6, (short)version, ByteOrder.LITTLE_ENDIAN);
        final boolean consistent = random.nextInt(10) < 8;
        final long merchantId = 1 + random.nextInt(4);
        for (final Field field : FIELDS.get(templateId))
        {
            if (field.offset + field.length > block)
            {
                continue;
            }
            final int at = CommandEncoder.HEADER_LENGTH + field.offset;
            final long value = consistent && semantic(field.name) ? semanticValue(field.name, merchantId) :
                raw(field.length);
            put(buffer, at, field.length, value);
        }
        int length = CommandEncoder.HEADER_LENGTH + block;
        if (templateId == SetRiskModelDecoder.TEMPLATE_ID)
        {
            length = appendTrees(buffer, length);
        }
        length = damage(buffer, length);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** A version from the one that added the template (its first field's) up to this build's. */
    private int olderVersion(final int templateId)
    {
        int first = CommandCatalog.SCHEMA_VERSION;
        for (final Field field : FIELDS.get(templateId))
        {
            first = Math.min(first, field.sinceVersion);
        }
        return Math.max(1, first) + random.nextInt(CommandCatalog.SCHEMA_VERSION - Math.max(1, first) + 1);
    }

    /** The block a sender of {@code version} writes: up to the end of the last field it knows. */
    private static int blockLengthOf(final int templateId, final int version)
    {
        if (version == CommandCatalog.SCHEMA_VERSION)
        {
            return BLOCK_LENGTHS.get(templateId);
        }
        int block = 0;
        for (final Field field : FIELDS.get(templateId))
        {
            if (field.sinceVersion <= version)
            {
                block = Math.max(block, field.offset + field.length);
            }
        }
        return block;
    }

    private long raw(final int length)
    {
        return switch (length)
        {
            case 8 -> pickLong();
            case 4 -> random.nextInt(3) == 0 ? EXTREMES[random.nextInt(EXTREMES.length)] : random.nextInt(8) - 1;
            case 2 -> random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(20) - 1;
            default -> random.nextInt(10) == 0 ? random.nextInt(256) : random.nextInt(6);
        };
    }

    private static void put(final UnsafeBuffer buffer, final int at, final int length, final long value)
    {
        switch (length)
        {
            case 8 -> buffer.putLong(at, value, ByteOrder.LITTLE_ENDIAN);
            case 4 -> buffer.putInt(at, (int)value, ByteOrder.LITTLE_ENDIAN);
            case 2 -> buffer.putShort(at, (short)value, ByteOrder.LITTLE_ENDIAN);
            case 1 -> buffer.putByte(at, (byte)value);
            default -> throw new IllegalArgumentException("field of " + length + " bytes");
        }
    }

    private long pickLong()
    {
        final int k = random.nextInt(10);
        if (k < 5)
        {
            return IDS[random.nextInt(IDS.length)];
        }
        if (k < 8)
        {
            return EXTREMES[random.nextInt(EXTREMES.length)];
        }
        return k < 9 ? random.nextInt(1000) : random.nextLong();
    }

    private static boolean semantic(final String name)
    {
        return switch (name)
        {
            case "merchantId", "homeMerchantId", "terminalId", "consumerId", "paymentId", "refundId", "redemptionId",
                "distributionId", "withdrawalId", "externalRef", "adjustmentId", "requestId", "amountFen", "ttlMs",
                "voucherId", "pointsPerYuan", "poolRateBps", "allianceShareBps", "platformFeeBps",
                "voucherPointsCost", "voucherValueFen", "voucherValidityMs", "deltaPoints", "setting", "value",
                "partyId" -> true;
            default -> false;
        };
    }

    /**
     * Values that make commands meet: few parties and keys, mostly the terminal of the input's merchant, amounts
     * around the limits, sometimes an extreme.
     */
    private long semanticValue(final String name, final long merchantId)
    {
        final boolean extreme = random.nextInt(12) == 0;
        if (extreme)
        {
            return EXTREMES[random.nextInt(EXTREMES.length)];
        }
        if (name.equals("voucherValidityMs") && random.nextInt(4) == 0)
        {
            return FOREVER_MS[random.nextInt(FOREVER_MS.length)];   // "never expires", as an operator may write it
        }
        return switch (name)
        {
            case "merchantId" -> merchantId;
            case "homeMerchantId" -> 1 + random.nextInt(4);
            case "terminalId" -> random.nextInt(8) == 0 ? 11 + random.nextInt(4) : 10 + merchantId;
            case "consumerId" -> 100 + random.nextInt(5);
            case "partyId" -> IDS[random.nextInt(IDS.length)];
            case "amountFen" -> amount();
            case "ttlMs" -> 1_000 + random.nextInt(120_000);
            case "voucherId" -> random.nextInt(3) == 0 ? 1 + random.nextInt(20) : 0;
            case "pointsPerYuan" -> random.nextInt(20);
            case "poolRateBps", "allianceShareBps", "platformFeeBps" -> random.nextInt(2_000);
            case "voucherPointsCost" -> random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(500);
            case "voucherValueFen" -> 1 + random.nextInt(100_000);
            case "voucherValidityMs" -> 1_000 + random.nextInt(10_000_000);
            case "deltaPoints" -> random.nextInt(20_000) - 5_000;
            case "setting" -> 1 + random.nextInt(EngineSetting.values().length);
            case "value" -> random.nextInt(4) == 0 ? 16 : random.nextInt(4);
            default -> random.nextBoolean() ? 1 + random.nextInt(40) : 1 + random.nextInt(100_000);
        };
    }

    private long amount()
    {
        final long[] amounts = {1, 2, 99, 100, 10_000, 1 + random.nextInt(1_000_000), 100_000_000L, 100_000_001L,
            50_000_000L, random.nextInt(300)};
        return amounts[random.nextInt(amounts.length)];
    }

    /** SetRiskModel's group: 0..5 trees, features and leaves near their ranges, sometimes anything. */
    private int appendTrees(final UnsafeBuffer buffer, final int blockEnd)
    {
        final int entry = SetRiskModelDecoder.TreesDecoder.sbeBlockLength();
        final int count = random.nextInt(6);
        buffer.putShort(blockEnd, (short)entry, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(blockEnd + 2, (short)count, ByteOrder.LITTLE_ENDIAN);
        int length = blockEnd + 4;
        for (int t = 0; t < count && length + entry <= CommandCatalog.MAX_MESSAGE_LENGTH; t++)
        {
            for (int i = 0; i < entry; i += 2)
            {
                buffer.putShort(length + i, (short)(random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(90) - 5),
                    ByteOrder.LITTLE_ENDIAN);
            }
            length += entry;
        }
        return length;
    }

    /** One input in forty is damaged: cut, a byte changed, a bad block length, an older schema version. */
    private int damage(final UnsafeBuffer buffer, final int length)
    {
        int result = length;
        switch (random.nextInt(40))
        {
            case 0 -> result = random.nextInt(length + 1);
            case 1 -> buffer.putByte(random.nextInt(length), (byte)random.nextInt());
            case 2 -> buffer.putShort(0, (short)random.nextInt(), ByteOrder.LITTLE_ENDIAN);
            case 3 -> buffer.putShort(6, (short)(1 + random.nextInt(CommandCatalog.SCHEMA_VERSION)),
                ByteOrder.LITTLE_ENDIAN);
            default -> { }
        }
        return Math.min(result, CommandCatalog.MAX_MESSAGE_LENGTH + random.nextInt(2));
    }

    /** Parties, rules and a small active scoring model, so that payments reach the money paths. */
    List<byte[]> setUp()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final List<byte[]> inputs = new ArrayList<>();
        for (int m = 1; m <= 4; m++)
        {
            inputs.add(copy(buffer, encoder.registerMerchant(buffer, 0, m, 10, 500, 200, 100, m != 4)));
            inputs.add(copy(buffer, encoder.registerTerminal(buffer, 0, 10 + m, m)));
            inputs.add(copy(buffer, encoder.setMerchantRules(buffer, 0, m, 10, 500, 200, 100, m != 4,
                m % 2 == 0 ? DistributionMode.VOUCHER : DistributionMode.WALLET_REBATE, 10, 500, 86_400_000L)));
        }
        for (int c = 100; c <= 104; c++)
        {
            inputs.add(copy(buffer, encoder.registerConsumer(buffer, 0, c, 1 + (c % 3))));
            inputs.add(copy(buffer, encoder.topUp(buffer, 0, c, c, 50_000_000L)));
        }
        for (int rule = 1; rule <= Engine.RISK_RULES_CONFIGURABLE; rule++)
        {
            final long[] d = Engine.riskRuleDefaults(rule);
            inputs.add(copy(buffer, encoder.setRiskRule(buffer, 0, 0, rule,
                random.nextBoolean() ? RiskMode.ENFORCE : RiskMode.SHADOW, RiskAction.get((short)d[0]), d[1], d[2],
                d[3])));
        }
        inputs.addAll(model(buffer));
        return inputs;
    }

    /** Four Tries at once of one consumer, so that a table of three live holds is met whatever the mix does. */
    List<byte[]> fourHolds()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final List<byte[]> inputs = new ArrayList<>();
        for (long paymentId = 900_001; paymentId <= 900_004; paymentId++)
        {
            inputs.add(copy(buffer, encoder.tryPayment(buffer, 0, 1, 11, paymentId, 100, 100, 600_000)));
        }
        return inputs;
    }

    private List<byte[]> model(final UnsafeBuffer buffer)
    {
        final int trees = 4;
        final int[] features = new int[trees * 3];
        final long[] thresholds = new long[trees * 3];
        final int[] leaves = new int[trees * 4];
        for (int i = 0; i < features.length; i++)
        {
            features[i] = random.nextInt(Engine.riskFeatureNames().length);
            thresholds[i] = random.nextInt(1_000);
        }
        for (int i = 0; i < leaves.length; i++)
        {
            leaves[i] = random.nextInt(2_000) - 1_000;
        }
        return List.of(
            copy(buffer, encoder.setRiskModel(buffer, 0, RiskModelSlot.ACTIVE, RiskModelOp.BEGIN, 7, trees, 500, 200)),
            copy(buffer, encoder.setRiskModelTrees(buffer, 0, RiskModelSlot.ACTIVE, 7, 0, trees, features, thresholds,
                leaves)),
            copy(buffer, encoder.setRiskModel(buffer, 0, RiskModelSlot.ACTIVE, RiskModelOp.COMMIT, 7, 0, 0, 0)));
    }

    static byte[] copy(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
