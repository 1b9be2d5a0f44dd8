package com.wodian.net.auth;

import com.wodian.protocol.sbe.SessionRole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's credential file: for each identity its role, id, merchant (terminals) and stored key
 * ({@code SHA-256(HMAC(secret, "Wodian Client Key"))}, see {@link LogonCrypto}), plus, after a rotation, the previous
 * stored key and the time until which it is still accepted. Secrets themselves are never stored here.
 * <pre>
 *   # comment
 *   terminal 11 merchant 1 key 9f...(64 hex) [previous 3a...(64 hex) until 1767225600000]
 *   admin 1 key 5c...
 *   operator 7 key 41...
 *   loadtest 9 key 0d...
 *   consumer 1001 key 77...
 * </pre>
 * An admin id's line starts with its {@link AdminKind}: {@code admin} (everything), {@code operator} (may only read;
 * security review B9), {@code funds} (money, no configuration), {@code config} (configuration, no money),
 * {@code loadtest} (a full admin whose payments are not audited; review R22). Every kind logs on
 * as an admin (the role on the wire is ADMIN); what it may do travels with its credential here ({@link Entry#kind()}).
 * The file is written with mode 600 (owner read/write only) through a temporary file and an atomic rename, so a
 * server reloading it never reads half a file. Not thread-safe: the server loads a fresh instance to reload.
 */
public final class CredentialStore
{
    /** The stored key an unknown identity's proof is checked against (random per process, never matched). */
    private static final byte[] UNKNOWN_IDENTITY_STORED_KEY = unknownIdentityStoredKey();

    /** One identity's entry. */
    public static final class Entry
    {
        final SessionRole role;
        final long principalId;
        final long merchantId;
        /** The admin kind; null for terminals and consumers. */
        final AdminKind kind;
        byte[] storedKey;
        byte[] previousStoredKey;
        long previousValidUntilMs;

        Entry(final SessionRole role, final long principalId, final long merchantId, final AdminKind kind)
        {
            this.role = role;
            this.principalId = principalId;
            this.merchantId = merchantId;
            this.kind = SessionRole.ADMIN == role ? (null == kind ? AdminKind.ADMIN : kind) : null;
        }

        /**
         * Until when a session that logged on with {@code storedKey} may go on: forever for the current key, the end
         * of the grace for the previous one, {@code Long.MIN_VALUE} (already over) for any other key.
         */
        public long validUntilMs(final byte[] storedKey)
        {
            if (java.util.Arrays.equals(storedKey, this.storedKey))
            {
                return Long.MAX_VALUE;
            }
            return null != previousStoredKey && java.util.Arrays.equals(storedKey, previousStoredKey) ?
                previousValidUntilMs : Long.MIN_VALUE;
        }

        /** The terminal's merchant; 0 for admin and consumer identities. */
        public long merchantId()
        {
            return merchantId;
        }

        /**
         * What an admin id may do ({@link AdminKind}; {@code ADMIN} for an {@code admin} line); null for terminals and
         * consumers.
         */
        public AdminKind kind()
        {
            return kind;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private static byte[] unknownIdentityStoredKey()
    {
        final byte[] secret = new byte[LogonCrypto.KEY_LENGTH];
        new SecureRandom().nextBytes(secret);
        return LogonCrypto.storedKey(secret);
    }

    private static String key(final SessionRole role, final long principalId)
    {
        return role.name() + ':' + principalId;
    }

    /** The entry of an identity, or null when there is none. */
    public Entry find(final SessionRole role, final long principalId)
    {
        return entries.get(key(role, principalId));
    }

    /** Identities in the store. */
    public int size()
    {
        return entries.size();
    }

    /**
     * True when {@code proof} answers {@code challenge} with the identity's current key, or with its previous key
     * while the rotation's grace period lasts.
     */
    public boolean verify(
        final SessionRole role, final long principalId, final byte[] challenge, final byte[] proof, final long nowMs)
    {
        return null != verifiedStoredKey(role, principalId, challenge, proof, nowMs);
    }

    /**
     * As {@link #verify}, returning the stored key the proof answered (the current one, or the previous one during
     * its grace), or null: a session keeps it so that a reload that revokes or rotates the key ends the session
     * ({@link Entry#validUntilMs}). The store's own array: copy it, never change it.
     */
    public byte[] verifiedStoredKey(
        final SessionRole role, final long principalId, final byte[] challenge, final byte[] proof, final long nowMs)
    {
        final Entry entry = find(role, principalId);
        if (null == entry)
        {
            // The same HMAC and hash as for a known identity, against a key nobody holds: an unknown id must not
            // answer sooner than a wrong proof, or timing would list the ids that exist (security review item 9).
            LogonCrypto.verify(UNKNOWN_IDENTITY_STORED_KEY, challenge, role, principalId, proof);
            return null;
        }
        if (LogonCrypto.verify(entry.storedKey, challenge, role, principalId, proof))
        {
            return entry.storedKey;
        }
        return null != entry.previousStoredKey && nowMs < entry.previousValidUntilMs &&
            LogonCrypto.verify(entry.previousStoredKey, challenge, role, principalId, proof) ?
            entry.previousStoredKey : null;
    }

    /**
     * Creates (or replaces, without grace) an identity with a fresh random secret.
     *
     * @param merchantId the terminal's merchant, 0 for other roles.
     * @return the client's credentials: hand them to the terminal or operator, they are not kept here.
     */
    public Credentials provision(
        final SessionRole role, final long principalId, final long merchantId, final SecureRandom random)
    {
        final byte[] secret = new byte[LogonCrypto.KEY_LENGTH];
        random.nextBytes(secret);
        final Entry entry = new Entry(role, principalId, merchantId, null);
        entry.storedKey = LogonCrypto.storedKey(secret);
        entries.put(key(role, principalId), entry);
        return new Credentials(role, principalId, secret);
    }

    /**
     * Gives an identity a new secret; the old one stays valid until {@code nowMs + graceMs}, so terminals can be
     * updated one by one without a window where neither key works.
     *
     * @return the new credentials.
     * @throws IllegalArgumentException when the identity is unknown.
     */
    public Credentials rotate(
        final SessionRole role, final long principalId, final long graceMs, final long nowMs, final SecureRandom random)
    {
        final Entry entry = find(role, principalId);
        if (null == entry)
        {
            throw new IllegalArgumentException("no " + role + " " + principalId);
        }
        final byte[] secret = new byte[LogonCrypto.KEY_LENGTH];
        random.nextBytes(secret);
        entry.previousStoredKey = entry.storedKey;
        entry.previousValidUntilMs = nowMs + graceMs;
        entry.storedKey = LogonCrypto.storedKey(secret);
        return new Credentials(role, principalId, secret);
    }

    /**
     * Gives an identity a secret chosen by the caller (the same one on every node of a replica group); the old one
     * stays valid until {@code nowMs + graceMs}, as in {@link #rotate(SessionRole, long, long, long, SecureRandom)}.
     */
    public void rotateTo(final Credentials credentials, final long graceMs, final long nowMs)
    {
        final Entry entry = find(credentials.role(), credentials.principalId());
        if (null == entry)
        {
            throw new IllegalArgumentException("no " + credentials.role() + " " + credentials.principalId());
        }
        entry.previousStoredKey = entry.storedKey;
        entry.previousValidUntilMs = nowMs + graceMs;
        entry.storedKey = LogonCrypto.storedKey(credentials.secret());
    }

    /**
     * Adds (or replaces) an identity whose secret is already known, e.g. fixed test credentials.
     *
     * @param merchantId the terminal's merchant, 0 for other roles.
     */
    public CredentialStore add(final Credentials credentials, final long merchantId)
    {
        return add(credentials, merchantId, null);
    }

    /** Adds (or replaces) a read-only operator ({@link #addAdmin} of {@link AdminKind#OPERATOR}). */
    public CredentialStore addOperator(final Credentials credentials)
    {
        return addAdmin(credentials, AdminKind.OPERATOR);
    }

    /**
     * Adds (or replaces) an admin identity of a kind ({@link Entry#kind()}).
     *
     * @throws IllegalArgumentException when {@code credentials} are not an admin's.
     */
    public CredentialStore addAdmin(final Credentials credentials, final AdminKind kind)
    {
        if (SessionRole.ADMIN != credentials.role())
        {
            throw new IllegalArgumentException("an " + kind.word() + " is an admin id: " + credentials);
        }
        return add(credentials, 0, kind);
    }

    private CredentialStore add(final Credentials credentials, final long merchantId, final AdminKind kind)
    {
        final Entry entry = new Entry(credentials.role(), credentials.principalId(), merchantId, kind);
        entry.storedKey = LogonCrypto.storedKey(credentials.secret());
        entries.put(key(credentials.role(), credentials.principalId()), entry);
        return this;
    }

    /** Removes an identity (a lost or retired terminal): it can no longer log on. */
    public boolean revoke(final SessionRole role, final long principalId)
    {
        return null != entries.remove(key(role, principalId));
    }

    /** Reads a credential file. */
    public static CredentialStore load(final Path file) throws IOException
    {
        SecretFileMode.check(file);
        final CredentialStore store = new CredentialStore();
        int lineNumber = 0;
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            lineNumber++;
            final String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#"))
            {
                continue;
            }
            try
            {
                store.parseLine(trimmed.split("\\s+"));
            }
            catch (final RuntimeException ex)
            {
                throw new IOException(file + ":" + lineNumber + ": " + ex.getMessage(), ex);
            }
        }
        return store;
    }

    private void parseLine(final String[] words)
    {
        final AdminKind kind = AdminKind.ofWord(words[0]);
        final SessionRole role = null != kind ? SessionRole.ADMIN :
            SessionRole.valueOf(words[0].toUpperCase(Locale.ROOT));
        final long principalId = Long.parseLong(words[1]);
        long merchantId = 0;
        byte[] storedKey = null;
        byte[] previous = null;
        long until = 0;
        for (int i = 2; i + 1 < words.length; i += 2)
        {
            switch (words[i])
            {
                case "merchant" -> merchantId = Long.parseLong(words[i + 1]);
                case "key" -> storedKey = parseKey(words[i + 1]);
                case "previous" -> previous = parseKey(words[i + 1]);
                case "until" -> until = Long.parseLong(words[i + 1]);
                default -> throw new IllegalArgumentException("unknown attribute " + words[i]);
            }
        }
        if (null == storedKey)
        {
            throw new IllegalArgumentException("no key");
        }
        if (SessionRole.TERMINAL == role && merchantId <= 0)
        {
            throw new IllegalArgumentException("a terminal needs its merchant");
        }
        if (entries.containsKey(key(role, principalId)))
        {
            // A second line would silently replace the first, and with it the kind (review R27: an `admin 1` line
            // appended below `operator 1` made a full admin): refused, as an unknown word is (fail closed).
            throw new IllegalArgumentException((SessionRole.ADMIN == role ? "admin" :
                role.name().toLowerCase(Locale.ROOT)) + " " + principalId + " is listed twice (an earlier line " +
                "names it too): keep one line per identity");
        }
        final Entry entry = new Entry(role, principalId, merchantId, kind);
        entry.storedKey = storedKey;
        entry.previousStoredKey = previous;
        entry.previousValidUntilMs = until;
        entries.put(key(role, principalId), entry);
    }

    private static byte[] parseKey(final String hex)
    {
        final byte[] key = HexFormat.of().parseHex(hex);
        if (key.length != LogonCrypto.KEY_LENGTH)
        {
            throw new IllegalArgumentException("a key is " + LogonCrypto.KEY_LENGTH + " bytes");
        }
        return key;
    }

    /** Writes the store, owner-only, replacing the file atomically and durably. */
    public void save(final Path file) throws IOException
    {
        replace(saveTemporary(file), file);
    }

    /**
     * The first half of {@link #save}: the store written, owner-only and forced to the device, into a new temporary
     * file beside {@code file}, which {@link #replace} then moves into place (or the caller deletes). Lets a tool
     * change several files all or nothing: every temporary written before any file is replaced.
     */
    public Path saveTemporary(final Path file) throws IOException
    {
        final StringBuilder text = new StringBuilder(
            "# Wodian credential file: stored keys (SHA-256 of HMAC of each secret), never secrets. Mode 600.\n");
        final HexFormat hex = HexFormat.of();
        for (final Entry entry : entries.values())
        {
            text.append(roleWord(entry)).append(' ').append(entry.principalId);
            if (SessionRole.TERMINAL == entry.role)
            {
                text.append(" merchant ").append(entry.merchantId);
            }
            text.append(" key ").append(hex.formatHex(entry.storedKey));
            if (null != entry.previousStoredKey)
            {
                text.append(" previous ").append(hex.formatHex(entry.previousStoredKey))
                    .append(" until ").append(entry.previousValidUntilMs);
            }
            text.append('\n');
        }
        return writePrivateTemporary(file, text.toString());
    }

    /** Lists identities as {@code role id} strings, for tools. */
    public List<String> describe()
    {
        final List<String> lines = new ArrayList<>();
        for (final Entry entry : entries.values())
        {
            lines.add((null != entry.kind ? entry.kind.auditName() : entry.role.name()) + " " + entry.principalId +
                (null != entry.kind ? entry.kind.description() : "") +
                (entry.merchantId != 0 ? " merchant " + entry.merchantId : "") +
                (null != entry.previousStoredKey ? " (previous key until " + entry.previousValidUntilMs + ")" : ""));
        }
        return lines;
    }

    /** The admin ids of a kind, in the file's order: the server warns of {@link AdminKind#LOADTEST} ones. */
    public List<Long> adminIds(final AdminKind kind)
    {
        final List<Long> ids = new ArrayList<>();
        for (final Entry entry : entries.values())
        {
            if (kind == entry.kind)
            {
                ids.add(entry.principalId);
            }
        }
        return ids;
    }

    /** The first word of an entry's line: its role in lower case, or its admin kind's word. */
    private static String roleWord(final Entry entry)
    {
        return null != entry.kind ? entry.kind.word() : entry.role.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Writes {@code text} into a new temporary file beside {@code file}, readable and writable by its owner only,
     * forced to the device (a power cut after the rename must not leave an empty credential file, which would load as
     * no identities).
     */
    static Path writePrivateTemporary(final Path file, final String text) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        final Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try
        {
            try
            {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            }
            catch (final UnsupportedOperationException ignore)
            {
                // A file system without POSIX permissions (Windows): protect the folder instead (docs/security.md).
            }
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(temporary,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING))
            {
                final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            return temporary;
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(temporary);
            throw ex;
        }
    }

    /**
     * Moves a temporary file of {@link #saveTemporary} into place (atomically where the file system can) and forces
     * the directory, so that the rename survives a power cut; the temporary is gone afterwards, also on failure.
     */
    public static void replace(final Path temporary, final Path file) throws IOException
    {
        try
        {
            try
            {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(file.toAbsolutePath().getParent());
        }
        finally
        {
            Files.deleteIfExists(temporary);
        }
    }

    private static void forceDirectory(final Path directory)
    {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(directory,
            java.nio.file.StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            // Some file systems cannot open or force a directory; the file itself was forced.
        }
    }
}
