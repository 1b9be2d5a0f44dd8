package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.MerchantInfo;
import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.RiskWorldFeeder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskMode;
import org.agrona.collections.Long2LongHashMap;

/**
 * The independent generator's world (com.wodian.perf.riskworld, written from docs/risk-threats.md without reading
 * the detection code), fed with its own {@link RiskWorldFeeder}. Used through its public API only: the cursor, the
 * merchant list (trade with MCC, area) and the labels.
 */
public final class RiskWorldRun implements LabelledWorld
{
    private final long seed;
    private final ParameterRange range;
    private final int keepFromPermille;
    private final int keepToPermille;
    /** Knobs drawn from the HELD_OUT range in a TRAINING world (empty: none). */
    private String heldOutKnobs = "";

    public RiskWorldRun(final long seed, final boolean heldOut)
    {
        this(seed, heldOut, false);
    }

    /** The world as "riskworld-slow" ({@code slow}) or plain. */
    public RiskWorldRun(final long seed, final boolean heldOut, final boolean slow)
    {
        this(seed, heldOut, slow ? WithMerchantContext.SLOW_KEEP_FROM_PERMILLE : 1000,
            WithMerchantContext.SLOW_KEEP_TO_PERMILLE);
    }

    /** "riskworld-slower": each careful ring keeps 15% to 65% of its payments. */
    public static RiskWorldRun slower(final long seed, final boolean heldOut)
    {
        return new RiskWorldRun(seed, heldOut, WithMerchantContext.SLOWER_KEEP_FROM_PERMILLE,
            WithMerchantContext.SLOWER_KEEP_TO_PERMILLE);
    }

    /**
     * "riskworld-circ": a TRAINING world whose circular-flow knobs (shops per cluster, accounts per agent, careful
     * payments per account and day) are drawn from the HELD_OUT range, for offline analysis of how the held-out
     * range's careful circular flow looks; the seeds stay TRAINING seeds (never the held-out worlds).
     */
    public static RiskWorldRun heldOutCircularKnobs(final long seed, final boolean heldOut)
    {
        final RiskWorldRun run = new RiskWorldRun(seed, heldOut, 1000, 1000);
        run.heldOutKnobs = System.getProperty(HELD_OUT_KNOBS_PROPERTY, HELD_OUT_CIRCULAR_KNOBS);
        return run;
    }

    /** The knobs "riskworld-circ" draws from the HELD_OUT range. */
    public static final String HELD_OUT_CIRCULAR_KNOBS =
        "CLUSTER_MERCHANTS,AGENT_ACCOUNTS_PER_GROUP,CAREFUL_PAYMENTS_PER_ACCOUNT_DAY_MILLI";
    /** System property naming other knobs (comma-separated WorldParameter names) for "riskworld-circ" to draw so. */
    public static final String HELD_OUT_KNOBS_PROPERTY = "wodian.riskworld.heldOutKnobs";

    /**
     * Part of the careful rings' payments left out when {@code keepFromPermille} is below 1000 (worlds
     * "riskworld-slow" and "riskworld-slower", see {@link WithMerchantContext}), for training and development on
     * worlds whose careful rings pay less often.
     */
    private RiskWorldRun(final long seed, final boolean heldOut, final int keepFromPermille, final int keepToPermille)
    {
        this.seed = seed;
        this.range = heldOut ? ParameterRange.HELD_OUT : ParameterRange.TRAINING;
        this.keepFromPermille = keepFromPermille;
        this.keepToPermille = keepToPermille;
    }

    @Override
    public String[] kindNames()
    {
        final com.wodian.perf.riskworld.Actor[] actors = com.wodian.perf.riskworld.Actor.values();
        final String[] names = new String[actors.length];
        for (int a = 0; a < actors.length; a++)
        {
            names[a] = actors[a].name();
        }
        return names;
    }

    @Override
    public String[] lookAlikeNames()
    {
        final com.wodian.perf.riskworld.LookAlike[] all = com.wodian.perf.riskworld.LookAlike.values();
        final String[] names = new String[all.length];
        for (final com.wodian.perf.riskworld.LookAlike lookAlike : all)
        {
            names[lookAlike.ordinal()] = lookAlike.name();
        }
        return names;
    }

    private RiskWorld generate()
    {
        return RiskWorld.generate(RiskWorldDump.knobs(seed, range, heldOutKnobs));
    }

    /** The commands the engine is fed, for the run and for its digest alike. */
    private WithMerchantContext fed(final RiskWorld world)
    {
        return new WithMerchantContext(world.cursor(), world.merchants(), keepFromPermille, keepToPermille, seed);
    }

    @Override
    public String digest()
    {
        final RiskWorld world = generate();
        final WithMerchantContext commands = fed(world);
        final WorldDigest digest = new WorldDigest();
        while (commands.next())
        {
            digest.add(commands.timestampMs(), commands.buffer(), commands.offset(), commands.length(),
                commands.actor().ordinal(), commands.variant().ordinal(), commands.groupId(),
                commands.lookAlike().ordinal());
        }
        return digest.hex();
    }

    @Override
    public ModelRun run(final RiskMode rulesMode, final TreeModel model, final TreeModel groupSource,
        final java.util.List<ModelRun.Setting> settings, final TreeModel second)
    {
        return run(rulesMode, model, groupSource, settings, second, 0);
    }

    @Override
    public ModelRun run(final RiskMode rulesMode, final TreeModel model, final int warmUpRowEvery)
    {
        return run(rulesMode, model, null, java.util.List.of(), null, warmUpRowEvery);
    }

    private ModelRun run(final RiskMode rulesMode, final TreeModel model, final TreeModel groupSource,
        final java.util.List<ModelRun.Setting> settings, final TreeModel second, final int warmUpRowEvery)
    {
        final RiskWorld world = generate();
        final Long2LongHashMap tradeByMerchant = new Long2LongHashMap(0);
        int terminals = 0;
        for (final MerchantInfo merchant : world.merchants())
        {
            tradeByMerchant.put(merchant.merchantId(), MerchantTrades.ofMcc(merchant.mcc()).value());
            terminals += merchant.terminalIds().length;
        }
        // Capacities: one pass over the cursor counts the commands (consumers are at most the commands).
        final LabelledCommands counting = world.cursor();
        int commands = 0;
        while (counting.next())
        {
            commands++;
        }
        final ModelRun run = new ModelRun(null, rulesMode, model, Math.min(commands + 16, 2_000_000),
            world.merchants().size() + 16, terminals + 16, commands + 10_000).groupSource(groupSource)
            .settings(settings).second(second).warmUpRows(warmUpRowEvery);
        run.configure(1);   // rules and model before the world's first command, whatever its time
        final WithMerchantContext commandsWithContext = fed(world);
        // The warm-up's payments before the week (LabelledCommands.warmUp) make the profiles warm; they are not the
        // evaluated week, so they are not a decision of the figures: counted, and kept apart as legitimate rows only
        // when a trainer asks (warmUpRowEvery > 0).
        new RiskWorldFeeder(run.engine()).feed(commandsWithContext, (command, reply, offset, length) ->
        {
            final ResultCode code = ResultCode.get(com.wodian.protocol.ReplyCodes.codeAt(reply, offset));
            if (command.warmUp())
            {
                run.afterWarmUpCommand(commandsWithContext.buffer(), commandsWithContext.offset(), code,
                    command.lookAlike().ordinal(), merchantId -> (int)tradeByMerchant.get(merchantId));
                return;
            }
            run.afterCommand(commandsWithContext.buffer(), commandsWithContext.offset(), code,
                command.actor().ordinal(), command.variant().ordinal(), command.groupId(),
                command.lookAlike().ordinal(), merchantId -> (int)tradeByMerchant.get(merchantId));
        });
        run.engine().verifyInvariants();
        return run;
    }
}
