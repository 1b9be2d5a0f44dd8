package com.wodian.net.iso8583;

import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ISO 8583 terminals the gateway accepts, each with its merchant and its MAC key (docs/iso8583.md, "Terminal
 * keys"). A text file, one terminal a line: {@code terminalId merchantId keyHex} (32 hex digits, a double-length DES
 * key); {@code #} starts a comment. Written with mode 600: the keys are secrets shared with the terminals. At most one
 * line {@code pan-token-key keyHex} (64 hex digits) holds the key that turns card numbers into consumer ids
 * ({@link PanTokenizer}; docs/security.md, "Card numbers at rest"); without it DE2 is the consumer id as sent.
 * {@code wodian credentials --iso-keys FILE} creates and rotates keys; the gateway re-reads the file when it changes.
 */
public final class IsoKeyStore
{
    /** One registered terminal. */
    public record Entry(long terminalId, long merchantId, byte[] key)
    {
    }

    /** Largest terminal id: DE41 carries it as 8 decimal digits. */
    public static final long TERMINAL_ID_MAX = 99_999_999L;
    /** Largest merchant id: DE42 carries it as 15 decimal digits. */
    public static final long MERCHANT_ID_MAX = 999_999_999_999_999L;

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** Each byte of a DES key less its parity bit (the low one), which DES ignores. */
    private static final long WITHOUT_PARITY = 0xFEFEFEFEFEFEFEFEL;
    /**
     * The DES weak keys and semi-weak keys (FIPS 74; NIST SP 800-67): under a weak key encryption is its own inverse,
     * under a semi-weak key it is the inverse of its pair's, so the retail MAC's last step (decrypt under K2, encrypt
     * under K1) undoes itself or loses its strength.
     */
    private static final long[] WEAK_DES_KEYS = {
        0x0101010101010101L, 0xFEFEFEFEFEFEFEFEL, 0xE0E0E0E0F1F1F1F1L, 0x1F1F1F1F0E0E0E0EL,
        0x011F011F010E010EL, 0x1F011F010E010E01L, 0x01E001E001F101F1L, 0xE001E001F101F101L,
        0x01FE01FE01FE01FEL, 0xFE01FE01FE01FE01L, 0x1FE01FE00EF10EF1L, 0xE01FE01FF10EF10EL,
        0x1FFE1FFE0EFE0EFEL, 0xFE1FFE1FFE0EFE0EL, 0xE0FEE0FEF1FEF1FEL, 0xFEE0FEE0FEF1FEF1L};

    /** The first word of the PAN token key's line. */
    public static final String PAN_TOKEN_KEY_WORD = "pan-token-key";

    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    /** The PAN token key, or null when the file has none. */
    private byte[] panTokenKey;

    /**
     * The key file as the gateway reads it: a key whose halves are equal or either half a DES weak or semi-weak key
     * is refused, naming its line ({@link #weakness}); the server does not start, a reload keeps the keys in use.
     */
    public static IsoKeyStore load(final Path file) throws IOException
    {
        return load(file, true);
    }

    /**
     * The key file as {@code wodian credentials --iso-keys} edits it: weak keys are kept, so that the operator can
     * list and rotate them ({@link #weakness} says which).
     */
    public static IsoKeyStore loadForEditing(final Path file) throws IOException
    {
        return load(file, false);
    }

    private static IsoKeyStore load(final Path file, final boolean refuseWeakKeys) throws IOException
    {
        // Refused when group or others can write it (whoever can add a line authenticates as that terminal: C4).
        com.wodian.net.auth.SecretFileMode.check(file);
        final IsoKeyStore store = new IsoKeyStore();
        int lineNumber = 0;
        for (final String line : Files.readAllLines(file, StandardCharsets.US_ASCII))
        {
            lineNumber++;
            final String text = line.strip();
            if (text.isEmpty() || text.startsWith("#"))
            {
                continue;
            }
            final String[] words = text.split("\\s+");
            try
            {
                if (PAN_TOKEN_KEY_WORD.equals(words[0]))
                {
                    store.readPanTokenKey(words);
                    continue;
                }
                if (words.length != 3)
                {
                    throw new IllegalArgumentException("expected: terminalId merchantId keyHex");
                }
                final long terminalId = Long.parseLong(words[0]);
                final byte[] key = HEX.parseHex(words[2]);
                store.putChecked(terminalId, Long.parseLong(words[1]), key);
                final String weakness = weakness(key);
                if (refuseWeakKeys && null != weakness)
                {
                    throw new IllegalArgumentException("the key of terminal " + terminalId + " is refused: " +
                        weakness + "; give it a new one: wodian credentials --iso-keys " + file +
                        " --rotate terminal:" + terminalId + " --key-out FILE");
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IOException(file + " line " + lineNumber + ": " + ex.getMessage(), ex);
            }
        }
        return store;
    }

    private void readPanTokenKey(final String[] words)
    {
        if (words.length != 2)
        {
            throw new IllegalArgumentException("expected: " + PAN_TOKEN_KEY_WORD + " keyHex (64 hex digits)");
        }
        if (null != panTokenKey)
        {
            throw new IllegalArgumentException("a second " + PAN_TOKEN_KEY_WORD + " line: the file holds one");
        }
        final byte[] key = HEX.parseHex(words[1]);
        if (key.length != PanTokenizer.KEY_LENGTH)
        {
            throw new IllegalArgumentException("a " + PAN_TOKEN_KEY_WORD + " has 32 bytes (64 hex digits)");
        }
        panTokenKey = key;
    }

    /** The key that turns card numbers into consumer ids ({@link PanTokenizer}); null when the file has none. */
    public byte[] panTokenKey()
    {
        return null == panTokenKey ? null : panTokenKey.clone();
    }

    /**
     * Draws the PAN token key. Refused when the file has one: another key makes every card another consumer, so a
     * key is never replaced by this command (docs/security.md, "Card numbers at rest", rotation).
     */
    public void issuePanTokenKey(final SecureRandom random)
    {
        if (null != panTokenKey)
        {
            throw new IllegalStateException("the file already has a " + PAN_TOKEN_KEY_WORD + "; replacing it would " +
                "make every card another consumer (docs/security.md, \"Card numbers at rest\")");
        }
        final byte[] key = new byte[PanTokenizer.KEY_LENGTH];
        random.nextBytes(key);
        panTokenKey = key;
    }

    /** Adds or replaces a terminal; a weak key ({@link #weakness}) is refused. */
    public void put(final long terminalId, final long merchantId, final byte[] key)
    {
        final String weakness = weakness(key);
        if (null != weakness)
        {
            throw new IllegalArgumentException("the key of terminal " + terminalId + " is refused: " + weakness);
        }
        putChecked(terminalId, merchantId, key);
    }

    private void putChecked(final long terminalId, final long merchantId, final byte[] key)
    {
        if (terminalId <= 0 || terminalId > TERMINAL_ID_MAX || merchantId <= 0 || merchantId > MERCHANT_ID_MAX)
        {
            throw new IllegalArgumentException("terminal id must be 1.." + TERMINAL_ID_MAX + " and merchant id 1.." +
                MERCHANT_ID_MAX + ": " + terminalId + " " + merchantId);
        }
        if (key.length != RetailMac.KEY_LENGTH)
        {
            throw new IllegalArgumentException("a key has 16 bytes (32 hex digits)");
        }
        entries.put(terminalId, new Entry(terminalId, merchantId, key.clone()));
    }

    /** Gives a terminal a fresh random key (creates the terminal when new) and returns that key. */
    public byte[] issueKey(final long terminalId, final long merchantId, final SecureRandom random)
    {
        final byte[] key = new byte[RetailMac.KEY_LENGTH];
        do
        {
            // A weak key comes about once in 2^50 draws; drawn again rather than refused.
            random.nextBytes(key);
        }
        while (null != weakness(key));
        put(terminalId, merchantId, key);
        return key;
    }

    /**
     * Why a double-length key must not be used for the retail MAC, or null when it may (security review 2026-12-05
     * B5): equal halves (K1 = K2) make the MAC single DES, and a half that is a DES weak or semi-weak key makes its
     * step its own or another's inverse. Parity bits are ignored, as DES ignores them.
     */
    public static String weakness(final byte[] key)
    {
        if (key.length != RetailMac.KEY_LENGTH)
        {
            return "a key has 16 bytes (32 hex digits)";
        }
        final long k1 = halfWithoutParity(key, 0);
        final long k2 = halfWithoutParity(key, 8);
        if (k1 == k2)
        {
            return "its two halves are equal (K1 = K2), which makes the MAC single DES";
        }
        for (final long weak : WEAK_DES_KEYS)
        {
            if ((weak & WITHOUT_PARITY) == k1 || (weak & WITHOUT_PARITY) == k2)
            {
                return "its " + ((weak & WITHOUT_PARITY) == k1 ? "first" : "second") + " half is a DES weak or " +
                    "semi-weak key";
            }
        }
        return null;
    }

    private static long halfWithoutParity(final byte[] key, final int offset)
    {
        long half = 0;
        for (int i = 0; i < 8; i++)
        {
            half = (half << 8) | (key[offset + i] & 0xFF);
        }
        return half & WITHOUT_PARITY;
    }

    public Entry find(final long terminalId)
    {
        return entries.get(terminalId);
    }

    public Map<Long, Entry> entries()
    {
        return java.util.Collections.unmodifiableMap(entries);
    }

    /** Writes the file atomically (temporary file, then rename) with owner-only permissions where supported. */
    public void save(final Path file) throws IOException
    {
        final StringBuilder text = new StringBuilder("# Wodian ISO 8583 terminal keys: terminalId merchantId keyHex\n");
        if (null != panTokenKey)
        {
            text.append(PAN_TOKEN_KEY_WORD).append(' ').append(HEX.formatHex(panTokenKey)).append('\n');
        }
        for (final Entry entry : entries.values())
        {
            text.append(entry.terminalId()).append(' ').append(entry.merchantId()).append(' ')
                .append(HEX.formatHex(entry.key())).append('\n');
        }
        final Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        final Path temporary = Files.createTempFile(parent, ".iso-keys", ".tmp");
        try
        {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final UnsupportedOperationException ignore)
        {
            // Not a POSIX file system: the directory's protection has to do.
        }
        Files.writeString(temporary, text, StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One line per terminal without its key (and one for the PAN token key, when there is one), for the operator. */
    public List<String> describe()
    {
        final List<String> lines = new ArrayList<>();
        if (null != panTokenKey)
        {
            lines.add("card numbers become tokens: " + PAN_TOKEN_KEY_WORD + " check value " +
                panTokenKeyCheckValue(panTokenKey));
        }
        for (final Entry entry : entries.values())
        {
            final String weakness = weakness(entry.key());
            lines.add("iso terminal " + entry.terminalId() + " merchant " + entry.merchantId() + " key check value " +
                keyCheckValue(entry.key()) + (null == weakness ? "" : " REFUSED by the server (" + weakness +
                "; while it is in the file the server loads none of the file): rotate it"));
        }
        return lines;
    }

    /**
     * The key check value terminals and HSMs print to compare keys without showing them: the first 3 bytes of the
     * key's triple-DES encryption of a zero block, as 6 hex digits.
     */
    public static String keyCheckValue(final byte[] key)
    {
        try
        {
            final byte[] ede = new byte[24];
            System.arraycopy(key, 0, ede, 0, 16);
            System.arraycopy(key, 0, ede, 16, 8);
            final javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("DESede/ECB/NoPadding");
            cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(ede, "DESede"));
            return HEX.formatHex(cipher.doFinal(new byte[8]), 0, 3);
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A check value of the PAN token key, to compare two copies without showing them: the first 3 bytes of the token
     * key's HMAC-SHA256 of the empty message, as 6 hex digits.
     */
    public static String panTokenKeyCheckValue(final byte[] key)
    {
        try
        {
            final javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(), 0, 3);
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Per-terminal MAC engines built once from a store (the gateway's hot-path view). */
    static Long2ObjectHashMap<TerminalKey> toTerminalKeys(final IsoKeyStore store)
    {
        final Long2ObjectHashMap<TerminalKey> keys = new Long2ObjectHashMap<>();
        for (final Entry entry : store.entries.values())
        {
            keys.put(entry.terminalId(), new TerminalKey(entry.terminalId(), entry.merchantId(),
                new RetailMac(entry.key())));
        }
        return keys;
    }

    /**
     * A terminal as the gateway uses it: its merchant, a ready MAC engine, and its command budget's bucket
     * ({@link IsoCommandBudget}; the gateway's thread only).
     */
    static final class TerminalKey
    {
        private final long terminalId;
        private final long merchantId;
        private final RetailMac mac;
        /** Messages the terminal may still send at once; negative until its first, when the bucket starts full. */
        double budgetTokens = -1;
        /** When {@link #budgetTokens} was last refilled (the gateway's receive time, epoch ms). */
        long budgetRefilledAtMs;
        /** The latest DE7 (epoch ms) of the terminal's fresh MAC-valid requests: older ones are replays or late. */
        long newestTransmittedAtMs;

        TerminalKey(final long terminalId, final long merchantId, final RetailMac mac)
        {
            this.terminalId = terminalId;
            this.merchantId = merchantId;
            this.mac = mac;
        }

        long terminalId()
        {
            return terminalId;
        }

        long merchantId()
        {
            return merchantId;
        }

        RetailMac mac()
        {
            return mac;
        }
    }
}
