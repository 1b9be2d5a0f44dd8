package com.wodian.journal;

import net.openhft.posix.PosixAPI;

/**
 * Keeps Chronicle from loading its native POSIX binding (jnr-ffi) at start-up, which nothing of ours uses.
 *
 * <p>Chronicle Core's {@code Jvm} class loads {@link PosixAPI} eagerly when it initialises (outside JUnit), and the
 * jnr-ffi binding behind it loads and generates a few hundred classes: ~0.2 s of the main thread's CPU and ~0.35 s of
 * the process's, before the journal opens (measured with a probe that initialises Chronicle with and without this
 * call, docs/history/engine-sessions.md, "The real restart's JVM part"). The journal never reaches that binding:
 * {@link ChronicleJournal} builds its queue with {@code SyncMode.NONE} and forces with
 * {@link java.nio.channels.FileChannel#force(boolean)} itself, and Chronicle calls the binding only for its own
 * {@code msync} (sync modes other than NONE, {@code bgMicroTouch}) and for the {@code PosixTimeProvider}, none of which
 * the product uses ({@code microTouch}, which {@link ChronicleJournalWriter} calls, touches pages from Java). Chronicle
 * itself falls back to this same no-op binding when jnr-ffi cannot load.
 */
public final class ChroniclePosix
{
    private ChroniclePosix()
    {
    }

    /**
     * Installs Chronicle's no-op POSIX binding. Call first in a process's {@code main}, before any Chronicle class
     * initialises; later it changes nothing that the product uses (the binding is then loaded already).
     */
    public static void skipNativeBinding()
    {
        PosixAPI.useNoOpPosixApi();
    }
}
