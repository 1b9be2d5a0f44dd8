package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.risk.RiskModel;
import com.wodian.engine.risk.RiskModels;
import com.wodian.perf.riskmodel.ModelRun;
import com.wodian.perf.riskmodel.RiskWorldRun;
import com.wodian.perf.riskmodel.TreeModel;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The scoring model alone: one evaluation of the shipped model ({@link EngineRiskPayBenchmark#TRAINED_MODEL}) per
 * operation, over feature vectors the engine computed, with the engine's evaluation ({@code lanes}:
 * {@link RiskModel#score}) or the one it replaced ({@code packedWalk}: the packed tree walk of main at 9efb42e, copied
 * below) in the same run.
 *
 * <p>Feature vectors ({@code traffic}): {@code pay} is {@link EngineRiskPayBenchmark}'s traffic with the model loaded
 * (uniformly random payments, a month after registration), {@code world} the independent labelled world's training
 * seed 41 (riskworld, rules in shadow, the model enforced). 4,096 of them, taken in turn.
 *
 * <p>Run: {@code bin/wodian jmh RiskModelBenchmark -prof gc}; or, on a shared machine, {@code java -cp
 * tools/target/wodian.jar com.wodian.perf.RiskModelBenchmark [rounds] [pay|world] [shipped|FILE]}: both evaluations
 * in one JVM, in alternation, timed by this thread's CPU time (time spent waiting for a CPU left out), the ratio per
 * round.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Xms4g",
    "-Xmx4g"})
public class RiskModelBenchmark
{
    private static final int VECTORS = 4_096;

    @Param({"lanes", "packedWalk"})
    public String evaluation;

    @Param({"pay", "world"})
    public String traffic;

    /** {@code shipped} ({@link EngineRiskPayBenchmark#TRAINED_MODEL}) or a model file (one with an early exit). */
    @Param({"shipped"})
    public String model;

    private long[][] vectors;
    private RiskModel riskModel;
    private PackedWalk packedWalk;
    private int cursor;
    private boolean lanes;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole) throws java.io.IOException
    {
        final TreeModel trained = "shipped".equals(model) ? trainedModel() :
            TreeModel.read(java.nio.file.Path.of(model));
        vectors = "world".equals(traffic) ? worldVectors(trained) : payVectors(blackhole);
        final RiskModels models = new RiskModels();
        final int slot = RiskModelSlot.ACTIVE.value();
        require(models.control(slot, RiskModelOp.BEGIN.value(), 1, trained.treeCount(), trained.declineScore,
            trained.flagScore));
        for (int tree = 0; tree < trained.treeCount(); tree++)
        {
            require(models.checkTrees(slot, 1, tree, 1));
            final int n = tree * 3;
            final int l = tree * 4;
            models.stageTree(trained.features[n], trained.thresholds[n], trained.features[n + 1],
                trained.thresholds[n + 1], trained.features[n + 2], trained.thresholds[n + 2], trained.leaves[l],
                trained.leaves[l + 1], trained.leaves[l + 2], trained.leaves[l + 3]);
        }
        require(models.control(slot, RiskModelOp.COMMIT.value(), 1, 0, 0, 0));
        riskModel = models.slot(slot);
        packedWalk = new PackedWalk(trained);
        lanes = "lanes".equals(evaluation);
        for (final long[] x : vectors)
        {
            final int score = riskModel.score(x);
            if (score != packedWalk.score(x) || riskModel.individualScore() != packedWalk.individualScore)
            {
                throw new IllegalStateException("the two evaluations disagree");
            }
        }
    }

    private static void require(final ResultCode code)
    {
        if (code != ResultCode.OK)
        {
            throw new IllegalStateException("SetRiskModel: " + code);
        }
    }

    static TreeModel trainedModel() throws java.io.IOException
    {
        try (java.io.InputStream in = RiskModelBenchmark.class.getResourceAsStream(
            EngineRiskPayBenchmark.TRAINED_MODEL))
        {
            final java.nio.file.Path file = java.nio.file.Files.createTempFile("wodian-model", ".txt");
            java.nio.file.Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            final TreeModel trained = TreeModel.read(file);
            java.nio.file.Files.delete(file);
            return trained;
        }
    }

    private static long[][] payVectors(final Blackhole blackhole)
    {
        final EngineRiskPayBenchmark payments = new EngineRiskPayBenchmark();
        payments.rules = "trained";
        payments.setUp(blackhole);
        final Engine engine = payments.engine();
        final long[][] into = new long[VECTORS][Engine.riskFeatureNames().length];
        for (final long[] x : into)
        {
            payments.pay();
            engine.lastRiskFeatures(x);
        }
        return into;
    }

    private static long[][] worldVectors(final TreeModel trained)
    {
        final ModelRun run = new RiskWorldRun(41, false).run(RiskMode.SHADOW, trained);
        final long[][] into = new long[VECTORS][Engine.riskFeatureNames().length];
        final int stride = run.decisions.size / VECTORS;
        for (int i = 0; i < VECTORS; i++)
        {
            run.decisions.row(i * stride, into[i]);
        }
        return into;
    }

    public static void main(final String[] args) throws java.io.IOException
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final Blackhole blackhole = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        final RiskModelBenchmark lanes = new RiskModelBenchmark();
        lanes.evaluation = "lanes";
        lanes.traffic = args.length > 1 ? args[1] : "pay";
        lanes.model = args.length > 2 ? args[2] : "shipped";
        lanes.setUp(blackhole);
        final RiskModelBenchmark walk = new RiskModelBenchmark();
        walk.evaluation = "packedWalk";
        walk.traffic = lanes.traffic;
        walk.vectors = lanes.vectors;
        walk.model = lanes.model;
        walk.riskModel = lanes.riskModel;
        walk.packedWalk = lanes.packedWalk;
        walk.lanes = false;
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final int scores = 1 << 20;
        final double[] lanesNs = new double[rounds];
        final double[] walkNs = new double[rounds];
        final double[] ratios = new double[rounds];
        long sink = 0;
        for (int round = -3; round < rounds; round++)
        {
            long start = threads.getCurrentThreadCpuTime();
            sink += lanes.scores(scores);
            final double lanesRound = (threads.getCurrentThreadCpuTime() - start) / (double)scores;
            start = threads.getCurrentThreadCpuTime();
            sink += walk.scores(scores);
            final double walkRound = (threads.getCurrentThreadCpuTime() - start) / (double)scores;
            if (round >= 0)
            {
                lanesNs[round] = lanesRound;
                walkNs[round] = walkRound;
                ratios[round] = lanesRound / walkRound;
                System.out.printf("round %2d: lanes %.1f ns, packedWalk %.1f ns per score (CPU), " +
                    "lanes/packedWalk %.2f%n", round, lanesRound, walkRound, ratios[round]);
            }
        }
        java.util.Arrays.sort(lanesNs);
        java.util.Arrays.sort(walkNs);
        java.util.Arrays.sort(ratios);
        System.out.printf("%s traffic, %d rounds of %d scores: lanes median %.1f ns (%.1f-%.1f), " +
            "packedWalk median %.1f ns (%.1f-%.1f), lanes/packedWalk median %.2f (%.2f-%.2f) [%d]%n",
            lanes.traffic, rounds, scores,
            lanesNs[rounds / 2], lanesNs[0], lanesNs[rounds - 1], walkNs[rounds / 2], walkNs[0], walkNs[rounds - 1],
            ratios[rounds / 2], ratios[0], ratios[rounds - 1], sink & 1);
    }

    private long scores(final int count)
    {
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += score();
        }
        return sum;
    }

    @Benchmark
    public int score()
    {
        final long[] x = vectors[cursor];
        cursor = (cursor + 1) & (VECTORS - 1);
        return lanes ? riskModel.score(x) : packedWalk.score(x);
    }

    /**
     * RiskModel's evaluation before the lanes (main at 9efb42e), for the side-by-side: the trees packed eight longs
     * per tree, walked one after another without a branch on a node's outcome; the individual / group split and the
     * exit marker as there. (The engine's tests keep the same copy as their reference.)
     */
    static final class PackedWalk
    {
        private final long[] packed;
        private final int treeCount;
        private final int groupStart;
        private final int exitTree;
        private final long exitScore;
        int individualScore;

        PackedWalk(final TreeModel model)
        {
            treeCount = model.treeCount();
            packed = new long[treeCount * 8];
            final int[] features = model.features;
            final long[] thresholds = model.thresholds;
            final int[] leaves = model.leaves;
            for (int tree = 0; tree < treeCount; tree++)
            {
                final int at = tree * 8;
                packed[at] = thresholds[tree * 3];
                packed[at + 1] = thresholds[tree * 3 + 1];
                packed[at + 2] = thresholds[tree * 3 + 2];
                packed[at + 3] = (features[tree * 3] & 0xFF) | (features[tree * 3 + 1] & 0xFF) << 8 |
                    (features[tree * 3 + 2] & 0xFF) << 16;
                packed[at + 4] = (leaves[tree * 4] & 0xFFFF_FFFFL) | (long)leaves[tree * 4 + 1] << 32;
                packed[at + 5] = (leaves[tree * 4 + 2] & 0xFFFF_FFFFL) | (long)leaves[tree * 4 + 3] << 32;
            }
            groupStart = model.individualTrees();
            int exit = treeCount;
            for (int tree = 0; tree < treeCount; tree++)
            {
                if (features[tree * 3] == TreeModel.EXIT_MARKER)
                {
                    exit = tree;
                    break;
                }
            }
            exitTree = exit;
            exitScore = exitTree < treeCount ? thresholds[exitTree * 3] : 0;
        }

        private static int atOrAbove(final long x, final long threshold)
        {
            final long difference = x - threshold;
            return 1 - (int)((difference ^ ((x ^ threshold) & (difference ^ x))) >>> 63);
        }

        private long walk(final int tree, final long[] x)
        {
            final int at = tree * 8;
            final int nodeFeatures = (int)packed[at + 3];
            final int right = atOrAbove(x[nodeFeatures & 0xFF], packed[at]);
            final int childFeature = (nodeFeatures >>> (8 + (right << 3))) & 0xFF;
            final int childRight = atOrAbove(x[childFeature], packed[at + 1 + right]);
            return (int)(packed[at + 4 + right] >> (childRight << 5));
        }

        private long sum(final int fromTree, final int toTree, final long[] x)
        {
            long sum = 0;
            for (int tree = fromTree; tree < toTree; tree++)
            {
                sum += walk(tree, x);
            }
            return sum;
        }

        private static int clamp(final long sum)
        {
            return (int)Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum));
        }

        int score(final long[] x)
        {
            long sum = sum(0, exitTree < groupStart ? exitTree : groupStart, x);
            final boolean exits = exitTree < groupStart && sum < exitScore;
            if (exitTree < groupStart && !exits)
            {
                sum += sum(exitTree + 1, groupStart, x);
            }
            individualScore = clamp(sum);
            if (!exits)
            {
                sum += sum(groupStart, treeCount, x);
            }
            return clamp(sum);
        }
    }
}
