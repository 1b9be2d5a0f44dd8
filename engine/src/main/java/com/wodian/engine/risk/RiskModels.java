package com.wodian.engine.risk;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;

/**
 * The three model slots (active, challenger and, since payload schema 15, the second deciding model) and the staging
 * area a SetRiskModel load goes through: BEGIN names the slot, version, tree count and scores; TREES messages add trees
 * strictly in order; COMMIT swaps the staged model into its slot only when every tree arrived. Any step out of order is
 * refused (RISK_MODEL_INVALID) and changes nothing, so a replayed or repeated load ends in the same state.
 */
public final class RiskModels
{
    static final int SLOT_ACTIVE = RiskModelSlot.ACTIVE.value();
    static final int SLOT_CHALLENGER = RiskModelSlot.CHALLENGER.value();
    static final int SLOT_SECOND = RiskModelSlot.SECOND.value();

    final RiskModel active = new RiskModel();
    final RiskModel challenger = new RiskModel();
    /**
     * The second deciding model (docs/risk.md, "The second deciding model"): scored wherever the active one is, it
     * declines under rule 14 a command whose own score reaches its own decline score. Snapshot format 22 on; in the
     * state hash only while loaded, so that a state without it hashes as before it existed.
     */
    final RiskModel second = new RiskModel();
    private final RiskModel staging = new RiskModel();
    /** The features clamped once per payment for both slots' narrow evaluation ({@link #clampFeatures}). */
    private final int[] narrowFeatures = RiskModel.newNarrowFeatures();
    /** Slot the staged model is for, 0 when nothing is staged. */
    private int stagingSlot;

    /**
     * Whether a loaded model tests a consumer–merchant pair feature: only then does scoring look the pair up (a
     * cache miss in a table of a million slots). Kept current by every COMMIT and CLEAR and after a snapshot load.
     */
    private boolean pairFeaturesUsed;

    boolean pairFeaturesUsed()
    {
        return pairFeaturesUsed;
    }

    private void updatePairFeaturesUsed()
    {
        pairFeaturesUsed = usesPair(active) || usesPair(challenger) || usesPair(second);
    }

    private static boolean usesPair(final RiskModel model)
    {
        return model.loaded() &&
            (model.uses(RiskFeatures.PAIR_SMALL_PAYMENTS) || model.uses(RiskFeatures.PAIR_REFUNDS));
    }

    /**
     * Clamps the payment's features once for every narrow model that scores it ({@link RiskModel#clampFeatures}): with
     * two models (the shipped configuration) the clamp ran once per model.
     */
    void clampFeatures(final long[] x)
    {
        RiskModel.clampFeatures(x, narrowFeatures);
    }

    /** Scores {@code x} with {@code model} (one of the slots) from the features {@link #clampFeatures} clamped. */
    int score(final RiskModel model, final long[] x)
    {
        return model.score(x, narrowFeatures);
    }

    /** {@code model}'s individual score only ({@link RiskModel#scoreIndividual}), from the features clamped. */
    int scoreIndividual(final RiskModel model, final long[] x)
    {
        return model.scoreIndividual(x, narrowFeatures);
    }

    public RiskModel slot(final int slot)
    {
        return slot == SLOT_ACTIVE ? active : slot == SLOT_SECOND ? second : challenger;
    }

    /**
     * A slot this engine has. SECOND is a value of payload schema 15: the command catalog refuses it in a message of
     * an older version before it reaches here, so an older journal that named it replays to the same refusal.
     */
    public static boolean validSlot(final int slot)
    {
        return slot == SLOT_ACTIVE || slot == SLOT_CHALLENGER || slot == SLOT_SECOND;
    }

    /** BEGIN, COMMIT or CLEAR; TREES go through {@link #checkTrees} and {@link #stageTree}. */
    public ResultCode control(final int slot, final int op, final long version, final int treeCount,
        final int declineScore, final int flagScore)
    {
        if (!validSlot(slot))
        {
            return ResultCode.RISK_MODEL_INVALID;
        }
        if (op == RiskModelOp.BEGIN.value())
        {
            if (version <= 0 || treeCount < 1 || treeCount > RiskModel.TREES_MAX)
            {
                return ResultCode.RISK_MODEL_INVALID;
            }
            staging.resetStaging();
            staging.begin(version, treeCount, declineScore, flagScore);
            stagingSlot = slot;
            return ResultCode.OK;
        }
        if (op == RiskModelOp.COMMIT.value())
        {
            if (stagingSlot != slot || staging.version() != version ||
                staging.stagedTrees() != staging.expectedTrees() || !staging.stagedExitValid())
            {
                return ResultCode.RISK_MODEL_INVALID;
            }
            slot(slot).copyFrom(staging);
            staging.resetStaging();
            stagingSlot = 0;
            updatePairFeaturesUsed();
            return ResultCode.OK;
        }
        if (op == RiskModelOp.CLEAR.value())
        {
            slot(slot).clear();
            updatePairFeaturesUsed();
            return ResultCode.OK;
        }
        return ResultCode.RISK_MODEL_INVALID;
    }

    /** May {@code count} trees starting at {@code firstTree} be staged now? */
    public ResultCode checkTrees(final int slot, final long version, final int firstTree, final int count)
    {
        if (stagingSlot == 0 || stagingSlot != slot || staging.version() != version ||
            firstTree != staging.stagedTrees() || count < 1 || count > RiskModel.TREES_PER_MESSAGE_MAX ||
            firstTree + count > staging.expectedTrees())
        {
            return ResultCode.RISK_MODEL_INVALID;
        }
        return ResultCode.OK;
    }

    /** A feature id below {@code featureCount} (see {@link RiskFeatures#countForSchemaVersion}). */
    public static boolean validFeature(final int feature, final int featureCount)
    {
        return feature >= 0 && feature < featureCount;
    }

    /**
     * Three feature ids below {@code featureCount}, or an exit marker ({@link RiskModel#EXIT_MARKER} at node 0,
     * children valid, leaves 0).
     */
    public static boolean validTree(final int f0, final int f1, final int f2, final int leaf0, final int leaf1,
        final int leaf2, final int leaf3, final int featureCount)
    {
        return RiskModel.validTree(f0, f1, f2, leaf0, leaf1, leaf2, leaf3, featureCount);
    }

    public void stageTree(final int f0, final long t0, final int f1, final long t1, final int f2, final long t2,
        final int leaf0, final int leaf1, final int leaf2, final int leaf3)
    {
        staging.stageTree(f0, t0, f1, t1, f2, t2, leaf0, leaf1, leaf2, leaf3);
    }

    /** Drops staged trees back to {@code stagedTrees} (a message with a bad tree stages nothing). */
    public void unstage(final int stagedTrees)
    {
        staging.unstage(stagedTrees);
    }

    void writeTo(final SnapshotWriter writer)
    {
        active.writeTo(writer);
        challenger.writeTo(writer);
        staging.writeTo(writer);
        writer.writeLong(stagingSlot);
    }

    void readFrom(final SnapshotReader reader)
    {
        active.readFrom(reader);
        challenger.readFrom(reader);
        staging.readFrom(reader);
        final long slot = reader.readLong();
        if (slot < 0 || slot > Integer.MAX_VALUE)
        {
            throw new IllegalStateException("snapshot: risk model staging slot " + slot);
        }
        stagingSlot = (int)slot;
        updatePairFeaturesUsed();
    }

    /**
     * Is the command of journal sequence {@code sequence} in the challenger's shadow sample of period {@code period}
     * (its model's sample marker, {@link RiskModel#SAMPLE_MARKER}, rounded down to a power of two; 0 and 1: every
     * command)? A pure function of the journal and the journaled model, so a replay, a standby and a batched apply
     * sample the same commands; the sequence is mixed (SplitMix64's finaliser) so that the sample does not beat with a
     * periodic load. docs/risk.md, "The challenger's shadow sample".
     */
    static boolean inShadowSample(final long period, final long sequence)
    {
        if (period <= 1)
        {
            return true;
        }
        long mixed = (sequence ^ (sequence >>> 30)) * 0xBF58476D1CE4E5B9L;
        mixed = (mixed ^ (mixed >>> 27)) * 0x94D049BB133111EBL;
        mixed ^= mixed >>> 31;
        return (mixed & (Long.highestOneBit(period) - 1)) == 0;
    }

    /** The second slot's model (snapshot format 22 on), written after the account-event times. */
    public void writeSecondTo(final SnapshotWriter writer)
    {
        second.writeTo(writer);
    }

    /** The second slot's model from a snapshot of format 22 or later (an older one leaves it empty). */
    public void readSecondFrom(final SnapshotReader reader)
    {
        second.readFrom(reader);
        updatePairFeaturesUsed();
    }

    long hash(final long seed)
    {
        final long hash = StateHash.fold(staging.hash(challenger.hash(active.hash(seed))), stagingSlot);
        // An empty second slot (cleared or never loaded: every field 0) is not folded, so that every state that does
        // not use it hashes as before payload schema 15, as replicas and the golden journal compare.
        return second.loaded() ? second.hash(hash) : hash;
    }
}
