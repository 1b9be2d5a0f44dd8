package com.wodian.net.iso8583;

import org.agrona.DirectBuffer;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * The retail MAC card-payment terminals use: ISO/IEC 9797-1 MAC algorithm 3 (ANSI X9.19) with DES as the block
 * cipher, a double-length key {@code K1 || K2}, padding method 1 (zero bytes up to a multiple of 8) and the full
 * 8-byte output. CBC-MAC with single DES under K1 over every block, then the last result is decrypted under K2 and
 * encrypted again under K1 (docs/iso8583.md, "MAC").
 *
 * <p>One instance per terminal key: the ciphers are initialised once, so computing a MAC allocates nothing of ours
 * (the JDK's DES in ECB mode over caller arrays). Not thread safe.
 */
public final class RetailMac
{
    /** Bytes of the double-length key. */
    public static final int KEY_LENGTH = 16;
    /** Bytes of the MAC. */
    public static final int MAC_LENGTH = 8;

    private static final int BLOCK = 8;

    private final Cipher encryptK1;
    private final Cipher decryptK2;
    private final byte[] chain = new byte[BLOCK];
    private final byte[] block = new byte[BLOCK];

    public RetailMac(final byte[] key)
    {
        if (key.length != KEY_LENGTH)
        {
            throw new IllegalArgumentException("a retail MAC key has 16 bytes, not " + key.length);
        }
        try
        {
            encryptK1 = Cipher.getInstance("DES/ECB/NoPadding");
            encryptK1.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, BLOCK, "DES"));
            decryptK2 = Cipher.getInstance("DES/ECB/NoPadding");
            decryptK2.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, BLOCK, BLOCK, "DES"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("DES is not available in this JDK", ex);
        }
    }

    /** Computes the MAC of {@code length} bytes and writes its 8 bytes to {@code out} at {@code outOffset}. */
    public void compute(
        final DirectBuffer data, final int offset, final int length, final byte[] out, final int outOffset)
    {
        try
        {
            java.util.Arrays.fill(chain, (byte)0);
            final int blocks = Math.max(1, (length + BLOCK - 1) / BLOCK);
            for (int b = 0; b < blocks; b++)
            {
                final int start = b * BLOCK;
                for (int i = 0; i < BLOCK; i++)
                {
                    final int index = start + i;
                    final byte value = index < length ? data.getByte(offset + index) : 0;
                    block[i] = (byte)(chain[i] ^ value);
                }
                encryptK1.doFinal(block, 0, BLOCK, chain, 0);
            }
            decryptK2.doFinal(chain, 0, BLOCK, block, 0);
            encryptK1.doFinal(block, 0, BLOCK, out, outOffset);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("DES failed on a whole block", ex);
        }
    }

    /** True when the 8 bytes at {@code macOffset} are the MAC of the data; compares in constant time. */
    public boolean verify(final DirectBuffer data, final int offset, final int length, final DirectBuffer mac,
        final int macOffset)
    {
        compute(data, offset, length, block, 0);
        int difference = 0;
        for (int i = 0; i < MAC_LENGTH; i++)
        {
            difference |= block[i] ^ mac.getByte(macOffset + i);
        }
        return 0 == difference;
    }
}
