package com.wodian.perf.riskworld;

/**
 * Which interval every world parameter is drawn from. The two intervals of each parameter are disjoint, so a model
 * tuned on TRAINING worlds can be reported on worlds whose shape it has never seen.
 */
public enum ParameterRange
{
    TRAINING,
    HELD_OUT
}
