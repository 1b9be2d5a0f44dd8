package com.wodian.engine.risk;

/**
 * The limits the risk books are sized against, as plain values: the engine copies them from its own configuration
 * ({@code EngineConfig}) so that this package does not depend on the engine package, which depends on it.
 *
 * @param consumersMax     consumers the engine may register (the home-same-set words)
 * @param merchantsMax     merchants the engine may register (risk rules, merchant rows and profiles, home cohorts)
 * @param terminalsMax     terminals the engine may register (terminal rows)
 * @param riskPairsMax     consumer-merchant pairs the pair books hold
 * @param riskEventsMax    risk events the event log keeps
 * @param riskOverridesMax per-merchant rule overrides the rules hold
 */
public record RiskLimits(
    int consumersMax,
    int merchantsMax,
    int terminalsMax,
    int riskPairsMax,
    int riskEventsMax,
    int riskOverridesMax)
{
}
