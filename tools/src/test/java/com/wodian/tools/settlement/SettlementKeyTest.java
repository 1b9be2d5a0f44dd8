package com.wodian.tools.settlement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review C4: whoever can change the settlement key can sign manifests of changed files, so a key file group
 * or others can write is refused (before: only a read warning, and it was used).
 */
class SettlementKeyTest
{
    @TempDir
    Path dir;

    @Test
    void aKeyFileOthersCanWriteIsRefused() throws Exception
    {
        final Path key = dir.resolve("settlement.key");
        Files.writeString(key, "ab".repeat(SettlementKey.KEY_LENGTH) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertEquals(SettlementKey.KEY_LENGTH, SettlementKey.load(key).length);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw-r--"));
        final IOException refused = assertThrows(IOException.class, () -> SettlementKey.load(key));
        assertTrue(refused.getMessage().startsWith("refusing " + key + " signs the settlement manifests but is " +
            "writable by group or others (rw-rw-r--): chmod go-w it"), refused.getMessage());
    }
}
