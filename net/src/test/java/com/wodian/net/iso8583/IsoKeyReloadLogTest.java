package com.wodian.net.iso8583;

import com.wodian.net.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Rev R9: a key file the gateway refuses (here a K1 = K2 key) is tried again at every check, about once a second,
 * but its WARNING is logged once per change of the file, not every second; a reload that works resets it. The checks
 * are called directly with their times (as the metrics thread calls them): no waiting.
 */
class IsoKeyReloadLogTest
{
    private static final String WEAK_LINE = "102 11 0123456789ABCDEF0123456789ABCDEF\n";

    @TempDir
    Path dir;

    private long fileTimeMs = 1_700_000_000_000L;

    /** Writes the file and gives it a later modification time than the last write (a file system's ticks may be coarse). */
    private void write(final Path file, final String text) throws Exception
    {
        Files.writeString(file, text);
        fileTimeMs += 10_000;
        Files.setLastModifiedTime(file, FileTime.fromMillis(fileTimeMs));
    }

    @Test
    void aRefusedReloadIsLoggedOncePerChangeOfTheFile() throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        store.issueKey(101, 11, new SecureRandom());
        store.save(file);
        final String good = Files.readString(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(fileTimeMs));
        try (EngineIsoHarness harness = new EngineIsoHarness(file);
            LogCapture log = LogCapture.of("com.wodian.net.iso8583"))
        {
            harness.start();
            long nowMs = 1_000_000;
            write(file, good + WEAK_LINE);
            for (int check = 0; check < 5; check++)
            {
                harness.agent.reloadFilesIfChanged(nowMs += 1_000);
            }
            assertEquals(1, refusals(log), "five checks of one broken file: " + log.lines());
            write(file, good + WEAK_LINE + "# changed\n");
            for (int check = 0; check < 3; check++)
            {
                harness.agent.reloadFilesIfChanged(nowMs += 1_000);
            }
            assertEquals(2, refusals(log), "the file changed, still broken: " + log.lines());
            write(file, good);
            harness.agent.reloadFilesIfChanged(nowMs += 1_000);
            write(file, good + WEAK_LINE);
            harness.agent.reloadFilesIfChanged(nowMs += 1_000);
            harness.agent.reloadFilesIfChanged(nowMs += 1_000);
            assertEquals(3, refusals(log), "reloaded, then broken again: " + log.lines());
            assertEquals(1, log.lines().stream().filter(line -> line.contains("reloaded: 1 terminals")).count(),
                log.lines().toString());
        }
    }

    /**
     * Security review B6: the PAN token key is the consumers' identity; a reload that removes or changes it is refused
     * (the keys in use stay, so a new terminal's key is not taken either), and one that puts it back is taken.
     */
    @Test
    void aReloadThatChangesThePanTokenKeyIsRefused() throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        store.issueKey(101, 11, new SecureRandom());
        store.issuePanTokenKey(new SecureRandom());
        store.save(file);
        final String good = Files.readString(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(fileTimeMs));
        final String otherKeyLine = "pan-token-key " + "7".repeat(64) + "\n";
        try (EngineIsoHarness harness = new EngineIsoHarness(file);
            LogCapture log = LogCapture.of("com.wodian.net.iso8583"))
        {
            harness.start();
            long nowMs = 1_000_000;
            write(file, good.replaceAll("pan-token-key .*\n", ""));
            harness.agent.reloadFilesIfChanged(nowMs += 1_000);
            write(file, good.replaceAll("pan-token-key .*\n", otherKeyLine));
            harness.agent.reloadFilesIfChanged(nowMs += 1_000);
            write(file, good + "102 11 00112233445566778899AABBCCDDEEFF\n");
            harness.agent.reloadFilesIfChanged(nowMs += 1_000);
            final List<String> lines = log.lines();
            assertEquals(1, lines.stream().filter(line -> line.contains("pan-token-key line was removed")).count(),
                lines.toString());
            assertEquals(1, lines.stream().filter(line -> line.contains("pan-token-key line changed")).count(),
                lines.toString());
            assertEquals(1, lines.stream().filter(line -> line.contains("reloaded: 2 terminals")).count(),
                "the key put back, with a new terminal: taken " + lines);
        }
    }

    private static long refusals(final LogCapture log)
    {
        return log.lines().stream().filter(line -> line.contains("not reloaded") && line.contains("K1 = K2")).count();
    }
}
