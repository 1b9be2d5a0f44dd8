package com.wodian.net.iso8583;

import org.agrona.MutableDirectBuffer;

import static com.wodian.net.iso8583.Iso87Layout.BITMAP_LENGTH;
import static com.wodian.net.iso8583.Iso87Layout.MTI_LENGTH;

/**
 * Packs one ISO 8583:1987 binary message into a buffer, elements in ascending order, in the formats of
 * {@link Iso87Layout}. Reusable, allocates nothing. Whether the message has a secondary bitmap is decided up front
 * ({@link #wrap}), because the bitmap precedes the elements.
 */
public final class IsoMessageEncoder
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int position;
    private int lastField;
    private boolean secondary;

    /** Starts a message: the MTI (e.g. 210) and an empty bitmap, secondary when elements above 64 will follow. */
    public IsoMessageEncoder wrap(
        final MutableDirectBuffer buffer, final int offset, final int mti, final boolean secondaryBitmap)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.secondary = secondaryBitmap;
        putBcd(offset, mti, 4);
        final int bitmapBytes = secondaryBitmap ? 2 * BITMAP_LENGTH : BITMAP_LENGTH;
        buffer.setMemory(offset + MTI_LENGTH, bitmapBytes, (byte)0);
        if (secondaryBitmap)
        {
            buffer.putByte(offset + MTI_LENGTH, (byte)0x80);
        }
        position = offset + MTI_LENGTH + bitmapBytes;
        lastField = 1;
        return this;
    }

    /** Bytes packed so far. */
    public int length()
    {
        return position - offset;
    }

    /** A fixed numeric element from a value, zero-padded to its width. */
    public IsoMessageEncoder numeric(final int field, final long value)
    {
        begin(field, Iso87Layout.FIXED_NUMERIC);
        final int digits = Iso87Layout.size(field);
        putBcd(position, value, digits);
        position += (digits + 1) / 2;
        return this;
    }

    /** An LLVAR numeric element holding a value's decimal digits (no leading zeros; 0 is one digit). */
    public IsoMessageEncoder llNumeric(final int field, final long value)
    {
        begin(field, Iso87Layout.LLVAR_NUMERIC);
        if (value < 0)
        {
            throw new IllegalArgumentException("negative value for field " + field);
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10)
        {
            digits++;
        }
        putBcd(position, digits, 2);
        position++;
        // Right-padded: write the digits as if followed by a 0 nibble when the count is odd.
        final int bytes = (digits + 1) / 2;
        putBcd(position, (digits & 1) == 1 ? value * 10 : value, bytes * 2);
        position += bytes;
        return this;
    }

    /** A fixed character element from a value: decimal digits, zero-padded on the left to the element's width. */
    public IsoMessageEncoder decimalChars(final int field, final long value)
    {
        begin(field, Iso87Layout.FIXED_CHARS);
        final int width = Iso87Layout.size(field);
        long rest = value;
        for (int i = width - 1; i >= 0; i--)
        {
            buffer.putByte(position + i, (byte)('0' + rest % 10));
            rest /= 10;
        }
        position += width;
        return this;
    }

    /** A fixed character element of exactly its width from ASCII text (a constant such as a response code). */
    public IsoMessageEncoder chars(final int field, final byte[] ascii)
    {
        begin(field, Iso87Layout.FIXED_CHARS);
        if (ascii.length != Iso87Layout.size(field))
        {
            throw new IllegalArgumentException("field " + field + " takes " + Iso87Layout.size(field) + " chars");
        }
        buffer.putBytes(position, ascii);
        position += ascii.length;
        return this;
    }

    /** A fixed binary element from bytes. */
    public IsoMessageEncoder binary(final int field, final byte[] bytes, final int bytesOffset)
    {
        begin(field, Iso87Layout.FIXED_BINARY);
        final int size = Iso87Layout.size(field);
        buffer.putBytes(position, bytes, bytesOffset, size);
        position += size;
        return this;
    }

    /** Copies an element of a decoded message unchanged (length prefix included), e.g. to echo it in a response. */
    public IsoMessageEncoder copy(final int field, final IsoMessageDecoder source)
    {
        if (!source.has(field))
        {
            return this;
        }
        begin(field, Iso87Layout.type(field));
        final int length = source.packedLength(field);
        buffer.putBytes(position, source.buffer(), source.packedOffset(field), length);
        position += length;
        return this;
    }

    /** The packed bytes written so far, for a MAC computed before the MAC element is appended. */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    private void begin(final int field, final byte expectedType)
    {
        if (field <= lastField || field > (secondary ? Iso87Layout.FIELD_MAX : 64) ||
            Iso87Layout.type(field) != expectedType)
        {
            throw new IllegalStateException("field " + field + " out of order, beyond the bitmap or of another type");
        }
        lastField = field;
        final int index = field - 1;
        final int at = offset + MTI_LENGTH + (index >> 3);
        buffer.putByte(at, (byte)(buffer.getByte(at) | (0x80 >>> (index & 7))));
    }

    private void putBcd(final int at, final long value, final int digits)
    {
        long rest = value;
        final int bytes = (digits + 1) / 2;
        for (int i = bytes - 1; i >= 0; i--)
        {
            final int low = (int)(rest % 10);
            rest /= 10;
            final int high = (int)(rest % 10);
            rest /= 10;
            buffer.putByte(at + i, (byte)((high << 4) | low));
        }
        if (rest != 0)
        {
            throw new IllegalArgumentException(value + " has more than " + digits + " digits");
        }
    }
}
