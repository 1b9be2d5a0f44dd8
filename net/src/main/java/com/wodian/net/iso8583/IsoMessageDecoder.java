package com.wodian.net.iso8583;

import org.agrona.DirectBuffer;

import static com.wodian.net.iso8583.Iso87Layout.BITMAP_LENGTH;
import static com.wodian.net.iso8583.Iso87Layout.FIELD_MAX;
import static com.wodian.net.iso8583.Iso87Layout.MTI_LENGTH;

/**
 * Reusable flyweight over one packed ISO 8583:1987 binary message (no TPDU, no length header): {@link #wrap} walks
 * the bitmap once and records where each present data element starts, so later reads are direct. Allocates nothing.
 *
 * <p>{@link #wrap} checks structure only: the MTI is 4 BCD digits, every present element is defined, every length
 * prefix is BCD and within the element's maximum, and everything lies inside the given length with no bytes left over.
 * Whether a numeric element holds only digits is checked when it is read ({@link #numeric} returns -1).
 */
public final class IsoMessageDecoder
{
    /** Returned by {@link #numeric} for an absent element, a non-digit nibble or a value beyond a long. */
    public static final long NOT_A_NUMBER = -1;

    private final int[] dataOffset = new int[FIELD_MAX + 1];
    /** Digits for numeric formats, bytes for the others. */
    private final int[] dataSize = new int[FIELD_MAX + 1];
    private final boolean[] present = new boolean[FIELD_MAX + 1];
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int mti = -1;
    private int failedField;

    /**
     * @return true when the message is well formed; false otherwise, with {@link #mti()} set when at least the MTI
     * could be read and {@link #failedField()} naming the element that broke the structure.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        java.util.Arrays.fill(present, false);
        mti = -1;
        failedField = 0;
        if (length < MTI_LENGTH + BITMAP_LENGTH)
        {
            if (length >= MTI_LENGTH)
            {
                mti = (int)bcd(offset, 4, true);
            }
            return false;
        }
        mti = (int)bcd(offset, 4, true);
        if (mti < 0)
        {
            return false;
        }
        final boolean secondary = (buffer.getByte(offset + MTI_LENGTH) & 0x80) != 0;
        final int bitmapBytes = secondary ? 2 * BITMAP_LENGTH : BITMAP_LENGTH;
        int position = offset + MTI_LENGTH + bitmapBytes;
        final int end = offset + length;
        if (position > end)
        {
            failedField = 1;
            return false;
        }
        final int lastField = secondary ? FIELD_MAX : 64;
        for (int field = 2; field <= lastField; field++)
        {
            if (!bit(field))
            {
                continue;
            }
            position = readElement(field, position, end);
            if (position < 0)
            {
                failedField = field;
                return false;
            }
        }
        if (position != end)
        {
            failedField = FIELD_MAX + 1;
            return false;
        }
        return true;
    }

    /** The MTI as a number (200 for 0200), -1 when it could not be read. */
    public int mti()
    {
        return mti;
    }

    /** After a failed {@link #wrap}: the element that broke it, 1 for the bitmap, 129 for trailing bytes. */
    public int failedField()
    {
        return failedField;
    }

    public boolean has(final int field)
    {
        return field > 1 && field <= FIELD_MAX && present[field];
    }

    /** Offset in the buffer of the element's data (after any length prefix). */
    public int dataOffset(final int field)
    {
        return dataOffset[field];
    }

    /** Digits (numeric formats) or bytes (others) of the element's data. */
    public int dataSize(final int field)
    {
        return dataSize[field];
    }

    /** Offset in the buffer of the element as packed, length prefix included: for echoing it unchanged. */
    public int packedOffset(final int field)
    {
        return dataOffset[field] - prefixBytes(field);
    }

    /** Bytes of the element as packed, length prefix included. */
    public int packedLength(final int field)
    {
        return prefixBytes(field) + dataBytes(field, dataSize[field]);
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    /** The value of a numeric element, {@link #NOT_A_NUMBER} when absent, not all digits or beyond a long. */
    public long numeric(final int field)
    {
        if (!has(field) || dataSize[field] > 19)
        {
            return NOT_A_NUMBER;
        }
        final byte type = Iso87Layout.type(field);
        if (type != Iso87Layout.FIXED_NUMERIC && type != Iso87Layout.LLVAR_NUMERIC)
        {
            return NOT_A_NUMBER;
        }
        return bcd(dataOffset[field], dataSize[field], type == Iso87Layout.FIXED_NUMERIC);
    }

    /**
     * Digits {@code from} (0-based) to {@code from + count} of a numeric element as a number, for composite elements
     * such as DE90; {@link #NOT_A_NUMBER} when absent, out of range or not digits.
     */
    public long numericPart(final int field, final int from, final int count)
    {
        if (!has(field) || from < 0 || count > 18 || from + count > dataSize[field])
        {
            return NOT_A_NUMBER;
        }
        final boolean leftPadded = Iso87Layout.type(field) == Iso87Layout.FIXED_NUMERIC;
        final int padNibbles = leftPadded ? (dataSize[field] & 1) : 0;
        long value = 0;
        for (int i = 0; i < count; i++)
        {
            final int digit = nibble(dataOffset[field], padNibbles + from + i);
            if (digit > 9)
            {
                return NOT_A_NUMBER;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * A character element read as an unsigned decimal number, padded with spaces on either side: right-justified
     * (leading spaces or zeros) or left-justified (trailing spaces, as terminals conventionally send {@code ans}
     * elements such as DE41 and DE42; POS review finding 22). {@link #NOT_A_NUMBER} when absent, empty, all spaces,
     * anything else than digits inside the padding (a space between digits included) or over 18 digits.
     */
    public long decimalChars(final int field)
    {
        if (!has(field))
        {
            return NOT_A_NUMBER;
        }
        final int start = dataOffset[field];
        int end = start + dataSize[field];
        while (end > start && buffer.getByte(end - 1) == ' ')
        {
            end--;
        }
        long value = 0;
        int digits = 0;
        for (int i = start; i < end; i++)
        {
            final byte b = buffer.getByte(i);
            if (b == ' ' && 0 == digits)
            {
                continue;
            }
            if (b < '0' || b > '9' || ++digits > 18)
            {
                return NOT_A_NUMBER;
            }
            value = value * 10 + (b - '0');
        }
        return 0 == digits ? NOT_A_NUMBER : value;
    }

    private int readElement(final int field, final int start, final int end)
    {
        final byte type = Iso87Layout.type(field);
        final int max = Iso87Layout.size(field);
        int position = start;
        final int size;
        switch (type)
        {
            case Iso87Layout.FIXED_NUMERIC:
            case Iso87Layout.FIXED_AMOUNT:
            case Iso87Layout.FIXED_CHARS:
            case Iso87Layout.FIXED_BINARY:
                size = type == Iso87Layout.FIXED_AMOUNT ? max - 1 : max;
                if (type == Iso87Layout.FIXED_AMOUNT)
                {
                    position++;
                }
                break;
            case Iso87Layout.LLVAR_NUMERIC:
            case Iso87Layout.LLVAR_CHARS:
                if (position + 1 > end)
                {
                    return -1;
                }
                size = (int)bcd(position, 2, false);
                position += 1;
                break;
            case Iso87Layout.LLLVAR_CHARS:
                if (position + 2 > end)
                {
                    return -1;
                }
                size = (int)bcd(position, 4, false);
                position += 2;
                break;
            default:
                return -1;
        }
        if (size < 0 || size > max)
        {
            return -1;
        }
        final int next = position + dataBytes(field, size);
        if (next > end)
        {
            return -1;
        }
        present[field] = true;
        dataOffset[field] = position;
        dataSize[field] = size;
        return next;
    }

    private static int dataBytes(final int field, final int size)
    {
        final byte type = Iso87Layout.type(field);
        return type == Iso87Layout.FIXED_NUMERIC || type == Iso87Layout.LLVAR_NUMERIC ||
            type == Iso87Layout.FIXED_AMOUNT ? (size + 1) / 2 : size;
    }

    private static int prefixBytes(final int field)
    {
        switch (Iso87Layout.type(field))
        {
            case Iso87Layout.LLVAR_NUMERIC:
            case Iso87Layout.LLVAR_CHARS:
            case Iso87Layout.FIXED_AMOUNT:
                return 1;
            case Iso87Layout.LLLVAR_CHARS:
                return 2;
            default:
                return 0;
        }
    }

    private boolean bit(final int field)
    {
        final int index = field - 1;
        return (buffer.getByte(offset + MTI_LENGTH + (index >> 3)) & (0x80 >>> (index & 7))) != 0;
    }

    /** {@code digits} BCD digits from {@code at}; an odd count has its pad nibble left (true) or right. -1: not BCD. */
    private long bcd(final int at, final int digits, final boolean leftPadded)
    {
        final int padNibbles = leftPadded ? (digits & 1) : 0;
        long value = 0;
        for (int i = 0; i < digits; i++)
        {
            final int digit = nibble(at, padNibbles + i);
            if (digit > 9 || value > (Long.MAX_VALUE - digit) / 10)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private int nibble(final int at, final int index)
    {
        final int b = buffer.getByte(at + (index >> 1)) & 0xFF;
        return (index & 1) == 0 ? b >>> 4 : b & 0x0F;
    }
}
