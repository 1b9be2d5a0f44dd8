package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.PayEncoder;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * {@link EnginePayBenchmark}'s workload (1,000,000 consumers, 10,000 merchants with two terminals each, random Pay,
 * full and evicting record table) with every risk rule off, or all twelve on in ENFORCE mode.
 *
 * <p>With rules on, each Pay advances and reads the consumer, terminal and merchant profiles (and the pair when a
 * pair rule can hit), evaluates the twelve rules and records the attempt and the payment. No payment may be declined
 * (the iteration check requires every reply OK), and the benchmark compresses time (16 payments per input
 * millisecond), so the velocity and distinct-party thresholds are raised out of reach ({@code on}); {@code worst}
 * raises every threshold instead and removes every shortcut, so each rule does all its work on every payment.
 * {@code model} is {@code on} plus a scoring model of {@link #MODEL_TREES} depth-2 trees loaded with SetRiskModel and
 * enforced (rule 14): every payment computes every feature ({@code RiskFeatures.COUNT}) and walks every tree; its
 * decline and flag scores are out of reach, so nothing is declined and no event is written (the cost of a hit is an
 * event, as for any rule).
 *
 * <p>Run: {@code bin/wodian jmh EngineRiskPayBenchmark -prof gc}.
 */
public class EngineRiskPayBenchmark extends EngineBenchmarkSettings
{
    private static final int PAYMENT_ID_OFFSET = CommandEncoder.HEADER_LENGTH + PayEncoder.paymentIdEncodingOffset();
    private static final long NEVER = 1_000_000_000_000L;
    static final long ACCOUNTS_AGE_MS = 30 * 24 * 3_600_000L;

    /** Trees of the benchmark's model: the number {@code wodian risk-train} trains by default. */
    static final int MODEL_TREES = 160;

    /**
     * off: every rule OFF; on: all twelve ENFORCE at tuned thresholds (see below); worst: all twelve, all work;
     * model: on plus the scoring model; trained: on plus the trained model {@link #TRAINED_MODEL} alone; shipped: on
     * plus the shipped configuration, {@link #SHIPPED_MODEL} ACTIVE and {@link #TRAINED_MODEL} CHALLENGER (shadow) as
     * the source of the group features (engine setting RISK_GROUP_SOURCE 1) and recorded on a 1-in-8 shadow sample
     * ({@link #SHIPPED_SHADOW_SAMPLE}): two models scored per payment, the challenger's group stage on the sample only;
     * shipped:P the same with the period P (shipped:0, the challenger scored on every command, as before the
     * forty-sixth session; for RiskOverheadHarness, which takes any of these strings). Any of them but off and the
     * forms with ':' or '=', followed by {@link #SAME_SET_SUFFIX}: the same with engine setting HOME_SAME_SET_LIMIT at
     * its largest value (255), so every Pay learns its shops-tried set and a dormant payer's count is read, and no
     * payment of this traffic is declined. A shipped form followed by {@link #SECOND_SUFFIX} (before any
     * {@link #SAME_SET_SUFFIX}): the same with {@link #SECOND_MODEL} in the SECOND slot (docs/risk.md "The second
     * deciding model"), its decline score out of reach: a third model scored per payment. {@link #RECOMMENDED}: the
     * recommended configuration (docs/risk.md "The shipped configuration and the recommended one": shipped with
     * {@link #RECOMMENDED_ACTIVE_MODEL} ACTIVE instead of {@link #SHIPPED_MODEL}, then HOME_SAME_SET_LIMIT at 255 as
     * for {@link #SAME_SET_SUFFIX}, and {@link #RECOMMENDED_SECOND_MODEL} in the SECOND slot); {@code recommended=FILE}
     * the same with the model file FILE in the ACTIVE slot instead (a candidate timed against it in one JVM:
     * {@link RiskOverheadHarness}), and
     * {@code recommended}{@link #SECOND_FILE}{@code FILE} the same with FILE in the SECOND slot instead of
     * {@link #RECOMMENDED_SECOND_MODEL} (e.g. an earlier step 5, timed against the current one), and
     * {@code recommended}{@link #SOURCE_FILE}{@code FILE} with FILE in the CHALLENGER slot as the group source instead
     * of {@link #TRAINED_MODEL} (a successor of v24). The file forms combine, the ACTIVE one first:
     * {@code recommended=A+source=S+second=B} (no file path may hold {@code +second=} or {@code +source=}).
     */
    @Param({"off", "on", "worst", "model", "trained", "shipped"})
    public String rules;

    /** Appended to a {@link #rules} value: HOME_SAME_SET_LIMIT 255 on too (forty-seventh session, its cost). */
    static final String SAME_SET_SUFFIX = "+sameset";

    /** Appended to a shipped {@link #rules} value: {@link #SECOND_MODEL} in the SECOND slot too (issue 13). */
    static final String SECOND_SUFFIX = "+second";

    /** The event model tried as the second deciding model (fifty-second session): v48, 240 trees. */
    static final String SECOND_MODEL = "/com/wodian/perf/riskmodel/model-v48.txt";

    /**
     * The recommended configuration with its step 5 ({@link #RECOMMENDED_SECOND_MODEL} second), its ACTIVE model
     * replaceable: {@code recommended} or {@code recommended=FILE}.
     */
    static final String RECOMMENDED = "recommended";

    /**
     * Step 3 of the recommended configuration: v68 (v31's recipe trained again on the warm world, 240 trees; since the
     * fifty-seventh session, after its HELD_OUT 933-938 run). v31 ({@link #SHIPPED_MODEL}) was step 3 before it.
     */
    static final String RECOMMENDED_ACTIVE_MODEL = "/com/wodian/perf/riskmodel/model-v68.txt";

    /** After {@link #RECOMMENDED}: the model file that follows goes into the SECOND slot instead of step 5's. */
    static final String SECOND_FILE = "+second=";

    /** After {@link #RECOMMENDED}: the model file that follows is the group source (CHALLENGER) instead of v24. */
    static final String SOURCE_FILE = "+source=";

    /**
     * Step 5 of the recommended configuration: v80, written by hand (v78 with three more trees before its exit marker,
     * so nine trees to the marker instead of six: v78 OR "a phone rebound and a device bound in the last 7 days at a
     * shop new to the account"; since the fifty-ninth session's joint HELD_OUT 963-968 run, in the benchmarks since the
     * sixtieth: docs/risk.md "The shipped configuration and the recommended one"). v78 (v77's 14 trees and exit marker
     * after the 6th, its gate on the exact new shop, feature 88) was step 5 in the fifty-eighth session, v77 in the
     * fifty-seventh, v66 (5 trees, a marker after 4) in the fifty-sixth, v55 (three trees, no marker) before it.
     */
    static final String RECOMMENDED_SECOND_MODEL = "/com/wodian/perf/riskmodel/model-v80.txt";

    private EngineFixture fixture;
    private UnsafeBuffer ring;
    private int payLength;
    private int cursor;
    private long nextPaymentId = 1;
    private ReplyCounter replies;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        final EngineConfig config = new EngineConfig()
            .consumersMax(EnginePayBenchmark.CONSUMERS)
            .merchantsMax(EnginePayBenchmark.MERCHANTS)
            .terminalsMax(EnginePayBenchmark.MERCHANTS * EnginePayBenchmark.TERMINALS_PER_MERCHANT)
            .keysMax(EnginePayBenchmark.KEYS_MAX)
            .keyRetentionMs(0)
            .amountFenMax(EngineConfig.AMOUNT_FEN_CEILING);
        fixture = EngineFixture.populate(config, EnginePayBenchmark.MERCHANTS,
            EnginePayBenchmark.TERMINALS_PER_MERCHANT, EnginePayBenchmark.CONSUMERS, EnginePayBenchmark.TOP_UP_FEN,
            EnginePayBenchmark.SEED);
        // Payments start a month after registration, as in a live system: a scoring model judges brand-new accounts
        // and shops differently (ACCOUNT_AGE_HOURS, MERCHANT_AGE_HOURS), and this benchmark measures everyday traffic.
        fixture.skipAhead(ACCOUNTS_AGE_MS);
        replies = new ReplyCounter(blackhole);
        final CommandEncoder encoder = new CommandEncoder();
        homeSameSetLimit(encoder);
        applyRiskSettings(encoder, baseRules());

        ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned(EnginePayBenchmark.RING_SIZE <<
            EnginePayBenchmark.SLOT_SHIFT, 64));
        final SplittableRandom random = new SplittableRandom(EnginePayBenchmark.SEED + 1);
        for (int slot = 0; slot < EnginePayBenchmark.RING_SIZE; slot++)
        {
            final long merchantId = 1 + random.nextInt(EnginePayBenchmark.MERCHANTS);
            final long terminalId = EngineFixture.terminalId(merchantId,
                random.nextInt(EnginePayBenchmark.TERMINALS_PER_MERCHANT));
            final long consumerId = 1 + random.nextInt(EnginePayBenchmark.CONSUMERS);
            final long amountFen = random.nextLong(EnginePayBenchmark.AMOUNT_FEN_MIN,
                EnginePayBenchmark.AMOUNT_FEN_MAX + 1);
            payLength = encoder.pay(ring, slot << EnginePayBenchmark.SLOT_SHIFT, merchantId, terminalId, 0,
                consumerId, amountFen);
        }
        for (int i = 0; i < 2 * EnginePayBenchmark.RING_SIZE; i++)
        {
            pay();
        }
        replies.requireAllOk("EngineRiskPayBenchmark warm pass");
        System.out.println("EngineRiskPayBenchmark rules " + rules + " warm pass replies: " + replies.summary() +
            "; risk decisions " + fixture.engine().riskDecisions());
        fixture.engine().verifyInvariants();
        replies.reset();
    }

    /**
     * The risk rules at tuned (or worst-case) thresholds and the models that {@code base} names: a {@link #rules} value
     * without its {@link #SAME_SET_SUFFIX} ("worst+sameset" is the worst case too, "model+sameset" loads the model).
     */
    private void applyRiskSettings(final CommandEncoder encoder, final String base)
    {
        if ("off".equals(base))
        {
            return;
        }
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
        for (int rule = 1; rule <= Engine.RISK_RULES_CONFIGURABLE; rule++)
        {
            final long[] setting = "worst".equals(base) ? worstCase(rule) : tunedWithinReach(rule);
            final int length = encoder.setRiskRule(scratch, 0, 0, rule, RiskMode.ENFORCE,
                RiskAction.get((short)setting[0]), setting[1], setting[2], setting[3]);
            fixture.apply(scratch, 0, length, replies);
        }
        if ("model".equals(base))
        {
            loadModel(encoder, scratch);
        }
        else if (base.startsWith("trained"))
        {
            loadTrainedModel(encoder, scratch);
        }
        else if (base.startsWith("shipped"))
        {
            final boolean second = base.endsWith(SECOND_SUFFIX);
            final String shipped = second ? base.substring(0, base.length() - SECOND_SUFFIX.length()) : base;
            loadShippedModels(encoder, scratch, shipped.startsWith("shipped:") ?
                Long.parseLong(shipped.substring("shipped:".length())) : SHIPPED_SHADOW_SAMPLE,
                readModel(null, SHIPPED_MODEL), readModel(null, TRAINED_MODEL));
            if (second)
            {
                readModel(null, SECOND_MODEL).encode(encoder, scratch, RiskModelSlot.SECOND, (buffer, length) ->
                    fixture.apply(buffer, 0, length, replies));
            }
        }
        else if (isRecommended(base))
        {
            loadShippedModels(encoder, scratch, SHIPPED_SHADOW_SAMPLE, recommendedActiveModel(base),
                recommendedSourceModel(base));
            recommendedSecondModel(base).encode(encoder, scratch, RiskModelSlot.SECOND,
                (buffer, length) -> fixture.apply(buffer, 0, length, replies));
        }
        else if (!"on".equals(base) && !"worst".equals(base))
        {
            throw new IllegalArgumentException("EngineRiskPayBenchmark: unknown rules '" + rules + "'");
        }
        replies.requireAllOk("EngineRiskPayBenchmark rules");
        replies.reset();
    }

    /** The model risk-train trained on the independent world, shipped with the perf module. */
    static final String TRAINED_MODEL = "/com/wodian/perf/riskmodel/model-v24.txt";

    /**
     * The shipped trained model (its real trees, features and group stage), decline and flag scores out of reach so
     * that no event is written: the cost of scoring, not of recording.
     */
    private void loadTrainedModel(final CommandEncoder encoder, final UnsafeBuffer scratch)
    {
        final int at = rules.indexOf('=');
        final com.wodian.perf.riskmodel.TreeModel trained = readModel(at < 0 ? null : rules.substring(at + 1),
            TRAINED_MODEL);
        final int colon = rules.indexOf(':');
        final com.wodian.perf.riskmodel.TreeModel loaded = colon < 0 || at >= 0 ? trained :
            trained.firstTrees(Integer.parseInt(rules.substring(colon + 1)));
        loaded.encode(encoder, scratch, RiskModelSlot.ACTIVE, (buffer, length) ->
            fixture.apply(buffer, 0, length, replies));
        fixture.apply(scratch, 0, encoder.setRiskRule(scratch, 0, 0, Engine.RISK_RULE_MODEL, RiskMode.ENFORCE,
            RiskAction.DECLINE, 0, 0, 0), replies);
    }

    /** The shipped model of issue 13 (v31, trained for v24 as its group source; docs/risk.md "The shipped ..."). */
    static final String SHIPPED_MODEL = "/com/wodian/perf/riskmodel/model-v31.txt";

    /** HOME_SAME_SET_LIMIT 255 for a {@link #rules} value with {@link #SAME_SET_SUFFIX}. */
    private void homeSameSetLimit(final CommandEncoder encoder)
    {
        if (rules.endsWith(SAME_SET_SUFFIX) || isRecommended(rules))
        {
            final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
            fixture.apply(scratch, 0, encoder.setEngineSetting(scratch, 0, EngineSetting.HOME_SAME_SET_LIMIT, 255),
                replies);
        }
    }

    /**
     * The ACTIVE slot's model of a recommended {@link #rules} value: {@link #RECOMMENDED_ACTIVE_MODEL}, or FILE of
     * {@code recommended=FILE}; decline and flag scores out of reach.
     */
    static com.wodian.perf.riskmodel.TreeModel recommendedActiveModel(final String base)
    {
        return readModel(base.startsWith(RECOMMENDED + "=") ? recommendedFile(base, RECOMMENDED + "=") : null,
            RECOMMENDED_ACTIVE_MODEL);
    }

    /**
     * The CHALLENGER slot's model (the group source) of a recommended {@link #rules} value: {@link #TRAINED_MODEL}
     * (v24), or FILE of {@code recommended+source=FILE}; decline and flag scores out of reach.
     */
    static com.wodian.perf.riskmodel.TreeModel recommendedSourceModel(final String base)
    {
        return readModel(recommendedFile(base, SOURCE_FILE), TRAINED_MODEL);
    }

    /** FILE of {@code marker}FILE in a recommended {@link #rules} value, up to the next file form's marker; or null. */
    private static String recommendedFile(final String base, final String marker)
    {
        final int at = base.indexOf(marker);
        if (at < 0)
        {
            return null;
        }
        final int from = at + marker.length();
        int to = base.length();
        for (final String next : new String[] {SECOND_FILE, SOURCE_FILE})
        {
            final int end = base.indexOf(next, from);
            to = end >= 0 ? Math.min(to, end) : to;
        }
        return base.substring(from, to);
    }

    /**
     * The SECOND slot's model of a recommended {@link #rules} value: {@link #RECOMMENDED_SECOND_MODEL}, or FILE of
     * {@code recommended+second=FILE}; decline and flag scores out of reach.
     */
    static com.wodian.perf.riskmodel.TreeModel recommendedSecondModel(final String base)
    {
        return readModel(recommendedFile(base, SECOND_FILE), RECOMMENDED_SECOND_MODEL);
    }

    /** {@code recommended}, or it with file forms: {@code recommended=FILE}, {@code recommended+second=FILE}, ... */
    private static boolean isRecommended(final String value)
    {
        return value.equals(RECOMMENDED) || value.startsWith(RECOMMENDED + "=") ||
            value.startsWith(RECOMMENDED + SECOND_FILE) || value.startsWith(RECOMMENDED + SOURCE_FILE);
    }

    /** {@link #rules} without {@link #SAME_SET_SUFFIX}: the rules and models it names. */
    private String baseRules()
    {
        return rules.endsWith(SAME_SET_SUFFIX) ? rules.substring(0, rules.length() - SAME_SET_SUFFIX.length()) :
            rules;
    }

    /**
     * The challenger's shadow sample in the shipped configuration since the forty-sixth session (its period, carried in
     * v24's exit marker): it is scored in full and recorded on a deterministic 1-in-8 sample of the commands; outside
     * it only its individual score (the group features) is computed (docs/risk.md, "Cost on the payment path").
     */
    static final long SHIPPED_SHADOW_SAMPLE = 8;

    /**
     * The shipped configuration: {@link #SHIPPED_MODEL} ACTIVE (enforced), {@link #TRAINED_MODEL} CHALLENGER (rule 15
     * in shadow, sampled 1 in {@link #SHIPPED_SHADOW_SAMPLE}) filling the group features (RISK_GROUP_SOURCE 1), as
     * {@code wodian risk-eval --group-source} runs them (every command there).
     * Decline and flag scores of both out of reach, as for {@code trained}: the cost of scoring two models, not of
     * recording (v24 in service would flag most of this traffic, each a shadow event with its reasons).
     * {@code active}: the model in the ACTIVE slot ({@link #SHIPPED_MODEL} for the shipped forms); {@code source}: the
     * one in the CHALLENGER slot ({@link #TRAINED_MODEL} but for {@code recommended+source=FILE}).
     */
    private void loadShippedModels(final CommandEncoder encoder, final UnsafeBuffer scratch, final long shadowSample,
        final com.wodian.perf.riskmodel.TreeModel active, final com.wodian.perf.riskmodel.TreeModel source)
    {
        active.encode(encoder, scratch, RiskModelSlot.ACTIVE, (buffer, length) ->
            fixture.apply(buffer, 0, length, replies));
        fixture.apply(scratch, 0, encoder.setRiskRule(scratch, 0, 0, Engine.RISK_RULE_MODEL, RiskMode.ENFORCE,
            RiskAction.DECLINE, 0, 0, 0), replies);
        // v24 has 256 trees: the period goes into its exit marker (TreeModel.withShadowSample).
        final com.wodian.perf.riskmodel.TreeModel challenger = source.withShadowSample(shadowSample);
        challenger.encode(encoder, scratch, RiskModelSlot.CHALLENGER, (buffer, length) ->
            fixture.apply(buffer, 0, length, replies));
        fixture.apply(scratch, 0, encoder.setRiskRule(scratch, 0, 0, Engine.RISK_RULE_CHALLENGER, RiskMode.SHADOW,
            RiskAction.DECLINE, 0, 0, 0), replies);
        fixture.apply(scratch, 0, encoder.setEngineSetting(scratch, 0, EngineSetting.RISK_GROUP_SOURCE, 1), replies);
    }

    /** A model file ({@code file}), else the perf module's {@code resource}; decline and flag scores out of reach. */
    private static com.wodian.perf.riskmodel.TreeModel readModel(final String file, final String resource)
    {
        final com.wodian.perf.riskmodel.TreeModel model;
        try (java.io.InputStream in = file == null ? EngineRiskPayBenchmark.class.getResourceAsStream(resource) :
            java.nio.file.Files.newInputStream(java.nio.file.Path.of(file)))
        {
            final java.nio.file.Path copy = java.nio.file.Files.createTempFile("wodian-model", ".txt");
            java.nio.file.Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            model = com.wodian.perf.riskmodel.TreeModel.read(copy);
            java.nio.file.Files.delete(copy);
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
        model.declineScore = Integer.MAX_VALUE;
        model.flagScore = Integer.MAX_VALUE;
        return model;
    }

    /**
     * A model with the shape of a trained one (random features, thresholds drawn around typical feature values, so
     * branches are not predictable), decline and flag scores out of reach.
     */
    private void loadModel(final CommandEncoder encoder, final UnsafeBuffer scratch)
    {
        final SplittableRandom random = new SplittableRandom(EnginePayBenchmark.SEED + 2);
        final int featureCount = Engine.riskFeatureNames().length;
        final int[] features = new int[MODEL_TREES * 3];
        final long[] thresholds = new long[MODEL_TREES * 3];
        final int[] leaves = new int[MODEL_TREES * 4];
        for (int i = 0; i < features.length; i++)
        {
            features[i] = random.nextInt(featureCount);
            thresholds[i] = random.nextInt(4);
        }
        for (int i = 0; i < leaves.length; i++)
        {
            leaves[i] = random.nextInt(-500, 500);
        }
        final com.wodian.perf.riskmodel.TreeModel model = new com.wodian.perf.riskmodel.TreeModel(1,
            Integer.MAX_VALUE, Integer.MAX_VALUE, features, thresholds, leaves);
        model.encode(encoder, scratch, RiskModelSlot.ACTIVE, (buffer, length) ->
            fixture.apply(buffer, 0, length, replies));
        fixture.apply(scratch, 0, encoder.setRiskRule(scratch, 0, 0, Engine.RISK_RULE_MODEL, RiskMode.ENFORCE,
            RiskAction.DECLINE, 0, 0, 0), replies);
    }

    /**
     * The tuned defaults, except the rules this time-compressed traffic would trip: each consumer pays about twice a
     * minute of input time at random merchants, each terminal fifty times a minute, and the ring repeats every
     * (consumer, merchant, amount) about once a minute, so a small payment repeats on its pair. Consumer velocity,
     * terminal velocity and distinct parties get thresholds out of reach, and so do the pair-burst count (small
     * payments are still tracked in the pair table) and the daily limit (sums are still kept).
     */
    private static long[] tunedWithinReach(final int rule)
    {
        final long[] setting = Engine.riskRuleDefaults(rule);
        if (rule == 1 || rule == 2 || rule == 10)
        {
            setting[1] = NEVER;
            setting[2] = NEVER;
        }
        if (rule == 6)
        {
            setting[2] = NEVER;
        }
        if (rule == 4)
        {
            setting[1] = NEVER;   // a long run adds up to days of spending per consumer
        }
        return setting;
    }

    /**
     * Every rule does all its work on every payment and never declines: amount anomaly with no minimum history or
     * amount, every payment "small" for the pair burst (so every payment updates the pair table).
     */
    private static long[] worstCase(final int rule)
    {
        return new long[]{RiskAction.DECLINE.value(), NEVER, rule == 3 ? 0 : NEVER, 0};
    }

    /** The engine under test (for {@link RiskModelBenchmark}, which takes its feature vectors from this traffic). */
    Engine engine()
    {
        return fixture.engine();
    }

    @Benchmark
    public void pay()
    {
        final int offset = cursor << EnginePayBenchmark.SLOT_SHIFT;
        ring.putLong(offset + PAYMENT_ID_OFFSET, nextPaymentId++, ByteOrder.LITTLE_ENDIAN);
        fixture.apply(ring, offset, payLength, replies);
        cursor = (cursor + 1) & (EnginePayBenchmark.RING_SIZE - 1);
    }

    /**
     * The next {@code batch} payments of the ring as one batch ({@link EngineRiskPayBatchBenchmark}): their paymentIds
     * written, the staged prefetch over all of them ({@link Engine#prefetchInput}, then {@link Engine#prefetchBatch}),
     * then applied in order: the same commands and replies as {@code batch} calls of {@link #pay()}. Returns the
     * prefetch's folded loads, for the caller to keep.
     */
    long payBatch(final int batch)
    {
        final Engine engine = fixture.engine();
        int slot = cursor;
        for (int i = 0; i < batch; i++)
        {
            final int offset = slot << EnginePayBenchmark.SLOT_SHIFT;
            ring.putLong(offset + PAYMENT_ID_OFFSET, nextPaymentId++, ByteOrder.LITTLE_ENDIAN);
            engine.prefetchInput(ring, offset, payLength);
            slot = (slot + 1) & (EnginePayBenchmark.RING_SIZE - 1);
        }
        final long prefetched = engine.prefetchBatch();
        for (int i = 0; i < batch; i++)
        {
            fixture.apply(ring, cursor << EnginePayBenchmark.SLOT_SHIFT, payLength, replies);
            cursor = (cursor + 1) & (EnginePayBenchmark.RING_SIZE - 1);
        }
        return prefetched;
    }

    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        replies.requireAllOk("EngineRiskPayBenchmark iteration");
        replies.reset();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        fixture.engine().verifyInvariants();
    }
}
