package com.wodian.perf.riskmodel;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model files tests read, and their load into an engine slot: one home for what the tests of the shipped and
 * recommended models did each in their own copy.
 */
final class ModelFiles
{
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
}
