package com.wodian.tools;

import com.wodian.perf.RiskEvaluation;
import com.wodian.perf.workload.RiskWorkload;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.perf.riskmodel.LabelledWorld;
import com.wodian.perf.riskmodel.ModelRun;
import com.wodian.perf.riskmodel.Scorecard;
import com.wodian.perf.riskmodel.TreeModel;
import com.wodian.perf.riskmodel.Worlds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code wodian risk-eval --seed S --consumers N}: generates the labelled risk workload (normal shoppers plus injected
 * abuse of every kind, seeded and reproducible), runs it through an engine with every risk rule on at its tuned
 * defaults, and prints a confusion matrix per abuse kind. Thresholds were tuned on seeds 1 and 2 only; see
 * docs/risk.md for the results on other seeds.
 */
@Command(name = "risk-eval",
    description = "Run the labelled abuse workload through the engine and print precision, recall, FPR and " +
        "accuracy per abuse kind.")
public final class RiskEvalCommand implements Callable<Integer>
{
    @Option(names = "--seed", description = "workload seed (tuned on 1 and 2; evaluate on others)", defaultValue = "3")
    long seed;

    @Option(names = "--consumers", description = "consumers at start (merchants: consumers / 100)",
        defaultValue = "20000")
    int consumers;

    @Option(names = "--days", description = "days simulated (abuse from day 1 on)", defaultValue = "3")
    int days;

    @Option(names = "--mode", description = "rule mode: ENFORCE, SHADOW (hits counted, nothing declined) or OFF",
        defaultValue = "ENFORCE")
    RiskMode mode;

    @Option(names = "--world", description = "riskworld (independent generator; riskworld-slow, riskworld-slower: " +
        "its careful rings paying less often; riskworld-circ: TRAINING worlds with the HELD_OUT range's " +
        "circular-flow knobs, for analysis; with --held-out it is the plain held-out worlds) or workload (ours): " +
        "scorecard per kind and variant, FPR per trade, groups stopped; without it, the older per-rule report of our " +
        "workload")
    String world;

    @Option(names = "--seeds", split = ",", description = "with --world: seeds to evaluate (held-out ones)")
    long[] seeds;

    @Option(names = "--held-out", description = "riskworld: draw world parameters from the held-out range")
    boolean heldOut;

    @Option(names = "--model", description = "model file (wodian risk-train) loaded with SetRiskModel and enforced")
    Path model;

    @Option(names = "--group-source", description = "with --world and --model: model file loaded into the " +
        "challenger slot (shadow) whose individual score fills the group features 53-56 (engine setting " +
        "RISK_GROUP_SOURCE 1), read by every tree of the enforced --model")
    Path groupSource;

    @Option(names = "--second-model", description = "with --world: model file loaded into the SECOND slot, which " +
        "declines under rule 14 what its own score puts at or above its own decline score (the decision is --model's " +
        "OR this one's; docs/risk.md \"The second deciding model\")")
    Path secondModel;

    @Option(names = "--second-decline-score", description = "with --second-model: its decline score instead of " +
        "the file's")
    Integer secondDeclineScore;

    @Option(names = "--rules-mode", defaultValue = "SHADOW",
        description = "with --world: the hand-written rules' mode (ENFORCE, SHADOW or OFF)")
    RiskMode rulesMode;

    @Option(names = "--engine-setting", split = ",", paramLabel = "NAME=VALUE",
        description = "with --world: an engine setting (EngineSetting name) sent with SetEngineSetting after the " +
        "rules and models, before the world's first command; repeatable (e.g. BALANCE_PROBE_LIMIT=20)")
    List<String> engineSettings;

    @Override
    public Integer call() throws Exception
    {
        if (world != null)
        {
            final TreeModel loaded = model == null ? null : TreeModel.read(model);
            final TreeModel source = groupSource == null ? null : TreeModel.read(groupSource);
            final TreeModel second = secondModel == null ? null : TreeModel.read(secondModel);
            if (second != null && secondDeclineScore != null)
            {
                second.declineScore = secondDeclineScore;
            }
            final List<ModelRun.Setting> settings = new ArrayList<>();
            for (final String spec : engineSettings == null ? List.<String>of() : engineSettings)
            {
                try
                {
                    settings.add(ModelRun.Setting.parse(spec));
                }
                catch (final IllegalArgumentException invalid)
                {
                    System.err.println("risk-eval: --engine-setting: " + invalid.getMessage());
                    return WodianMain.EXIT_USAGE;
                }
            }
            final LongFunction<LabelledWorld> worlds = Worlds.byName(world, heldOut, consumers, days);
            for (final long s : seeds == null ? new long[]{seed} : seeds)
            {
                final LabelledWorld labelled = worlds.apply(s);
                final ModelRun run = labelled.run(rulesMode, loaded, source, settings, second);
                final String models = (loaded == null ? "none" : model + " (version " + loaded.version +
                    ", decline at " + loaded.declineScore + ")" + (source == null ? "" : ", group source " +
                    groupSource + " (version " + source.version + ")")) + (second == null ? "" : ", second " +
                    secondModel + " (version " + second.version + ", decline at " + second.declineScore + ")");
                System.out.printf("world %s seed %d%s, rules %s, model %s%s%n", world, s,
                    heldOut ? " (held-out range)" : "", rulesMode, models,
                    settings.isEmpty() ? "" : ", engine settings " + settings);
                new Scorecard(labelled.kindNames(), run.decisions, run.declined, run.groups)
                    .withLookAlikes(labelled.lookAlikeNames(), run.decisions, run.declined, run.lookAlikes)
                    .print(System.out);
                if (run.warmUpPayments > 0)
                {
                    // Not in the figures above: the warm-up before the week (docs/risk.md "Labelled workload").
                    System.out.printf("warm-up payments declined (before the week, not scored): %d of %d = %6.2f%%%n",
                        run.warmUpPaymentsDeclined, run.warmUpPayments,
                        100.0 * run.warmUpPaymentsDeclined / run.warmUpPayments);
                }
                System.out.printf("state hash %016x%n%n", run.stateHash());
            }
            return WodianMain.EXIT_OK;
        }
        if (consumers < 100 || days < 2 || mode == RiskMode.INHERIT || mode == RiskMode.NULL_VAL)
        {
            System.err.println("risk-eval: --consumers >= 100, --days >= 2, --mode ENFORCE|SHADOW|OFF");
            return WodianMain.EXIT_USAGE;
        }
        new RiskEvaluation(new RiskWorkload(seed, consumers, days), mode).run().print(System.out);
        return WodianMain.EXIT_OK;
    }
}
