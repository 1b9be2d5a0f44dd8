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
        final Path keyOut = dir.resolve("terminal-101.key");
        // Security review B5: the key goes where the operator says, never unasked onto the screen or a job's log.
        final CliTest.Run unasked = CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add",
            "terminal:101", "--merchant", "11");
        assertEquals(WodianMain.EXIT_USAGE, unasked.exitCode());
        assertFalse(Files.exists(file), "nothing written without --key-out");
        final CliTest.Run added = CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add", "terminal:101",
            "--merchant", "11", "--key-out", keyOut.toString());
        assertEquals(0, added.exitCode());
        final byte[] first = IsoKeyStore.load(file).find(101).key();
        final String firstHex = java.util.HexFormat.of().withUpperCase().formatHex(first);
        assertFalse(added.out().contains(firstHex), "the key is not printed: " + added.out());
        assertTrue(added.out().contains("check value " + IsoKeyStore.keyCheckValue(first)), added.out());
        assertTrue(Files.readString(keyOut).contains("iso terminal 101 merchant 11 key " + firstHex),
            Files.readString(keyOut));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyOut)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        final CliTest.Run printed = CliTest.wodian("credentials", "--iso-keys", file.toString(), "--rotate",
            "terminal:101", "--key-out", "-");
        assertEquals(0, printed.exitCode());
        final IsoKeyStore.Entry rotated = IsoKeyStore.load(file).find(101);
        assertEquals(11, rotated.merchantId());
        assertFalse(java.util.Arrays.equals(first, rotated.key()), "rotation gives a new key");
        assertTrue(printed.out().contains("iso terminal 101 merchant 11 key " +
            java.util.HexFormat.of().withUpperCase().formatHex(rotated.key())), "asked for: printed");

        // A key the server refuses (K1 = K2) is named in the listing and can be rotated away.
        Files.writeString(file, Files.readString(file) + "104 11 0123456789ABCDEF0123456789ABCDEF\n");
        assertTrue(CliTest.wodian("credentials", "--iso-keys", file.toString()).out().contains("REFUSED"));
        assertEquals(0, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--rotate", "terminal:104",
            "--key-out", keyOut.toString()).exitCode());
        assertEquals(null, IsoKeyStore.weakness(IsoKeyStore.load(file).find(104).key()));

        assertEquals(WodianMain.EXIT_REFUSED, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--rotate",
            "terminal:102", "--key-out", "-").exitCode());
        assertEquals(WodianMain.EXIT_USAGE, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add",
            "terminal:103", "--key-out", "-").exitCode());
        assertEquals(WodianMain.EXIT_USAGE, CliTest.wodian("credentials", "--add", "terminal:103").exitCode());
    }

    /**
     * Rev R9: while the file holds a key the server refuses, the gateway loads none of the file, so a new terminal's
     * key (or another terminal's rotated one) would never be used: --add and --rotate of another terminal are refused,
     * naming the rotation to run first, and change nothing; rotating the refused key itself is what fixes it.
     */
    @Test
    void noOtherKeyIsIssuedWhileTheFileHoldsARefusedOne(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        final Path keyOut = dir.resolve("terminal.key");
        assertEquals(0, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add", "terminal:101",
            "--merchant", "11", "--key-out", keyOut.toString()).exitCode());
        Files.writeString(file, Files.readString(file) + "102 11 0123456789ABCDEF0123456789ABCDEF\n");
        final String before = Files.readString(file);
        final java.io.PrintStream savedErr = System.err;
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        final CliTest.Run added;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try
        {
            added = CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add", "terminal:103",
                "--merchant", "11", "--key-out", keyOut.toString());
        }
        finally
        {
            System.setErr(savedErr);
        }
        assertEquals(WodianMain.EXIT_REFUSED, added.exitCode());
        final String refusal = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(refusal.contains("--rotate terminal:102") && refusal.contains("nothing changed"), refusal);
        assertEquals(WodianMain.EXIT_REFUSED, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--rotate",
            "terminal:101", "--key-out", keyOut.toString()).exitCode());
        assertEquals(before, Files.readString(file), "nothing changed");
        assertEquals(0, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--rotate", "terminal:102",
            "--key-out", keyOut.toString()).exitCode());
        assertEquals(0, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add", "terminal:103",
            "--merchant", "11", "--key-out", keyOut.toString()).exitCode());
        assertEquals(3, IsoKeyStore.load(file).entries().size(), "the gateway loads the file again");
    }

    /**
     * Security review B6: --pan-token-key adds the key that turns card numbers into tokens (once: a second is refused,
     * since another key makes every card another consumer), and --pan-tokens prints the token of each card number read
     * on standard input, the one the gateway computes, never the number itself.
     */
    @Test
    void panTokenKeyIsAddedOnceAndPanTokensPrintsTheGatewaysTokens(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        final CliTest.Run added = CliTest.wodian("credentials", "--iso-keys", file.toString(), "--pan-token-key");
        assertEquals(0, added.exitCode(), added.out());
        final byte[] key = IsoKeyStore.load(file).panTokenKey();
        assertTrue(added.out().contains("pan-token-key check value " + IsoKeyStore.panTokenKeyCheckValue(key)),
            added.out());
        assertFalse(added.out().contains(java.util.HexFormat.of().withUpperCase().formatHex(key)), "never printed");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(WodianMain.EXIT_REFUSED,
            CliTest.wodian("credentials", "--iso-keys", file.toString(), "--pan-token-key").exitCode());
        assertTrue(java.util.Arrays.equals(key, IsoKeyStore.load(file).panTokenKey()), "the key is kept");
        // A terminal added afterwards keeps the token key in the file.
        assertEquals(0, CliTest.wodian("credentials", "--iso-keys", file.toString(), "--add", "terminal:101",
            "--merchant", "11", "--key-out", dir.resolve("t.key").toString()).exitCode());
        assertTrue(java.util.Arrays.equals(key, IsoKeyStore.load(file).panTokenKey()), "kept by --add");

        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final int exit = IsoKeysSupport.printPanTokens(file, new java.io.ByteArrayInputStream(
            "6212345678901234\n\n  8001 \n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0, exit);
        final com.wodian.net.iso8583.PanTokenizer tokenizer = new com.wodian.net.iso8583.PanTokenizer(key);
        assertEquals(tokenizer.token(6_212_345_678_901_234L) + "\n" + tokenizer.token(8001) + "\n",
            out.toString(java.nio.charset.StandardCharsets.US_ASCII).replace(System.lineSeparator(), "\n"));
        assertEquals(WodianMain.EXIT_USAGE, IsoKeysSupport.printPanTokens(file,
            new java.io.ByteArrayInputStream("62123456789x1234\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            new java.io.PrintStream(new java.io.ByteArrayOutputStream())));
        assertEquals(WodianMain.EXIT_REFUSED, IsoKeysSupport.printPanTokens(dir.resolve("none"),
            new java.io.ByteArrayInputStream(new byte[0]), new java.io.PrintStream(new java.io.ByteArrayOutputStream())));
    }
}
