package com.wodian.tools.settlement;

import com.wodian.net.auth.SecretFileMode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;

/**
 * The settlement key (security review item 12, docs/settlement.md "Keyed manifest"): 32 secret bytes shared by the
 * operator that writes the settlement and the accountants who check it, kept in a file as 64 hex digits on its first
 * line (e.g. {@code openssl rand -hex 32}). A keyed manifest ends with the HMAC-SHA256 under this key of every byte
 * above it, so whoever can write the settlement directory but lacks the key cannot change a file and its manifest
 * line together unnoticed.
 */
public final class SettlementKey
{
    public static final int KEY_LENGTH = 32;

    private SettlementKey()
    {
    }

    /**
     * Reads a key file; refuses it when group or others may change it (they could put their own key there and sign
     * changed files: security review C4), warns on standard error when they may read it.
     *
     * @throws IOException naming the file and what is wrong with it.
     */
    public static byte[] load(final Path file) throws IOException
    {
        SecretFileMode.requireNotWritable(file, "signs the settlement manifests");
        final List<String> lines = Files.readAllLines(file);
        final String hex = lines.isEmpty() ? "" : lines.get(0).trim();
        // ASCII only: Character.digit also takes other scripts' digits, which HexFormat then refuses with an exception.
        if (hex.length() != 2 * KEY_LENGTH || !hex.chars().allMatch(c -> c < 128 && Character.digit(c, 16) >= 0))
        {
            throw new IOException(file + " is no settlement key: its first line must be " + 2 * KEY_LENGTH +
                " hex digits (make one with: openssl rand -hex 32 > " + file + "; chmod 600 " + file + ")");
        }
        final String problem = SecretFileMode.problem(file);
        if (null != problem)
        {
            System.err.println("warning: " + problem);
        }
        return HexFormat.of().parseHex(hex);
    }

    /** HMAC-SHA256 of {@code bytes[0, length)} under {@code key}, as lower-case hex. */
    public static String hmacHex(final byte[] key, final byte[] bytes, final int length)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(bytes, 0, length);
            return HexFormat.of().formatHex(mac.doFinal());
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
