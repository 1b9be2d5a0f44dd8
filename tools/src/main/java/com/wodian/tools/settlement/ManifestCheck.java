package com.wodian.tools.settlement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a settlement directory against its manifest (docs/settlement.md, "Keyed manifest"): the manifest's
 * HMAC under the settlement key (a keyed manifest, format 2), then every listed file's SHA-256, and that no settlement
 * file is there that the manifest does not list.
 */
public final class ManifestCheck
{
    private ManifestCheck()
    {
    }

    /** @return what does not match, one line each; empty when everything does. */
    public static List<String> problems(final Path outDir, final byte[] key) throws IOException
    {
        final List<String> problems = new ArrayList<>();
        final Path manifestFile = outDir.resolve(SettlementFiles.MANIFEST_FILE_NAME);
        if (!Files.isRegularFile(manifestFile))
        {
            problems.add(manifestFile + " does not exist");
            return problems;
        }
        final byte[] manifest = Files.readAllBytes(manifestFile);
        final String text = new String(manifest, StandardCharsets.UTF_8);
        final int lastLineStart = text.lastIndexOf('\n', text.length() - 2) + 1;
        final String lastLine = text.substring(lastLineStart).strip();
        if (!lastLine.startsWith(SettlementFiles.HMAC_LINE_PREFIX))
        {
            problems.add("manifest.txt carries no HMAC (written without --key), so it proves nothing about who " +
                "wrote it");
            return problems;
        }
        final int keyedLineStart = text.lastIndexOf('\n', lastLineStart - 2) + 1;
        if (!text.startsWith(SettlementFiles.KEYED_LINE.substring(0, SettlementFiles.KEYED_LINE.indexOf(':') + 1),
            keyedLineStart))
        {
            problems.add("manifest.txt: the line before the HMAC is not '# keyed v1: ...': a keying scheme this " +
                "version does not know");
            return problems;
        }
        // The HMAC covers every byte before its line, the keyed line included.
        final byte[] expected = lastLine.substring(SettlementFiles.HMAC_LINE_PREFIX.length())
            .getBytes(StandardCharsets.US_ASCII);
        final byte[] actual = SettlementKey.hmacHex(key, manifest, text.substring(0, lastLineStart)
            .getBytes(StandardCharsets.UTF_8).length).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual))
        {
            problems.add("manifest.txt: the HMAC does not match this key: the manifest was changed, or written with " +
                "another key");
            return problems;
        }
        final String newer = newerFormat(text);
        if (null != newer)
        {
            problems.add(newer);
            return problems;
        }
        checkFiles(outDir, text.substring(0, lastLineStart), problems);
        return problems;
    }

    /**
     * A manifest of a files' format this version does not know (a newer one: docs/settlement.md, "Format versions")
     * is named as such, not misread; null when the format is known (or the manifest has no format line: format 1).
     */
    private static String newerFormat(final String manifest)
    {
        final java.util.regex.Matcher format = java.util.regex.Pattern.compile("(?m)^# format (\\d+)$")
            .matcher(manifest);
        if (format.find() && Long.parseLong(format.group(1)) > SettlementFiles.FORMAT_VERSION)
        {
            return "manifest.txt: files of format " + format.group(1) + ", newer than this version knows (up to " +
                SettlementFiles.FORMAT_VERSION + "): check them with the Wodian version that wrote them or a newer one";
        }
        return null;
    }

    /**
     * The manifest's {@code # PROVISIONAL: ...} line (files of a day not closed, written with --allow-open-day: not for
     * payment), without its {@code # }; null when the files are the closed day's. Read it after {@link #problems}
     * found none, so that a keyed manifest's line is authentic.
     */
    public static String provisionalLine(final Path outDir) throws IOException
    {
        for (final String line : Files.readAllLines(outDir.resolve(SettlementFiles.MANIFEST_FILE_NAME)))
        {
            if (line.startsWith("# PROVISIONAL:"))
            {
                return line.substring(2);
            }
        }
        return null;
    }

    private static void checkFiles(final Path outDir, final String manifestBody, final List<String> problems)
        throws IOException
    {
        final Set<String> listed = new HashSet<>();
        for (final String line : manifestBody.split("\n"))
        {
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int gap = line.indexOf("  ");
            final String name = gap < 0 ? "" : line.substring(gap + 2);
            // Any plain file name the keyed manifest lists is checked by its SHA-256 (the HMAC covers the list), so a
            // file a later format adds is not refused for its name.
            if (gap < 0 || name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith("."))
            {
                problems.add("manifest.txt: a line that names no file of the directory: " + line);
                continue;
            }
            listed.add(name);
            final Path file = outDir.resolve(name);
            if (!Files.isRegularFile(file))
            {
                problems.add(name + " is listed in the manifest but missing");
            }
            else if (!SettlementFiles.sha256(file).equals(line.substring(0, gap)))
            {
                problems.add(name + ": its SHA-256 is not the manifest's: the file was changed");
            }
        }
        for (final Path file : SettlementFiles.existingFiles(outDir))
        {
            final String name = file.getFileName().toString();
            if (!name.equals(SettlementFiles.MANIFEST_FILE_NAME) && !listed.contains(name))
            {
                problems.add(name + " is not listed in the manifest");
            }
        }
    }
}
