package com.wodian.net.server;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Tamper evidence for the admin audit trail (docs/operations.md, "Admin audit trail", "Chained records"): every line
 * the writer appends ends with {@code " chain=" + 32 hex digits}, the first 16 bytes of
 * {@code HMAC-SHA256(auditKey, previous line's chain value || the line's text)} (the text without the suffix, UTF-8;
 * the first line of a new trail chains from 16 zero bytes). A line changed, inserted, removed or moved breaks the
 * chain at the first line after it that is checked, and nobody without the key can compute a new chain value. A file
 * that does not begin the trail (after a rotation), or a trail resumed after lines without a chain value (a line torn
 * by a crash, lines of an earlier version) begins with a chained header line naming the value it continues from:
 * {@code # admin audit chain continues from prev=HEX ...} or {@code # admin audit chain resumes from prev=HEX ...}.
 * <p>
 * The key is {@code <data>/admin-audit.key} (64 hex digits, mode 600), created at the trail's first write. Whoever
 * can read it can forge a chain: it protects the trail against those who can change the file (or the copy shipped
 * off the host) but not read the key; copy the key to where the verifier runs, apart from the log collector.
 * {@link #verify} is what {@code wodian audit verify} runs. Not thread-safe: the writer's thread only.
 */
public final class AdminAuditChain
{
    static final String KEY_FILE_NAME = "admin-audit.key";
    static final String SUFFIX = " chain=";
    static final String HEADER_PREFIX = "# admin audit chain ";
    static final String PREV = "prev=";
    /** The header verbs: after a rotation, and after a line without a chain value. */
    static final String CONTINUES = "continues";
    static final String RESUMES = "resumes";
    static final int CHAIN_LENGTH = 16;
    private static final int CHAIN_HEX_LENGTH = 2 * CHAIN_LENGTH;
    private static final int KEY_LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final Mac mac;
    private byte[] head = new byte[CHAIN_LENGTH];

    AdminAuditChain(final byte[] key)
    {
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** The line as written: its text and its chain value, which becomes the head. */
    String chained(final String text)
    {
        head = value(head, text);
        return text + SUFFIX + HEX.formatHex(head);
    }

    /** The chain value of the last line written (or set), which the next line chains from. */
    byte[] head()
    {
        return head.clone();
    }

    void head(final byte[] value)
    {
        head = value.clone();
    }

    /** A header line (to be {@link #chained}) that says which chain value the lines after it continue from. */
    static String header(final String verb, final byte[] prev, final String why)
    {
        return HEADER_PREFIX + verb + " from " + PREV + HEX.formatHex(prev) + " (" + why + ")";
    }

    private byte[] value(final byte[] prev, final String text)
    {
        mac.update(prev);
        return Arrays.copyOf(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)), CHAIN_LENGTH);
    }

    /** The chain value at the end of a line; null when it has none (or not one of the right form). */
    static byte[] chainOf(final String line)
    {
        final int at = line.lastIndexOf(SUFFIX);
        if (at < 0 || line.length() - at - SUFFIX.length() != CHAIN_HEX_LENGTH)
        {
            return null;
        }
        try
        {
            return HEX.parseHex(line, at + SUFFIX.length(), line.length());
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /** The value a header line names after {@code prev=}; null when the text is no header or names none. */
    static byte[] headerPrev(final String text)
    {
        final int at = text.indexOf(PREV);
        if (!text.startsWith(HEADER_PREFIX) || at < 0 || text.length() < at + PREV.length() + CHAIN_HEX_LENGTH)
        {
            return null;
        }
        try
        {
            return HEX.parseHex(text, at + PREV.length(), at + PREV.length() + CHAIN_HEX_LENGTH);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /** Reads the key file, or creates it (mode 600, 32 random bytes) when there is none. */
    static byte[] loadOrCreateKey(final Path keyFile) throws IOException
    {
        if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS))
        {
            final byte[] key = new byte[KEY_LENGTH];
            new SecureRandom().nextBytes(key);
            try
            {
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
                Files.writeString(keyFile, HEX.formatHex(key) + "\n", StandardCharsets.US_ASCII);
                return key;
            }
            catch (final FileAlreadyExistsException ex)
            {
                // Created meanwhile: read below.
            }
        }
        return readKey(keyFile);
    }

    /** The key of a key file: 64 hex digits. */
    static byte[] readKey(final Path keyFile) throws IOException
    {
        final String text = Files.readString(keyFile, StandardCharsets.US_ASCII).strip();
        try
        {
            final byte[] key = HEX.parseHex(text);
            if (key.length == KEY_LENGTH)
            {
                return key;
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // Refused below.
        }
        throw new IOException(keyFile + " is no admin audit key (64 hex digits)");
    }

    /**
     * {@code wodian audit verify}: checks the data directory's trail ({@code admin-audit.log.1}, then
     * {@code admin-audit.log}, those that exist) under the key file (null: the data directory's).
     *
     * @throws IOException when no trail file exists or the key cannot be read.
     */
    public static Verification verifyTrail(final Path dataDir, final Path keyFile) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        for (final String name : List.of(AdminAuditFile.FILE_NAME + AdminAuditFile.ROTATED_SUFFIX,
            AdminAuditFile.FILE_NAME))
        {
            if (Files.exists(dataDir.resolve(name)))
            {
                files.add(dataDir.resolve(name));
            }
        }
        if (files.isEmpty())
        {
            throw new IOException("no admin audit trail in " + dataDir + " (" + AdminAuditFile.FILE_NAME + ")");
        }
        return verify(files, readKey(null == keyFile ? dataDir.resolve(KEY_FILE_NAME) : keyFile));
    }

    /**
     * Checks the trail's files, oldest first (the rotated file, then the current one), under the key.
     *
     * @return the outcome: {@link Verification#broken()} null when every chained line checks.
     */
    static Verification verify(final List<Path> files, final byte[] key) throws IOException
    {
        final Verifier verifier = new Verifier(new AdminAuditChain(key));
        for (final Path file : files)
        {
            final byte[] bytes = Files.readAllBytes(file);
            final String text = new String(bytes, StandardCharsets.UTF_8);
            final boolean endsWithLineEnd = text.isEmpty() || text.endsWith("\n");
            final String[] lines = text.isEmpty() ? new String[0] : text.split("\n", -1);
            final int count = endsWithLineEnd && lines.length > 0 ? lines.length - 1 : lines.length;
            verifier.file(file);
            for (int i = 0; i < count && null == verifier.broken; i++)
            {
                verifier.line(i + 1, lines[i]);
            }
            verifier.endOfFile(endsWithLineEnd);
            if (null != verifier.broken)
            {
                break;
            }
        }
        return new Verification(verifier.recordCount, HEX.formatHex(verifier.chain.head()), verifier.notes,
            verifier.broken);
    }

    /**
     * What {@link #verify} found.
     *
     * @param recordCount chained lines that check (headers and markers included).
     * @param head        the last checked line's chain value: compare it with one noted elsewhere (the server logs it
     *                    at stop) to see that no line was cut from the end.
     * @param notes       lines that are not verified but break nothing (an earlier version's, a line torn by a crash).
     * @param broken      the first line that does not check ({@code FILE line N: why}), or null.
     */
    public record Verification(long recordCount, String head, List<String> notes, String broken)
    {
    }

    /** The state of one pass over the files. */
    private static final class Verifier
    {
        private final AdminAuditChain chain;
        private final List<String> notes = new ArrayList<>();
        private Path file;
        private boolean trailStarted;
        private boolean fileStarted;
        private int unchainedLine;
        private long recordCount;
        private String broken;

        Verifier(final AdminAuditChain chain)
        {
            this.chain = chain;
        }

        void file(final Path file)
        {
            this.file = file;
            fileStarted = false;
            unchainedLine = 0;
        }

        void line(final int number, final String line)
        {
            final byte[] value = chainOf(line);
            if (null == value)
            {
                if (!fileStarted && !trailStarted)
                {
                    notes.add(file + " line " + number + ": no chain value, before the chain begins (an earlier " +
                        "version's line): not verified");
                    return;
                }
                if (0 != unchainedLine)
                {
                    broken = file + " line " + unchainedLine + ": no chain value, and no chain header follows it";
                    return;
                }
                unchainedLine = number;
                return;
            }
            final String text = line.substring(0, line.length() - SUFFIX.length() - CHAIN_HEX_LENGTH);
            final byte[] prev = headerPrev(text);
            if (null != prev)
            {
                if (!header(number, text, prev))
                {
                    return;
                }
            }
            else if (0 != unchainedLine)
            {
                broken = file + " line " + unchainedLine + ": no chain value, and no chain header follows it";
                return;
            }
            else if (!fileStarted && !trailStarted && number > 1)
            {
                broken = file + " line " + number + ": the chain begins without a header after unchained lines";
                return;
            }
            if (!Arrays.equals(value, chain.value(chain.head(), text)))
            {
                broken = file + " line " + number + ": its chain value does not match (this line, or one before " +
                    "it, was changed, inserted or removed)";
                return;
            }
            chain.head(value);
            fileStarted = true;
            trailStarted = true;
            recordCount++;
        }

        /** A chained header line: false (and {@link #broken} set) when it does not continue what came before. */
        private boolean header(final int number, final String text, final byte[] prev)
        {
            // A header names what it continues from; within one trail that must be the last checked line's value.
            if ((trailStarted || fileStarted) && !Arrays.equals(prev, chain.head()))
            {
                broken = file + " line " + number + ": the header does not continue the chain before it (a " +
                    "line was removed, inserted or changed before it)";
                return false;
            }
            if (!trailStarted && !fileStarted && !Arrays.equals(prev, new byte[CHAIN_LENGTH]))
            {
                // The trail checked begins mid-chain: a rotation header (the rotated file is not here), or a resume
                // header whose lines before it were removed (rev R38 review: a prefix cut unseen).
                if (text.startsWith(HEADER_PREFIX + RESUMES))
                {
                    broken = file + " line " + number + ": the trail begins with a header that resumes from a " +
                        "line that is not there (lines before it were removed)";
                    return false;
                }
                notes.add(file + " line " + number + ": continues from a file not checked (the rotated file " +
                    "before it is missing or older): the lines before it are not verified");
            }
            chain.head(prev);
            if (0 != unchainedLine)
            {
                notes.add(file + " line " + unchainedLine + ": no chain value (a line torn by a crash, the " +
                    "trail resumed after it): not verified");
                unchainedLine = 0;
            }
            return true;
        }

        void endOfFile(final boolean endsWithLineEnd)
        {
            if (null == broken && 0 != unchainedLine)
            {
                if (endsWithLineEnd)
                {
                    broken = file + " line " + unchainedLine + ": no chain value at the end of the file";
                }
                else
                {
                    notes.add(file + " line " + unchainedLine + ": the last line is cut short (torn by a crash): " +
                        "not verified");
                }
            }
        }
    }
}
