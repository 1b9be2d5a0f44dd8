package com.wodian.net.iso8583;

import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ISO message type end to end through the gateway agent's sockets, with jPOS as the terminal, in front of an
 * engine applied in place. (The same flows through the whole server, journal and restart included, are in
 * IsoGatewayServerTest.)
 */
class IsoGatewayEngineTest
{
    private static final long MERCHANT = 11;
    private static final long OTHER_MERCHANT = 12;
    private static final long TERMINAL = 101;
    private static final long CONSUMER = 6_200_000_000_000_000_001L;
    private static final long TOP_UP_FEN = 100_000;

    @TempDir
    Path dir;

    @Test
    void everyMessageTypeDuplicatesReversalsAndRefusals() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.issueKey(102, OTHER_MERCHANT, new SecureRandom());
        store.save(keysFile);

        final long appliedBeforeRefusals;
        final EngineIsoHarness harness = new EngineIsoHarness(keysFile);
        try
        {
            harness.merchant(MERCHANT);
            harness.merchant(OTHER_MERCHANT);
            harness.terminal(TERMINAL, MERCHANT);
            harness.consumer(CONSUMER, TOP_UP_FEN);
            harness.start();
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
            {
                final ISOMsg signOn = pos.call(pos.networkManagement("001", pos.nextStan()));
                assertEquals("0810", signOn.getMTI());
                assertEquals("00", signOn.getString(39));
                assertEquals("301", pos.call(pos.networkManagement("301", pos.nextStan())).getString(70));

                // Purchase, then the same message again (first response), then the same key with another amount.
                final int purchaseStan = pos.nextStan();
                final ISOMsg purchase = pos.signed(pos.financial("0200", CONSUMER, 1_000, purchaseStan, "1203101500"));
                final ISOMsg approved = pos.call(purchase);
                assertEquals("0210", approved.getMTI());
                assertEquals("00", approved.getString(39));
                assertEquals(String.format("%06d", purchaseStan), approved.getString(11));
                assertTrue(pos.responseMacValid(approved), "response MAC");
                assertEquals("00", pos.call(purchase).getString(39));
                assertEquals("94", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_001, purchaseStan,
                    "1203101500"))).getString(39));

                // Pre-authorisation and its completion.
                final int preAuthStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0100", CONSUMER, 2_000, preAuthStan,
                    "1203101600"))).getString(39));
                final ISOMsg completion = pos.call(pos.signed(pos.reference("0220", "0100", preAuthStan, "1203101600",
                    2_000, pos.nextStan(), "1203101700")));
                assertEquals("0230", completion.getMTI());
                assertEquals("00", completion.getString(39));

                // Reversal of a pre-authorisation (hold released) and of a purchase (refunded).
                final int heldStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0100", CONSUMER, 3_000, heldStan,
                    "1203101800"))).getString(39));
                final ISOMsg preAuthReversal = pos.call(pos.signed(pos.reference("0400", "0100", heldStan, "1203101800",
                    3_000, pos.nextStan(), "1203101900")));
                assertEquals("0410", preAuthReversal.getMTI());
                assertEquals("00", preAuthReversal.getString(39));
                final int refundedStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 4_000, refundedStan,
                    "1203102000"))).getString(39));
                final ISOMsg purchaseReversal = pos.signed(pos.reference("0420", "0200", refundedStan, "1203102000",
                    4_000, pos.nextStan(), "1203102100"));
                assertEquals("0430", pos.call(purchaseReversal).getMTI());
                assertEquals("00", pos.call(purchaseReversal).getString(39), "a repeated reversal: first response");

                // Reversal before its original: approved and remembered; the late original is refused.
                final int lostStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.reference("0400", "0200", lostStan, "1203102200", 5_000,
                    pos.nextStan(), "1203102300"))).getString(39));
                assertEquals("12", pos.call(pos.signed(pos.financial("0200", CONSUMER, 5_000, lostStan,
                    "1203102200"))).getString(39));

                assertEquals("51", pos.call(pos.signed(pos.financial("0200", CONSUMER, 10 * TOP_UP_FEN, pos.nextStan(),
                    "1203102400"))).getString(39));

                // Refused before the engine: wrong MAC, another merchant's id, an unknown terminal.
                appliedBeforeRefusals = harness.appliedCommandCount();
                final ISOMsg wrongMac = JposTerminal.sign(pos.financial("0200", CONSUMER, 700, pos.nextStan(),
                    "1203102500"), new byte[16]);
                final ISOMsg macRefused = pos.call(wrongMac);
                assertEquals("63", macRefused.getString(39));
                assertFalse(macRefused.hasField(64), "a response to an unauthenticated request is not signed");
                try (JposTerminal impostor = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL,
                    OTHER_MERCHANT, key))
                {
                    assertEquals("03", impostor.call(impostor.signed(impostor.financial("0200", CONSUMER, 700,
                        impostor.nextStan(), "1203102600"))).getString(39));
                }
                try (JposTerminal unknown = new JposTerminal("127.0.0.1", harness.agent.port(), 999, MERCHANT, key))
                {
                    assertEquals("58", unknown.call(unknown.signed(unknown.financial("0200", CONSUMER, 700,
                        unknown.nextStan(), "1203102700"))).getString(39));
                }
                // A 0200 whose processing code is not a purchase (20: refund, 30: balance inquiry) is no purchase:
                // taking it as one would charge the consumer for a refund.
                for (final String processingCode : new String[]{"200000", "300000", "010000"})
                {
                    final ISOMsg notPurchase = pos.financial("0200", CONSUMER, 700, pos.nextStan(), "1203102800");
                    notPurchase.set(3, processingCode);
                    assertEquals("12", pos.call(pos.signed(notPurchase)).getString(39), "DE3 " + processingCode);
                }
                assertEquals(appliedBeforeRefusals, harness.appliedCommandCount(), "refused requests never journaled");
            }
        }
        finally
        {
            harness.close();
        }
        // Top-up less the purchase and the completed pre-authorisation; the reversals gave back all, nothing held.
        assertEquals(TOP_UP_FEN - 1_000 - 2_000, balance(harness.engine, CONSUMER)[0]);
        assertEquals(0, balance(harness.engine, CONSUMER)[1]);
    }

    /** {wallet, held} of a consumer, read from the engine (after its thread stopped). */
    static long[] balance(final com.wodian.engine.Engine engine, final long consumerId)
    {
        final UnsafeBuffer query = new UnsafeBuffer(new byte[64]);
        final int length = new CommandEncoder().balanceQuery(query, 0, consumerId);
        final long[] wallet = new long[2];
        engine.onQuery(query, 0, length, (buffer, offset, replyLength) ->
        {
            final BalanceReplyDecoder reply = new BalanceReplyDecoder();
            reply.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, BalanceReplyDecoder.BLOCK_LENGTH,
                BalanceReplyDecoder.SCHEMA_VERSION);
            wallet[0] = reply.walletFen();
            wallet[1] = reply.heldFen();
        });
        return wallet;
    }
}
