package com.wodian.perf.riskmodel;

import com.wodian.engine.Engine;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of what a labelled world feeds the engine, command by command (time, bytes, labels), after the engine's
 * feature names: the key of a capture in the trainer's cache. A capture depends on the generator's code, the seed,
 * the parameter range, the knobs and the slowed share as much as on the world's name, and only the bytes fed say all
 * of that at once; a name plus a seed let a generator change reuse the old captures silently (session 51, rev's
 * finding). It does not cover the engine's code: a change to how a feature is computed under the same name needs a
 * fresh cache directory. Costs one pass over the world's commands without the engine (a few seconds for a riskworld
 * world).
 */
final class WorldDigest
{
    private final MessageDigest sha256;
    private final byte[] bytes = new byte[512];
    private final byte[] longBytes = new byte[8];

    WorldDigest()
    {
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        // The features captured: a feature added, removed or renamed makes every earlier capture another thing.
        for (final String feature : Engine.riskFeatureNames())
        {
            sha256.update(feature.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte)',');
        }
    }

    /** Adds one command: its time, its encoded bytes and its labels (kind, variant, group, look-alike). */
    void add(final long timestampMs, final DirectBuffer buffer, final int offset, final int length, final int kind,
        final int variant, final long group, final int lookAlike)
    {
        addLong(timestampMs);
        addLong(length);
        final byte[] command = length <= bytes.length ? bytes : new byte[length];
        buffer.getBytes(offset, command, 0, length);
        sha256.update(command, 0, length);
        addLong(((long)kind << 40) | ((long)variant << 32) | lookAlike);
        addLong(group);
    }

    private void addLong(final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            longBytes[i] = (byte)(value >>> (8 * i));
        }
        sha256.update(longBytes);
    }

    /** The digest in hex (64 characters); once per world (MessageDigest resets itself here). */
    String hex()
    {
        return java.util.HexFormat.of().formatHex(sha256.digest());
    }
}
