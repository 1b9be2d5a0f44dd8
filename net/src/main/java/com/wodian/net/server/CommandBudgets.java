package com.wodian.net.server;

import com.wodian.net.metrics.ServerCounters;
import com.wodian.protocol.sbe.SessionRole;
import org.agrona.collections.Long2LongHashMap;

/**
 * A command budget per terminal or consumer identity on the POS port (security review 2026-12-05 B12): a token bucket
 * of {@code burst} messages refilled at {@code perSecond}, shared by every session of the identity. A message beyond
 * it is answered by the gateway with {@code 901 SERVER_BUSY} and never reaches the ring, the journal or the engine,
 * so one terminal can no longer fill the journal (and the key table) at wire speed for every merchant. Admin sessions
 * have no budget (loadgen, the tools). Network thread only.
 *
 * <p>Allocation-free after start: the buckets are parallel arrays with one slot per session slot (an identity takes
 * one while it has a logged-on session, freed with its last one), found through primitive maps presized never to
 * grow. The clock is the receiver's time of the frames being decoded; no clock is read here.
 */
final class CommandBudgets
{
    private static final long MISSING = -1;

    private final double tokensPerMs;
    private final double burst;
    private final ServerCounters counters;
    private final Long2LongHashMap terminalBuckets;
    private final Long2LongHashMap consumerBuckets;
    private final double[] tokens;
    private final long[] lastRefillMs;
    private final int[] references;
    private final int[] freeBuckets;
    private int freeCount;
    /** At most one WARNING line per 10 s: anyone with a credential can cause refusals at wire speed. */
    private final RefusalWarning refusals = new RefusalWarning("command budget per identity",
        "refusing messages beyond the {0} ({1}/s); {2} refused since the last such line");
    private final int perSecond;

    /**
     * @param perSecond sustained messages per second per identity; 0 for no budget.
     * @param burst     messages an identity may send at once.
     * @param slots     session slots of the port (the most identities with a session at once).
     */
    CommandBudgets(final int perSecond, final int burst, final int slots, final ServerCounters counters)
    {
        this.perSecond = perSecond;
        this.tokensPerMs = perSecond / 1000.0;
        this.burst = burst;
        this.counters = counters;
        final int buckets = 0 == perSecond ? 0 : slots;
        terminalBuckets = new Long2LongHashMap(Math.max(8, 2 * buckets), 0.65f, MISSING);
        consumerBuckets = new Long2LongHashMap(Math.max(8, 2 * buckets), 0.65f, MISSING);
        tokens = new double[buckets];
        lastRefillMs = new long[buckets];
        references = new int[buckets];
        freeBuckets = new int[buckets];
        for (int i = 0; i < buckets; i++)
        {
            freeBuckets[i] = buckets - 1 - i;
        }
        freeCount = buckets;
    }

    /** A session has logged on: it shares its identity's bucket (a full one if the identity had none). */
    void attach(final Session session, final long nowMs)
    {
        final Long2LongHashMap map = mapOf(session.role);
        if (null == map || 0 == freeBuckets.length)
        {
            return;
        }
        long bucket = map.get(session.principalId);
        if (MISSING == bucket)
        {
            if (0 == freeCount)
            {
                return; // cannot happen: one bucket per session slot at most
            }
            bucket = freeBuckets[--freeCount];
            tokens[(int)bucket] = burst;
            lastRefillMs[(int)bucket] = nowMs;
            map.put(session.principalId, bucket);
        }
        references[(int)bucket]++;
        session.budgetBucket = (int)bucket;
    }

    /** A session's input ended: it gives its share of the bucket back (the last one frees it). */
    void detach(final Session session)
    {
        final int bucket = session.budgetBucket;
        if (bucket < 0)
        {
            return;
        }
        session.budgetBucket = -1;
        if (0 == --references[bucket])
        {
            mapOf(session.role).remove(session.principalId);
            freeBuckets[freeCount++] = bucket;
        }
    }

    /**
     * Takes one message from the session's identity's budget.
     *
     * @return false when the budget is spent: refuse the message (counted here).
     */
    boolean tryTake(final Session session, final long nowMs)
    {
        final int bucket = session.budgetBucket;
        if (bucket < 0)
        {
            return true;
        }
        final long elapsedMs = nowMs - lastRefillMs[bucket];
        if (elapsedMs > 0)
        {
            tokens[bucket] = Math.min(burst, tokens[bucket] + elapsedMs * tokensPerMs);
            lastRefillMs[bucket] = nowMs;
        }
        if (tokens[bucket] >= 1)
        {
            tokens[bucket] -= 1;
            return true;
        }
        counters.gatewayLimit(ServerCounters.GatewayLimit.COMMAND_BUDGET).incrementRelease();
        refusals.refused(nowMs, perSecond);
        return false;
    }

    private Long2LongHashMap mapOf(final int role)
    {
        if (SessionRole.TERMINAL.value() == role)
        {
            return terminalBuckets;
        }
        return SessionRole.CONSUMER.value() == role ? consumerBuckets : null;
    }
}
