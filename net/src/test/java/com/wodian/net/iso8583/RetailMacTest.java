package com.wodian.net.iso8583;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetailMacTest
{
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /**
     * The published example of ISO/IEC 9797-1 (and ANSI X9.19): key 0123456789ABCDEF FEDCBA9876543210, data
     * "Now is the time for all " (24 bytes, no padding needed), MAC algorithm 3 gives A1C72E74EA3FA9B6.
     */
    @Test
    void publishedTestVector()
    {
        final RetailMac mac = new RetailMac(HEX.parseHex("0123456789ABCDEFFEDCBA9876543210"));
        final byte[] data = "Now is the time for all ".getBytes(StandardCharsets.US_ASCII);
        final byte[] out = new byte[8];
        mac.compute(new UnsafeBuffer(data), 0, data.length, out, 0);
        assertEquals("A1C72E74EA3FA9B6", HEX.formatHex(out));
    }

    /** The same function built independently from the JDK's DES-CBC and two-key triple DES, on random inputs. */
    @Test
    void equalsCbcThenTripleDesOnTheLastBlock() throws Exception
    {
        final Random random = new Random(17);
        for (int round = 0; round < 200; round++)
        {
            final byte[] key = new byte[16];
            random.nextBytes(key);
            final byte[] data = new byte[1 + random.nextInt(200)];
            random.nextBytes(data);
            final byte[] expected = reference(key, data);
            final byte[] actual = new byte[8];
            final RetailMac mac = new RetailMac(key);
            mac.compute(new UnsafeBuffer(data), 0, data.length, actual, 0);
            assertArrayEquals(expected, actual, "round " + round);
            assertTrue(mac.verify(new UnsafeBuffer(data), 0, data.length, new UnsafeBuffer(actual), 0));
            actual[random.nextInt(8)] ^= 1 << random.nextInt(8);
            assertFalse(mac.verify(new UnsafeBuffer(data), 0, data.length, new UnsafeBuffer(actual), 0));
        }
    }

    private static byte[] reference(final byte[] key, final byte[] data) throws Exception
    {
        final byte[] padded = new byte[(data.length + 7) / 8 * 8];
        System.arraycopy(data, 0, padded, 0, data.length);
        final Cipher cbc = Cipher.getInstance("DES/CBC/NoPadding");
        cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, 8, "DES"), new IvParameterSpec(new byte[8]));
        final byte[] chained = cbc.doFinal(padded);
        final byte[] last = new byte[8];
        System.arraycopy(chained, chained.length - 8, last, 0, 8);
        final byte[] ede = new byte[24];
        System.arraycopy(key, 0, ede, 0, 16);
        System.arraycopy(key, 0, ede, 16, 8);
        // E_K1(D_K2(x)) = triple DES EDE with K1, K2, K1 applied to E_K1^-1... so undo the first E_K1 first.
        final Cipher single = Cipher.getInstance("DES/ECB/NoPadding");
        single.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, 0, 8, "DES"));
        final byte[] beforeLastEncrypt = single.doFinal(last);
        final Cipher tripleDes = Cipher.getInstance("DESede/ECB/NoPadding");
        tripleDes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ede, "DESede"));
        return tripleDes.doFinal(beforeLastEncrypt);
    }
}
