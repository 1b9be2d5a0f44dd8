package com.wodian.engine.risk;

import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The checks every new risk feature's test makes once a one-tree model enforces it: the schema gate (a build of the
 * previous payload schema refused a tree naming the feature, so an old journal replays to the same refusal) and
 * determinism (a twin fed the journal and an engine restored from a snapshot half-way decide byte-alike). Shared by
 * the feature tests so that each states only its feature, its stream and what it expects to see lit.
 */
final class EnforcedFeatureChecks
{
    /** The header's schema-version field (SBE message header: block length, template, schema id, version). */
    private static final int SCHEMA_VERSION_OFFSET = 6;
    private static final int STREAM_INPUTS = 4_000;

    private EnforcedFeatureChecks()
    {
    }

    /** One input of a stream: its encoded length, and whether it is a payment (scored) or not (an account event). */
    record Input(int length, boolean payment)
    {
    }

    /** Encodes the next input into {@code live.command}; may advance {@code live}'s clock first. */
    @FunctionalInterface
    interface Inputs
    {
        Input next(EngineDriver live, SplittableRandom random, int input);
    }

    /** Sees each payment of the stream: the live engine's features of it and its result. */
    @FunctionalInterface
    interface Scored
    {
        void payment(long[] features, ResultCode code);
    }

    /**
     * Loads a one-tree active model of {@code version} (trees message built by {@code trees}) and enforces it: the
     * MODEL rule declines what it scores at or above its threshold.
     */
    static void loadEnforcedModel(final EngineDriver e, final int version, final ToIntFunction<EngineDriver> trees)
    {
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.BEGIN, version, 1, 1_000, 900)));
        assertEquals(ResultCode.OK, e.apply(trees.applyAsInt(e)));
        commitAndEnforce(e, version);
    }

    /**
     * The trees message built by {@code trees} is refused (RISK_MODEL_INVALID, state unchanged) in a message of
     * schema {@code firstSchema - 1} and loads from {@code firstSchema}; the model is then committed and enforced.
     */
    static void assertNamedFromSchema(final EngineDriver d, final int version, final int firstSchema,
        final ToIntFunction<EngineDriver> trees)
    {
        assertEquals(ResultCode.OK, d.apply(d.encoder.setRiskModel(d.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.BEGIN, version, 1, 1_000, 900)));
        final long hash = d.engine.stateHashIgnoringSequence();
        final int length = trees.applyAsInt(d);
        d.command.putShort(SCHEMA_VERSION_OFFSET, (short)(firstSchema - 1), ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.RISK_MODEL_INVALID, d.apply(length), "named in a schema-" + (firstSchema - 1) +
            " message");
        assertEquals(hash, d.engine.stateHashIgnoringSequence(), "the refusal changed nothing");
        d.command.putShort(SCHEMA_VERSION_OFFSET, (short)firstSchema, ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.OK, d.apply(length), "named in a schema-" + firstSchema + " message");
        commitAndEnforce(d, version);
    }

    private static void commitAndEnforce(final EngineDriver e, final int version)
    {
        assertEquals(ResultCode.OK, e.apply(e.encoder.setRiskModel(e.command, 0, RiskModelSlot.ACTIVE,
            RiskModelOp.COMMIT, version, 0, 0, 0)));
        assertEquals(ResultCode.OK, e.riskRule(0, RiskRules.MODEL, RiskMode.ENFORCE, RiskAction.DECLINE, 0, 0, 0));
    }

    /**
     * Two engines set up alike by {@code setUp} (feature capture on) run {@value #STREAM_INPUTS} inputs of
     * {@code inputs} seeded by {@code seed}: the twin is fed the live journal; a third engine restored from the live
     * snapshot after half the inputs follows from there. Every reply is byte-identical (applyLastInputTo), every
     * payment is scored with equal features on the restored engine, and the state hashes agree after the set-up, at the
     * restore and at the end; {@code scored} sees each payment so the caller can check the feature was lit and decided.
     */
    static void assertTwinAndRestoredDecideAlike(final long seed, final Consumer<EngineDriver> setUp,
        final Inputs inputs, final Scored scored)
    {
        final EngineDriver live = new EngineDriver(EngineConfig.small());
        final EngineDriver twin = new EngineDriver(EngineConfig.small());
        for (final EngineDriver e : new EngineDriver[]{live, twin})
        {
            e.engine.captureRiskFeatures(true);
            setUp.accept(e);
        }
        assertEquals(live.engine.stateHash(), twin.engine.stateHash(), "after the set-up");
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] liveFeatures = new long[RiskFeatures.COUNT];
        final long[] restoredFeatures = new long[RiskFeatures.COUNT];
        EngineDriver restored = null;
        for (int input = 1; input <= STREAM_INPUTS; input++)
        {
            final Input next = inputs.next(live, random, input);
            final ResultCode code = live.apply(next.length());
            live.applyLastInputTo(next.length(), twin, restored);
            if (next.payment())
            {
                assertEquals(live.sequence, live.engine.lastRiskFeatures(liveFeatures), "input " + input + " scored");
                scored.payment(liveFeatures, code);
                if (restored != null)
                {
                    restored.engine.lastRiskFeatures(restoredFeatures);
                    assertArrayEquals(liveFeatures, restoredFeatures, "features of input " + input + " (restored)");
                }
            }
            if (input == STREAM_INPUTS / 2)
            {
                restored = live.restoredFromSnapshot(EngineConfig.small());
                restored.engine.captureRiskFeatures(true);
                assertEquals(live.engine.stateHash(), restored.engine.stateHash(), "restored");
            }
        }
        assertEquals(live.engine.stateHash(), twin.engine.stateHash(), "the twin");
        assertEquals(live.engine.stateHash(), restored.engine.stateHash(), "restored half-way");
    }
}
