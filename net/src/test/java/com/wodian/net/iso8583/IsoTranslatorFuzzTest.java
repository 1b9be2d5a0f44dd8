package com.wodian.net.iso8583;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 120,000 messages mutated from valid, signed requests of every type (bit flips, random bytes, truncation, extra
 * bytes, broken length prefixes and bitmaps, spliced messages) through the decoder and the translator: none throws,
 * every outcome is a well-formed response with a DE39, a well-formed command, or the connection's end.
 */
class IsoTranslatorFuzzTest
{
    private static final int MUTATIONS = 120_000;
    /** DE7 of the seeds, and the receive time the translator is given: 2026-12-03T10:15:00Z. */
    private static final String TRANSMISSION_TIME = "1203101500";
    private static final long RECEIVED_AT_MS = java.time.Instant.parse("2026-12-03T10:15:00Z").toEpochMilli();

    @Test
    void mutatedMessagesNeverBreakTheTranslator() throws Exception
    {
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(101, 11, new SecureRandom());
        store.issuePanTokenKey(new SecureRandom());
        // With card numbers turned into tokens, as a PCI deployment runs (docs/security.md, "Card numbers at rest").
        final IsoTranslator translator = new IsoTranslator(IsoKeyStore.toTerminalKeys(store), 60_000,
            IsoGatewayConfig.DEFAULT_TRANSMISSION_TIME_WINDOW_MS, IsoCommandBudget.NONE,
            new PanTokenizer(store.panTokenKey()));
        final List<byte[]> seeds = seeds(key, TRANSMISSION_TIME);
        final Random random = new Random(8583);
        final IsoExchange exchange = new IsoExchange(IsoGatewayConfig.DEFAULT_FRAME_LENGTH_MAX, 256);
        final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
        final IsoMessageDecoder responseDecoder = new IsoMessageDecoder();
        final int[] outcomes = new int[4];
        for (int i = 0; i < MUTATIONS; i++)
        {
            final byte[] mutated = mutate(seeds, random);
            exchange.reset();
            exchange.requestLength = Math.min(mutated.length, exchange.request.length);
            System.arraycopy(mutated, 0, exchange.request, 0, exchange.requestLength);
            int action = translator.onRequest(exchange, command, 0, RECEIVED_AT_MS);
            if (action == IsoTranslator.ACTION_PUBLISH)
            {
                assertEquals(ResultCode.OK, CommandCatalog.check(command, 0, translator.commandLength()), "case " + i);
                final int code = random.nextBoolean() ? ResultCode.OK.value() : ResultCode.NOT_TWO_PHASE.value();
                action = translator.onReply(exchange, PaymentReplyDecoder.TEMPLATE_ID, code, 2_000, command);
                if (action == IsoTranslator.ACTION_PUBLISH)
                {
                    action = translator.onReply(exchange, PaymentReplyDecoder.TEMPLATE_ID, ResultCode.OK.value(), 2_000,
                        command);
                }
            }
            outcomes[action]++;
            if (action == IsoTranslator.ACTION_RESPOND)
            {
                assertTrue(responseDecoder.wrap(exchange.responseBuffer, 0, exchange.responseLength), "case " + i);
                assertTrue(responseDecoder.has(IsoTranslator.DE_RESPONSE_CODE), "case " + i);
            }
            else
            {
                assertEquals(IsoTranslator.ACTION_CLOSE, action, "case " + i);
            }
        }
        assertEquals(MUTATIONS, outcomes[IsoTranslator.ACTION_RESPOND] + outcomes[IsoTranslator.ACTION_CLOSE]);
        // The mutations must reach every outcome, or the fuzzing is not exercising the paths it claims to.
        assertTrue(outcomes[IsoTranslator.ACTION_RESPOND] > MUTATIONS / 10, "responses " + outcomes[2]);
        assertTrue(outcomes[IsoTranslator.ACTION_CLOSE] > MUTATIONS / 100, "closes " + outcomes[3]);
    }

    /** Valid, signed requests of every type the gateway serves, sent at {@code time} (DE7). */
    static List<byte[]> seeds(final byte[] key, final String time) throws Exception
    {
        final List<byte[]> seeds = new ArrayList<>();
        final String zeros = "0".repeat(20);
        seeds.add(message("0800", false, key, 1, 0, null, "001", time));
        seeds.add(message("0200", true, key, 2, 1_000, null, null, time));
        seeds.add(message("0100", true, key, 3, 2_000, null, null, time));
        seeds.add(message("0220", true, key, 4, 2_000, "0100000003" + time + zeros, null, time));
        seeds.add(message("0400", true, key, 5, 1_000, "0200000002" + time + zeros, null, time));
        seeds.add(message("0420", true, key, 6, 1_000, "0200000002" + time + zeros, null, time));
        return seeds;
    }

    private static byte[] message(final String mti, final boolean financial, final byte[] key, final int stan,
        final long amountFen, final String original, final String networkCode, final String time) throws Exception
    {
        final ISOMsg msg = new ISOMsg();
        msg.setPackager(new ISO87BPackager());
        msg.setMTI(mti);
        if (financial && null == original)
        {
            msg.set(2, "6200000000000000001");
        }
        if (financial)
        {
            msg.set(3, "000000");
            msg.set(4, String.format("%012d", amountFen));
        }
        msg.set(7, time);
        msg.set(11, String.format("%06d", stan));
        msg.set(37, "RRN000000001");
        msg.set(41, "00000101");
        msg.set(42, "000000000000011");
        msg.set(49, "156");
        if (null != networkCode)
        {
            msg.set(70, networkCode);
        }
        if (null != original)
        {
            msg.set(90, original + "00");
        }
        return financial ? JposTerminal.sign(msg, key).pack() : msg.pack();
    }

    static byte[] mutate(final List<byte[]> seeds, final Random random)
    {
        byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
        final int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++)
        {
            switch (random.nextInt(7))
            {
                case 0 -> bytes[random.nextInt(bytes.length)] ^= (byte)(1 << random.nextInt(8));
                case 1 -> bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 3 ->
                {
                    final byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(40));
                    for (int i = bytes.length; i < longer.length; i++)
                    {
                        longer[i] = (byte)random.nextInt(256);
                    }
                    bytes = longer;
                }
                case 4 ->
                {
                    // A bitmap bit: an element appears or disappears without its bytes.
                    if (bytes.length > 10)
                    {
                        bytes[2 + random.nextInt(bytes.length > 18 ? 16 : 8)] ^= (byte)(1 << random.nextInt(8));
                    }
                }
                case 5 ->
                {
                    // Splice the tail of another valid message at a random point.
                    final byte[] other = seeds.get(random.nextInt(seeds.size()));
                    final int cut = random.nextInt(bytes.length + 1);
                    final int from = random.nextInt(other.length);
                    final byte[] spliced = java.util.Arrays.copyOf(bytes, cut + other.length - from);
                    System.arraycopy(other, from, spliced, cut, other.length - from);
                    bytes = spliced;
                }
                default ->
                {
                    if (bytes.length > 0)
                    {
                        bytes[random.nextInt(bytes.length)] = (byte)(random.nextBoolean() ? 0x99 : 0xFF);
                    }
                }
            }
            if (0 == bytes.length)
            {
                break;
            }
        }
        return bytes;
    }
}
