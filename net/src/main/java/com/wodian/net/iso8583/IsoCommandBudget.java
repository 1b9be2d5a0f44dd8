package com.wodian.net.iso8583;

import com.wodian.net.metrics.ServerCounters;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.function.Consumer;

/**
 * The command budget per terminal key on the ISO 8583 port (security review 2026-12-05 B12; the POS port has its
 * own per identity, CommandBudgets, with the same settings): a token bucket of {@code burst} requests refilled at
 * {@code perSecond}, shared by every connection that signs with the terminal's key. A fresh, MAC-valid financial
 * request beyond it is answered DE39 91 (the code of SERVER_BUSY), signed, and never reaches the ring, the journal or
 * the engine, so one terminal key can no longer fill the journal (and the key table) at wire speed. Unsigned and
 * MAC-failed requests take nothing: whoever has no key cannot spend a terminal's budget. Gateway thread only.
 *
 * <p>Allocation-free: a terminal's bucket lives in its {@link IsoKeyStore.TerminalKey}, made when the key file is
 * read and carried over when it is read again (a reload is no refill). The clock is the gateway's receive time of
 * the request; none is read here.
 */
final class IsoCommandBudget
{
    /** No budget: every request passes (the translator's tests, and {@code perSecond} 0). */
    static final IsoCommandBudget NONE = new IsoCommandBudget(0, 1, (limit) -> { });
    /** At most one WARNING line per interval: a terminal with a key can cause refusals at wire speed. */
    static final long WARNING_INTERVAL_MS = 10_000;

    private final int perSecond;
    private final double burst;
    private final double tokensPerMs;
    private final Consumer<ServerCounters.GatewayLimit> counter;
    /** Requests refused so far (any thread, a statistic). */
    private volatile long refusedCount;
    private long refusedCountWarned;
    private long lastWarningMs;
    private boolean warned;

    /**
     * @param perSecond sustained requests per second per terminal key; 0 for no budget.
     * @param burst     requests a terminal may send at once.
     * @param counter   counts each refusal in {@code wodian_gateway_limits_total}.
     */
    IsoCommandBudget(final int perSecond, final int burst, final Consumer<ServerCounters.GatewayLimit> counter)
    {
        if (perSecond < 0 || (perSecond > 0 && burst < 1))
        {
            throw new IllegalArgumentException("the ISO 8583 command budget must be >= 0 a second (0: none) " +
                "with a burst >= 1: " + perSecond + "/s burst " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokensPerMs = perSecond / 1000.0;
        this.counter = counter;
    }

    /**
     * Takes one request from the terminal's budget.
     *
     * @param nowMs the gateway's receive time of the request.
     * @return false when the budget is spent: refuse the request (counted here).
     */
    boolean tryTake(final IsoKeyStore.TerminalKey key, final long nowMs)
    {
        if (0 == perSecond)
        {
            return true;
        }
        if (key.budgetTokens < 0)
        {
            key.budgetTokens = burst;
            key.budgetRefilledAtMs = nowMs;
        }
        final long elapsedMs = nowMs - key.budgetRefilledAtMs;
        if (elapsedMs > 0)
        {
            key.budgetTokens = Math.min(burst, key.budgetTokens + elapsedMs * tokensPerMs);
            key.budgetRefilledAtMs = nowMs;
        }
        else if (elapsedMs < 0)
        {
            // The wall clock stepped back: refill from now on, or the terminal would wait out the step (review R6).
            key.budgetRefilledAtMs = nowMs;
        }
        if (key.budgetTokens >= 1)
        {
            key.budgetTokens -= 1;
            return true;
        }
        refusedCount = refusedCount + 1;
        counter.accept(ServerCounters.GatewayLimit.ISO_COMMAND_BUDGET);
        warn(nowMs);
        return false;
    }

    /** Requests refused for the budget so far. */
    long refusedCount()
    {
        return refusedCount;
    }

    /**
     * After the key file was read again: each terminal still in it keeps what is left of its budget, so that
     * touching the file does not refill every bucket, and its newest transmission time, so that a reload does not
     * let a recording replayed once more authenticate a connection again (review R11).
     */
    static void carryOver(final Long2ObjectHashMap<IsoKeyStore.TerminalKey> from,
        final Long2ObjectHashMap<IsoKeyStore.TerminalKey> to)
    {
        for (final IsoKeyStore.TerminalKey key : to.values())
        {
            final IsoKeyStore.TerminalKey old = from.get(key.terminalId());
            if (null != old)
            {
                key.budgetTokens = old.budgetTokens;
                key.budgetRefilledAtMs = old.budgetRefilledAtMs;
                key.newestTransmittedAtMs = old.newestTransmittedAtMs;
            }
        }
    }

    private void warn(final long nowMs)
    {
        if (warned && nowMs - lastWarningMs < WARNING_INTERVAL_MS)
        {
            return;
        }
        warned = true;
        lastWarningMs = nowMs;
        final long count = refusedCount;
        System.getLogger("com.wodian.net.iso8583").log(System.Logger.Level.WARNING,
            "ISO 8583 command budget per terminal key: refusing requests beyond {0}/s (DE39 91, not journaled); " +
            "{1} refused since the last such line", perSecond, count - refusedCountWarned);
        refusedCountWarned = count;
    }
}
