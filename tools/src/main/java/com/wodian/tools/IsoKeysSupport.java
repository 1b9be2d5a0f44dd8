package com.wodian.tools;

import com.wodian.net.iso8583.IsoKeyStore;
import com.wodian.net.iso8583.PanTokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code wodian credentials --iso-keys FILE [--add terminal:ID --merchant M | --rotate terminal:ID] --key-out OUT}:
 * creates or rotates an ISO 8583 terminal's MAC key (docs/iso8583.md, "Terminal keys") and hands it over once, for
 * loading into the terminal: written to OUT (mode 600), or printed when OUT is {@code -}; never printed unless asked
 * (security review 2026-12-05 B5: keys in terminal scroll-back and provisioning logs). Without --add or --rotate,
 * lists the terminals with their key check values, and names keys the server refuses (weak DES keys, K1 = K2).
 * {@code --pan-token-key} adds the key that turns card numbers into tokens, {@code --pan-tokens} prints the tokens of
 * card numbers read on standard input (docs/security.md, "Card numbers at rest").
 */
final class IsoKeysSupport
{
    /** {@code --key-out -}: print the key on standard output. */
    static final String STANDARD_OUTPUT = "-";

    private IsoKeysSupport()
    {
    }

    static int run(final Path file, final String identity, final boolean adding, final long merchantId,
        final String keyOut) throws Exception
    {
        final IsoKeyStore store = Files.exists(file) ? IsoKeyStore.loadForEditing(file) : new IsoKeyStore();
        if (null != identity)
        {
            if (!identity.startsWith("terminal:"))
            {
                System.err.println("ISO 8583 keys belong to terminals: terminal:ID");
                return WodianMain.EXIT_USAGE;
            }
            if (null == keyOut)
            {
                System.err.println("the new key must go somewhere: --key-out FILE (written with mode 600, for " +
                    "loading into the terminal) or --key-out - (printed on standard output); nothing changed");
                return WodianMain.EXIT_USAGE;
            }
            final long terminalId = Long.parseLong(identity.substring("terminal:".length()));
            final String refused = refusedKeysBesides(store, terminalId, file);
            if (null != refused)
            {
                System.err.println(refused);
                return WodianMain.EXIT_REFUSED;
            }
            final IsoKeyStore.Entry existing = store.find(terminalId);
            final long merchant = adding ? merchantId : null == existing ? 0 : existing.merchantId();
            if (merchant <= 0)
            {
                System.err.println(adding ? "a terminal needs --merchant" : "no such ISO terminal: " + identity);
                return adding ? WodianMain.EXIT_USAGE : WodianMain.EXIT_REFUSED;
            }
            final byte[] key = store.issueKey(terminalId, merchant, new SecureRandom());
            final String keyLine = "iso terminal " + terminalId + " merchant " + merchant + " key " +
                HexFormat.of().withUpperCase().formatHex(key) + " check value " + IsoKeyStore.keyCheckValue(key);
            if (STANDARD_OUTPUT.equals(keyOut))
            {
                store.save(file);
                System.out.println(keyLine);
            }
            else
            {
                // The key file last: when the key cannot be handed over, the terminal keeps its old key.
                writeOwnerOnly(Path.of(keyOut), "# ISO 8583 MAC key: load it into the terminal, then delete this " +
                    "file\n" + keyLine + "\n");
                store.save(file);
                System.out.println("iso terminal " + terminalId + " merchant " + merchant + " new key written to " +
                    keyOut + " (check value " + IsoKeyStore.keyCheckValue(key) + ")");
            }
        }
        for (final String line : store.describe())
        {
            System.out.println(line);
        }
        return WodianMain.EXIT_OK;
    }

    /** {@code --pan-token-key}: adds a fresh PAN token key to the file; refused when it has one. */
    static int addPanTokenKey(final Path file) throws Exception
    {
        final IsoKeyStore store = Files.exists(file) ? IsoKeyStore.loadForEditing(file) : new IsoKeyStore();
        try
        {
            store.issuePanTokenKey(new SecureRandom());
        }
        catch (final IllegalStateException refused)
        {
            System.err.println(file + ": " + refused.getMessage() + "; nothing changed");
            return WodianMain.EXIT_REFUSED;
        }
        store.save(file);
        for (final String line : store.describe())
        {
            System.out.println(line);
        }
        return WodianMain.EXIT_OK;
    }

    /**
     * {@code --pan-tokens}: one token per card number read (one a line; blank lines skipped). A line that is not a
     * card number (1 to 19 digits, at most 9,223,372,036,854,775,807) stops the command, naming its line number but
     * not its text, which may be a mistyped card number.
     */
    static int printPanTokens(final Path file, final java.io.InputStream in, final java.io.PrintStream out)
        throws Exception
    {
        final byte[] key = Files.exists(file) ? IsoKeyStore.loadForEditing(file).panTokenKey() : null;
        if (null == key)
        {
            System.err.println(file + " has no " + IsoKeyStore.PAN_TOKEN_KEY_WORD + " line: card numbers are not " +
                "tokenized (wodian credentials --iso-keys " + file + " --pan-token-key adds one)");
            return WodianMain.EXIT_REFUSED;
        }
        final PanTokenizer tokenizer = new PanTokenizer(key);
        final java.io.BufferedReader reader = new java.io.BufferedReader(
            new java.io.InputStreamReader(in, StandardCharsets.US_ASCII));
        int lineNumber = 0;
        for (String line = reader.readLine(); null != line; line = reader.readLine())
        {
            lineNumber++;
            final String digits = line.strip();
            if (digits.isEmpty())
            {
                continue;
            }
            final long pan = digits.length() <= 19 && digits.chars().allMatch(Character::isDigit) ?
                parseOrMinusOne(digits) : -1;
            if (pan <= 0)
            {
                System.err.println("standard input line " + lineNumber + " is not a card number (1 to 19 digits, " +
                    "not 0); it is not repeated here");
                return WodianMain.EXIT_USAGE;
            }
            out.println(tokenizer.token(pan));
        }
        out.flush();
        return WodianMain.EXIT_OK;
    }

    private static long parseOrMinusOne(final String digits)
    {
        try
        {
            return Long.parseLong(digits);
        }
        catch (final NumberFormatException tooLarge)
        {
            return -1;
        }
    }

    /**
     * The refusal of a change while the file holds keys the server refuses (weak, K1 = K2) of terminals other than
     * {@code terminalId}: the gateway refuses the whole file, so it would load no new key (the new or rotated terminal
     * would be shut out, its old key gone from the terminal) until those are rotated (rev R9). Null when there is none.
     */
    private static String refusedKeysBesides(final IsoKeyStore store, final long terminalId, final Path file)
    {
        final StringBuilder rotations = new StringBuilder();
        for (final IsoKeyStore.Entry entry : store.entries().values())
        {
            final String weakness = IsoKeyStore.weakness(entry.key());
            if (entry.terminalId() != terminalId && null != weakness)
            {
                rotations.append("\n  terminal ").append(entry.terminalId()).append(" (").append(weakness)
                    .append("): wodian credentials --iso-keys ").append(file).append(" --rotate terminal:")
                    .append(entry.terminalId()).append(" --key-out FILE");
            }
        }
        return rotations.length() == 0 ? null : file + " holds keys the server refuses, so it loads nothing of this " +
            "file, a new key neither; nothing changed: rotate them first:" + rotations;
    }

    /** Writes the file whole (a temporary beside it, then a rename) and readable by its owner only. */
    private static void writeOwnerOnly(final Path file, final String text) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        final Path temporary = Files.createTempFile(parent, ".iso-key", ".tmp");
        try
        {
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
        finally
        {
            Files.deleteIfExists(temporary);
        }
    }
}
