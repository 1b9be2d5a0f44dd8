package com.wodian.net.iso8583;

import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worked examples of docs/iso8583.md are made here, by jPOS (request) and the gateway's translator (response),
 * with the documented example key; the test fails when the doc's hex differs from what the code produces.
 */
class IsoDocExamplesTest
{
    static final byte[] EXAMPLE_KEY = HexFormat.of().parseHex("0123456789ABCDEFFEDCBA9876543210");

    @Test
    void docsShowTheBytesTheGatewayExchanges() throws Exception
    {
        final IsoKeyStore store = new IsoKeyStore();
        store.put(101, 11, EXAMPLE_KEY);
        final IsoTranslator translator = new IsoTranslator(IsoKeyStore.toTerminalKeys(store), 1_800_000,
            IsoGatewayConfig.DEFAULT_TRANSMISSION_TIME_WINDOW_MS);
        // The example's DE7 is 1203101530: it is received at that instant (2026-12-03T10:15:30Z).
        final long receivedAtMs = java.time.Instant.parse("2026-12-03T10:15:30Z").toEpochMilli();
        final List<String> lines = new ArrayList<>();

        final ISOMsg purchase = new ISOMsg();
        purchase.setPackager(new ISO87BPackager());
        purchase.setMTI("0200");
        purchase.set(2, "8001");
        purchase.set(3, "000000");
        purchase.set(4, "000000001250");
        purchase.set(7, "1203101530");
        purchase.set(11, "000042");
        purchase.set(41, "00000101");
        purchase.set(42, "000000000000011");
        JposTerminal.sign(purchase, EXAMPLE_KEY);
        final byte[] request = purchase.pack();
        lines.add("0200 request frame:  " + frameHex(JposTerminal.TPDU, request));

        final IsoExchange exchange = new IsoExchange(2048, 256);
        System.arraycopy(request, 0, exchange.request, 0, request.length);
        exchange.requestLength = request.length;
        System.arraycopy(JposTerminal.TPDU, 0, exchange.tpdu, 0, 5);
        final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
        assertEquals(IsoTranslator.ACTION_PUBLISH, translator.onRequest(exchange, command, 0, receivedAtMs));
        lines.add("payment id: " + exchange.paymentId);
        translator.onReply(exchange, PaymentReplyDecoder.TEMPLATE_ID, ResultCode.OK.value(), 1_250, command);
        final byte[] response = java.util.Arrays.copyOf(exchange.response, exchange.responseLength);
        final byte[] swapped = { 0x60, 0x00, 0x02, 0x00, 0x01 };
        lines.add("0210 response frame: " + frameHex(swapped, response));

        final byte[] mac = new byte[8];
        new RetailMac(EXAMPLE_KEY).compute(new UnsafeBuffer(request), 0, request.length - 8, mac, 0);
        lines.add("request MAC: " + HexFormat.of().withUpperCase().formatHex(mac));

        final Path out = Path.of("target", "iso8583-examples.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
        final String doc = Files.readString(docPath());
        for (final String line : lines)
        {
            assertTrue(doc.contains(line), "docs/iso8583.md must show: " + line + " (all in " + out + ")");
        }
    }

    private static String frameHex(final byte[] tpdu, final byte[] message)
    {
        final HexFormat hex = HexFormat.of().withUpperCase();
        final int length = tpdu.length + message.length;
        return hex.formatHex(new byte[]{ (byte)(length >>> 8), (byte)length }) + " " + hex.formatHex(tpdu) + " " +
            hex.formatHex(message);
    }

    static Path docPath()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir && !Files.exists(dir.resolve("docs").resolve("iso8583.md")))
        {
            dir = dir.getParent();
        }
        return null == dir ? Path.of("docs", "iso8583.md") : dir.resolve("docs").resolve("iso8583.md");
    }
}
