package com.wodian.engine.table;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Allocates the next, larger array of a growing table ahead of need on a background daemon thread, so that the JVM's
 * zeroing of it (and the operating system's first touch of its pages, about 0.3-0.5 GB/s on a small VM) is not paid on
 * the engine thread. A table asks for its next array when it is half full ({@link #longs}, {@link #ints}) and takes it
 * when it grows ({@link Prepared#takeLongs}); the engine never waits: an array that is not ready yet is allocated by
 * the engine itself. Either way the table gets a zeroed array of the same length, so the state, the replies and the
 * state hash do not depend on which happened, only the timing does.
 *
 * <p>What this does not remove: the JVM zeroes a large array in one piece, during which the allocating thread cannot
 * reach a safepoint, so a safepoint asked for meanwhile (a collection, a deoptimisation) holds every thread, the
 * engine's included, until the zeroing ends: 0.8 s for 256 MB of memory the process never touched on a small VM. The
 * server's launcher therefore fixes and pre-touches the heap ({@code bin/wodian}: {@code -Xms} = {@code -Xmx},
 * {@code -XX:+AlwaysPreTouch}), which turns that zeroing into memory-speed work (docs/engine.md, "Table growth").
 *
 * <p>Only arrays of at least {@link #MIN_BYTES} go through the worker (a small array costs less to allocate than the
 * hand-off); the worker thread is started on the first such request, once per JVM, and serves every engine in it.
 */
public final class ArrayPreparer
{
    /** Smaller arrays are allocated by the table itself when it grows. */
    public static final int MIN_BYTES = 1 << 20;

    private static final ConcurrentLinkedQueue<Prepared> REQUESTS = new ConcurrentLinkedQueue<>();

    private ArrayPreparer()
    {
    }

    /** An array of {@code length} longs being prepared, or null when it is small enough to allocate on demand. */
    public static Prepared longs(final int length)
    {
        return (long)length * Long.BYTES < MIN_BYTES ? null : submit(new Prepared(length, false));
    }

    /** An array of {@code length} ints being prepared, or null when it is small enough to allocate on demand. */
    public static Prepared ints(final int length)
    {
        return (long)length * Integer.BYTES < MIN_BYTES ? null : submit(new Prepared(length, true));
    }

    /** A zeroed long[] of {@code length}: the prepared one when it is ready and of that length, else a new one. */
    public static long[] takeLongs(final Prepared prepared, final int length)
    {
        final Object array = prepared == null ? null : prepared.take();
        return array instanceof long[] && ((long[])array).length == length ? (long[])array : new long[length];
    }

    /** A zeroed int[] of {@code length}: the prepared one when it is ready and of that length, else a new one. */
    public static int[] takeInts(final Prepared prepared, final int length)
    {
        final Object array = prepared == null ? null : prepared.take();
        return array instanceof int[] && ((int[])array).length == length ? (int[])array : new int[length];
    }

    private static Prepared submit(final Prepared prepared)
    {
        REQUESTS.offer(prepared);
        LockSupport.unpark(Worker.THREAD);
        return prepared;
    }

    /**
     * The worker, started when a table first asks for an array (lazy holder: the class-initialisation lock is taken
     * once, after which the engine thread reads a final field and takes no monitor when it asks again).
     */
    private static final class Worker
    {
        static final Thread THREAD = start();

        private static Thread start()
        {
            final Thread thread = new Thread(ArrayPreparer::serve, "wodian-table-preparer");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    private static void serve()
    {
        while (true)
        {
            final Prepared prepared = REQUESTS.poll();
            if (prepared == null)
            {
                LockSupport.park();
            }
            else
            {
                prepared.allocateUnlessTaken();
            }
        }
    }

    /**
     * One array asked for: allocated (zeroed) by the worker, taken at most once by the table that asked. Its state
     * goes REQUESTED -> ALLOCATING -> READY on the worker and to TAKEN when the table takes it, each step by an atomic
     * compare-and-set, so the worker never starts allocating an array the table has already given up on (it used to
     * check a flag and then allocate: a table that took null in between left it zeroing up to hundreds of MB for
     * nobody, on the same two cores, at the moment of a growth). An array whose allocation had started before the
     * table took null is dropped unpublished.
     */
    public static final class Prepared
    {
        private static final int REQUESTED = 0;
        private static final int ALLOCATING = 1;
        private static final int READY = 2;
        private static final int TAKEN = 3;
        private static final VarHandle STATE;

        static
        {
            try
            {
                STATE = MethodHandles.lookup().findVarHandle(Prepared.class, "state", int.class);
            }
            catch (final ReflectiveOperationException e)
            {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final int length;
        private final boolean ints;
        /** Written by the worker before its compare-and-set to READY, read by the taker after it saw READY. */
        private Object array;
        @SuppressWarnings("unused") // through STATE
        private volatile int state;

        Prepared(final int length, final boolean ints)
        {
            this.length = length;
            this.ints = ints;
        }

        /**
         * On the worker: allocates the array unless the table took (null) first; publishes it unless taken since.
         *
         * @return whether it allocated
         */
        boolean allocateUnlessTaken()
        {
            if (!STATE.compareAndSet(this, REQUESTED, ALLOCATING))
            {
                return false;
            }
            try
            {
                array = ints ? new int[length] : new long[length];
            }
            catch (final OutOfMemoryError e)
            {
                // The table allocates on demand (and meets the same limit there, as it would have without us).
            }
            if (!STATE.compareAndSet(this, ALLOCATING, READY))
            {
                array = null;   // taken (as null) while it was being allocated
            }
            return true;
        }

        /** On the engine thread: the array when it is ready, else null; either way nothing is published later. */
        Object take()
        {
            if ((int)STATE.getAndSet(this, TAKEN) != READY)
            {
                return null;
            }
            final Object ready = array;
            array = null;
            return ready;
        }
    }
}
