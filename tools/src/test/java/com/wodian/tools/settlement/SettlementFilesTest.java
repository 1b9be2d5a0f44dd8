package com.wodian.tools.settlement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settlement files are replaced whole, never written through what their name points to (security review C9: a
 * planted link in the --out directory made the settlement overwrite another file of the same user).
 */
class SettlementFilesTest
{
    @TempDir
    Path dir;

    @Test
    void aSymbolicLinkAtTheNameIsRefusedAndItsTargetKept() throws IOException
    {
        final Path out = Files.createDirectories(dir.resolve("out"));
        final Path victim = Files.writeString(dir.resolve("credentials"), "secret", StandardCharsets.UTF_8);
        final Path manifest = Files.createSymbolicLink(out.resolve("manifest.txt"), victim);

        final IOException refused = assertThrows(IOException.class, () -> SettlementFiles.writeFile(manifest, "x"));
        assertTrue(refused.getMessage().contains("is a symbolic link"), refused.getMessage());
        assertEquals("secret", Files.readString(victim, StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(manifest));
        assertEquals(1, listed(out), "no temporary file left behind");
    }

    @Test
    void anExistingFileIsReplacedByARenameNotRewrittenInPlace() throws IOException
    {
        final Path out = Files.createDirectories(dir.resolve("out"));
        final Path victim = Files.writeString(dir.resolve("other-file"), "kept", StandardCharsets.UTF_8);
        // A hard link planted at the name: a write in place would change the other file's bytes too.
        final Path summary = Files.createLink(out.resolve("summary.csv"), victim);

        SettlementFiles.writeFile(summary, "merchantId,rows\n1,2\n");
        assertEquals("merchantId,rows\n1,2\n", Files.readString(summary, StandardCharsets.UTF_8));
        assertEquals("kept", Files.readString(victim, StandardCharsets.UTF_8));
        assertFalse(Files.isSameFile(summary, victim));
        assertEquals(1, listed(out), "no temporary file left behind");
    }

    private static long listed(final Path dir) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(dir))
        {
            return files.count();
        }
    }
}
