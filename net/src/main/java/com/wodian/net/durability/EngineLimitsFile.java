package com.wodian.net.durability;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.consensus.storage.AtomicFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine limits a data directory's ledger was decided under, in {@code <data>/engine-limits} (one
 * {@code name=value} line each). A journal replayed under other limits is another ledger: an input refused live for a
 * full table (a payment answered {@code LIMIT_KEYS}) is applied on replay with a larger one, a key forgotten earlier
 * lets a retry through, and every snapshot is skipped. So the first start records the limits and every later start
 * (and the offline tools that write into the directory) must ask for the same ones.
 *
 * <p>Only limits that change decisions are recorded; how tables are allocated ({@code --engine-tables}) is not.
 */
public final class EngineLimitsFile
{
    /** The file's name in a data directory. */
    public static final String FILE_NAME = "engine-limits";

    private EngineLimitsFile()
    {
    }

    /**
     * Records {@code config}'s limits when the directory has none yet, else checks that they are the recorded ones.
     *
     * @return true when the limits were recorded now (a new directory, or one written before the file existed).
     * @throws IOException naming every limit that differs, when they differ.
     */
    public static boolean recordOrCheck(final Path dataDir, final EngineConfig config) throws IOException
    {
        final Path file = dataDir.resolve(FILE_NAME);
        final Map<String, String> asked = limits(config);
        if (!Files.exists(file))
        {
            Files.createDirectories(dataDir);
            AtomicFile.replace(file, ByteBuffer.wrap(text(asked).getBytes(StandardCharsets.US_ASCII)));
            return true;
        }
        final Map<String, String> recorded = parse(file);
        final StringBuilder differences = new StringBuilder();
        for (final Map.Entry<String, String> limit : asked.entrySet())
        {
            final String was = recorded.get(limit.getKey());
            if (!limit.getValue().equals(was))
            {
                differences.append(differences.length() == 0 ? "" : ", ").append(limit.getKey()).append(' ')
                    .append(was).append(" -> ").append(limit.getValue());
            }
        }
        if (differences.length() > 0)
        {
            throw new IOException("data directory " + dataDir + " was written under other engine limits (" + file +
                "): " + differences + ". Start with the limits it was written with (--limits, --keys-max): a " +
                "journal replayed under other limits is another ledger than the one clients were answered from");
        }
        return false;
    }

    /**
     * For offline tools that write into a server's data directory: checks {@code config} against the recorded
     * limits, when the directory has them; records nothing (the server's first start does).
     *
     * @throws IOException naming every limit that differs.
     */
    public static void checkIfRecorded(final Path dataDir, final EngineConfig config) throws IOException
    {
        if (Files.exists(dataDir.resolve(FILE_NAME)))
        {
            recordOrCheck(dataDir, config);
        }
    }

    /** The limits that change decisions, by name, in a fixed order. */
    static Map<String, String> limits(final EngineConfig config)
    {
        return EngineLimits.of(config);
    }

    private static String text(final Map<String, String> limits)
    {
        final StringBuilder text = new StringBuilder("# engine limits this data directory's ledger was decided " +
            "under; a start with other limits is refused (docs/durability.md)\n");
        limits.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        return text.toString();
    }

    private static Map<String, String> parse(final Path file) throws IOException
    {
        final Map<String, String> limits = new LinkedHashMap<>();
        int lineNumber = 0;
        for (final String line : Files.readAllLines(file, StandardCharsets.US_ASCII))
        {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final int equals = line.indexOf('=');
            if (equals <= 0)
            {
                throw new IOException(file + ":" + lineNumber + ": not a name=value line: " + line);
            }
            limits.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
        }
        return limits;
    }
}
