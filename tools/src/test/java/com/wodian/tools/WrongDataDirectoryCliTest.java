package com.wodian.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The offline tools given a wrong {@code --data} (ops review item 9: the parent of a data directory, an empty one)
 * refuse with exit 1 and leave the directory as it was, instead of opening an empty journal there and reporting
 * success on no entries.
 */
class WrongDataDirectoryCliTest
{
    @TempDir
    Path dir;

    @Test
    void everyOfflineReaderRefusesADirectoryWithoutAJournal() throws Exception
    {
        Files.createDirectories(dir.resolve("data").resolve("journal")); // the real one is below: not this
        final List<String> before = names(dir);
        final String data = dir.toString();
        final List<String[]> commands = List.of(
            new String[] { "journal", "dump", "--data", data },
            new String[] { "journal", "verify", "--data", data },
            new String[] { "journal", "replay", "--data", data, "--to", "1" },
            new String[] { "settlement", "--data", data, "--date", "2026-12-02", "--out", dir.resolve("out").toString() },
            new String[] { "snapshot", "take", "--data", data });
        for (final String[] command : commands)
        {
            final CliTest.Run run = CliTest.wodian(command);
            assertEquals(WodianMain.EXIT_REFUSED, run.exitCode(), String.join(" ", command) + ": " + run.out());
            assertEquals(before, names(dir), String.join(" ", command) + " left the directory as it was");
        }
        assertEquals(WodianMain.EXIT_REFUSED,
            CliTest.wodian("journal", "verify", "--data", dir.resolve("no-such").toString()).exitCode());
    }

    private static List<String> names(final Path root) throws java.io.IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return paths.map((path) -> root.relativize(path).toString()).sorted().toList();
        }
    }
}
