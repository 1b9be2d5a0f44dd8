package com.wodian.tools;

import com.wodian.perf.riskmodel.LabelledWorld;
import com.wodian.perf.riskmodel.ModelTraining;
import com.wodian.perf.riskmodel.RiskDataset;
import com.wodian.perf.riskmodel.TreeModel;
import com.wodian.perf.riskmodel.Worlds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;

/**
 * {@code wodian risk-train --train-seeds 1,2,3 --tune-seeds 4,5 --out model.txt}: trains the risk scoring model
 * (boosted depth-2 trees over the engine's integer features) on labelled worlds and picks its decline score on other
 * seeds; {@code wodian risk-eval --model model.txt} evaluates it on held-out seeds. See docs/risk.md, "Scoring model".
 */
@Command(name = "risk-train",
    description = "Train the risk scoring model on labelled worlds; write it as a model file for SetRiskModel.")
public final class RiskTrainCommand implements Callable<Integer>
{
    @Option(names = "--world", description = "riskworld (independent generator) or workload (ours)",
        defaultValue = "riskworld")
    String world;

    @Option(names = "--train-seeds", split = ",", required = true, description = "seeds to train on")
    long[] trainSeeds;

    @Option(names = "--tune-seeds", split = ",", required = true, description = "seeds to pick the decline score on")
    long[] tuneSeeds;

    @Option(names = "--consumers", defaultValue = "20000", description = "workload world only: consumers")
    int consumers;

    @Option(names = "--days", defaultValue = "3", description = "workload world only: days")
    int days;

    @Option(names = "--trees", defaultValue = "160", description = "trees (1..256)")
    int trees;

    @Option(names = "--learning-rate", defaultValue = "0.2")
    double learningRate;

    @Option(names = "--fpr", defaultValue = "0.0015", description = "legitimate payments declined, overall budget")
    double fpr;

    @Option(names = "--trade-fpr", defaultValue = "0.004", description = "the same budget in every trade")
    double tradeFpr;

    @Option(names = "--version", defaultValue = "1", description = "model version (> 0), echoed in risk events")
    long version;

    @Option(names = "--held-out", description = "riskworld: the tuning seeds' worlds from the held-out range " +
        "(training always uses the training range)")
    boolean tuneHeldOut;

    @Option(names = "--cache", description = "directory caching each seed's decisions (features and labels)")
    Path cache;

    @Option(names = "--out", required = true, description = "model file to write")
    Path out;

    @Override
    public Integer call() throws Exception
    {
        if (trees < 1 || trees > 256 || version <= 0)
        {
            System.err.println("risk-train: --trees 1..256, --version > 0");
            return WodianMain.EXIT_USAGE;
        }
        final LongFunction<LabelledWorld> worlds = Worlds.byName(world, false, consumers, days);
        final String name = world + "-" + consumers + "-" + days;
        final RiskDataset train = ModelTraining.collect(worlds, trainSeeds, cache, name + "-training", System.out);
        final long start = System.nanoTime();
        final TreeModel model = ModelTraining.train(train, trees, learningRate, version);
        System.out.printf("trained %d trees on %d decisions in %.1f s%n", trees, train.size,
            (System.nanoTime() - start) / 1e9);
        final RiskDataset tune = ModelTraining.collect(tuneHeldOut ? Worlds.byName(world, true, consumers, days) :
            worlds, tuneSeeds, cache, name + (tuneHeldOut ? "-held-out" : "-training"), System.out);
        ModelTraining.tune(model, tune, fpr, tradeFpr);
        System.out.println("on the tuning seeds, scored offline (group figures not meaningful here):");
        ModelTraining.report(model, tune, worlds.apply(tuneSeeds[0]).kindNames(), System.out);
        model.write(out);
        System.out.printf("declineScore %d, flagScore %d; written to %s%n", model.declineScore, model.flagScore, out);
        return WodianMain.EXIT_OK;
    }
}
