package com.wodian.perf.riskworld;

/**
 * Plans every registration of the world at its own time: merchants (rules, voucher rule, tills), consumers (with
 * the welcome points of the week's new-user campaign), the set-up top-ups, and the points balances migrated from
 * the old platform when this platform started (operator adjustments): two days before the warm-up's first day
 * ({@link WarmUp}), so an established consumer's first payment here finds its old balance, as it would have
 * before the warm-up existed (the migration was then two days before the week).
 */
final class SetupPhase
{
    private static final long MIGRATION_LEAD_MS = 2 * SimulatedClock.DAY_MS;

    private SetupPhase()
    {
    }

    static void plan(final WorldState world, final EventPlan plan)
    {
        for (final Merchant merchant : world.merchants)
        {
            planMerchant(merchant, plan);
        }
        final long welcomePoints = world.parameters.get(WorldParameter.WELCOME_POINTS);
        for (final Account account : world.accounts)
        {
            final Label label = account.label();
            plan.registerConsumer(account, label);
            if (account.welcomeBonus)
            {
                plan.adjustPoints(account.registeredAtMs + 1_000 + account.index % 4_000, account, welcomePoints,
                    label);
            }
            if (account.legacyPoints > 0)
            {
                plan.adjustPoints(migratedAtMs(world.parameters, account), account, account.legacyPoints, label);
            }
            if (account.initialTopUpFen > 0)
            {
                plan.topUp(account.initialTopUpAtMs, account, account.initialTopUpFen, label);
            }
        }
    }

    /** When an account's old balance is migrated: at the platform's start (or a minute after a later sign-up). */
    static long migratedAtMs(final WorldParameters parameters, final Account account)
    {
        final long migrationMs = SimulatedClock.dayStartMs(WarmUp.firstDay(parameters)) - MIGRATION_LEAD_MS;
        return Math.max(account.registeredAtMs + SimulatedClock.MINUTE_MS,
            migrationMs + account.index * 997L % SimulatedClock.HOUR_MS);
    }

    private static void planMerchant(final Merchant merchant, final EventPlan plan)
    {
        plan.add(CommandType.REGISTER_MERCHANT, merchant.registeredAtMs, merchant.owner).merchant = merchant.index;
        plan.add(CommandType.SET_MERCHANT_RULES, merchant.registeredAtMs + 1_000, merchant.owner).merchant =
            merchant.index;
        for (int t = 0; t < merchant.terminalCount; t++)
        {
            final WorldEvent event =
                plan.add(CommandType.REGISTER_TERMINAL, merchant.registeredAtMs + 2_000 + t, merchant.owner);
            event.merchant = merchant.index;
            event.terminal = merchant.firstTerminal + t;
        }
    }
}
