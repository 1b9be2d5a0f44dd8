package com.wodian.tools;

import com.wodian.net.iso8583.IsoKeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code wodian credentials --iso-keys}: create, rotate, refuse (docs/iso8583.md, "Terminal keys"). */
class IsoKeysCommandTest
{
    @Test
    void createsRotatesAndRefuses(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        final CliTest.Run added = CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add", "terminal:101",
            "--merchant", "11");
        assertEquals(0, added.exitCode());
        assertTrue(added.out().contains("iso terminal 101 merchant 11 key "), added.out());
        final byte[] first = IsoKeyStore.load(file).find(101).key();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        assertEquals(0, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--rotate", "terminal:101")
            .exitCode());
        final IsoKeyStore.Entry rotated = IsoKeyStore.load(file).find(101);
        assertEquals(11, rotated.merchantId());
        assertFalse(java.util.Arrays.equals(first, rotated.key()), "rotation gives a new key");

        assertEquals(WodianMain.EXIT_REFUSED, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--rotate",
            "terminal:102").exitCode());
        assertEquals(WodianMain.EXIT_USAGE, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add",
            "terminal:103").exitCode());
        assertEquals(WodianMain.EXIT_USAGE, CliTest.wodian("credentials", "--add", "terminal:103").exitCode());
    }
}
