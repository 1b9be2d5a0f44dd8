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
        // Every request of this test is sent within seconds of this DE7 (the gateway refuses stale ones).
        final String now = JposTerminal.now();
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
                final ISOMsg purchase = pos.signed(pos.financial("0200", CONSUMER, 1_000, purchaseStan, now));
                final ISOMsg approved = pos.call(purchase);
                assertEquals("0210", approved.getMTI());
                assertEquals("00", approved.getString(39));
                assertEquals(String.format("%06d", purchaseStan), approved.getString(11));
                assertTrue(pos.responseMacValid(approved), "response MAC");
                assertEquals("00", pos.call(purchase).getString(39));
                assertEquals("94", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_001, purchaseStan,
                    now))).getString(39));

                // Pre-authorisation and its completion.
                final int preAuthStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0100", CONSUMER, 2_000, preAuthStan,
                    now))).getString(39));
                final ISOMsg completion = pos.call(pos.signed(pos.reference("0220", "0100", preAuthStan, now,
                    2_000, pos.nextStan(), now)));
                assertEquals("0230", completion.getMTI());
                assertEquals("00", completion.getString(39));

                // Reversal of a pre-authorisation (hold released) and of a purchase (refunded).
                final int heldStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0100", CONSUMER, 3_000, heldStan,
                    now))).getString(39));
                final ISOMsg preAuthReversal = pos.call(pos.signed(pos.reference("0400", "0100", heldStan, now,
                    3_000, pos.nextStan(), now)));
                assertEquals("0410", preAuthReversal.getMTI());
                assertEquals("00", preAuthReversal.getString(39));
                final int refundedStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 4_000, refundedStan,
                    now))).getString(39));
                final ISOMsg purchaseReversal = pos.signed(pos.reference("0420", "0200", refundedStan, now,
                    4_000, pos.nextStan(), now));
                assertEquals("0430", pos.call(purchaseReversal).getMTI());
                assertEquals("00", pos.call(purchaseReversal).getString(39), "a repeated reversal: first response");

                // Reversal before its original: approved and remembered; the late original is refused.
                final int lostStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.reference("0400", "0200", lostStan, now, 5_000,
                    pos.nextStan(), now))).getString(39));
                assertEquals("12", pos.call(pos.signed(pos.financial("0200", CONSUMER, 5_000, lostStan,
                    now))).getString(39));

                assertEquals("51", pos.call(pos.signed(pos.financial("0200", CONSUMER, 10 * TOP_UP_FEN, pos.nextStan(),
                    now))).getString(39));

                // Refused before the engine: wrong MAC, another merchant's id, an unknown terminal.
                appliedBeforeRefusals = harness.appliedCommandCount();
                final ISOMsg wrongMac = JposTerminal.sign(pos.financial("0200", CONSUMER, 700, pos.nextStan(),
                    now), new byte[16]);
                final ISOMsg macRefused = pos.call(wrongMac);
                assertEquals("63", macRefused.getString(39));
                assertFalse(macRefused.hasField(64), "a response to an unauthenticated request is not signed");
                try (JposTerminal impostor = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL,
                    OTHER_MERCHANT, key))
                {
                    // Signed with the terminal's own key: it proved the key, so it learns its DE42 is wrong.
                    assertEquals("03", impostor.call(impostor.signed(impostor.financial("0200", CONSUMER, 700,
                        impostor.nextStan(), now))).getString(39));
                }
                try (JposTerminal unknown = new JposTerminal("127.0.0.1", harness.agent.port(), 999, MERCHANT, key))
                {
                    // No key of its own: the same 63 as a wrong MAC (review item 9).
                    assertEquals("63", unknown.call(unknown.signed(unknown.financial("0200", CONSUMER, 700,
                        unknown.nextStan(), now))).getString(39));
                }
                // A 0200 whose processing code is not a purchase (20: refund, 30: balance inquiry) is no purchase:
                // taking it as one would charge the consumer for a refund.
                for (final String processingCode : new String[]{"200000", "300000", "010000"})
                {
                    final ISOMsg notPurchase = pos.financial("0200", CONSUMER, 700, pos.nextStan(), now);
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

    /**
     * Security review item 4: a recorded, MAC-valid 0200 sent again once its DE7 is older than the window is refused
     * (a signed 63) and never reaches the engine, whatever the engine still remembers of its key; so are a DE7 two
     * days old or from the future, and a DE7 that is no real date gets 30.
     */
    @Test
    void staleOrFutureTransmissionTimeIsRefusedBeforeTheEngine() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(keysFile);
        final long windowMs = IsoGatewayConfig.DEFAULT_TRANSMISSION_TIME_WINDOW_MS;
        // The gateway's clock moves past the freshness window below; its idle sweep reads the same clock, so the idle
        // timeout must lie beyond that move or the sweep may close this connection while the clock is moved.
        final EngineIsoHarness harness = new EngineIsoHarness(
            IsoGatewayConfig.of("127.0.0.1", 0, keysFile).withIdleTimeoutMs(10 * windowMs));
        try
        {
            harness.merchant(MERCHANT);
            harness.terminal(TERMINAL, MERCHANT);
            harness.consumer(CONSUMER, TOP_UP_FEN);
            harness.start();
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
            {
                final ISOMsg recorded = pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(),
                    JposTerminal.now()));
                assertEquals("00", pos.call(recorded).getString(39));
                final long appliedBefore = harness.appliedCommandCount();

                harness.clockOffsetMs = windowMs + 60_000;
                final ISOMsg replayed = pos.call(recorded);
                assertEquals("63", replayed.getString(39), "the same bytes after the window");
                assertTrue(pos.responseMacValid(replayed), "a freshness refusal is signed: the MAC was good");
                harness.clockOffsetMs = 0;

                final String twoDaysOld = JposTerminal.nowPlusMs(-2 * 86_400_000L);
                assertEquals("63", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(),
                    twoDaysOld))).getString(39), "DE7 two days old");
                assertEquals("63", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(),
                    JposTerminal.nowPlusMs(windowMs + 60_000)))).getString(39), "DE7 from the future");
                assertEquals("63", pos.call(pos.signed(pos.reference("0400", "0200", 1, JposTerminal.now(), 1_000,
                    pos.nextStan(), JposTerminal.nowPlusMs(-windowMs - 60_000)))).getString(39), "a stale reversal");
                assertEquals("30", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(),
                    "0230101500"))).getString(39), "30 February is no date");
                assertEquals("30", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(),
                    "1203246000"))).getString(39), "hour 24");
                assertEquals(appliedBefore, harness.appliedCommandCount(), "nothing refused reached the engine");

                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 2_000, pos.nextStan(),
                    JposTerminal.nowPlusMs(-windowMs + 60_000)))).getString(39), "inside the window");
            }
        }
        finally
        {
            harness.close();
        }
        assertEquals(TOP_UP_FEN - 1_000 - 2_000, balance(harness.engine, CONSUMER)[0]);
    }

    /**
     * Security review 2026-12-05 B12 on the ISO port: a terminal key's financial requests beyond its command budget
     * are answered 91, signed, and never reach the engine (nor the journal); another terminal's budget is its own,
     * and 0800s take nothing from it. The gateway's clock stands still until the test moves it, so no request comes
     * back into the budget by itself.
     */
    @Test
    void requestsBeyondTheTerminalKeysBudgetAreRefusedBeforeTheEngine() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        final long otherTerminal = 103;
        final byte[] otherKey = store.issueKey(otherTerminal, MERCHANT, new SecureRandom());
        store.save(keysFile);
        final int burst = 3;
        final EngineIsoHarness harness = new EngineIsoHarness(IsoGatewayConfig.of("127.0.0.1", 0, keysFile),
            new com.wodian.net.gateway.SourceLimits(0, 0, 1, 1), 1, burst);
        harness.frozenNowMs = System.currentTimeMillis();
        try
        {
            harness.merchant(MERCHANT);
            harness.terminal(TERMINAL, MERCHANT);
            harness.terminal(otherTerminal, MERCHANT);
            harness.consumer(CONSUMER, TOP_UP_FEN);
            harness.start();
            final String now = JposTerminal.now();
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key);
                JposTerminal other = new JposTerminal("127.0.0.1", harness.agent.port(), otherTerminal, MERCHANT,
                    otherKey))
            {
                final long appliedBefore = harness.appliedCommandCount();
                for (int i = 0; i < burst; i++)
                {
                    assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 100, pos.nextStan(),
                        now))).getString(39), "within the burst: " + i);
                }
                final ISOMsg refused = pos.call(pos.signed(pos.financial("0200", CONSUMER, 100, pos.nextStan(),
                    now)));
                assertEquals("91", refused.getString(39), "beyond the budget");
                assertTrue(pos.responseMacValid(refused), "signed: the terminal proved its key");
                assertEquals("00", pos.call(pos.signed(pos.networkManagement("301", pos.nextStan())))
                    .getString(39), "a signed echo test takes no budget");
                assertEquals(appliedBefore + burst, harness.appliedCommandCount(), "the refusal never reached it");
                assertEquals("00", other.call(other.signed(other.financial("0200", CONSUMER, 100, other.nextStan(),
                    now))).getString(39), "another terminal's budget is its own");

                harness.frozenNowMs += 1_000;
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 100, pos.nextStan(),
                    now))).getString(39), "one request a second comes back");
            }
        }
        finally
        {
            harness.close();
        }
        assertEquals(1, harness.agent.commandBudgetRefusedCount());
        assertEquals(1, harness.limitCounts.get(
            com.wodian.net.metrics.ServerCounters.GatewayLimit.ISO_COMMAND_BUDGET.ordinal()));
        assertEquals(TOP_UP_FEN - 5 * 100, balance(harness.engine, CONSUMER)[0]);
    }

    /**
     * In-window replays (security review 2026-12-05 A1's residual): the same signed bytes sent again while their DE7
     * is still fresh. A replayed purchase, pre-authorisation reversal or purchase reversal gets its first response and
     * moves no money again (the engine's idempotency). A purchase declined because the card was unknown is not
     * recorded by the engine: replayed once the consumer exists, it charged them for a sale the terminal was told was
     * declined. The gateway now fences such a key with an empty rollback, so the replay is refused.
     */
    @Test
    void replaysInsideTheWindowMoveNoMoneyAgain() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(keysFile);
        final long newcomer = CONSUMER + 98;
        final EngineIsoHarness harness = new EngineIsoHarness(keysFile);
        try
        {
            harness.merchant(MERCHANT);
            harness.terminal(TERMINAL, MERCHANT);
            harness.consumer(CONSUMER, TOP_UP_FEN);
            harness.start();
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
            {
                final String now = JposTerminal.now();
                final ISOMsg purchase = pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(), now));
                assertEquals("00", pos.call(purchase).getString(39));
                assertEquals("00", pos.call(purchase).getString(39), "a replayed purchase: its first response");
                final int heldStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0100", CONSUMER, 2_000, heldStan, now)))
                    .getString(39));
                final ISOMsg preAuthReversal = pos.signed(pos.reference("0400", "0100", heldStan, now, 2_000,
                    pos.nextStan(), now));
                assertEquals("00", pos.call(preAuthReversal).getString(39));
                assertEquals("00", pos.call(preAuthReversal).getString(39), "a replayed reversal: the first answer");
                final int reversedStan = pos.nextStan();
                final ISOMsg reversedPurchase = pos.signed(pos.financial("0200", CONSUMER, 3_000, reversedStan, now));
                assertEquals("00", pos.call(reversedPurchase).getString(39));
                final ISOMsg purchaseReversal = pos.signed(pos.reference("0420", "0200", reversedStan, now, 3_000,
                    pos.nextStan(), now));
                assertEquals("00", pos.call(purchaseReversal).getString(39));
                assertEquals("00", pos.call(purchaseReversal).getString(39), "refunded once");
                assertEquals("00", pos.call(reversedPurchase).getString(39), "the reversed purchase: not charged again");

                final ISOMsg declined = pos.signed(pos.financial("0200", newcomer, 700, pos.nextStan(), now));
                assertEquals("14", pos.call(declined).getString(39), "an unknown card");
                harness.consumer(newcomer, TOP_UP_FEN);
                assertEquals("12", pos.call(declined).getString(39), "replayed once the card exists: fenced");
            }
        }
        finally
        {
            harness.close();
        }
        assertEquals(TOP_UP_FEN - 1_000, balance(harness.engine, CONSUMER)[0]);
        assertEquals(0, balance(harness.engine, CONSUMER)[1]);
        assertEquals(TOP_UP_FEN, balance(harness.engine, newcomer)[0], "the declined sale never charged");
    }

    /**
     * Security review 2026-12-05 A1, fix item 3: a recording replayed inside the window on another connection is
     * answered, but does not authenticate that connection, so with the terminal's connection cap it no longer closes
     * the terminal's own connection.
     */
    @Test
    void aReplayInsideTheWindowDoesNotAuthenticateItsConnection() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(keysFile);
        final EngineIsoHarness harness = new EngineIsoHarness(IsoGatewayConfig.of("127.0.0.1", 0, keysFile)
            .withConnectionsPerTerminalMax(1));
        try
        {
            harness.merchant(MERCHANT);
            harness.terminal(TERMINAL, MERCHANT);
            harness.consumer(CONSUMER, TOP_UP_FEN);
            harness.start();
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key);
                JposTerminal attacker = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
            {
                final ISOMsg recorded = pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(),
                    JposTerminal.nowPlusMs(-3 * IsoTranslator.REPLAY_SLACK_MS)));
                assertEquals("00", pos.call(recorded).getString(39));
                assertEquals("00", pos.call(pos.signed(pos.networkManagement("301", pos.nextStan()))).getString(39));
                assertEquals("00", attacker.call(recorded).getString(39), "the replay: its first outcome");
                assertEquals("00", pos.call(pos.signed(pos.networkManagement("301", pos.nextStan()))).getString(39),
                    "the terminal's connection is still open");
                assertEquals(0, harness.agent.terminalCapClosedCount());
            }
        }
        finally
        {
            harness.close();
        }
        assertEquals(TOP_UP_FEN - 1_000, balance(harness.engine, CONSUMER)[0]);
    }

    /**
     * Security review item 14: a 0220 whose DE4 is less than the pre-authorisation (a partial capture, which is not
     * supported) captures the whole hold; its 0230 says so in DE4 instead of echoing the request's amount, so the
     * terminal's receipt shows what the consumer was charged. A repeat answers the same.
     */
    @Test
    void completionAnswersTheCapturedAmount() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(keysFile);
        final EngineIsoHarness harness = new EngineIsoHarness(keysFile);
        try
        {
            harness.merchant(MERCHANT);
            harness.terminal(TERMINAL, MERCHANT);
            harness.consumer(CONSUMER, TOP_UP_FEN);
            harness.start();
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
            {
                final String now = JposTerminal.now();
                final int preAuthStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0100", CONSUMER, 50_000, preAuthStan, now)))
                    .getString(39));
                final ISOMsg completion = pos.signed(pos.reference("0220", "0100", preAuthStan, now, 12_000,
                    pos.nextStan(), now));
                final ISOMsg captured = pos.call(completion);
                assertEquals("00", captured.getString(39));
                assertEquals("000000050000", captured.getString(4), "DE4 is the amount captured, not the request's");
                assertTrue(pos.responseMacValid(captured));
                assertEquals("000000050000", pos.call(completion).getString(4), "a repeat: the same answer");
            }
        }
        finally
        {
            harness.close();
        }
        assertEquals(TOP_UP_FEN - 50_000, balance(harness.engine, CONSUMER)[0]);
    }

    /**
     * POS review finding 3: a purchase reversal's Refund refused because the merchant's settlement no longer covers
     * it is recorded under the reversal's key, so every repeat gets the same refusal even after the merchant is
     * funded again. The terminal must hear a final decline (05), not 96, which terminals take as "try again" and
     * would retry for ever; the consumer stays charged (the operator refunds natively).
     */
    @Test
    void purchaseReversalRefusedForTheMerchantsBalanceIsAFinalDecline() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(keysFile);
        final EngineIsoHarness harness = new EngineIsoHarness(keysFile);
        try
        {
            harness.merchant(MERCHANT);
            harness.terminal(TERMINAL, MERCHANT);
            harness.consumer(CONSUMER, TOP_UP_FEN);
            harness.start();
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
            {
                final String now = JposTerminal.now();
                final int purchaseStan = pos.nextStan();
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_000, purchaseStan, now)))
                    .getString(39));
                assertTrue(harness.withdrawSettlement(MERCHANT, 1) > 0, "the purchase credited the settlement");
                final ISOMsg reversal = pos.signed(pos.reference("0400", "0200", purchaseStan, now, 1_000,
                    pos.nextStan(), now));
                assertEquals("05", pos.call(reversal).getString(39), "INSUFFICIENT_SETTLEMENT: final");
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 5_000, pos.nextStan(), now)))
                    .getString(39), "a later sale funds the merchant again");
                assertEquals("05", pos.call(reversal).getString(39), "the refusal is recorded: a repeat is the same");
            }
        }
        finally
        {
            harness.close();
        }
        assertEquals(TOP_UP_FEN - 1_000 - 5_000, balance(harness.engine, CONSUMER)[0], "the consumer stays charged");
    }

    /**
     * Security review item 9: without a valid MAC, an unknown DE41, a known DE41 with another merchant's DE42 and a
     * known pair with a wrong MAC get the same response (unsigned 63, the same elements), and an unsigned 0800 gets
     * the same answer whether its terminal exists or not: nothing lists terminal ids or their merchants.
     */
    @Test
    void unauthenticatedRequestsCannotListTerminalsOrMerchants() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(keysFile);
        final byte[] guessedKey = new byte[16];
        final EngineIsoHarness harness = new EngineIsoHarness(keysFile);
        try
        {
            harness.merchant(MERCHANT);
            harness.terminal(TERMINAL, MERCHANT);
            harness.start();
            final long[][] terminalAndMerchant = {
                { 999, MERCHANT }, { TERMINAL, OTHER_MERCHANT }, { TERMINAL, MERCHANT } };
            final String now = JposTerminal.now();
            String firstAnswer = null;
            String firstSignOn = null;
            for (final long[] ids : terminalAndMerchant)
            {
                try (JposTerminal probe = new JposTerminal("127.0.0.1", harness.agent.port(), ids[0], ids[1],
                    guessedKey))
                {
                    final ISOMsg answer = probe.call(probe.signed(probe.financial("0200", CONSUMER, 700, 7, now)));
                    assertEquals("63", answer.getString(39), "terminal " + ids[0] + " merchant " + ids[1]);
                    // Apart from DE41 and DE42, which are echoed, the answers are the same.
                    answer.unset(41);
                    answer.unset(42);
                    final String bytes = java.util.HexFormat.of().formatHex(answer.pack());
                    assertEquals(null == firstAnswer ? bytes : firstAnswer, bytes);
                    firstAnswer = bytes;

                    final ISOMsg signOn = probe.call(probe.networkManagement("001", 8));
                    assertEquals("00", signOn.getString(39));
                    signOn.unset(41);
                    signOn.unset(42);
                    signOn.unset(7);
                    final String signOnBytes = java.util.HexFormat.of().formatHex(signOn.pack());
                    assertEquals(null == firstSignOn ? signOnBytes : firstSignOn, signOnBytes);
                    firstSignOn = signOnBytes;
                }
            }
            assertEquals(0, harness.appliedCommandCount());
        }
        finally
        {
            harness.close();
        }
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
