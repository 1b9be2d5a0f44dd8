package com.wodian.net.server;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns the strategy names of {@link ServerConfig} into new strategy instances. A name is validated when the
 * configuration is set, so a typo fails at start-up with the list of valid names, not at the first idle moment.
 * Every stage gets its own instance: idle strategies keep per-thread state.
 */
public final class StrategyFactory
{
    /**
     * {@link FollowerBlockingWaitStrategy}: consumers wait on a lock and are signalled by the producer, and a consumer
     * following another (the engine behind the journal) by its leader; nothing spins.
     */
    public static final String WAIT_BLOCKING = "blocking";
    /** Disruptor {@link SleepingWaitStrategy}: spin, then yield, then park 100 ns at a time (~50-60 µs on Linux). */
    public static final String WAIT_SLEEPING = "sleeping";
    /** Disruptor {@link YieldingWaitStrategy}: spin, then {@code Thread.yield()}; a core stays busy. */
    public static final String WAIT_YIELDING = "yielding";
    /** Disruptor {@link BusySpinWaitStrategy}: burns a whole core; only with a core to spare per spinning thread. */
    public static final String WAIT_BUSY_SPIN = "busy-spin";

    /**
     * Hybrid: spin up to {@link #SPIN_NS} for the next input (Disruptor {@link PhasedBackoffWaitStrategy}), then wait
     * on the lock as {@code blocking} does. A consumer woken for one input often finds the next one while spinning,
     * without a futex wake-up; the spin costs up to that much CPU per wake-up. Off by default.
     */
    public static final String WAIT_SPIN_BLOCKING = "spin-blocking";

    /**
     * How long the hybrid strategies ({@link #WAIT_SPIN_BLOCKING}, {@link #IDLE_SPIN_SELECT}) spin after the last
     * work before they sleep: about twice the gap between requests at 50,000/s.
     */
    public static final long SPIN_NS = TimeUnit.MICROSECONDS.toNanos(50);

    /** Agrona {@link BackoffIdleStrategy}: spin, yield, then park from 1 µs doubling up to 1 ms. */
    public static final String IDLE_BACKOFF = "backoff";
    /** Agrona {@link SleepingIdleStrategy}: park a fixed period (Agrona's default) each idle cycle. */
    public static final String IDLE_SLEEPING = "sleeping";
    /** Agrona {@link YieldingIdleStrategy}: {@code Thread.yield()} each idle cycle. */
    public static final String IDLE_YIELDING = "yielding";
    /** Agrona {@link BusySpinIdleStrategy}: {@code Thread.onSpinWait()} each idle cycle; burns a core. */
    public static final String IDLE_BUSY_SPIN = "busy-spin";
    /** Agrona {@link NoOpIdleStrategy}: does nothing at all; burns a core. */
    public static final String IDLE_NOOP = "noop";
    /**
     * Network agents only: block in the agent's selector, woken by the kernel for socket events and by the engine
     * stage for replies ({@link SelectIdleStrategy}). No CPU while idle, no park period added to a request.
     */
    public static final String IDLE_SELECT = "select";

    /**
     * Network agents only, hybrid: poll (non-blocking select, ring checks) for up to {@link #SPIN_NS} after the last
     * work, then block as {@link #IDLE_SELECT} does. While it polls, a reply published by the engine stage or a
     * request arriving is picked up without a selector wake-up; it costs up to that much CPU per wake-up, so it is off
     * by default (on two cores the spinning takes CPU from the threads it waits for).
     */
    public static final String IDLE_SPIN_SELECT = "spin-select";

    /** Valid names for ring consumers' wait strategies. */
    public static final List<String> WAIT_STRATEGY_NAMES =
        List.of(WAIT_BLOCKING, WAIT_SLEEPING, WAIT_YIELDING, WAIT_BUSY_SPIN, WAIT_SPIN_BLOCKING);

    /** Valid names for the network agents' idle strategies. */
    public static final List<String> IDLE_STRATEGY_NAMES =
        List.of(IDLE_SELECT, IDLE_BACKOFF, IDLE_SLEEPING, IDLE_YIELDING, IDLE_BUSY_SPIN, IDLE_NOOP, IDLE_SPIN_SELECT);

    private StrategyFactory()
    {
    }

    /**
     * @param name one of {@link #WAIT_STRATEGY_NAMES}.
     * @return a new Disruptor wait strategy.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static WaitStrategy newWaitStrategy(final String name)
    {
        switch (checkWaitStrategyName(name))
        {
            case WAIT_SLEEPING:
                return new SleepingWaitStrategy();
            case WAIT_YIELDING:
                return new YieldingWaitStrategy();
            case WAIT_BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case WAIT_SPIN_BLOCKING:
                return new PhasedBackoffWaitStrategy(SPIN_NS, SPIN_NS, TimeUnit.NANOSECONDS,
                    new FollowerBlockingWaitStrategy());
            default:
                return new FollowerBlockingWaitStrategy();
        }
    }

    /**
     * @param name one of {@link #IDLE_STRATEGY_NAMES} except {@link #IDLE_SELECT} and {@link #IDLE_SPIN_SELECT},
     *             which the server builds around the agent it serves.
     * @return a new Agrona idle strategy.
     * @throws IllegalArgumentException for an unknown name, {@link #IDLE_SELECT} or {@link #IDLE_SPIN_SELECT}.
     */
    public static IdleStrategy newIdleStrategy(final String name)
    {
        switch (checkIdleStrategyName(name))
        {
            case IDLE_SELECT:
            case IDLE_SPIN_SELECT:
                throw new IllegalArgumentException("the " + name + " idle strategy needs its network agent");
            case IDLE_SLEEPING:
                return new SleepingIdleStrategy();
            case IDLE_YIELDING:
                return new YieldingIdleStrategy();
            case IDLE_BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case IDLE_NOOP:
                return new NoOpIdleStrategy();
            default:
                return new BackoffIdleStrategy();
        }
    }

    static String checkWaitStrategyName(final String name)
    {
        if (!WAIT_STRATEGY_NAMES.contains(name))
        {
            throw new IllegalArgumentException("unknown wait strategy '" + name + "', expected one of " +
                WAIT_STRATEGY_NAMES);
        }
        return name;
    }

    static String checkIdleStrategyName(final String name)
    {
        if (!IDLE_STRATEGY_NAMES.contains(name))
        {
            throw new IllegalArgumentException("unknown idle strategy '" + name + "', expected one of " +
                IDLE_STRATEGY_NAMES);
        }
        return name;
    }

    /** True for the idle strategies that sleep in the network agent's selector ({@link SelectIdleStrategy}). */
    static boolean isSelect(final String idleStrategyName)
    {
        return IDLE_SELECT.equals(idleStrategyName) || IDLE_SPIN_SELECT.equals(idleStrategyName);
    }

    /** True for the strategies (wait or idle) that keep a core busy while there is nothing to do. */
    static boolean isSpinning(final String name)
    {
        return WAIT_BUSY_SPIN.equals(name) || WAIT_YIELDING.equals(name) || IDLE_NOOP.equals(name);
    }
}
