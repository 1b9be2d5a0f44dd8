package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.Actor;
import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.RiskWorldTemplates;
import com.wodian.perf.riskworld.Variant;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slowed world (risk-train --world riskworld-slow) leaves out only payments of careful brushing, circular-flow
 * and collusive-till groups, part of them in every such group, never all, and the same ones whether or not account
 * events are among the world's commands; and the trainer's ablation property leaves out the features it names.
 */
class SlowWorldTest
{
    private static boolean ring(final LabelledCommands command)
    {
        final Actor actor = command.actor();
        return command.variant() == Variant.CAREFUL &&
            (command.templateId() == RiskWorldTemplates.PAY || command.templateId() == RiskWorldTemplates.TRY) &&
            (actor == Actor.POINTS_BRUSHING || actor == Actor.CIRCULAR_FLOW || actor == Actor.COLLUSIVE_TERMINAL);
    }

    /** Commands per key: "other" for everything the slowing must keep, the group id for the careful rings' payments. */
    private static Map<String, Integer> counts(final RiskWorld world, final boolean slow)
    {
        return counts(new WithMerchantContext(world.cursor(), world.merchants(), slow, 11));
    }

    private static Map<String, Integer> counts(final LabelledCommands commands)
    {
        final Map<String, Integer> counts = new TreeMap<>();
        while (commands.next())
        {
            counts.merge(ring(commands) ? "group " + commands.groupId() : "other", 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void slowedWorldsLeaveOutPartOfEveryCarefulRingsPaymentsAndNothingElse()
    {
        final RiskWorld world = RiskWorld.generate(11, ParameterRange.TRAINING);
        final Map<String, Integer> plain = counts(world, false);
        final Map<String, Integer> slowed = counts(world, true);
        assertEquals(plain.get("other"), slowed.get("other"), "every other command kept");
        assertTrue(plain.size() > 1, "the world has careful rings");
        int ringsSlowed = 0;
        for (final Map.Entry<String, Integer> group : plain.entrySet())
        {
            if (group.getKey().startsWith("group"))
            {
                final int kept = slowed.getOrDefault(group.getKey(), 0);
                assertTrue(kept > 0, group.getKey() + " keeps some payments");
                assertTrue(kept <= group.getValue(), group.getKey());
                ringsSlowed += kept < group.getValue() ? 1 : 0;
            }
        }
        assertTrue(ringsSlowed > 0, "some ring pays less often");
        assertEquals(slowed, counts(world, true), "the same seed leaves out the same payments");
    }

    @Test
    void slowerWorldsKeepFifteenToSixtyFivePercentOfEveryCarefulRingsPayments()
    {
        final RiskWorld world = RiskWorld.generate(11, ParameterRange.TRAINING);
        final Map<String, Integer> plain = counts(world, false);
        final Map<String, Integer> slower = counts(new WithMerchantContext(world.cursor(), world.merchants(),
            WithMerchantContext.SLOWER_KEEP_FROM_PERMILLE, WithMerchantContext.SLOWER_KEEP_TO_PERMILLE, 11));
        assertEquals(plain.get("other"), slower.get("other"), "every other command kept");
        long ringPayments = 0;
        long kept = 0;
        for (final Map.Entry<String, Integer> group : plain.entrySet())
        {
            if (group.getKey().startsWith("group"))
            {
                final int keptOfGroup = slower.getOrDefault(group.getKey(), 0);
                assertTrue(keptOfGroup > 0, group.getKey() + " keeps some payments");
                if (group.getValue() >= 40)
                {
                    assertTrue(keptOfGroup < group.getValue() * 0.8, group.getKey() + " keeps at most about 65%");
                }
                ringPayments += group.getValue();
                kept += keptOfGroup;
            }
        }
        assertTrue(kept * 100 < ringPayments * 70 && kept * 100 > ringPayments * 10,
            "kept " + kept + " of " + ringPayments + " ring payments");
        final Map<String, Integer> slow = counts(world, true);
        long keptSlow = 0;
        for (final Map.Entry<String, Integer> group : slow.entrySet())
        {
            keptSlow += group.getKey().startsWith("group") ? group.getValue() : 0;
        }
        assertTrue(kept < keptSlow, "slower than riskworld-slow (" + kept + " vs " + keptSlow + ")");
    }

    /** The kept careful ring payments, in order, as "group:timestamp" (the ids the slowing decides on). */
    private static java.util.List<String> keptRingPayments(final LabelledCommands commands)
    {
        final java.util.List<String> kept = new java.util.ArrayList<>();
        while (commands.next())
        {
            if (ring(commands))
            {
                kept.add(commands.groupId() + ":" + commands.timestampMs());
            }
        }
        return kept;
    }

    @Test
    void accountEventsAmongTheCommandsLeaveTheSameRingPaymentsOut()
    {
        final RiskWorld world = RiskWorld.generate(11, ParameterRange.TRAINING);
        final java.util.List<String> without = keptRingPayments(new WithMerchantContext(world.cursor(),
            world.merchants(), WithMerchantContext.SLOWER_KEEP_FROM_PERMILLE,
            WithMerchantContext.SLOWER_KEEP_TO_PERMILLE, 11));
        final java.util.List<String> with = keptRingPayments(new WithMerchantContext(
            new WithAccountEvents(world.cursor()), world.merchants(), WithMerchantContext.SLOWER_KEEP_FROM_PERMILLE,
            WithMerchantContext.SLOWER_KEEP_TO_PERMILLE, 11));
        assertTrue(without.size() > 100, "the world has careful ring payments: " + without.size());
        int firstDifference = 0;
        while (firstDifference < Math.min(without.size(), with.size()) &&
            without.get(firstDifference).equals(with.get(firstDifference)))
        {
            firstDifference++;
        }
        assertTrue(without.equals(with), "kept " + without.size() + " without events, " + with.size() + " with; " +
            "first difference at " + firstDifference);
    }

    /** A world's commands with an account event (a legitimate credential reset) before every third of them. */
    private static final class WithAccountEvents implements LabelledCommands
    {
        private final LabelledCommands commands;
        private final org.agrona.concurrent.UnsafeBuffer event = new org.agrona.concurrent.UnsafeBuffer(new byte[64]);
        private final int eventLength = new com.wodian.protocol.CommandEncoder().accountEvent(event, 0, 1,
            com.wodian.protocol.sbe.AccountEventKind.CREDENTIAL_RESET);
        private long count;
        private boolean atEvent;

        WithAccountEvents(final LabelledCommands commands)
        {
            this.commands = commands;
        }

        @Override
        public boolean next()
        {
            count++;
            atEvent = count % 4 == 0;
            return atEvent || commands.next();
        }

        @Override
        public long timestampMs()
        {
            return commands.timestampMs();
        }

        @Override
        public int templateId()
        {
            return atEvent ? com.wodian.protocol.sbe.AccountEventDecoder.TEMPLATE_ID : commands.templateId();
        }

        @Override
        public org.agrona.DirectBuffer buffer()
        {
            return atEvent ? event : commands.buffer();
        }

        @Override
        public int offset()
        {
            return atEvent ? 0 : commands.offset();
        }

        @Override
        public int length()
        {
            return atEvent ? eventLength : commands.length();
        }

        @Override
        public Actor actor()
        {
            return atEvent ? Actor.LEGITIMATE : commands.actor();
        }

        @Override
        public Variant variant()
        {
            return atEvent ? Variant.NONE : commands.variant();
        }

        @Override
        public com.wodian.perf.riskworld.LookAlike lookAlike()
        {
            return atEvent ? com.wodian.perf.riskworld.LookAlike.NONE : commands.lookAlike();
        }

        @Override
        public int groupId()
        {
            return atEvent ? 0 : commands.groupId();
        }

        @Override
        public int voucherSlot()
        {
            return atEvent ? 0 : commands.voucherSlot();
        }

        @Override
        public boolean warmUp()
        {
            return !atEvent && commands.warmUp();
        }
    }

    @Test
    void theTrainerLeavesOutTheFeaturesNamedForAnAblation()
    {
        final String[] names = com.wodian.engine.Engine.riskFeatureNames();
        final int lift = java.util.Arrays.asList(names).indexOf("HOME_COHORT_LIFT");
        final int strikes = java.util.Arrays.asList(names).indexOf("CONSUMER_STRIKES_24H");
        assertFalse(ModelTraining.excludedFeatures()[lift]);
        assertTrue(ModelTraining.excludedFeatures()[strikes], "strikes are never trained on");
        System.setProperty(ModelTraining.EXCLUDE_PROPERTY, "HOME_COHORT_LIFT,HOME_ROUTE_FLOW");
        try
        {
            final boolean[] excluded = ModelTraining.excludedFeatures();
            assertTrue(excluded[lift]);
            assertTrue(excluded[java.util.Arrays.asList(names).indexOf("HOME_ROUTE_FLOW")]);
            assertFalse(excluded[0]);
        }
        finally
        {
            System.clearProperty(ModelTraining.EXCLUDE_PROPERTY);
        }
    }
}
