package com.wodian.net.iso8583;

import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.ISO87BPackager;

import java.util.Arrays;

/**
 * A POS terminal played by jPOS (AGPL-3.0, test scope only): NACChannel framing, ISO87BPackager packing, a 5-byte
 * TPDU, and the retail MAC of docs/iso8583.md. The independent client of the gateway's end-to-end tests.
 */
final class JposTerminal implements AutoCloseable
{
    static final byte[] TPDU = { 0x60, 0x00, 0x01, 0x00, 0x02 };

    final long terminalId;
    final long merchantId;
    private final byte[] key;
    private final NACChannel channel;
    private int stan;

    JposTerminal(final String host, final int port, final long terminalId, final long merchantId, final byte[] key)
        throws Exception
    {
        this(host, port, terminalId, merchantId, key, null);
    }

    /** @param sockets where the channel's socket comes from (e.g. TLS); null for a plain socket. */
    JposTerminal(final String host, final int port, final long terminalId, final long merchantId, final byte[] key,
        final org.jpos.iso.ISOClientSocketFactory sockets) throws Exception
    {
        this.terminalId = terminalId;
        this.merchantId = merchantId;
        this.key = key;
        channel = new NACChannel(host, port, new ISO87BPackager(), TPDU.clone());
        channel.setTimeout(30_000);
        if (null != sockets)
        {
            channel.setSocketFactory(sockets);
        }
        channel.connect();
    }

    /** DE7 for a request sent now: this instant's MMDDhhmmss in UTC (the gateway refuses stale ones). */
    static String now()
    {
        return nowPlusMs(0);
    }

    /** DE7 of an instant {@code offsetMs} from now (negative: in the past). */
    static String nowPlusMs(final long offsetMs)
    {
        return String.format("%010d", TransmissionTime.of(System.currentTimeMillis() + offsetMs));
    }

    int nextStan()
    {
        return ++stan;
    }

    /** A purchase (0200) or pre-authorisation (0100) request, unsigned. */
    ISOMsg financial(final String mti, final long consumerId, final long amountFen, final int stan, final String time)
        throws Exception
    {
        final ISOMsg msg = base(mti, stan, time);
        msg.set(2, Long.toString(consumerId));
        msg.set(3, mti.equals("0100") ? "030000" : "000000");
        msg.set(4, String.format("%012d", amountFen));
        return msg;
    }

    /** A completion (0220) or reversal (0400/0420) of an original request. */
    ISOMsg reference(final String mti, final String originalMti, final int originalStan, final String originalTime,
        final long amountFen, final int stan, final String time) throws Exception
    {
        final ISOMsg msg = base(mti, stan, time);
        msg.set(3, originalMti.startsWith("01") ? "030000" : "000000");
        msg.set(4, String.format("%012d", amountFen));
        msg.set(90, originalMti + String.format("%06d", originalStan) + originalTime + "0".repeat(22));
        return msg;
    }

    ISOMsg networkManagement(final String code, final int stan) throws Exception
    {
        return networkManagement(code, stan, now());
    }

    /** An 0800 with the given DE7 (MMDDhhmmss, UTC), unsigned. */
    ISOMsg networkManagement(final String code, final int stan, final String time) throws Exception
    {
        final ISOMsg msg = base("0800", stan, time);
        msg.set(70, code);
        return msg;
    }

    private ISOMsg base(final String mti, final int stan, final String time) throws Exception
    {
        final ISOMsg msg = new ISOMsg();
        msg.setPackager(new ISO87BPackager());
        msg.setMTI(mti);
        msg.set(7, time);
        msg.set(11, String.format("%06d", stan));
        msg.set(41, String.format("%08d", terminalId));
        msg.set(42, String.format("%015d", merchantId));
        return msg;
    }

    /** Sets the MAC element (DE128 when the message has elements above 64, else DE64) with the given key. */
    static ISOMsg sign(final ISOMsg msg, final byte[] key) throws Exception
    {
        final boolean secondary = msg.getMaxField() > 64;
        final int macField = secondary ? 128 : 64;
        msg.set(macField, new byte[8]);
        final byte[] packed = msg.pack();
        final byte[] mac = new byte[8];
        new RetailMac(key).compute(new UnsafeBuffer(packed), 0, packed.length - 8, mac, 0);
        msg.set(macField, mac);
        return msg;
    }

    ISOMsg signed(final ISOMsg msg) throws Exception
    {
        return sign(msg, key);
    }

    /** Sends and waits for the response; checks the TPDU came back swapped. */
    ISOMsg call(final ISOMsg request) throws Exception
    {
        channel.send(request);
        final ISOMsg response = channel.receive();
        final byte[] header = response.getHeader();
        if (!Arrays.equals(header, new byte[]{ 0x60, 0x00, 0x02, 0x00, 0x01 }))
        {
            throw new AssertionError("TPDU not swapped: " + Arrays.toString(header));
        }
        return response;
    }

    /** True when the response's DE64 is the MAC of its other bytes under this terminal's key. */
    boolean responseMacValid(final ISOMsg response) throws Exception
    {
        if (!response.hasField(64))
        {
            return false;
        }
        final byte[] packed = response.pack();
        return new RetailMac(key).verify(new UnsafeBuffer(packed), 0, packed.length - 8, new UnsafeBuffer(packed),
            packed.length - 8);
    }

    void send(final ISOMsg request) throws Exception
    {
        channel.send(request);
    }

    ISOMsg receive() throws Exception
    {
        return channel.receive();
    }

    @Override
    public void close() throws Exception
    {
        channel.disconnect();
    }
}
