package com.wodian.perf;

/**
 * As JarRunner, for EngineRewardsBenchmark (Pay with every reward on; a RedeemPoints and a Pay spending its voucher in
 * every eleven operations) through rewardsBatch, or payWithRewards one at a time ("off"). Fails on any refusal.
 */
public final class JarRewardsRunner
{
    public static Object setUp()
    {
        final EngineRewardsBenchmark b = new EngineRewardsBenchmark();
        b.tables = "reserve";
        b.setUp();
        b.prepareBatches(256);   // room for any batch the engine prefetches (Engine.PREFETCH_BATCH_MAX)
        return b;
    }

    public static long run(final Object state, final int commands, final int batch, final boolean staged)
    {
        final EngineRewardsBenchmark b = (EngineRewardsBenchmark)state;
        long folded = 0;
        for (int i = 0; i < commands / batch; i++)
        {
            if (staged)
            {
                folded += b.rewardsBatch(batch);
            }
            else
            {
                for (int k = 0; k < batch; k++)
                {
                    folded += b.payWithRewards();
                }
            }
        }
        b.requireAllOk("JarRewardsRunner round");
        return folded;
    }
}
