package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A labelled synthetic week of a merchant-alliance rewards platform, written from the threat model in
 * docs/risk-threats.md and not from the detection code: about 20,000 consumers, 500 merchants of seven trades in
 * twelve districts, six abuse kinds in BLATANT and CAREFUL variants run by abuse groups, legitimate look-alikes on
 * purpose, and the account service's events (credential resets, new devices, number changes, new-network log-ins)
 * of honest consumers and of the abusers. Everything follows from (seed, range): same inputs, same bytes.
 *
 * <pre>{@code
 * RiskWorld world = RiskWorld.generate(11, ParameterRange.TRAINING);
 * LabelledCommands commands = world.cursor();
 * while (commands.next()) { ... commands.buffer(), commands.actor(), commands.variant(), commands.groupId() ... }
 * }</pre>
 */
public final class RiskWorld
{
    private final WorldParameters parameters;
    private final List<MerchantInfo> merchants;
    /** The state built for the merchant list, handed to the first cursor so that it is not built twice. */
    private WorldState unused;

    private RiskWorld(final WorldParameters parameters, final List<MerchantInfo> merchants, final WorldState unused)
    {
        this.parameters = parameters;
        this.merchants = merchants;
        this.unused = unused;
    }

    public static RiskWorld generate(final long seed, final ParameterRange range)
    {
        return generate(WorldParameters.draw(seed, range));
    }

    /** The world of these knob values (see {@link WorldParameters#withKnobsFrom}). */
    public static RiskWorld generate(final WorldParameters parameters)
    {
        final WorldState state = WorldBuilder.build(parameters);
        final List<MerchantInfo> merchants = new ArrayList<>();
        for (final Merchant merchant : state.merchants)
        {
            final long[] terminals = new long[merchant.terminalCount];
            for (int t = 0; t < terminals.length; t++)
            {
                terminals[t] = state.terminalId[merchant.firstTerminal + t];
            }
            merchants.add(new MerchantInfo(merchant.id, merchant.trade, Areas.CODES[merchant.area],
                merchant.allianceMember, terminals, merchant.registeredAtMs));
        }
        merchants.sort((a, b) -> Long.compare(a.merchantId(), b.merchantId()));
        return new RiskWorld(parameters, Collections.unmodifiableList(merchants), state);
    }

    public WorldParameters parameters()
    {
        return parameters;
    }

    /** Every merchant of the week (those opening during the week included), by id. */
    public List<MerchantInfo> merchants()
    {
        return merchants;
    }

    /** A fresh cursor over the week's commands from the first registration; each call starts again. */
    public LabelledCommands cursor()
    {
        final WorldState state = unused != null ? unused : WorldBuilder.build(parameters);
        unused = null;
        return new WorldCursor(state);
    }

    /** Input time of the week's first day, Monday 00:00 China Standard Time. */
    public static long weekStartMs()
    {
        return SimulatedClock.WEEK_START_MS;
    }

    public static int days()
    {
        return SimulatedClock.DAYS;
    }
}
