package com.wodian.net.iso8583;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Turns a card number (ISO 8583 DE2, the PAN) into the consumer id the engine, the journal and every file after it
 * see, so that no whole card number is stored at rest (security review B6, PCI DSS 3.5.1.1: a keyed cryptographic
 * hash of the entire PAN; docs/security.md, "Card numbers at rest"):
 * <pre>
 *   h     = first 8 bytes of HMAC-SHA256(panTokenKey, PAN as ASCII decimal digits, no leading zeros), unsigned
 *   token = 10^18 + (h mod 8 * 10^14) * 10^4 + PAN mod 10^4
 * </pre>
 * A token is a 19-digit number from 1,000,000,000,000,000,000 to 8,999,999,999,999,999,999 that fits the engine's
 * int64 consumer id (no schema, journal or snapshot change), never collides with an account id below 10^18, and
 * whose last four digits are the card's, so receipts and the masks that show the last four (replies to terminals,
 * log lines, settlement files) stay right. Without the key the token says nothing else about the PAN; with it a
 * card's middle digits can be searched, so the key is kept as the terminal keys are (the ISO key file, mode 600).
 *
 * <p>Written for the gateway's thread: HMAC by hand over two reused digests, so a request allocates nothing. Not
 * thread-safe; one instance per thread.
 */
public final class PanTokenizer
{
    /** Length of the key in bytes (64 hex digits in the key file). */
    public static final int KEY_LENGTH = 32;
    /** The smallest token: every token has 19 digits, above any account id below 10^18. */
    public static final long TOKEN_BASE = 1_000_000_000_000_000_000L;
    /** How many values the keyed part takes: 8 * 10^14 (about 2^49.5), so that the largest token is 9 * 10^18 - 1. */
    static final long HASH_RANGE = 800_000_000_000_000L;
    /** The last four digits kept in clear, as a receipt prints them. */
    static final long LAST_DIGITS_RANGE = 10_000L;

    private static final int BLOCK_LENGTH = 64;
    private static final int HASH_LENGTH = 32;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK_LENGTH];
    private final byte[] outerPad = new byte[BLOCK_LENGTH];
    private final byte[] innerHash = new byte[HASH_LENGTH];
    private final byte[] hash = new byte[HASH_LENGTH];
    private final byte[] digits = new byte[20];

    /** @param key the 32-byte token key; copied. */
    public PanTokenizer(final byte[] key)
    {
        if (null == key || key.length != KEY_LENGTH)
        {
            throw new IllegalArgumentException("a PAN token key has 32 bytes (64 hex digits)");
        }
        try
        {
            inner = MessageDigest.getInstance("SHA-256");
            outer = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        // RFC 2104: a key no longer than the block is zero-padded to it, then XORed with 0x36 and 0x5c.
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            final byte keyByte = i < key.length ? key[i] : 0;
            innerPad[i] = (byte)(keyByte ^ 0x36);
            outerPad[i] = (byte)(keyByte ^ 0x5c);
        }
    }

    /**
     * The token of a card number; 0 and negative numbers are returned as they are (the engine refuses them as
     * invalid ids, as it did before).
     */
    public long token(final long pan)
    {
        if (pan <= 0)
        {
            return pan;
        }
        final int length = decimalDigits(pan);
        try
        {
            inner.update(innerPad);
            inner.update(digits, digits.length - length, length);
            inner.digest(innerHash, 0, HASH_LENGTH);
            outer.update(outerPad);
            outer.update(innerHash);
            outer.digest(hash, 0, HASH_LENGTH);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException(ex);
        }
        long keyed = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            keyed = (keyed << 8) | (hash[i] & 0xFF);
        }
        return TOKEN_BASE + Long.remainderUnsigned(keyed, HASH_RANGE) * LAST_DIGITS_RANGE + pan % LAST_DIGITS_RANGE;
    }

    /** Whether a consumer id has the form of a token (19 digits from {@link #TOKEN_BASE}). */
    public static boolean isToken(final long consumerId)
    {
        return consumerId >= TOKEN_BASE && consumerId < TOKEN_BASE + HASH_RANGE * LAST_DIGITS_RANGE;
    }

    /** Writes the number's ASCII digits right-aligned into {@link #digits}; returns how many. */
    private int decimalDigits(final long value)
    {
        long rest = value;
        int index = digits.length;
        do
        {
            digits[--index] = (byte)('0' + rest % 10);
            rest /= 10;
        }
        while (rest > 0);
        return digits.length - index;
    }
}
