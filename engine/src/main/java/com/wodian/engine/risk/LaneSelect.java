package com.wodian.engine.risk;

/**
 * The branch-free leaf select of a range of a model's lanes (the three loops {@code RiskModel.evaluate} runs over all
 * lanes), for the lanes of a challenger's individual stage outside its shadow sample: the group stage's lanes are
 * neither gathered nor selected. A method of its own so that its loops have their own profile: the JIT unrolls a loop
 * of variable length by the trip count it profiled, and this one only ever runs over individual stages. And the same
 * for a range of a few lanes ({@link #few}), gathered and selected in one scalar pass.
 */
final class LaneSelect
{
    /**
     * The most lanes {@code RiskModel.evaluate} takes through {@link #few} instead of its three select loops over all
     * 256 lanes, whose cost does not depend on the model: for v55, then the recommended configuration's SECOND model of
     * three trees, those loops were ~8% of a recommended Pay's risk time, about as much as for v31's 240 lanes (JFR,
     * fifty-sixth session: docs/risk.md "Cost on the payment path"). One scalar pass costs a few nanoseconds a lane;
     * over v24's 24 lanes before its exit marker it was already 2-5% slower than the gather and three short loops.
     */
    static final int FEW_LANES = 16;

    private LaneSelect()
    {
    }

    /**
     * Lanes {@code [fromLane, toLane)}, at most {@link #FEW_LANES}: {@code value2} becomes each lane's leaf, picked
     * with the same masks as {@link #range} (so the same leaf), the feature values read from {@code clamped} by the
     * lane's packed ids ({@code RiskModel}'s {@code laneFeatures}) instead of gathered into arrays first.
     */
    static void few(final int fromLane, final int toLane, final int[] clamped, final int[] featureIds,
        final int[] value2, final int[] threshold0, final int[] threshold1, final int[] threshold2,
        final int[] leftRight, final int[] leftDelta, final int[] rightRight, final int[] rightDelta)
    {
        for (int lane = fromLane; lane < toLane; lane++)
        {
            final int ids = featureIds[lane];
            final int left = leftRight[lane] +
                (((clamped[(ids >>> 8) & 0xFF] - threshold1[lane]) >> 31) & leftDelta[lane]);
            final int right = rightRight[lane] +
                (((clamped[ids >>> 16] - threshold2[lane]) >> 31) & rightDelta[lane]);
            value2[lane] = right + (((clamped[ids & 0xFF] - threshold0[lane]) >> 31) & (left - right));
        }
    }

    /**
     * Lanes {@code [fromLane, toLane)}: {@code value2} becomes each lane's leaf from the gathered values
     * {@code value0..2}, as {@code RiskModel.evaluate} picks it ({@code value1} is scratch).
     */
    static void range(final int fromLane, final int toLane, final int[] value0, final int[] value1, final int[] value2,
        final int[] threshold0, final int[] threshold1, final int[] threshold2, final int[] leftRight,
        final int[] leftDelta, final int[] rightRight, final int[] rightDelta)
    {
        for (int lane = fromLane; lane < toLane; lane++)
        {
            value1[lane] = leftRight[lane] + (((value1[lane] - threshold1[lane]) >> 31) & leftDelta[lane]);
        }
        for (int lane = fromLane; lane < toLane; lane++)
        {
            value2[lane] = rightRight[lane] + (((value2[lane] - threshold2[lane]) >> 31) & rightDelta[lane]);
        }
        for (int lane = fromLane; lane < toLane; lane++)
        {
            value2[lane] += ((value0[lane] - threshold0[lane]) >> 31) & (value1[lane] - value2[lane]);
        }
    }
}
