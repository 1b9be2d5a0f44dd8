package com.wodian.perf.riskmodel;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static com.wodian.perf.riskmodel.ModelFiles.eventTrees;
import static com.wodian.perf.riskmodel.ModelFiles.groupTrees;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * v68 and v69 (fifty-seventh session): v31's recipe (docs/risk.md "The shipped configuration and the recommended one")
 * trained again on the warm world, v68 on every feature the trainer offers today, v69 without the account-event
 * features 80-87, which did not exist when v31 was trained. v70 and v71 (fifty-eighth session): v24's recipe (v20's:
 * two passes, per-trade offsets, an exit marker) trained again on the warm world, and v68's recipe behind it as the
 * group source; kept for comparison, neither in service (behind v70 in the shadow slot the active models decline far
 * too many honest payments: history "Fifty-eighth session"). What docs/risk.md's model table says of each file: the
 * trees, the decline and flag scores, no tree on the strikes the trainer leaves out, the event and group trees, and
 * each loads into its engine slot as it is (the counting and the recipe's checks are {@link ModelFiles}', shared with
 * {@code WarmUpTrainedModelsTest}).
 */
class WarmRetrainedModelsTest
{
    private static final String CHOSEN_ON_DEVELOPMENT = "the score chosen on development worlds (risk-train's own "
        + "-1721 and -1563 declined 0.51% and 0.32% of the legitimate payments there)";

    @Test
    void v68IsV31sRecipeOnTheWarmWorldWithTheAccountEvents() throws IOException
    {
        final TreeModel v68 = ModelFiles.resource("model-v68.txt");
        ModelFiles.assertV31sRecipe(v68, 68, -300, CHOSEN_ON_DEVELOPMENT);
        assertEquals(71, groupTrees(v68), "trees testing a group feature");
        assertEquals(75, eventTrees(v68), "trees testing an account-event feature");
    }

    @Test
    void v69IsV31sRecipeOnTheWarmWorldWithV31sOwnFeatures() throws IOException
    {
        final TreeModel v69 = ModelFiles.resource("model-v69.txt");
        ModelFiles.assertV31sRecipe(v69, 69, -700, CHOSEN_ON_DEVELOPMENT);
        assertEquals(68, groupTrees(v69), "trees testing a group feature");
        assertEquals(0, eventTrees(v69), "features 80-87 were left out");
    }

    @Test
    void v71IsV68sRecipeBehindV70() throws IOException
    {
        final TreeModel v71 = ModelFiles.resource("model-v71.txt");
        ModelFiles.assertV31sRecipe(v71, 71, -1176,
            "risk-train's own score: no score met the development rule (v70 behind it)");
        assertEquals(84, groupTrees(v71), "trees testing a group feature");
        assertEquals(47, eventTrees(v71), "trees testing an account-event feature");
    }

    @Test
    void v70IsV24sRecipeOnTheWarmWorld() throws IOException
    {
        final TreeModel v24 = ModelFiles.resource("model-v24.txt");
        final TreeModel v70 = ModelFiles.resource("model-v70.txt");
        ModelFiles.assertV20sRecipe(v24, v70, 70, -3482, -1269);
    }
}
