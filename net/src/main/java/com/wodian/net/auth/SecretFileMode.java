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
 *
 * <p>A file that decides who is let in (credentials, keys, trust anchors, key store passwords) and that group or
 * others can <em>write</em>, or that lies in a directory others can write (without the sticky bit), is refused
 * ({@link #requireNotWritable}): whoever can write it can add an identity, a key or a CA, and a writable node trust
 * file is a full node credential (security review C4). Refused rather than warned about: unlike a read, such a write
 * leaves no trace in the server's behaviour until it is used.
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

    /**
     * @return why {@code file} (or its directory) can be changed by someone other than its owner, naming the mode, or
     * null when only its owner can change it or its mode is unknown.
     */
    public static String writableProblem(final Path file)
    {
        return writableProblem(file, "decides who may log on or connect");
    }

    /**
     * {@link #writableProblem(Path)} for a file whose role is said otherwise, e.g. "signs the settlement manifests".
     */
    public static String writableProblem(final Path file, final String role)
    {
        final Path absolute = file.toAbsolutePath();
        final Set<PosixFilePermission> permissions;
        try
        {
            permissions = Files.getPosixFilePermissions(absolute);
        }
        catch (final UnsupportedOperationException | IOException ex)
        {
            return null;
        }
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) ||
            permissions.contains(PosixFilePermission.OTHERS_WRITE))
        {
            return file + " " + role + " but is writable by group or others (" +
                PosixFilePermissions.toString(permissions) + "): chmod go-w it (docs/security.md, \"Data at rest\")";
        }
        final Path directory = absolute.getParent();
        if (null != directory && openDirectory(directory))
        {
            return file + " " + role + " but its directory " + directory + " is writable by " +
                "others, who could replace it: chmod o-w the directory (docs/security.md, \"Data at rest\")";
        }
        return null;
    }

    /**
     * A directory others can write into and that has no sticky bit (which stops a rename over the file). A directory
     * only its group can write is accepted: a umask of 002 (Debian, Ubuntu, Fedora users, whose group is their own)
     * makes every directory a tool creates so, and refusing it refused the tools' own files.
     */
    private static boolean openDirectory(final Path directory)
    {
        try
        {
            final int mode = (Integer)Files.getAttribute(directory, "unix:mode");
            return 0 != (mode & 0002) && 0 == (mode & 01000);
        }
        catch (final UnsupportedOperationException | IllegalArgumentException | IOException | ClassCastException ex)
        {
            return false;
        }
    }

    /**
     * Refuses a file that group or others can change ({@link #writableProblem}).
     *
     * @throws IOException naming the file, its mode and the chmod that fixes it.
     */
    public static void requireNotWritable(final Path file) throws IOException
    {
        requireNotWritable(file, "decides who may log on or connect");
    }

    /** {@link #requireNotWritable(Path)} naming the file's {@code role} ({@link #writableProblem(Path, String)}). */
    public static void requireNotWritable(final Path file, final String role) throws IOException
    {
        final String problem = writableProblem(file, role);
        if (null != problem)
        {
            throw new IOException("refusing " + problem);
        }
    }

    /**
     * The check of a file holding secrets: refused when others can change it ({@link #requireNotWritable}), a WARNING
     * when they can read it ({@link #warnIfOpen}).
     */
    public static void check(final Path file) throws IOException
    {
        requireNotWritable(file);
        warnIfOpen(file);
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
