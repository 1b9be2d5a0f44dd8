package com.wodian.net.iso8583;

import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our codec against jPOS's ISO87BPackager (test scope only, AGPL): both directions, every format kind. */
class IsoCodecJposTest
{
    @Test
    void decodesWhatJposPacksAndRepacksItByteForByte() throws Exception
    {
        final ISOMsg msg = new ISOMsg();
        msg.setPackager(new ISO87BPackager());
        msg.setMTI("0400");
        msg.set(2, "6200000000000123457");      // LLVAR numeric, odd digits
        msg.set(3, "000000");
        msg.set(4, "000000012345");
        msg.set(7, "1203051522");
        msg.set(11, "000042");
        msg.set(22, "021");                     // odd fixed numeric
        msg.set(25, "00");
        msg.set(28, "C00000150");               // amount with sign
        msg.set(32, "12345");
        msg.set(37, "RRN000000042");
        msg.set(41, "00000101");
        msg.set(42, "000000000000011");
        msg.set(48, "free text for 48");        // LLLVAR chars
        msg.set(49, "156");
        msg.set(52, new byte[]{ 1, 2, 3, 4, 5, 6, 7, 8 });
        msg.set(90, "020000004112030515220000000000000000000000");
        msg.set(128, new byte[8]);
        final byte[] packed = msg.pack();

        final IsoMessageDecoder decoder = new IsoMessageDecoder();
        assertTrue(decoder.wrap(new UnsafeBuffer(packed), 0, packed.length), "failed at " + decoder.failedField());
        assertEquals(400, decoder.mti());
        assertEquals(6200000000000123457L, decoder.numeric(2));
        assertEquals(12345, decoder.numeric(4));
        assertEquals(1203051522L, decoder.numeric(7));
        assertEquals(42, decoder.numeric(11));
        assertEquals(21, decoder.numeric(22));
        assertEquals(101, decoder.decimalChars(41));
        assertEquals(11, decoder.decimalChars(42));
        assertEquals(200, decoder.numericPart(90, 0, 4));
        assertEquals(41, decoder.numericPart(90, 4, 6));
        assertEquals(1203051522L, decoder.numericPart(90, 10, 10));
        assertFalse(decoder.has(64));
        assertTrue(decoder.has(128));

        final byte[] copy = new byte[packed.length];
        final IsoMessageEncoder encoder = new IsoMessageEncoder().wrap(new UnsafeBuffer(copy), 0, 400, true);
        for (int field = 2; field <= 128; field++)
        {
            encoder.copy(field, decoder);
        }
        assertEquals(packed.length, encoder.length());
        assertArrayEquals(packed, copy);
    }

    /**
     * POS review finding 22: DE41 and DE42 are {@code ans}; terminals (and jPOS, given a short value) left-justify
     * them with trailing spaces. Either justification reads as the same id; a space between digits, or nothing but
     * spaces, is still no number (answered 30).
     */
    @Test
    void idElementsMayBePaddedWithSpacesOnEitherSide() throws Exception
    {
        final String[][] terminalAndMerchant = {
            { "101", "11" },                              // jPOS pads these on the right: "101     "
            { "101     ", "11             " },
            { "     101", "             11" },
            { "00000101", "000000000000011" },
            { "  101   ", " 11            " } };
        for (final String[] ids : terminalAndMerchant)
        {
            final IsoMessageDecoder decoder = decodeIds(ids[0], ids[1]);
            assertEquals(101, decoder.decimalChars(41), "DE41 '" + ids[0] + "'");
            assertEquals(11, decoder.decimalChars(42), "DE42 '" + ids[1] + "'");
        }
        for (final String bad : new String[]{ "1 01    ", "        ", "101   x ", "-101    " })
        {
            assertEquals(IsoMessageDecoder.NOT_A_NUMBER, decodeIds(bad, "11").decimalChars(41), "'" + bad + "'");
        }
    }

    private static IsoMessageDecoder decodeIds(final String terminal, final String merchant) throws Exception
    {
        final ISOMsg msg = new ISOMsg();
        msg.setPackager(new ISO87BPackager());
        msg.setMTI("0800");
        msg.set(11, "000001");
        msg.set(41, terminal);
        msg.set(42, merchant);
        final byte[] packed = msg.pack();
        final IsoMessageDecoder decoder = new IsoMessageDecoder();
        assertTrue(decoder.wrap(new UnsafeBuffer(packed), 0, packed.length), "failed at " + decoder.failedField());
        return decoder;
    }

    @Test
    void jposUnpacksWhatWeEncode() throws Exception
    {
        final byte[] bytes = new byte[256];
        final IsoMessageEncoder encoder = new IsoMessageEncoder().wrap(new UnsafeBuffer(bytes), 0, 210, false)
            .llNumeric(2, 123456789L)
            .numeric(3, 0)
            .numeric(4, 9_999L)
            .numeric(11, 7)
            .numeric(22, 21)
            .chars(39, "00".getBytes(StandardCharsets.US_ASCII))
            .decimalChars(41, 101)
            .decimalChars(42, 11)
            .binary(64, new byte[]{ 9, 8, 7, 6, 5, 4, 3, 2 }, 0);
        final byte[] packed = java.util.Arrays.copyOf(bytes, encoder.length());
        final ISOMsg msg = new ISOMsg();
        msg.setPackager(new ISO87BPackager());
        msg.unpack(packed);
        assertEquals("0210", msg.getMTI());
        assertEquals("123456789", msg.getString(2));
        assertEquals("000000", msg.getString(3));
        assertEquals("000000009999", msg.getString(4));
        assertEquals("000007", msg.getString(11));
        assertEquals("021", msg.getString(22));
        assertEquals("00", msg.getString(39));
        assertEquals("00000101", msg.getString(41));
        assertEquals("000000000000011", msg.getString(42));
        assertArrayEquals(new byte[]{ 9, 8, 7, 6, 5, 4, 3, 2 }, msg.getBytes(64));
        assertArrayEquals(packed, msg.pack());
    }
}
