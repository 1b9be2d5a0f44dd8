package com.wodian.net.auth;

import com.wodian.protocol.sbe.SessionRole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a client needs to log on: its role, its id (terminalId, admin id or consumerId) and its 32-byte secret. The
 * secret stays on the client; only proofs derived from it cross the wire ({@link LogonCrypto}).
 *
 * <p>A client's secrets file has one line per identity: {@code <role> <id> secret <64 hex digits>}; lines starting
 * with {@code #} are comments. Keep it readable by its owner only (mode 600).
 */
public final class Credentials
{
    private final SessionRole role;
    private final long principalId;
    private final byte[] secret;

    public Credentials(final SessionRole role, final long principalId, final byte[] secret)
    {
        this.role = Objects.requireNonNull(role, "role");
        if (SessionRole.NULL_VAL == role)
        {
            throw new IllegalArgumentException("role must be TERMINAL, ADMIN or CONSUMER");
        }
        if (secret.length != LogonCrypto.KEY_LENGTH)
        {
            throw new IllegalArgumentException("secret must be " + LogonCrypto.KEY_LENGTH + " bytes");
        }
        this.principalId = principalId;
        this.secret = secret.clone();
    }

    public static Credentials terminal(final long terminalId, final byte[] secret)
    {
        return new Credentials(SessionRole.TERMINAL, terminalId, secret);
    }

    public static Credentials admin(final long adminId, final byte[] secret)
    {
        return new Credentials(SessionRole.ADMIN, adminId, secret);
    }

    public static Credentials consumer(final long consumerId, final byte[] secret)
    {
        return new Credentials(SessionRole.CONSUMER, consumerId, secret);
    }

    public SessionRole role()
    {
        return role;
    }

    public long principalId()
    {
        return principalId;
    }

    byte[] secret()
    {
        return secret;
    }

    /** The answer to a server's challenge. */
    public byte[] proof(final byte[] challenge)
    {
        return LogonCrypto.proof(secret, challenge, role, principalId);
    }

    /**
     * Reads one identity from a secrets file.
     *
     * @throws IOException when the file cannot be read or does not hold that identity.
     */
    public static Credentials load(final Path secretsFile, final SessionRole role, final long principalId)
        throws IOException
    {
        for (final String line : Files.readAllLines(secretsFile, StandardCharsets.UTF_8))
        {
            final String[] words = line.trim().split("\\s+");
            if (words.length >= 4 && !words[0].startsWith("#") && words[0].equalsIgnoreCase(role.name()) &&
                Long.parseLong(words[1]) == principalId && "secret".equals(words[2]))
            {
                return new Credentials(role, principalId, HexFormat.of().parseHex(words[3]));
            }
        }
        throw new IOException("no " + role + " " + principalId + " in " + secretsFile);
    }

    /** Reads the first identity of the given role from a secrets file (e.g. the admin of a demo). */
    public static Credentials loadFirst(final Path secretsFile, final SessionRole role) throws IOException
    {
        for (final String line : Files.readAllLines(secretsFile, StandardCharsets.UTF_8))
        {
            final String[] words = line.trim().split("\\s+");
            if (words.length >= 4 && !words[0].startsWith("#") && words[0].equalsIgnoreCase(role.name()))
            {
                return new Credentials(role, Long.parseLong(words[1]), HexFormat.of().parseHex(words[3]));
            }
        }
        throw new IOException("no " + role + " in " + secretsFile);
    }

    /** Writes identities to a secrets file readable by its owner only. */
    public static void save(final Path secretsFile, final List<Credentials> identities) throws IOException
    {
        CredentialStore.replace(saveTemporary(secretsFile, identities), secretsFile);
    }

    /** {@link #save}'s first half: a forced temporary beside the file, for {@link CredentialStore#replace}. */
    public static Path saveTemporary(final Path secretsFile, final List<Credentials> identities) throws IOException
    {
        final StringBuilder text =
            new StringBuilder("# Wodian client secrets: <role> <id> secret <hex>. Keep private.\n");
        for (final Credentials credentials : identities)
        {
            text.append(credentials.role.name().toLowerCase(java.util.Locale.ROOT)).append(' ')
                .append(credentials.principalId).append(" secret ")
                .append(HexFormat.of().formatHex(credentials.secret)).append('\n');
        }
        return CredentialStore.writePrivateTemporary(secretsFile, text.toString());
    }

    @Override
    public String toString()
    {
        return role + " " + principalId;
    }
}
