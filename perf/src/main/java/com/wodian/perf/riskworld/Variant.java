package com.wodian.perf.riskworld;

/** How hard an abuse group tries to look ordinary. NONE for legitimate commands. */
public enum Variant
{
    NONE,
    /** Fast, uniform, concentrated: what an agent does before anyone has caught them. */
    BLATANT,
    /** Slow, spread over accounts, terminals and days, amounts drawn from what the shop usually sees. */
    CAREFUL
}
