package com.wodian.perf.riskworld;

/**
 * Plans every registration of the world at its own time: merchants (rules, voucher rule, tills), consumers (with
 * the welcome points of the week's new-user campaign), the set-up top-ups, and the points balances migrated from
 * the old platform just before the week (operator adjustments).
 */
final class SetupPhase
{
    private static final long MIGRATION_MS = SimulatedClock.WEEK_START_MS - 2 * SimulatedClock.DAY_MS;

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
                final long migratedAtMs = Math.max(account.registeredAtMs + SimulatedClock.MINUTE_MS,
                    MIGRATION_MS + account.index * 997L % SimulatedClock.HOUR_MS);
                plan.adjustPoints(migratedAtMs, account,
                    account.legacyPoints, label);
            }
            if (account.initialTopUpFen > 0)
            {
                plan.topUp(account.initialTopUpAtMs, account, account.initialTopUpFen, label);
            }
        }
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
