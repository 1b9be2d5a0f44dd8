package com.wodian.perf.riskworld;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-up before the week ({@link WarmUp}, docs/risk-threats.md section 10.9): payments before Monday, after each
 * party's sign-up, with the habits the week shows, as many per day as the week's, over as many days as the knob says;
 * abusers' accounts with the history the threat model gives them; and the rest of the stream, byte for byte, what it
 * was before the warm-up existed. Each world of {@link GeneratedWorlds#SEEDS} is generated once for the class.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WarmUpTest
{
    /**
     * SHA-256 (StreamDigest) of every command from Monday on, account events included, of the four worlds as main
     * 1135f700 generated them, before the warm-up existed; and the counts of all their commands and of those from
     * Monday. The stream less the warm-up must be exactly that from Monday, and as long. (Before Monday only the old
     * platform's points migration moved, to the platform's start before the warm-up: recorded with it put back two
     * days before Monday, where the whole stream's digest was main's: e60d6523..., daeba623..., dfd153fd...,
     * f92e7fe5...)
     */
    private static final String[] BEFORE_WARM_UP = {
        "1bfcd6c4dcbbc053faddc6db551d5637f87be3bb5caf9e9b5d7e9f6f538b18be",
        "7557baeae59935f8d7572f7d03d346daeb44720953ac1dcfb2563d34a54f618d",
        "8b81b2ea4d7f09dbe369d3a1a9b4afbd1e906008763cc1069baa4f3267f25a1b",
        "ac0c5f9f1ba646c3412b4bd6e482188cd9d61e1d68ba4beed2f149069ec4f14d",
    };
    private static final long[] BEFORE_WARM_UP_COMMANDS = {271_280, 292_265, 541_240, 580_186};
    private static final long[] BEFORE_WARM_UP_FROM_MONDAY = {216_751, 237_629, 467_405, 505_512};
    private static List<Seen> worlds;

    /** What one world's stream shows of its warm-up and its week. */
    private static final class Seen
    {
        final WorldState world;
        final String name;
        final StreamDigest weekAndEvents = new StreamDigest();
        long otherCommands;
        final List<String> broken = new ArrayList<>();
        final Map<Integer, Set<Integer>> warmShops = new HashMap<>();
        final long[] warmPayments;
        /** Warm-up commands of each account (top-ups included). */
        final long[] warmCommandsOf;
        long wakerTagged;
        final long[] handoverAtMs;
        final Map<Trade, List<Long>> warmTickets = new EnumMap<>(Trade.class);
        final Map<Trade, List<Long>> weekTickets = new EnumMap<>(Trade.class);
        long warmCommands;
        long firstWarmPaymentMs = Long.MAX_VALUE;
        long warmWeekdayPayments;
        long weekWeekdayPayments;
        /** The week's ordinary payments (no look-alike) of established consumers: account and merchant index. */
        final List<int[]> weekOrdinary = new ArrayList<>();
        long sellerPayments;

        Seen(final WorldState world)
        {
            this.world = world;
            this.name = GeneratedWorlds.name(world.parameters);
            this.warmPayments = new long[world.accounts.size()];
            this.warmCommandsOf = new long[world.accounts.size()];
            this.handoverAtMs = new long[world.accounts.size()];
            Arrays.fill(handoverAtMs, Long.MAX_VALUE);
        }
    }

    @BeforeAll
    static void generateOnce()
    {
        worlds = GeneratedWorlds.generateAll((seed, range) -> see(GeneratedWorlds.build(seed, range)));
    }

    private static Seen see(final WorldState world)
    {
        final Seen seen = new Seen(world);
        final WorldCursor cursor = new WorldCursor(world);
        final long warmStartMs = SimulatedClock.dayStartMs(WarmUp.firstDay(world.parameters));
        final List<WorldEvent> warmPaymentsSeen = new ArrayList<>();
        while (cursor.next())
        {
            final WorldEvent event = cursor.event();
            final boolean payment = event.type == CommandType.PAY || event.type == CommandType.TRY;
            if (!cursor.warmUp())
            {
                seen.otherCommands++;
                if (cursor.timestampMs() >= SimulatedClock.WEEK_START_MS)
                {
                    seen.weekAndEvents.accept(cursor);
                }
                if (cursor.lookAlike() == LookAlike.DORMANT_WAKER)
                {
                    seen.wakerTagged++;
                    if (!world.account(event.account).dormantBeforeWeek || event.timeMs < SimulatedClock.WEEK_START_MS)
                    {
                        seen.broken.add("a waker's tag on " + event.type + " of another account or before Monday");
                    }
                }
                if (event.type == CommandType.ACCOUNT_EVENT && event.actor.isAbuse()
                    && event.accountEvent == AccountEventType.PHONE_REBOUND && world.account(event.account).aged)
                {
                    seen.handoverAtMs[event.account] = Math.min(seen.handoverAtMs[event.account], event.timeMs);
                }
                // The established consumers' week (not the dormant wakers': they skip the warm-up on purpose).
                if (payment && event.actor == Actor.LEGITIMATE && !world.account(event.account).dormantBeforeWeek
                    && world.account(event.account).registeredAtMs < warmStartMs)
                {
                    seeWeekPayment(seen, event);
                }
                continue;
            }
            seen.warmCommands++;
            if (event.account >= 0)
            {
                seen.warmCommandsOf[event.account]++;
            }
            checkWarmCommand(seen, event, cursor.timestampMs());
            if (payment)
            {
                seen.firstWarmPaymentMs = Math.min(seen.firstWarmPaymentMs, event.timeMs);
                warmPaymentsSeen.add(event);
            }
        }
        for (final WorldEvent event : warmPaymentsSeen)
        {
            seeWarmPayment(seen, event, warmStartMs);
        }
        return seen;
    }

    private static void checkWarmCommand(final Seen seen, final WorldEvent event, final long inputMs)
    {
        final WorldState world = seen.world;
        if (event.timeMs >= SimulatedClock.WEEK_START_MS || inputMs >= SimulatedClock.WEEK_START_MS)
        {
            seen.broken.add("on or after Monday: " + event.type + " at " + event.timeMs);
        }
        if (event.actor != Actor.LEGITIMATE || event.groupId != 0)
        {
            seen.broken.add("labelled " + event.actor + "/" + event.groupId);
        }
        if (event.account >= 0 && event.timeMs < world.account(event.account).registeredAtMs + 1_000)
        {
            seen.broken.add(event.type + " before its account's sign-up");
        }
        if (event.merchant >= 0 && event.timeMs < world.merchant(event.merchant).registeredAtMs
            + SimulatedClock.HOUR_MS)
        {
            seen.broken.add(event.type + " in the shop's first hour or before it opened");
        }
        if (event.type == CommandType.REDEEM_POINTS || event.voucherHandle >= 0)
        {
            seen.broken.add("a redemption in the warm-up");
        }
    }

    private static void seeWeekPayment(final Seen seen, final WorldEvent event)
    {
        final long day = GeneratedWorlds.day(event.timeMs);
        if (!SimulatedClock.weekend((int)day))
        {
            seen.weekWeekdayPayments++;
        }
        final Merchant merchant = seen.world.merchant(event.merchant);
        seen.weekTickets.computeIfAbsent(merchant.trade, trade -> new ArrayList<>()).add(event.amountFen);
        if (event.lookAlike == LookAlike.NONE)
        {
            seen.weekOrdinary.add(new int[] {event.account, event.merchant});
        }
    }

    private static void seeWarmPayment(final Seen seen, final WorldEvent event, final long warmStartMs)
    {
        final Account account = seen.world.account(event.account);
        if (account.actor.isAbuse())
        {
            if (!account.aged || event.timeMs >= seen.handoverAtMs[account.index])
            {
                seen.broken.add("an abuse account's payment that is not its seller's before the hand-over: "
                    + account.actor + " aged " + account.aged);
            }
            seen.sellerPayments++;
            return;
        }
        seen.warmPayments[account.index]++;
        seen.warmShops.computeIfAbsent(account.index, index -> new HashSet<>()).add(event.merchant);
        if (account.registeredAtMs < warmStartMs && !SimulatedClock.weekend((int)GeneratedWorlds.day(event.timeMs)))
        {
            seen.warmWeekdayPayments++;
        }
        seen.warmTickets.computeIfAbsent(seen.world.merchant(event.merchant).trade, trade -> new ArrayList<>())
            .add(event.amountFen);
    }

    @Test
    void everyOtherCommandIsWhatItWasBeforeTheWarmUp()
    {
        for (int w = 0; w < worlds.size(); w++)
        {
            final Seen seen = worlds.get(w);
            assertTrue(seen.warmCommands > 100_000, seen.name + seen.warmCommands + " warm-up commands");
            assertEquals(BEFORE_WARM_UP_COMMANDS[w], seen.otherCommands, seen.name + "commands");
            assertEquals(BEFORE_WARM_UP_FROM_MONDAY[w], seen.weekAndEvents.commands, seen.name + "from Monday");
            assertEquals(BEFORE_WARM_UP[w], seen.weekAndEvents.hex(), seen.name + "the week's and the events' bytes");
        }
    }

    @Test
    void warmUpPaymentsComeBeforeTheWeekAfterSignUpFromTheKnobsFirstDay()
    {
        for (final Seen seen : worlds)
        {
            assertEquals(List.of(), seen.broken.subList(0, Math.min(5, seen.broken.size())), seen.name);
            final long firstDay = GeneratedWorlds.day(seen.firstWarmPaymentMs);
            assertEquals(WarmUp.firstDay(seen.world.parameters), firstDay, seen.name + "the warm-up's first day");
        }
    }

    @Test
    void consumersShopInTheWarmUpAsTheyDoInTheWeek()
    {
        for (final Seen seen : worlds)
        {
            final WorldState world = seen.world;
            final int warmDays = world.parameters.getInt(WorldParameter.WARM_UP_DAYS);
            // The same shops: most of the week's ordinary payments are at a shop the consumer paid in the warm-up.
            long atWarmShop = 0;
            for (final int[] payment : seen.weekOrdinary)
            {
                atWarmShop += seen.warmShops.getOrDefault(payment[0], Set.of()).contains(payment[1]) ? 1 : 0;
            }
            final double share = atWarmShop / (double)seen.weekOrdinary.size();
            assertTrue(share > 0.55, seen.name + "the week's ordinary payments at a shop of the warm-up " + share);
            // Payments a weekday, per established consumer: the same sessions a day, so the same rate within 10%.
            final double warmPerWeekday = seen.warmWeekdayPayments / (double)weekdays(-warmDays, 0);
            final double weekPerWeekday = seen.weekWeekdayPayments / 5.0;
            final double rate = warmPerWeekday / weekPerWeekday;
            assertTrue(rate > 0.9 && rate < 1.1, seen.name + "weekday payments, warm-up/week " + rate);
            // The same tickets: each trade's median within 10% of the week's.
            for (final Trade trade : Trade.values())
            {
                final double median = median(seen.warmTickets.get(trade)) / median(seen.weekTickets.get(trade));
                assertTrue(median > 0.9 && median < 1.1, seen.name + trade + " median ticket, warm-up/week " + median);
            }
        }
    }

    @Test
    void abusersAccountsHaveTheHistoryTheThreatModelGivesThem()
    {
        long sellerPayments = 0;
        long sellerDays = 0;
        long honestPayments = 0;
        long honestDays = 0;
        for (final Seen seen : worlds)
        {
            final WorldState world = seen.world;
            final long warmStartMs = SimulatedClock.dayStartMs(WarmUp.firstDay(world.parameters));
            // Fresh and dormant abuse accounts: no payment (checked per payment with the hand-over in see()).
            sellerPayments += seen.sellerPayments;
            for (final Account account : world.accounts)
            {
                final long fromMs = Math.max(warmStartMs, account.registeredAtMs);
                if (account.actor.isAbuse() && seen.handoverAtMs[account.index] != Long.MAX_VALUE)
                {
                    sellerDays += Math.max(0, seen.handoverAtMs[account.index] - fromMs) / SimulatedClock.DAY_MS;
                }
                else if (!account.actor.isAbuse() && account.shopsOrdinarily
                    && account.registeredAtMs < SimulatedClock.WEEK_START_MS)
                {
                    honestPayments += seen.warmPayments[account.index];
                    honestDays += (SimulatedClock.WEEK_START_MS - fromMs) / SimulatedClock.DAY_MS;
                }
            }
            // Takeover victims: their own honest life, labelled LEGITIMATE (checked per command in see()).
            long victims = 0;
            long victimsWithPayments = 0;
            for (final Campaign campaign : world.campaigns)
            {
                for (final Account account : campaign.accounts)
                {
                    if (campaign.label.actor() == Actor.ACCOUNT_TAKEOVER && !account.actor.isAbuse())
                    {
                        victims++;
                        victimsWithPayments += seen.warmPayments[account.index] > 0 ? 1 : 0;
                    }
                }
            }
            assertTrue(victims > 10 && victimsWithPayments >= victims * 9 / 10,
                seen.name + victimsWithPayments + " of " + victims + " victims with warm-up payments");
        }
        // A bought account's seller shopped as honest consumers do until the sale.
        final double rate = (sellerPayments / (double)sellerDays) / (honestPayments / (double)honestDays);
        assertTrue(sellerDays > 100 && rate > 0.5 && rate < 2, sellerPayments + " payments in " + sellerDays
            + " seller-days, against the honest rate: " + rate);
    }

    @Test
    void dormantWakersPayNothingBeforeTheWeekAndShopInIt()
    {
        for (final Seen seen : worlds)
        {
            final WorldState world = seen.world;
            final long warmStartMs = SimulatedClock.dayStartMs(WarmUp.firstDay(world.parameters));
            final Set<Integer> inCampaign = new HashSet<>();
            world.campaigns.forEach(campaign -> campaign.accounts.forEach(account -> inCampaign.add(account.index)));
            long eligible = 0;
            long wakers = 0;
            for (final Account account : world.accounts)
            {
                final boolean aged = account.registeredAtMs <= warmStartMs - WarmUp.WAKER_AGE_MS;
                if (account.shopsOrdinarily && account.actor == Actor.LEGITIMATE && account.lookAlike == LookAlike.NONE
                    && !inCampaign.contains(account.index) && aged)
                {
                    eligible++;
                }
                if (account.dormantBeforeWeek)
                {
                    wakers++;
                    assertTrue(aged && account.actor == Actor.LEGITIMATE, seen.name + "a waker aged and honest");
                    assertEquals(0, seen.warmCommandsOf[account.index], seen.name + "a waker's warm-up commands");
                }
            }
            GeneratedWorlds.assertNear(seen.name + "dormant wakers",
                eligible * world.parameters.get(WorldParameter.DORMANT_WAKER_BPS) / 10_000.0, wakers);
            // They shop in the week as they always did: several tagged commands each.
            assertTrue(seen.wakerTagged > 3 * wakers, seen.name + seen.wakerTagged + " tagged commands of " + wakers);
        }
    }

    @Test
    void theWarmUpIsAsLongAsItsKnobAndInsideTheHistory()
    {
        final WorldParameters parameters = WorldParameters.draw(11, ParameterRange.TRAINING);
        final WorldParameters longer = parameters.withKnobsFrom(ParameterRange.HELD_OUT, WorldParameter.WARM_UP_DAYS);
        final long[] shorter = warmUpPaymentsByDay(parameters);
        final long[] longerByDay = warmUpPaymentsByDay(longer);
        assertEquals(parameters.get(WorldParameter.WARM_UP_DAYS), shorter.length);
        assertEquals(longer.get(WorldParameter.WARM_UP_DAYS), longerByDay.length);
        assertTrue(longerByDay.length > shorter.length);
        // Counts scale with the window: the same payments a day, whatever the warm-up's length.
        final double perDay = (double)Arrays.stream(longerByDay).sum() / longerByDay.length
            / ((double)Arrays.stream(shorter).sum() / shorter.length);
        assertTrue(perDay > 0.95 && perDay < 1.05, "payments a day, longer/shorter warm-up " + perDay);
        for (final ParameterRange range : ParameterRange.values())
        {
            assertTrue(WorldParameter.WARM_UP_DAYS.high(range) <= WorldParameter.HISTORY_DAYS.low(range), "" + range);
        }
    }

    /** The warm-up's payments per day (index 0: its first day), from a cursor stopped at Monday. */
    private static long[] warmUpPaymentsByDay(final WorldParameters parameters)
    {
        final WorldState world = WorldBuilder.build(parameters);
        final int firstDay = WarmUp.firstDay(parameters);
        final long[] byDay = new long[-firstDay];
        final WorldCursor cursor = new WorldCursor(world);
        while (cursor.next() && cursor.timestampMs() < SimulatedClock.WEEK_START_MS)
        {
            final WorldEvent event = cursor.event();
            if (cursor.warmUp() && (event.type == CommandType.PAY || event.type == CommandType.TRY))
            {
                byDay[(int)(GeneratedWorlds.day(event.timeMs) - firstDay)]++;
            }
        }
        return byDay;
    }

    /** Weekdays (Monday to Friday) among the days from {@code fromDay} to before {@code toDay}. */
    private static long weekdays(final int fromDay, final int toDay)
    {
        long count = 0;
        for (int day = fromDay; day < toDay; day++)
        {
            count += SimulatedClock.weekend(day) ? 0 : 1;
        }
        return count;
    }

    private static double median(final List<Long> values)
    {
        final long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
