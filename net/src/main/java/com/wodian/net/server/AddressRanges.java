package com.wodian.net.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of IP address ranges ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1/128}), to say where admin logons are
 * accepted from (security review item 16; docs/security.md, "Admin logons"). Literals only: nothing is looked up in
 * DNS, here or when a connection's address is checked.
 */
public final class AddressRanges
{
    private record Range(byte[] network, int prefixBits)
    {
    }

    private final List<Range> ranges;
    private final String text;

    private AddressRanges(final List<Range> ranges, final String text)
    {
        this.ranges = ranges;
        this.text = text;
    }

    /**
     * @param text comma-separated ranges, each an address literal with an optional {@code /prefix}.
     * @throws IllegalArgumentException naming the range that is not one.
     */
    public static AddressRanges parse(final String text)
    {
        final List<Range> ranges = new ArrayList<>();
        for (final String item : text.split(","))
        {
            final String range = item.trim();
            final int slash = range.indexOf('/');
            final byte[] address = literal(slash < 0 ? range : range.substring(0, slash));
            int prefixBits = -1;
            try
            {
                prefixBits = null == address ? -1 :
                    slash < 0 ? 8 * address.length : Integer.parseInt(range.substring(slash + 1));
            }
            catch (final NumberFormatException ex)
            {
                // refused below
            }
            if (null == address || prefixBits < 0 || prefixBits > 8 * address.length)
            {
                throw new IllegalArgumentException("not an address range: " + range +
                    " (an IP address, optionally /prefix, e.g. 10.0.0.0/8 or 127.0.0.1)");
            }
            ranges.add(new Range(address, prefixBits));
        }
        return new AddressRanges(List.copyOf(ranges), text);
    }

    /** True when {@code address} (an IP literal, as a connection's address is kept) is in one of the ranges. */
    public boolean contains(final String address)
    {
        final byte[] bytes = literal(address);
        if (null == bytes)
        {
            return false;
        }
        for (final Range range : ranges)
        {
            if (range.network.length == bytes.length && prefixMatches(range.network, bytes, range.prefixBits))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return text;
    }

    private static boolean prefixMatches(final byte[] network, final byte[] address, final int prefixBits)
    {
        for (int bit = 0; bit < prefixBits; bit += 8)
        {
            final int bits = Math.min(8, prefixBits - bit);
            final int mask = (0xFF << (8 - bits)) & 0xFF;
            if ((network[bit / 8] & mask) != (address[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv4Literal(final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            return false;
        }
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) ||
                Integer.parseInt(part) > 255)
            {
                return false;
            }
        }
        return true;
    }

    /** The bytes of an IPv4 or IPv6 literal, or null for anything else (a host name is not looked up). */
    private static byte[] literal(final String text)
    {
        // Checked here, so that getByName never takes the text for a host name (concurrency review 15): an IPv4
        // literal is four numbers 0..255; text with a ':' is parsed as IPv6 only.
        final boolean looksLiteral = !text.isEmpty() && (text.indexOf(':') >= 0 || isIpv4Literal(text));
        if (!looksLiteral)
        {
            return null;
        }
        try
        {
            return InetAddress.getByName(text).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            return null;
        }
    }
}
