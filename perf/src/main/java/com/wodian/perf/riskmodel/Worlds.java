package com.wodian.perf.riskmodel;

import com.wodian.perf.workload.RiskWorkload;

import java.util.function.LongFunction;

/** The labelled worlds the risk tools can run, by name: seed to stream. */
public final class Worlds
{
    private Worlds()
    {
    }

    /**
     * @param name     "workload" (our older generator, perf/workload/RiskWorkload), "riskworld" (the independent
     *                 one) or "riskworld-slow" (the same worlds with part of the careful rings' payments left out:
     *                 each ring keeps 25% to 100%) or "riskworld-slower" (each ring keeps 15% to 65%) or
     *                 "riskworld-circ" (TRAINING worlds whose circular-flow knobs are drawn from the HELD_OUT range:
     *                 for analysis)
     * @param heldOut  riskworld only: draw world parameters from the held-out range instead of the training range
     */
    public static LongFunction<LabelledWorld> byName(final String name, final boolean heldOut, final int consumers,
        final int days)
    {
        return switch (name)
        {
            case "workload" -> seed -> workload(new RiskWorkload(seed, consumers, days));
            case "riskworld" -> seed -> new RiskWorldRun(seed, heldOut);
            case "riskworld-slow" -> seed -> new RiskWorldRun(seed, heldOut, true);
            case "riskworld-slower" -> seed -> RiskWorldRun.slower(seed, heldOut);
            case "riskworld-circ" -> seed -> RiskWorldRun.heldOutCircularKnobs(seed, heldOut);
            default -> throw new IllegalArgumentException("unknown world " + name +
                " (riskworld, riskworld-slow, riskworld-slower, riskworld-circ, workload)");
        };
    }

    private static LabelledWorld workload(final RiskWorkload workload)
    {
        return new LabelledWorld()
        {
            @Override
            public ModelRun run(final com.wodian.protocol.sbe.RiskMode rulesMode, final TreeModel model,
                final TreeModel groupSource, final java.util.List<ModelRun.Setting> settings, final TreeModel second)
            {
                return new ModelRun(new WorkloadStream(workload), rulesMode, model).groupSource(groupSource)
                    .settings(settings).second(second).run();
            }

            @Override
            public String digest()
            {
                final WorkloadStream stream = new WorkloadStream(workload);
                final WorldDigest digest = new WorldDigest();
                while (stream.next())
                {
                    digest.add(stream.timestampMs(), stream.buffer(), stream.offset(), stream.length(), stream.kind(),
                        stream.variant(), stream.group(), 0);
                }
                return digest.hex();
            }

            @Override
            public String[] kindNames()
            {
                return new WorkloadStream(workload).kindNames();
            }
        };
    }
}
