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
 * key); {@code #} starts a comment. Written with mode 600: the keys are secrets shared with the terminals.
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

    private final TreeMap<Long, Entry> entries = new TreeMap<>();

    public static IsoKeyStore load(final Path file) throws IOException
    {
        com.wodian.net.auth.SecretFileMode.warnIfOpen(file);
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
                if (words.length != 3)
                {
                    throw new IllegalArgumentException("expected: terminalId merchantId keyHex");
                }
                store.put(Long.parseLong(words[0]), Long.parseLong(words[1]), HEX.parseHex(words[2]));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IOException(file + " line " + lineNumber + ": " + ex.getMessage(), ex);
            }
        }
        return store;
    }

    /** Adds or replaces a terminal. */
    public void put(final long terminalId, final long merchantId, final byte[] key)
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
        random.nextBytes(key);
        put(terminalId, merchantId, key);
        return key;
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

    /** One line per terminal without its key, for the operator. */
    public List<String> describe()
    {
        final List<String> lines = new ArrayList<>();
        for (final Entry entry : entries.values())
        {
            lines.add("iso terminal " + entry.terminalId() + " merchant " + entry.merchantId() + " key check value " +
                keyCheckValue(entry.key()));
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
