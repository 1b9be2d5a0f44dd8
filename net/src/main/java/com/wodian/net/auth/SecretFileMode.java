package com.wodian.net.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Warns when a file holding secrets (the credential file, the ISO 8583 terminal keys, a TLS private key) can be read
 * by anyone but its owner: a copy made with the default umask (0644) hands every terminal's key to every local user.
 * A warning, not a refusal, so that a rotation in progress never takes a running server's keys away (security review
 * item 16, 2026-12-05). Files on a file system without POSIX modes are not checked.
 */
public final class SecretFileMode
{
    private static final System.Logger LOG = System.getLogger("com.wodian.net.auth");

    private SecretFileMode()
    {
    }

    /**
     * @return why {@code file} is too open (naming its mode), or null when only its owner can read it or its mode is
     * unknown.
     */
    public static String problem(final Path file)
    {
        final Set<PosixFilePermission> permissions;
        try
        {
            permissions = Files.getPosixFilePermissions(file);
        }
        catch (final UnsupportedOperationException | IOException ex)
        {
            return null;
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ) ||
            permissions.contains(PosixFilePermission.OTHERS_READ))
        {
            return file + " holds secrets but is readable by group or others (" +
                PosixFilePermissions.toString(permissions) + "): chmod 600 it (docs/security.md)";
        }
        return null;
    }

    /** Logs {@link #problem(Path)} at WARNING, if there is one. */
    public static void warnIfOpen(final Path file)
    {
        final String problem = problem(file);
        if (null != problem)
        {
            LOG.log(System.Logger.Level.WARNING, problem);
        }
    }
}
