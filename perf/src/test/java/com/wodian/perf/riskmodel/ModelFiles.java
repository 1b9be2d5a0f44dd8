package com.wodian.perf.riskmodel;

import com.wodian.engine.Engine;
import com.wodian.engine.risk.RiskFeatures;
import com.wodian.engine.risk.RiskModel;
import com.wodian.engine.risk.RiskModels;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model files tests read, their load into an engine slot, and what the model tests count in a file (trees
 * reading a range of features, the strikes no trainer reads, the shapes of v31's and v20's recipes): one home for what
 * the tests of the shipped, recommended and warm-trained models did each in their own copy.
 */
final class ModelFiles
{
    /** v20's recipe: {@code --exit-trees 24}, the exit marker right after the 24th tree. */
    private static final int V20_EXIT_AFTER_TREES = 24;
    /** v20's recipe: {@code --per-trade}, one offset tree per trade (15) after every other tree. */
    private static final int V20_PER_TRADE_OFFSETS = 15;

    private ModelFiles()
    {
    }

    /**
     * A model file of perf's resources ({@code com/wodian/perf/riskmodel/NAME}, the files `wodian pos risk-model`
     * sends), read by {@link TreeModel#read} through a temporary copy, as the CLI reads a file.
     */
    static TreeModel resource(final String name) throws IOException
    {
        final Path copy = Files.createTempFile("wodian-model", ".txt");
        try (InputStream in = ModelFiles.class.getResourceAsStream("/com/wodian/perf/riskmodel/" + name))
        {
            assertTrue(in != null, "no resource " + name);
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return TreeModel.read(copy);
        }
        finally
        {
            Files.delete(copy);
        }
    }

    /**
     * Loads {@code model} into {@code slot} of a new {@link RiskModels} as SetRiskModel's BEGIN, TREES and COMMIT do
     * (each tree validated, checked and staged), under {@code version}; the slot's model.
     */
    static RiskModel loaded(final RiskModelSlot slot, final TreeModel model, final long version)
    {
        final RiskModels models = new RiskModels();
        final int slotValue = slot.value();
        assertEquals(ResultCode.OK, models.control(slotValue, RiskModelOp.BEGIN.value(), version, model.treeCount(),
            model.declineScore, model.flagScore));
        for (int tree = 0; tree < model.treeCount(); tree++)
        {
            final int n = tree * 3;
            final int l = tree * 4;
            assertTrue(RiskModels.validTree(model.features[n], model.features[n + 1], model.features[n + 2],
                model.leaves[l], model.leaves[l + 1], model.leaves[l + 2], model.leaves[l + 3], RiskFeatures.COUNT),
                "tree " + tree);
            assertEquals(ResultCode.OK, models.checkTrees(slotValue, version, tree, 1), "tree " + tree);
            models.stageTree(model.features[n], model.thresholds[n], model.features[n + 1], model.thresholds[n + 1],
                model.features[n + 2], model.thresholds[n + 2], model.leaves[l], model.leaves[l + 1],
                model.leaves[l + 2], model.leaves[l + 3]);
        }
        assertEquals(ResultCode.OK, models.control(slotValue, RiskModelOp.COMMIT.value(), version, 0, 0, 0));
        return models.slot(slotValue);
    }

    /** Trees with at least one node testing a feature in [{@code first}, {@code last}]. */
    static int treesReading(final TreeModel model, final int first, final int last)
    {
        int trees = 0;
        for (int tree = 0; tree < model.treeCount(); tree++)
        {
            boolean reads = false;
            for (int node = tree * 3; node < tree * 3 + 3; node++)
            {
                reads |= model.features[node] >= first && model.features[node] <= last;
            }
            trees += reads ? 1 : 0;
        }
        return trees;
    }

    /** Trees testing a group feature (53-56: what the group source found suspicious lately per shop, till, ...). */
    static int groupTrees(final TreeModel model)
    {
        return treesReading(model, RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, RiskFeatures.TERMINAL_SUSPICIOUS_SHARE);
    }

    /** Trees testing an account-event feature (a credential reset, a device bound, ...: 80-87). */
    static int eventTrees(final TreeModel model)
    {
        return treesReading(model, RiskFeatures.MINUTES_SINCE_CREDENTIAL_RESET, RiskFeatures.EVENTED_NEW_SHOP_TRACES);
    }

    /** Trees testing the exact new shop (88 or 89: a node only a build of payload schema 16 or later reads). */
    static int exactShopTrees(final TreeModel model)
    {
        return treesReading(model, RiskFeatures.NEW_SHOP_EXACT, RiskFeatures.EVENTED_EXACT_NEW_SHOP_TRACES);
    }

    /**
     * No tree tests CONSUMER_STRIKES_24H, which the trainer leaves out: it exists only once something enforces, and
     * training runs see the rules in shadow (docs/risk.md, the features).
     */
    static void assertNoStrikes(final TreeModel model)
    {
        final int strikes = Arrays.asList(Engine.riskFeatureNames()).indexOf("CONSUMER_STRIKES_24H");
        assertEquals(0, treesReading(model, strikes, strikes), "the trainer leaves the strikes out");
    }

    /**
     * {@code model} is v20's recipe trained again as {@code like} was (v24, v70: two passes, 120 + 119 trees, the exit
     * marker after the 24th tree, the group marker, 15 per-trade offsets last, no strikes), with its own first-pass
     * flag score and tuned decline score; it loads into the CHALLENGER slot, where it runs as a group source.
     */
    static void assertV20sRecipe(final TreeModel like, final TreeModel model, final long version, final int flagScore,
        final int declineScore)
    {
        assertEquals(version, model.version);
        assertEquals(like.treeCount(), model.treeCount(), "v20's recipe: 120 + 119 trees, the exit and group "
            + "markers, 15 per-trade offsets");
        assertEquals(like.individualTrees(), model.individualTrees(), "120 first-pass trees and the exit marker");
        assertEquals(TreeModel.EXIT_MARKER, like.features[V20_EXIT_AFTER_TREES * 3], "--exit-trees 24");
        assertEquals(TreeModel.EXIT_MARKER, model.features[V20_EXIT_AFTER_TREES * 3], "--exit-trees 24");
        assertEquals(flagScore, model.flagScore, "the first pass's flag score: what counts as suspicious for 53-56");
        assertEquals(declineScore, model.declineScore, "risk-train's per-trade tuning; the CHALLENGER slot enforces "
            + "nothing");
        final int trade = Arrays.asList(Engine.riskFeatureNames()).indexOf("TRADE");
        for (int tree = model.treeCount() - V20_PER_TRADE_OFFSETS; tree < model.treeCount(); tree++)
        {
            assertEquals(trade, model.features[tree * 3], "--per-trade: the last trees are trade offsets");
        }
        assertNoStrikes(model);
        final RiskModel loaded = loaded(RiskModelSlot.CHALLENGER, model, version);
        assertEquals(version, loaded.version());
        assertEquals(model.treeCount(), loaded.treeCount());
        assertEquals(flagScore, loaded.flagScore());
    }

    /**
     * {@code model} is v31's recipe trained again (v68, v69, v71, v73: 240 trees for a group source, which never flag
     * and start with a group feature, no strikes) with the decline score {@code declineScore} ({@code reason}: how it
     * was chosen); it loads into the ACTIVE slot as it is.
     */
    static void assertV31sRecipe(final TreeModel model, final long version, final int declineScore,
        final String reason)
    {
        assertEquals(version, model.version);
        assertEquals(240, model.treeCount(), "--trees 240");
        assertEquals(declineScore, model.declineScore, reason);
        assertEquals(Integer.MAX_VALUE, model.flagScore, "trained for a group source: it never flags");
        assertEquals(0, model.individualTrees(), "no individual stage: its first tree reads a group feature");
        assertNoStrikes(model);
        final RiskModel loaded = loaded(RiskModelSlot.ACTIVE, model, version);
        assertEquals(version, loaded.version());
        assertEquals(model.treeCount(), loaded.treeCount());
        assertEquals(declineScore, loaded.declineScore());
    }
}
