package com.wodian.perf.riskmodel;

import com.wodian.protocol.sbe.RiskMode;

import java.util.List;

/** One seeded labelled world, ready to be run through an engine with given rules and model. */
public interface LabelledWorld
{
    /** Runs the whole world; the returned run holds every risk decision with its label. */
    default ModelRun run(RiskMode rulesMode, TreeModel model)
    {
        return run(rulesMode, model, null);
    }

    /**
     * As {@link #run(RiskMode, TreeModel)}, with {@code groupSource} (null: none) in the challenger slot as the
     * source of the group features (engine setting RISK_GROUP_SOURCE 1, see {@link ModelRun}).
     */
    default ModelRun run(RiskMode rulesMode, TreeModel model, TreeModel groupSource)
    {
        return run(rulesMode, model, groupSource, List.of());
    }

    /** As above, with {@code settings} sent after the rules and models, before the world's first command. */
    default ModelRun run(RiskMode rulesMode, TreeModel model, TreeModel groupSource, List<ModelRun.Setting> settings)
    {
        return run(rulesMode, model, groupSource, settings, null);
    }

    /**
     * As above, with {@code second} (null: none) in the SECOND slot: a second model that declines, under rule 14, what
     * its own score puts at or above its own decline score (docs/risk.md "The second deciding model").
     */
    ModelRun run(RiskMode rulesMode, TreeModel model, TreeModel groupSource, List<ModelRun.Setting> settings,
        TreeModel second);

    /**
     * As {@link #run(RiskMode, TreeModel)}, also keeping every {@code warmUpRowEvery}-th risk decision of the warm-up
     * before the week as a legitimate row ({@link ModelRun#warmUpDecisions}; 0: none): a world without a warm-up
     * keeps none.
     */
    default ModelRun run(RiskMode rulesMode, TreeModel model, int warmUpRowEvery)
    {
        return run(rulesMode, model);
    }

    /**
     * SHA-256 (hex) of everything this world feeds the engine, labels included, and of the engine's feature names
     * ({@link WorldDigest}): equal digests, equal captures. The trainer's capture cache is keyed by it.
     */
    String digest();

    /** Name of each abuse kind by id, 0 being legitimate. */
    String[] kindNames();

    /** Name of each legitimate look-alike by id, 0 being none; empty when the world does not label them. */
    default String[] lookAlikeNames()
    {
        return new String[0];
    }
}
