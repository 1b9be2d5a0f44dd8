package com.wodian.engine.risk;

/**
 * The branch-free leaf select of a range of a model's lanes (the three loops {@code RiskModel.evaluate} runs over all
 * lanes), for the lanes of a challenger's individual stage outside its shadow sample: the group stage's lanes are
 * neither gathered nor selected. A method of its own so that its loops have their own profile: the JIT unrolls a loop
 * of variable length by the trip count it profiled, and this one only ever runs over individual stages.
 */
final class LaneSelect
{
    private LaneSelect()
    {
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
