package com.wodian.net.iso8583;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The card number token (security review B6, docs/security.md "Card numbers at rest"): the hand-written HMAC agrees
 * with {@code javax.crypto.Mac} for every length of PAN, a token keeps the last four digits and has 19 digits, the
 * worked example in docs/security.md is recomputed, and the key line of the ISO key file is read, kept and refused as
 * documented.
 */
class PanTokenizerTest
{
    private static final byte[] EXAMPLE_KEY = HexFormat.of().parseHex(
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final long EXAMPLE_PAN = 6_212_345_678_901_234L;

    @Test
    void theTokenIsTheDocumentedFormulaAndKeepsTheLastFourDigits() throws Exception
    {
        final Random random = new Random(44);
        final byte[] key = new byte[PanTokenizer.KEY_LENGTH];
        random.nextBytes(key);
        final PanTokenizer tokenizer = new PanTokenizer(key);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (int i = 0; i < 2_000; i++)
        {
            final long pan = i < 19 ? (long)Math.pow(10, i) + i : random.nextLong() >>> (1 + random.nextInt(40));
            if (pan <= 0)
            {
                continue;
            }
            final long keyed = ByteBuffer.wrap(mac.doFinal(Long.toString(pan).getBytes(StandardCharsets.US_ASCII)))
                .getLong();
            final long expected = 1_000_000_000_000_000_000L +
                Long.remainderUnsigned(keyed, 800_000_000_000_000L) * 10_000 + pan % 10_000;
            final long token = tokenizer.token(pan);
            assertEquals(expected, token, "PAN " + pan);
            assertEquals(19, Long.toString(token).length());
            assertEquals(pan % 10_000, token % 10_000, "the last four digits stay");
            assertTrue(PanTokenizer.isToken(token));
        }
        assertEquals(0, tokenizer.token(0), "0 stays the invalid id the engine refuses");
        assertFalse(PanTokenizer.isToken(8001));
    }

    @Test
    void theSamePanGivesTheSameTokenAndAnotherKeyAnother()
    {
        final long token = new PanTokenizer(EXAMPLE_KEY).token(EXAMPLE_PAN);
        assertEquals(token, new PanTokenizer(EXAMPLE_KEY).token(EXAMPLE_PAN));
        final byte[] other = EXAMPLE_KEY.clone();
        other[0] ^= 1;
        assertNotEquals(token, new PanTokenizer(other).token(EXAMPLE_PAN));
        assertNotEquals(token, new PanTokenizer(EXAMPLE_KEY).token(EXAMPLE_PAN + 10_000));
    }

    /** docs/security.md gives a worked example; it must be what the gateway computes. */
    @Test
    void theWorkedExampleInSecurityMdIsRight() throws Exception
    {
        final String doc = Files.readString(docs().resolve("security.md"));
        final String expected = "token       " + new PanTokenizer(EXAMPLE_KEY).token(EXAMPLE_PAN);
        assertTrue(doc.contains("pan         " + EXAMPLE_PAN), "the example's PAN");
        assertTrue(doc.contains(expected), "security.md must show: " + expected);
    }

    @Test
    void theKeyFileKeepsOneTokenKeyAndRefusesASecond(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        store.issueKey(101, 11, new SecureRandom());
        store.issuePanTokenKey(new SecureRandom());
        assertThrows(IllegalStateException.class, () -> store.issuePanTokenKey(new SecureRandom()),
            "a key is never replaced by the tool");
        store.save(file);
        final IsoKeyStore loaded = IsoKeyStore.load(file);
        assertEquals(HexFormat.of().formatHex(store.panTokenKey()), HexFormat.of().formatHex(loaded.panTokenKey()));
        assertTrue(loaded.describe().get(0).startsWith("card numbers become tokens: pan-token-key check value "));
        assertEquals(101, loaded.find(101).terminalId());

        Files.writeString(file, Files.readString(file) + "pan-token-key " + "ab".repeat(32) + "\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> IsoKeyStore.load(file)).getMessage()
            .contains("a second pan-token-key line"));
        Files.writeString(file, "pan-token-key abcd\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> IsoKeyStore.load(file)).getMessage()
            .contains("32 bytes"));
    }

    /** The key file's parser, fuzzed: a mutated file is read or refused with an IOException, nothing else. */
    @Test
    void aMutatedKeyFileIsReadOrRefusedNeverBroken(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws Exception
    {
        final Path file = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        store.issueKey(101, 11, new SecureRandom());
        store.issuePanTokenKey(new SecureRandom());
        store.save(file);
        final byte[] valid = Files.readAllBytes(file);
        final Random random = new Random(6);
        final byte[] alphabet = "0123456789abcdefABCDEF \t\n#-pan-token-key\u00e9".getBytes(StandardCharsets.UTF_8);
        int read = 0;
        for (int i = 0; i < 2_000; i++)
        {
            final byte[] mutated = java.util.Arrays.copyOf(valid, valid.length + random.nextInt(8));
            for (int edits = 1 + random.nextInt(4); edits > 0; edits--)
            {
                mutated[random.nextInt(mutated.length)] = alphabet[random.nextInt(alphabet.length)];
            }
            Files.write(file, mutated);
            try
            {
                final IsoKeyStore loaded = IsoKeyStore.load(file);
                final byte[] panKey = loaded.panTokenKey();
                assertTrue(null == panKey || panKey.length == PanTokenizer.KEY_LENGTH);
                read++;
            }
            catch (final java.io.IOException refused)
            {
                assertTrue(refused.getMessage().contains(file.toString()) ||
                    refused instanceof java.nio.charset.CharacterCodingException, refused.toString());
            }
        }
        assertTrue(read > 0 && read < 2_000, "some mutations read, some refused: " + read);
    }

    static Path docs()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir && !Files.isDirectory(dir.resolve("docs")))
        {
            dir = dir.getParent();
        }
        return dir.resolve("docs");
    }
}
