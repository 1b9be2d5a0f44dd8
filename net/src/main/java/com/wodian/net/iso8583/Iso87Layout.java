package com.wodian.net.iso8583;

/**
 * Wire format of every data element of ISO 8583:1987 in its binary profile, the one jPOS packs with
 * {@code ISO87BPackager} (docs/iso8583.md, "Message format"). One table: the decoder, the encoder and the docs read it.
 * <ul>
 *     <li>{@link #FIXED_NUMERIC}: BCD, two digits a byte, an odd count padded with a 0 nibble on the left.</li>
 *     <li>{@link #LLVAR_NUMERIC}: one BCD byte of digit count (00-99), then the digits in BCD, an odd count padded
 *     with a nibble on the right.</li>
 *     <li>{@link #LLVAR_CHARS} / {@link #LLLVAR_CHARS}: one (two) BCD byte(s) of byte count, then ASCII.</li>
 *     <li>{@link #FIXED_CHARS}: ASCII, exactly the declared count.</li>
 *     <li>{@link #FIXED_BINARY}: raw bytes, exactly the declared count.</li>
 *     <li>{@link #FIXED_AMOUNT}: one ASCII sign byte ('C' or 'D') and the remaining digits in BCD.</li>
 * </ul>
 */
public final class Iso87Layout
{
    public static final byte NONE = 0;
    public static final byte FIXED_NUMERIC = 1;
    public static final byte LLVAR_NUMERIC = 2;
    public static final byte LLVAR_CHARS = 3;
    public static final byte LLLVAR_CHARS = 4;
    public static final byte FIXED_CHARS = 5;
    public static final byte FIXED_BINARY = 6;
    public static final byte FIXED_AMOUNT = 7;

    /** Highest data element number: a secondary bitmap covers 65-128. */
    public static final int FIELD_MAX = 128;
    /** Bytes of the MTI (4 BCD digits). */
    public static final int MTI_LENGTH = 2;
    /** Bytes of one bitmap. */
    public static final int BITMAP_LENGTH = 8;

    private static final byte[] TYPE = new byte[FIELD_MAX + 1];
    /** Digits for numeric formats, bytes for the others; for a variable format, the most allowed. */
    private static final int[] SIZE = new int[FIELD_MAX + 1];

    static
    {
        define(2, LLVAR_NUMERIC, 19);
        define(3, FIXED_NUMERIC, 6);
        define(4, FIXED_NUMERIC, 12);
        define(5, FIXED_NUMERIC, 12);
        define(6, FIXED_NUMERIC, 12);
        define(7, FIXED_NUMERIC, 10);
        range(8, 10, FIXED_NUMERIC, 8);
        define(11, FIXED_NUMERIC, 6);
        define(12, FIXED_NUMERIC, 6);
        range(13, 18, FIXED_NUMERIC, 4);
        range(19, 24, FIXED_NUMERIC, 3);
        range(25, 26, FIXED_NUMERIC, 2);
        define(27, FIXED_NUMERIC, 1);
        range(28, 31, FIXED_AMOUNT, 9);
        range(32, 33, LLVAR_NUMERIC, 11);
        define(34, LLVAR_CHARS, 28);
        define(35, LLVAR_NUMERIC, 37);
        define(36, LLLVAR_CHARS, 104);
        define(37, FIXED_CHARS, 12);
        define(38, FIXED_CHARS, 6);
        define(39, FIXED_CHARS, 2);
        define(40, FIXED_CHARS, 3);
        define(41, FIXED_CHARS, 8);
        define(42, FIXED_CHARS, 15);
        define(43, FIXED_CHARS, 40);
        define(44, LLVAR_CHARS, 25);
        define(45, LLVAR_CHARS, 76);
        range(46, 48, LLLVAR_CHARS, 999);
        range(49, 51, FIXED_CHARS, 3);
        define(52, FIXED_BINARY, 8);
        define(53, FIXED_NUMERIC, 16);
        define(54, LLLVAR_CHARS, 120);
        range(55, 63, LLLVAR_CHARS, 999);
        define(64, FIXED_BINARY, 8);
        define(65, FIXED_BINARY, 1);
        define(66, FIXED_NUMERIC, 1);
        define(67, FIXED_NUMERIC, 2);
        range(68, 70, FIXED_NUMERIC, 3);
        range(71, 72, FIXED_NUMERIC, 4);
        define(73, FIXED_NUMERIC, 6);
        range(74, 81, FIXED_NUMERIC, 10);
        range(82, 85, FIXED_NUMERIC, 12);
        range(86, 89, FIXED_NUMERIC, 16);
        define(90, FIXED_NUMERIC, 42);
        define(91, FIXED_CHARS, 1);
        define(92, FIXED_CHARS, 2);
        define(93, FIXED_CHARS, 6);
        define(94, FIXED_CHARS, 7);
        define(95, FIXED_CHARS, 42);
        define(96, FIXED_BINARY, 16);
        define(97, FIXED_AMOUNT, 17);
        define(98, FIXED_CHARS, 25);
        range(99, 100, LLVAR_NUMERIC, 11);
        define(101, LLVAR_CHARS, 17);
        range(102, 103, LLVAR_CHARS, 28);
        define(104, LLLVAR_CHARS, 100);
        range(105, 127, LLLVAR_CHARS, 999);
        define(128, FIXED_BINARY, 8);
    }

    private Iso87Layout()
    {
    }

    /** The format of a data element (2..128), {@link #NONE} for 0, 1 and anything out of range. */
    public static byte type(final int field)
    {
        return field < 0 || field > FIELD_MAX ? NONE : TYPE[field];
    }

    /** Digits (numeric formats) or bytes (the others); for variable formats the most allowed. */
    public static int size(final int field)
    {
        return SIZE[field];
    }

    /** Bytes a fixed-length element takes on the wire. */
    public static int fixedByteLength(final int field)
    {
        switch (TYPE[field])
        {
            case FIXED_NUMERIC:
                return (SIZE[field] + 1) / 2;
            case FIXED_AMOUNT:
                return 1 + SIZE[field] / 2;
            case FIXED_CHARS:
            case FIXED_BINARY:
                return SIZE[field];
            default:
                throw new IllegalArgumentException("field " + field + " is not of fixed length");
        }
    }

    private static void define(final int field, final byte type, final int size)
    {
        TYPE[field] = type;
        SIZE[field] = size;
    }

    private static void range(final int first, final int last, final byte type, final int size)
    {
        for (int field = first; field <= last; field++)
        {
            define(field, type, size);
        }
    }
}
