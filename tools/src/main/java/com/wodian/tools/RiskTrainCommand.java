package com.wodian.tools;

import com.wodian.perf.riskmodel.LabelledWorld;
import com.wodian.perf.riskmodel.ModelTraining;
import com.wodian.perf.riskmodel.RiskDataset;
import com.wodian.perf.riskmodel.TreeModel;
import com.wodian.perf.riskmodel.Worlds;
import com.wodian.perf.riskworld.Actor;
import com.wodian.perf.riskworld.Variant;
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
    @Option(names = "--world", description = "riskworld (independent generator; riskworld-slow, riskworld-slower: " +
        "its careful rings paying less often; riskworld-circ: TRAINING worlds with the HELD_OUT range's " +
        "circular-flow knobs, for analysis; with --held-out it is the plain held-out worlds) or workload (ours)",
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

    @Option(names = "--careful-weight", defaultValue = "1.0",
        description = "weight of a careful abusive decision in training, relative to a blatant one")
    double carefulWeight;

    @Option(names = "--kind-balance", defaultValue = "0", description = "weight each abusive decision by " +
        "(mean count / count of its kind and variant)^P, total abusive weight kept: 0 off, 0.5 square root, 1 equal " +
        "weight per kind and variant (kinds with few decisions, such as takeover, are not drowned by bulk ones)")
    double kindBalance;

    @Option(names = "--look-alike-balance", defaultValue = "0", description = "riskworld: keep every legitimate " +
        "look-alike decision in the training sample and weigh a rare look-alike's by max(1, mean count / its " +
        "count)^P (0 off): a new shop's opening day is otherwise too rare for the trees to learn to leave it alone")
    double lookAlikeBalance;

    @Option(names = "--class-weight", split = ",", paramLabel = "KIND:VARIANT=W", description = "multiply the " +
        "training weight of every abusive decision of one kind and variant by W (> 0), on top of --careful-weight " +
        "and --kind-balance: KIND a riskworld abuse kind (POINTS_BRUSHING, CIRCULAR_FLOW, CASH_OUT, " +
        "COLLUSIVE_TERMINAL, ACCOUNT_TAKEOVER, VOUCHER_FARMING) or the world's kind number, VARIANT BLATANT or " +
        "CAREFUL; repeatable or comma-separated; not with --two-pass")
    java.util.List<String> classWeightSpecs;

    @Option(names = "--warm-up-rows", defaultValue = "0", paramLabel = "N", description = "riskworld: also " +
        "train on every N-th risk decision of each training world's warm-up (the weeks of honest payments before " +
        "its week, every account new) as a legitimate row, sampled at the week's ordinary rate after the week's " +
        "rows (0: none, the week's rows alone); cached beside the week's capture; tuning uses the week only")
    int warmUpRowEvery;

    @Option(names = "--warm-up-weight", defaultValue = "1.0", description = "--warm-up-rows: the weight of a " +
        "warm-up row as a multiple of an ordinary legitimate row of the week")
    double warmUpWeight;

    @Option(names = "--legit-per-abusive", defaultValue = "20",
        description = "legitimate decisions sampled per abusive one in training (their weight raised to match)")
    int legitPerAbusive;

    @Option(names = "--per-trade", description = "a decline score per trade (offset trees on TRADE appended, " +
        "at most 15), picked greedily within the overall and per-trade budgets; otherwise one score for all")
    boolean perTrade;

    @Option(names = "--two-pass", description = "train a first model, run the worlds again with it enforced so " +
        "the group features (what the active model found suspicious per merchant, home shop, consumer, terminal) " +
        "are filled, and train the model written on that second pass")
    boolean twoPass;

    @Option(names = "--group-source", description = "train for engine setting RISK_GROUP_SOURCE 1: run the worlds " +
        "with this model enforced, so that its individual score fills the group features 53-56 as the challenger's " +
        "would, and train every tree on them (the model written never flags: the group source's flag is the one " +
        "that counts); not with --two-pass, --model or --exit-trees")
    Path groupSource;

    @Option(names = "--version", description = "model version (> 0), echoed in risk events; default 1, or with " +
        "--model that model's version")
    Long versionOption;
    long version;
    private double[] classWeights;

    @Option(names = "--held-out", description = "riskworld: the tuning seeds' worlds from the held-out range " +
        "(training always uses the training range)")
    boolean tuneHeldOut;

    @Option(names = "--cache", description = "directory caching each seed's decisions (features and labels), " +
        "keyed by a digest of the world's commands")
    Path cache;

    @Option(names = "--out", required = true, description = "model file to write")
    Path out;

    @Option(names = "--first-trees", defaultValue = "120", description = "--two-pass: trees of the first model " +
        "(the rest of --trees continue from it on the second pass)")
    int firstTrees;

    @Option(names = "--model", description = "start from this model file instead of training one (with " +
        "--exit-trees: add its early exit, picked on the tuning seeds run with it enforced)")
    Path baseModel;

    @Option(names = "--exit-trees", defaultValue = "0", description = "early exit after this many trees (0: none): " +
        "payments whose partial score is below the lowest a flagged or declined tuning decision reached, less " +
        "--exit-margin, stop there")
    int exitTrees;

    @Option(names = "--exit-margin", defaultValue = "1000", description = "--exit-trees: margin below the lowest " +
        "partial score of a hit (milli-logits)")
    long exitMargin;

    private TreeModel trainAndTune(final RiskDataset train, final RiskDataset tuneData, final long modelVersion,
        final int treeCount, final boolean byTrade)
    {
        final long start = System.nanoTime();
        final TreeModel trained = ModelTraining.train(train, treeCount, learningRate, modelVersion, carefulWeight,
            legitPerAbusive, kindBalance, lookAlikeBalance, classWeights, warmUpWeight);
        System.out.printf("trained %d trees on %d decisions%s in %.1f s%n", treeCount, train.size,
            warmUpRowsSaid(train), (System.nanoTime() - start) / 1e9);
        if (byTrade)
        {
            return ModelTraining.tunePerTrade(trained, tuneData, fpr, tradeFpr);
        }
        ModelTraining.tune(trained, tuneData, fpr, tradeFpr);
        return trained;
    }

    /** Decline score(s) picked on the tuning decisions: per trade (offset trees appended) or one for all. */
    private TreeModel tuned(final TreeModel model, final RiskDataset tuneData)
    {
        if (perTrade)
        {
            return ModelTraining.tunePerTrade(model, tuneData, fpr, tradeFpr);
        }
        ModelTraining.tune(model, tuneData, fpr, tradeFpr);
        return model;
    }

    @Override
    public Integer call() throws Exception
    {
        version = versionOption == null ? 1 : versionOption;
        if (trees < 1 || trees > (perTrade ? 241 : 256) || version <= 0 || carefulWeight <= 0 || kindBalance < 0 ||
            lookAlikeBalance < 0 || legitPerAbusive < 1 || (twoPass && (firstTrees < 1 || firstTrees >= trees - 1)) ||
            warmUpRowEvery < 0 || !(warmUpWeight > 0) || Double.isInfinite(warmUpWeight))
        {
            System.err.println("risk-train: --trees 1..256 (1..241 with --per-trade), --version > 0, " +
                "--careful-weight > 0, --kind-balance >= 0, --look-alike-balance >= 0, --legit-per-abusive >= 1, " +
                "--two-pass: 1 <= --first-trees < --trees - 1, --warm-up-rows >= 0, --warm-up-weight > 0");
            return WodianMain.EXIT_USAGE;
        }
        if (!classWeightsParsed() || !exitAndSourceValid())
        {
            return WodianMain.EXIT_USAGE;
        }
        final LongFunction<LabelledWorld> worlds = Worlds.byName(world, false, consumers, days);
        if (baseModel != null)
        {
            return addExit(TreeModel.read(baseModel), worlds);
        }
        final LongFunction<LabelledWorld> tuneWorlds = tuneHeldOut ? Worlds.byName(world, true, consumers, days) :
            worlds;
        final String name = world + "-" + consumers + "-" + days;
        final String tuneName = name + (tuneHeldOut ? "-held-out" : "-training");
        if (groupSource != null)
        {
            return trainForGroupSource(worlds, tuneWorlds, name, tuneName);
        }
        RiskDataset tune = ModelTraining.collect(tuneWorlds, tuneSeeds, cache, tuneName, System.out);
        RiskDataset train = ModelTraining.collect(worlds, trainSeeds, cache, name + "-training", null,
            warmUpRowEvery, System.out);
        TreeModel model;
        if (twoPass)
        {
            final TreeModel first = trainAndTune(train, tune, 1, firstTrees, false);
            train = null;   // a gigabyte or more: the second pass collects its own
            System.out.println("second pass: the worlds again with the first model enforced");
            final String tag = first.captureTag();
            tune = ModelTraining.collect(tuneWorlds, tuneSeeds, cache, tuneName + tag, first, System.out);
            final RiskDataset second = ModelTraining.collect(worlds, trainSeeds, cache, name + "-training" + tag,
                first, warmUpRowEvery, System.out);
            final long start = System.nanoTime();
            model = ModelTraining.continueWith(first, second, trees - firstTrees - 1, learningRate, version,
                carefulWeight, legitPerAbusive, kindBalance, lookAlikeBalance, warmUpWeight);
            System.out.printf("trained %d more trees on %d decisions%s in %.1f s%n", trees - firstTrees - 1,
                second.size, warmUpRowsSaid(second), (System.nanoTime() - start) / 1e9);
            final int flagScore = first.flagScore;
            model = tuned(model, tune);
            model.flagScore = flagScore;   // the individual score's flag: what counted as suspicious in the capture
        }
        else
        {
            model = trainAndTune(train, tune, version, trees, perTrade);
        }
        if (exitTrees > 0)
        {
            return addExit(model, worlds);
        }
        System.out.println("on the tuning seeds, scored offline (group figures not meaningful here):");
        ModelTraining.report(model, tune, worlds.apply(tuneSeeds[0]).kindNames(), System.out);
        model.write(out);
        System.out.printf("declineScore %d, flagScore %d; written to %s%n", model.declineScore, model.flagScore, out);
        return WodianMain.EXIT_OK;
    }

    /** " (of them N warm-up rows)" when the training set has warm-up rows, else "". */
    private static String warmUpRowsSaid(final RiskDataset data)
    {
        long rows = 0;
        for (int i = 0; i < data.size; i++)
        {
            rows += data.warmUp[i] ? 1 : 0;
        }
        return rows == 0 ? "" : " (of them " + rows + " warm-up rows)";
    }

    /** False (after saying why) for a negative --exit-trees or --exit-margin, or --group-source with what it bars. */
    private boolean exitAndSourceValid()
    {
        if (exitTrees < 0 || exitMargin < 0)
        {
            System.err.println("risk-train: --exit-trees >= 0, --exit-margin >= 0");
            return false;
        }
        if (groupSource != null && (twoPass || baseModel != null || exitTrees > 0))
        {
            // An exit marker must sit among individual trees, and such a model has none: its first tree may read
            // the group features, which the source fills.
            System.err.println("risk-train: --group-source is not for --two-pass, --model or --exit-trees");
            return false;
        }
        return true;
    }

    /** Sets {@link #classWeights} from --class-weight; false (after saying why) for a bad spec or --two-pass. */
    private boolean classWeightsParsed()
    {
        try
        {
            classWeights = classWeightSpecs == null ? null : classWeights(classWeightSpecs);
        }
        catch (final IllegalArgumentException e)
        {
            System.err.println("risk-train: --class-weight: " + e.getMessage());
            return false;
        }
        if (classWeights != null && twoPass)
        {
            // The second pass continues from the first model's scores; one weighting for both is not what was
            // measured (docs/history/risk-sessions.md "Forty-sixth session"), so the combination is refused rather than
            // guessed.
            System.err.println("risk-train: --class-weight is not for --two-pass");
            return false;
        }
        return true;
    }

    /**
     * {@code KIND:VARIANT=W} specs as the trainer's class weights ({@code kind * 4 + variant}, 1 where not named):
     * KIND an {@link Actor} name or a kind number (0..255), VARIANT a {@link Variant} name, W &gt; 0.
     */
    static double[] classWeights(final java.util.List<String> specs)
    {
        final double[] weights = new double[256 * 4];
        java.util.Arrays.fill(weights, 1.0);
        for (final String spec : specs)
        {
            final int colon = spec.indexOf(':');
            final int equals = spec.indexOf('=');
            if (colon < 1 || equals < colon + 2 || equals == spec.length() - 1)
            {
                throw new IllegalArgumentException("expected KIND:VARIANT=W, got '" + spec + "'");
            }
            final String kindName = spec.substring(0, colon);
            final int kind = kindName.chars().allMatch(Character::isDigit) ? Integer.parseInt(kindName) :
                Actor.valueOf(kindName).ordinal();
            final int variant = Variant.valueOf(spec.substring(colon + 1, equals)).ordinal();
            final double weight = Double.parseDouble(spec.substring(equals + 1));
            if (kind > 255 || !(weight > 0) || Double.isInfinite(weight))
            {
                throw new IllegalArgumentException("kind 0..255 and a weight > 0 in '" + spec + "'");
            }
            weights[kind * 4 + variant] = weight;
        }
        return weights;
    }

    /**
     * The worlds run with the group source enforced (the captures a second pass on it would make, cached under the
     * same name), every tree trained on them, the decline score(s) tuned on the tuning seeds so captured.
     */
    private Integer trainForGroupSource(final LongFunction<LabelledWorld> worlds,
        final LongFunction<LabelledWorld> tuneWorlds, final String name, final String tuneName) throws Exception
    {
        final TreeModel source = TreeModel.read(groupSource);
        final String tag = source.captureTag();
        System.out.println("group source " + groupSource + " (version " + source.version + ") enforced in the worlds");
        final RiskDataset tune = ModelTraining.collect(tuneWorlds, tuneSeeds, cache, tuneName + tag, source,
            System.out);
        final RiskDataset train = ModelTraining.collect(worlds, trainSeeds, cache, name + "-training" + tag, source,
            warmUpRowEvery, System.out);
        final TreeModel model = trainAndTune(train, tune, version, trees, perTrade);
        model.flagScore = Integer.MAX_VALUE;
        System.out.println("on the tuning seeds, scored offline with the source's group features:");
        ModelTraining.report(model, tune, worlds.apply(tuneSeeds[0]).kindNames(), System.out);
        model.write(out);
        System.out.printf("declineScore %d, flagScore %d (never flags); written to %s%n", model.declineScore,
            model.flagScore, out);
        return WodianMain.EXIT_OK;
    }

    /** Runs the tuning seeds with {@code model} enforced, adds its early exit (--exit-trees) and writes it. */
    private Integer addExit(final TreeModel model, final LongFunction<LabelledWorld> worlds) throws Exception
    {
        TreeModel written = versionOption == null ? model : model.withVersion(version);
        if (exitTrees > 0)
        {
            final LongFunction<LabelledWorld> tuneWorlds = tuneHeldOut ? Worlds.byName(world, true, consumers, days) :
                worlds;
            final String tag = model.captureTag();
            final String tuneName = world + "-" + consumers + "-" + days + (tuneHeldOut ? "-held-out" : "-training");
            final RiskDataset enforced = ModelTraining.collect(tuneWorlds, tuneSeeds, cache, tuneName + tag, model,
                System.out);
            written = com.wodian.perf.riskmodel.ModelExit.add(written, enforced, exitTrees, exitMargin, System.out);
        }
        written.write(out);
        System.out.printf("declineScore %d, flagScore %d; written to %s%n", written.declineScore, written.flagScore,
            out);
        return WodianMain.EXIT_OK;
    }
}
