package com.wodian.engine.risk;

import com.wodian.engine.EngineConfig;
import com.wodian.engine.EngineDriver;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HOME_SAME_SET_LIMIT (engine setting 9, docs/risk.md "Rules", home-same-set limit): the count of other accounts of a
 * dormant payer's home shop whose set of shops tried is the payer's with this shop added, against h13's offline
 * definition; the decline; learning from every evaluated payment, declined ones included; nothing learnt, snapshotted
 * or hashed before the setting was first non-zero; the state through a snapshot.
 */
class HomeSameSetTest
{
    private static final long HOME = 1;
    private static final long SHOP_A = 2;
    private static final long SHOP_B = 3;
    private static final long SHOP_X = 4;
    private static final long DAY_MS = 86_400_000L;

    /**
     * h13's offline definition (/tmp/h13/s47/setrule.py, with the engine's 64-bucket shop hash written out here, as
     * measured), with exact counts per (home shop, set) (no shared counters).
     */
    private static final class Reference
    {
        final Map<Integer, Long> words = new HashMap<>();
        final Map<String, Long> counts = new HashMap<>();

        static long bit(final int merchant)
        {
            return 1L << ((merchant * 0x9E3779B9) >>> 26);
        }

        long count(final int consumer, final int home, final int merchant)
        {
            final long old = words.getOrDefault(consumer, 0L);
            final long now = old | bit(merchant);
            if (Long.bitCount(now) < 2)
            {
                return 0;
            }
            return Math.min(255, counts.getOrDefault(home + "/" + now, 0L) - (now == old ? 1 : 0));
        }

        void learn(final int consumer, final int home, final int merchant)
        {
            final long old = words.getOrDefault(consumer, 0L);
            final long now = old | bit(merchant);
            if (now == old)
            {
                return;
            }
            if (Long.bitCount(old) >= 2)
            {
                counts.merge(home + "/" + old, -1L, Long::sum);
            }
            if (Long.bitCount(now) >= 2)
            {
                counts.merge(home + "/" + now, 1L, Long::sum);
            }
            words.put(consumer, now);
        }
    }

    @Test
    void countsAsTheOfflineDefinition()
    {
        // 200 consumers of 4 home shops paying at 5 shops: at most 4 x 2^5 (home, set) keys, few enough for the 2^19
        // counters that no two share one (seed fixed), so the one-hash table reads the exact counts.
        final SplittableRandom random = new SplittableRandom(47);
        final HomeSameSets sets = new HomeSameSets(1 << 20, 1_000);
        final Reference reference = new Reference();
        sets.start();
        int positive = 0;
        for (int payment = 0; payment < 2_000; payment++)
        {
            final int consumer = random.nextInt(200);
            final int home = consumer % 4;
            final int merchant = 4 + random.nextInt(5);
            final long count = sets.count(consumer, home, merchant);
            assertEquals(reference.count(consumer, home, merchant), count, "payment " + payment);
            positive += count > 0 ? 1 : 0;
            sets.learn(consumer, home, merchant);
            reference.learn(consumer, home, merchant);
        }
        assertTrue(positive > 500, "the counts were exercised: " + positive);
    }

    /**
     * The load ahead of the rules (RiskControl.touchLines: docs/risk.md "Cost on the payment path") reads nothing
     * before learning started and changes nothing after: counts and the state hash are the same with and without it,
     * also for a consumer whose word was never grown to.
     */
    @Test
    void touchReadsNothingBeforeTheStartAndChangesNothing()
    {
        final HomeSameSets sets = new HomeSameSets(1 << 16, 1_000);
        assertEquals(0, sets.touch(999, 1, 2));
        sets.start();
        final SplittableRandom random = new SplittableRandom(48);
        for (int payment = 0; payment < 500; payment++)
        {
            final int consumer = random.nextInt(1_000);
            final int home = consumer % 4;
            final int merchant = 4 + random.nextInt(5);
            final long hash = sets.hash(7);
            final long count = sets.count(consumer, home, merchant);
            sets.touch(consumer, home, merchant);
            assertEquals(hash, sets.hash(7), "payment " + payment);
            assertEquals(count, sets.count(consumer, home, merchant), "payment " + payment);
            sets.learn(consumer, home, merchant);
        }
    }

    @Test
    void aSetHasSixtyFourShopBuckets()
    {
        // Feature 49's hash (64 buckets): the first 64 merchant indexes fall in 55 of them. A 16-bucket hash made
        // honest accounts' sets coincide and added legitimate declines (h13's engine check, 15:46).
        long buckets = 0;
        for (int merchant = 0; merchant < 64; merchant++)
        {
            buckets |= HomeSameSets.shopBit(merchant);
        }
        assertEquals(55, Long.bitCount(buckets));
    }

    private static EngineDriver town()
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        for (long merchant = HOME; merchant <= SHOP_X; merchant++)
        {
            assertEquals(ResultCode.OK, d.merchant(merchant, 10, 500, 300, 100, true));
            assertEquals(ResultCode.OK, d.terminal(merchant * 10, merchant));
        }
        for (long consumer = 101; consumer <= 106; consumer++)
        {
            assertEquals(ResultCode.OK, d.consumer(consumer, HOME));
            assertEquals(ResultCode.OK, d.topUp(consumer, consumer, 1_000_000));
        }
        // Dormant from here: 31 days old, no point held before the first payment.
        d.advanceMs(31 * DAY_MS);
        return d;
    }

    private static int payments;

    private static ResultCode pay(final EngineDriver d, final long shop, final long consumer)
    {
        return d.pay(shop, shop * 10, 5_000 + payments++, consumer, 1_000);
    }

    @Test
    void declinesADormantPayerWhoseSetOthersOfItsHomeShopShare()
    {
        assertNotEquals(HomeSameSets.shopBit(1), HomeSameSets.shopBit(2), "shops A and B hash apart");
        final EngineDriver d = town();
        assertEquals(ResultCode.OK, d.setting(EngineSetting.HOME_SAME_SET_LIMIT, 3));
        for (long consumer = 101; consumer <= 103; consumer++)
        {
            assertEquals(ResultCode.OK, pay(d, SHOP_A, consumer));
            assertEquals(ResultCode.OK, pay(d, SHOP_B, consumer), "consumer " + consumer + ": fewer than 3 before it");
        }
        assertEquals(ResultCode.OK, pay(d, SHOP_A, 104));
        assertEquals(ResultCode.RISK_HOME_SAME_SET, pay(d, SHOP_B, 104), "three others with {A, B}");
        assertEquals(ResultCode.OK, d.setting(EngineSetting.HOME_SAME_SET_LIMIT, 4));
        assertEquals(ResultCode.OK, pay(d, SHOP_A, 106));
        assertEquals(ResultCode.RISK_HOME_SAME_SET, pay(d, SHOP_B, 106), "104's declined payment was learnt too: 4");
        assertEquals(ResultCode.OK, pay(d, SHOP_X, 105));
        assertEquals(ResultCode.OK, pay(d, SHOP_B, 105), "{X, B}: nobody else");
        assertEquals(ResultCode.OK, d.setting(EngineSetting.HOME_SAME_SET_LIMIT, 0));
        assertEquals(ResultCode.OK, pay(d, SHOP_B, 104), "off");
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.HOME_SAME_SET_LIMIT, 256));
    }

    @Test
    void anAccountThatIsNotDormantIsNotDeclined()
    {
        final EngineDriver d = town();
        assertEquals(ResultCode.OK, d.setting(EngineSetting.HOME_SAME_SET_LIMIT, 1));
        assertEquals(ResultCode.OK, pay(d, SHOP_A, 101));
        assertEquals(ResultCode.OK, pay(d, SHOP_B, 101));
        assertEquals(ResultCode.OK, d.consumer(107, HOME));
        assertEquals(ResultCode.OK, d.topUp(107, 107, 1_000_000));
        assertEquals(ResultCode.OK, pay(d, SHOP_A, 107));
        assertEquals(ResultCode.OK, pay(d, SHOP_B, 107), "a day-old account");
        assertEquals(ResultCode.OK, pay(d, SHOP_A, 102));
        assertEquals(ResultCode.RISK_HOME_SAME_SET, pay(d, SHOP_B, 102), "dormant, two others with {A, B}");
    }

    @Test
    void nothingIsLearntOrHashedBeforeTheSettingAndTheStateSurvivesASnapshot()
    {
        final EngineDriver off = town();
        final EngineDriver never = town();
        for (long consumer = 101; consumer <= 103; consumer++)
        {
            assertEquals(ResultCode.OK, pay(off, SHOP_A, consumer));
            payments--;
            assertEquals(ResultCode.OK, pay(never, SHOP_A, consumer));
        }
        assertEquals(never.engine.stateHash(), off.engine.stateHash());
        // Payments before the setting are not learnt: 101-103 paid A, so {A, B} has nobody yet.
        assertEquals(ResultCode.OK, off.setting(EngineSetting.HOME_SAME_SET_LIMIT, 1));
        assertNotEquals(never.engine.stateHash(), off.engine.stateHash(), "the setting is state");
        assertEquals(ResultCode.OK, pay(off, SHOP_B, 101), "its {A} was not learnt: {B} alone");
        assertEquals(ResultCode.OK, pay(off, SHOP_A, 101));
        assertEquals(ResultCode.OK, pay(off, SHOP_A, 104));
        final EngineDriver restored = off.restoredFromSnapshot(EngineConfig.small());
        assertEquals(off.engine.stateHash(), restored.engine.stateHash());
        final int before = payments;
        assertEquals(ResultCode.RISK_HOME_SAME_SET, pay(off, SHOP_B, 104), "101 has {A, B}");
        payments = before;
        assertEquals(ResultCode.RISK_HOME_SAME_SET, pay(restored, SHOP_B, 104), "restored alike");
        assertEquals(off.engine.stateHash(), restored.engine.stateHash());
    }
}
