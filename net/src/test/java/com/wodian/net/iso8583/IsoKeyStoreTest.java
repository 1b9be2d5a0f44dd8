package com.wodian.net.iso8583;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review 2026-12-05 B5: keys that weaken the retail MAC are refused, when a terminal is given one and when the
 * gateway reads the key file; the tool can still read such a file, to list and rotate them.
 */
class IsoKeyStoreTest
{
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    @Test
    void degenerateAndWeakKeysAreRefused()
    {
        assertNull(IsoKeyStore.weakness(HEX.parseHex("0123456789ABCDEFFEDCBA9876543210")), "the test vector's key");
        assertTrue(IsoKeyStore.weakness(HEX.parseHex("0123456789ABCDEF0123456789ABCDEF")).contains("K1 = K2"));
        // Parity bits differ, the DES key is the same: still single DES.
        assertTrue(IsoKeyStore.weakness(HEX.parseHex("0123456789ABCDEF0022446688AACCEE")).contains("K1 = K2"));
        assertTrue(IsoKeyStore.weakness(HEX.parseHex("0101010101010101FEDCBA9876543210")).contains("first half"));
        assertTrue(IsoKeyStore.weakness(HEX.parseHex("00000000000000000123456789ABCDEF")).contains("first half"),
            "all zeros is the weak key 0101... without its parity bits");
        assertTrue(IsoKeyStore.weakness(HEX.parseHex("0123456789ABCDEFE0FEE0FEF1FEF1FE")).contains("second half"),
            "a semi-weak key");
        final IsoKeyStore store = new IsoKeyStore();
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> store.put(101, 11, HEX.parseHex("1F1F1F1F0E0E0E0E0123456789ABCDEF")));
        assertTrue(refused.getMessage().contains("terminal 101"), refused.getMessage());
        assertNull(store.find(101));
    }

    @Test
    void theGatewayRefusesAKeyFileWithAWeakKeyTheToolReadsIt() throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        Files.writeString(file, "101 11 0123456789ABCDEFFEDCBA9876543210\n102 11 0123456789ABCDEF0123456789ABCDEF\n");
        final IOException refused = assertThrows(IOException.class, () -> IsoKeyStore.load(file));
        assertTrue(refused.getMessage().contains("line 2") && refused.getMessage().contains("K1 = K2") &&
            refused.getMessage().contains("--rotate terminal:102"), refused.getMessage());

        final IsoKeyStore editing = IsoKeyStore.loadForEditing(file);
        assertNotNull(editing.find(102));
        assertEquals(2, editing.describe().size());
        assertTrue(editing.describe().get(1).contains("REFUSED"), editing.describe().get(1));
        editing.issueKey(102, 11, new java.security.SecureRandom());
        editing.save(file);
        assertNull(IsoKeyStore.weakness(IsoKeyStore.load(file).find(102).key()), "rotated: the gateway reads it");
    }

    /**
     * Security review C4: whoever can write the key file authenticates as any terminal it adds, so a file group or
     * others can write is refused by the gateway and by the tool (before: only a read warning, and it loaded).
     */
    @Test
    void aKeyFileOthersCanWriteIsRefused() throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        store.issueKey(101, 11, new java.security.SecureRandom());
        store.save(file);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        final IOException refused = assertThrows(IOException.class, () -> IsoKeyStore.load(file));
        assertTrue(refused.getMessage().contains("writable by group or others (rw-rw----): chmod go-w"),
            refused.getMessage());
        assertThrows(IOException.class, () -> IsoKeyStore.loadForEditing(file));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        assertNotNull(IsoKeyStore.load(file).find(101), "readable by the group: a warning only");
    }
}
