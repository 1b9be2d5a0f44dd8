package com.wodian.net.iso8583;

import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.RequestChannel;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;

/**
 * A load generator's terminal connection that speaks ISO 8583 on the wire (docs/iso8583.md): each Pay the workload
 * encodes becomes a signed 0200 purchase, and each 0210 comes back to the listener as a minimal PaymentReply whose
 * code is 0 for DE39 "00" and the DE39 digits otherwise. Used by {@code wodian loadgen --protocol iso8583} to compare
 * the gateway with the native protocol under the same open-loop schedule.
 *
 * <p>DE7 is the send time (UTC), as the gateway's freshness check requires. DE11 comes from a counter per terminal
 * (terminals whose ids share the low 16 bits share one) shared by every connection of the JVM, so a terminal's
 * requests have their own idempotency keys for up to 10^6 requests a day in one run; runs against one data directory
 * on one day may repeat keys (answered with the first response), which is why the perf scripts start a fresh one.
 */
public final class IsoLoadClient implements RequestChannel, AutoCloseable
{
    private static final byte[] TPDU = { 0x60, 0x00, 0x01, 0x00, 0x02 };
    private static final int STAN_COUNTER_MASK = 0xFFFF;
    private static final java.util.concurrent.atomic.AtomicLongArray STAN_COUNTERS =
        new java.util.concurrent.atomic.AtomicLongArray(STAN_COUNTER_MASK + 1);
    private long transmissionTimeSecond = -1;
    private long transmissionTime;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final Long2ObjectHashMap<RetailMac> macs = new Long2ObjectHashMap<>();
    private final PayDecoder pay = new PayDecoder();
    private final IsoMessageEncoder encoder = new IsoMessageEncoder();
    private final byte[] sendBytes = new byte[64 * 1024];
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(sendBytes);
    private final byte[] mac = new byte[RetailMac.MAC_LENGTH];
    private final Thread receiver;
    private int sendLength;
    private long nextCorrelationId = 1;
    private volatile ReplyListener listener;
    private volatile boolean closed;

    public IsoLoadClient(final String host, final int port, final IsoKeyStore keys) throws IOException
    {
        for (final IsoKeyStore.Entry entry : keys.entries().values())
        {
            macs.put(entry.terminalId(), new RetailMac(entry.key()));
        }
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024));
        receiver = new Thread(this::receive, "iso-load-receiver");
        receiver.setDaemon(true);
        receiver.start();
    }

    /** Translates a Pay into a signed 0200 frame and buffers it; other commands are not supported. */
    @Override
    public synchronized long send(final DirectBuffer message, final int offset, final int length,
        final ReplyListener listener)
    {
        if (message.getShort(offset + 2, java.nio.ByteOrder.LITTLE_ENDIAN) != PayDecoder.TEMPLATE_ID)
        {
            throw new IllegalArgumentException("the ISO 8583 load client sends purchases (Pay) only");
        }
        this.listener = listener;
        pay.wrap(message, offset + MessageHeaderDecoder.ENCODED_LENGTH,
            message.getShort(offset, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF,
            message.getShort(offset + 6, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
        final RetailMac terminalMac = macs.get(pay.terminalId());
        if (null == terminalMac)
        {
            throw new IllegalArgumentException("no ISO key for terminal " + pay.terminalId());
        }
        if (sendLength + 128 > sendBytes.length)
        {
            flush();
        }
        final long stan = STAN_COUNTERS.getAndIncrement((int)(pay.terminalId() & STAN_COUNTER_MASK)) % 1_000_000;
        final int messageOffset = sendLength + NacFrameDescriptor.MESSAGE_OFFSET;
        encoder.wrap(sendBuffer, messageOffset, 200, false)
            .llNumeric(IsoTranslator.DE_PAN, pay.consumerId())
            .numeric(IsoTranslator.DE_PROCESSING_CODE, 0)
            .numeric(IsoTranslator.DE_AMOUNT, pay.amountFen())
            .numeric(IsoTranslator.DE_TRANSMISSION_TIME, transmissionTimeNow())
            .numeric(IsoTranslator.DE_STAN, stan)
            .decimalChars(IsoTranslator.DE_TERMINAL, pay.terminalId())
            .decimalChars(IsoTranslator.DE_MERCHANT, pay.merchantId());
        java.util.Arrays.fill(mac, (byte)0);
        encoder.binary(IsoTranslator.DE_MAC, mac, 0);
        final int messageLength = encoder.length();
        terminalMac.compute(sendBuffer, messageOffset, messageLength - RetailMac.MAC_LENGTH, mac, 0);
        sendBuffer.putBytes(messageOffset + messageLength - RetailMac.MAC_LENGTH, mac);
        sendBuffer.putShort(sendLength, (short)(NacFrameDescriptor.TPDU_LENGTH + messageLength),
            java.nio.ByteOrder.BIG_ENDIAN);
        sendBuffer.putBytes(sendLength + NacFrameDescriptor.TPDU_OFFSET, TPDU);
        sendLength = messageOffset + messageLength;
        return nextCorrelationId++;
    }

    /** DE7 of this second, computed once a second. */
    private long transmissionTimeNow()
    {
        final long nowMs = System.currentTimeMillis();
        if (nowMs / 1_000 != transmissionTimeSecond)
        {
            transmissionTimeSecond = nowMs / 1_000;
            transmissionTime = TransmissionTime.of(nowMs);
        }
        return transmissionTime;
    }

    @Override
    public synchronized void flush()
    {
        if (0 == sendLength)
        {
            return;
        }
        try
        {
            out.write(sendBytes, 0, sendLength);
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        sendLength = 0;
    }

    /** Responses come in request order: the k-th response answers correlation id k. */
    private void receive()
    {
        final byte[] frame = new byte[4096];
        final UnsafeBuffer frameBuffer = new UnsafeBuffer(frame);
        final IsoMessageDecoder decoder = new IsoMessageDecoder();
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH + 2]);
        new MessageHeaderEncoder().wrap(reply, 0).blockLength(2).templateId(PaymentReplyDecoder.TEMPLATE_ID)
            .schemaId(PaymentReplyDecoder.SCHEMA_ID).version(PaymentReplyDecoder.SCHEMA_VERSION);
        long correlationId = 1;
        try
        {
            while (!closed)
            {
                final int length = in.readUnsignedShort();
                in.readFully(frame, 0, length);
                final int messageLength = length - NacFrameDescriptor.TPDU_LENGTH;
                int code = 96;
                if (decoder.wrap(frameBuffer, NacFrameDescriptor.TPDU_LENGTH, messageLength) &&
                    decoder.has(IsoTranslator.DE_RESPONSE_CODE))
                {
                    final long de39 = decoder.decimalChars(IsoTranslator.DE_RESPONSE_CODE);
                    code = de39 < 0 ? 96 : (int)de39;
                }
                reply.putShort(MessageHeaderEncoder.ENCODED_LENGTH, (short)code, java.nio.ByteOrder.LITTLE_ENDIAN);
                listener.onReply(correlationId++, reply, 0, reply.capacity());
            }
        }
        catch (final IOException ex)
        {
            // Closed: the load generator has finished with this connection.
        }
    }

    @Override
    public void close() throws IOException
    {
        closed = true;
        socket.close();
    }
}
