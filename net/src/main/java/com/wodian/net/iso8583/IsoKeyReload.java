package com.wodian.net.iso8583;

import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * The ISO 8583 terminal key file, re-read when it changes, and the hand-over of what was read between two threads:
 * the metrics thread checks the file ({@link #reloadIfChanged}: a stat about once a second and, on a change, a read
 * and parse, kept off the network thread, which in SHARED also journals and applies, so that neither stalls every
 * request in flight: concurrency review F6); the gateway's own thread installs the keys ({@link #takeReloaded}),
 * because the translator that uses them is that thread's alone.
 *
 * <p>A file that cannot be read or is refused keeps the keys in use; the operator is told why once per change of the
 * file, not at every check (rev R9).
 */
final class IsoKeyReload
{
    private static final long KEY_CHECK_INTERVAL_MS = 1_000;
    private static final System.Logger LOG = System.getLogger("com.wodian.net.iso8583");
    private static final VarHandle RELOADED_KEYS;

    static
    {
        try
        {
            RELOADED_KEYS = MethodHandles.lookup()
                .findVarHandle(IsoKeyReload.class, "reloadedKeys", Long2ObjectHashMap.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Path keysFile;
    /**
     * The PAN token key the gateway started with (null: none): a reload that changes it, adds or removes it is
     * refused, since every card would become another consumer in the middle of the day (docs/security.md, "Card
     * numbers at rest").
     */
    private final byte[] panTokenKey;
    /** The key file's time as last loaded, and when to look again: the metrics thread's after construction. */
    private FileTime keysModified;
    private long nextKeyCheckMs;
    /**
     * Whether a failed reload was logged since the last one that worked, and the key file's time then (null: it could
     * not be read): a failure is logged once per change of the file, not at every check (rev R9).
     */
    private boolean keysFailureLogged;
    private FileTime failedKeysModified;
    /**
     * Keys re-read by the metrics thread, not yet installed by the gateway's thread; null when none. Written with
     * release and taken with acquire, so the gateway's thread sees the whole map the metrics thread built.
     */
    private volatile Long2ObjectHashMap<IsoKeyStore.TerminalKey> reloadedKeys;

    /**
     * Loads the file once, on the thread that builds the gateway.
     *
     * @throws IOException when the file cannot be read or is refused: the gateway does not start.
     */
    IsoKeyReload(final Path keysFile) throws IOException
    {
        this.keysFile = keysFile;
        keysModified = Files.getLastModifiedTime(keysFile);
        panTokenKey = IsoKeyStore.load(keysFile).panTokenKey();
        if (null == panTokenKey)
        {
            LOG.log(System.Logger.Level.WARNING, "ISO 8583 card numbers (DE2) are consumer ids as sent: the journal, " +
                "snapshots and settlement files hold them whole; " + keysFile + " has no " +
                IsoKeyStore.PAN_TOKEN_KEY_WORD + " line (docs/security.md, \"Card numbers at rest\")");
        }
    }

    /**
     * The card number tokenizer for the gateway's thread, or null when the key file has no PAN token key (DE2 is then
     * the consumer id as sent).
     */
    PanTokenizer newPanTokenizer()
    {
        return null == panTokenKey ? null : new PanTokenizer(panTokenKey);
    }

    /** The keys as loaded at start-up, and at each reload; a file whose PAN token key differs is refused. */
    Long2ObjectHashMap<IsoKeyStore.TerminalKey> load() throws IOException
    {
        final IsoKeyStore store = IsoKeyStore.load(keysFile);
        final byte[] loadedPanTokenKey = store.panTokenKey();
        if (!java.util.Arrays.equals(panTokenKey, loadedPanTokenKey))
        {
            throw new IOException(keysFile + ": its " + IsoKeyStore.PAN_TOKEN_KEY_WORD + " line " +
                (null == panTokenKey ? "was added" : null == loadedPanTokenKey ? "was removed" : "changed") +
                " while the gateway runs; the gateway keeps the card number tokens it started with (another key " +
                "makes every card another consumer): put the line back as it was (docs/security.md, \"Card numbers " +
                "at rest\")");
        }
        return IsoKeyStore.toTerminalKeys(store);
    }

    /** Gateway thread: the keys re-read since the last call, to install now; null when none. */
    @SuppressWarnings("unchecked")
    Long2ObjectHashMap<IsoKeyStore.TerminalKey> takeReloaded()
    {
        if (null == RELOADED_KEYS.getAcquire(this))
        {
            return null;
        }
        return (Long2ObjectHashMap<IsoKeyStore.TerminalKey>)RELOADED_KEYS.getAndSet(this, null);
    }

    /** Metrics thread, about once a second: re-reads the file when its modification time changed. */
    void reloadIfChanged(final long nowMs)
    {
        if (nowMs < nextKeyCheckMs)
        {
            return;
        }
        nextKeyCheckMs = nowMs + KEY_CHECK_INTERVAL_MS;
        FileTime modified = null;
        try
        {
            modified = Files.getLastModifiedTime(keysFile);
            if (!modified.equals(keysModified))
            {
                final Long2ObjectHashMap<IsoKeyStore.TerminalKey> keys = load();
                RELOADED_KEYS.setRelease(this, keys);
                keysModified = modified;
                keysFailureLogged = false;
                LOG.log(System.Logger.Level.INFO, "ISO 8583 terminal keys reloaded: {0} terminals", keys.size());
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // A half-written or broken file keeps the keys in use; the operator sees why, once per change of the
            // file: it is tried again every second (a chmod that fixes a refused mode changes no modification time).
            if (!keysFailureLogged || !Objects.equals(failedKeysModified, modified))
            {
                keysFailureLogged = true;
                failedKeysModified = modified;
                LOG.log(System.Logger.Level.WARNING,
                    "ISO 8583 terminal keys not reloaded, the keys in use stay (tried again every second, logged " +
                    "again when the file changes): " + ex.getMessage());
            }
        }
    }
}
