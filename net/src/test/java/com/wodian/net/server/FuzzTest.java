package com.wodian.net.server;

import com.wodian.engine.Engine;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.net.FrameDescriptor;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A million seeded random and mutated frames from several connections (logged on as a terminal, so that frames
 * which pass the gateway reach the engine and every authorization rule is exercised; one logged on as an admin, whose
 * frames add the admin templates with extreme values: rules, engine settings, points, distributions, withdrawals,
 * risk rules, registrations, blocks, aimed at the fuzz parties only; plus connections that never log on) while
 * well-behaved terminals keep paying. Afterwards: the server is alive, the good terminals saw only
 * the replies they should, every fuzz frame got its reply in order, the journal replayed into a fresh engine gives
 * the live state hash, and the engine's invariants (conservation first) hold.
 *
 * <p>Reproduce a run with {@code -Dwodian.fuzz.seed=N}; scale it with {@code -Dwodian.fuzz.frames=N}; the threading
 * mode with {@code -Dwodian.fuzz.mode=dedicated}.
 */
class FuzzTest
{
    private static final long SEED = Long.getLong("wodian.fuzz.seed", 20_261_125L);
    private static final int FRAME_COUNT = Integer.getInteger("wodian.fuzz.frames", 1_000_000);
    private static final ThreadingMode MODE = ServerProperties.parseThreadingMode(
        System.getProperty("wodian.fuzz.mode", "compact"));
    private static final int FUZZ_CONNECTION_COUNT = 4;
    /** Frames of the admin fuzz connection, on top of the terminal fuzzers' FRAME_COUNT. */
    private static final int ADMIN_FRAME_COUNT = Math.max(1, FRAME_COUNT / 20);
    private static final int BATCH_FRAMES = 256;

    private static final long GOOD_MERCHANT_A = 1;
    private static final long GOOD_MERCHANT_B = 2;
    private static final long FUZZ_MERCHANT = 3;
    private static final long GOOD_TERMINAL_A = 11;
    private static final long GOOD_TERMINAL_B = 21;
    private static final long FUZZ_TERMINAL = 31;
    private static final long GOOD_CONSUMER_A = 2001;
    private static final long GOOD_CONSUMER_B = 2002;
    /** Twenty top-ups of the largest amount a small engine accepts. */
    private static final long GOOD_TOP_UP_FEN = 20 * 100_000_000L;
    private static final long[] FUZZ_CONSUMERS = {1001, 1002, 1003, 1004, 1005};

    private static final Credentials GOOD_A = Credentials.terminal(GOOD_TERMINAL_A, ServerTestSupport.secret(11));
    private static final Credentials GOOD_B = Credentials.terminal(GOOD_TERMINAL_B, ServerTestSupport.secret(21));
    private static final Credentials FUZZER = Credentials.terminal(FUZZ_TERMINAL, ServerTestSupport.secret(31));

    @TempDir
    Path dataDir;

    @Test
    // A backstop, not a schedule: the work is a fixed million frames, and how long that takes is the machine's (48 s
    // of fuzzing at load 24 on the 2-vCPU dev VM, 2026-12-05: 120 s left only a 2x margin); every wait inside is
    // bounded on its own.
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void survivesAMillionHostileFramesWhileGoodTerminalsPay() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, MODE)
            .durabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .inputRingSize(8192)
            .outputRingSize(8192)
            .tickIntervalMs(3_600_000);
        config.gateway()
            .credentialStore(new CredentialStore().add(ServerTestSupport.ADMIN, 0).add(GOOD_A, GOOD_MERCHANT_A)
                .add(GOOD_B, GOOD_MERCHANT_B).add(FUZZER, FUZZ_MERCHANT))
            .principalFailuresMax(Integer.MAX_VALUE)
            .addressFailuresMax(Integer.MAX_VALUE)
            // The good terminals pay as fast as they can and the fuzzer sends a million frames: no command budget
            // (CommandBudgetTest tests it).
            .commandsPerPrincipal(0, 0);

        final long liveLastSequence;
        final long liveStateHash;
        final List<String> goodFailures = new ArrayList<>();
        final long[] goodPaidFen = new long[2];
        final AtomicLong fuzzReplies = new AtomicLong();
        final AtomicLong fuzzReconnects = new AtomicLong();
        final long[] fuzzMs = new long[1];
        try (WodianServer server = WodianServer.launch(config);
            WodianClient admin = ServerTestSupport.connect(server))
        {
            setUp(admin);

            final AtomicBoolean fuzzing = new AtomicBoolean(true);
            final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            final Thread[] good = {
                goodTerminal(server, GOOD_A, GOOD_MERCHANT_A, GOOD_CONSUMER_A, fuzzing, failures, goodPaidFen, 0),
                goodTerminal(server, GOOD_B, GOOD_MERCHANT_B, GOOD_CONSUMER_B, fuzzing, failures, goodPaidFen, 1)};
            final Thread[] fuzzers = new Thread[FUZZ_CONNECTION_COUNT + 2];
            for (int c = 0; c < FUZZ_CONNECTION_COUNT; c++)
            {
                final long seed = SEED + c;
                fuzzers[c] = new Thread(() -> fuzz(server.port(), FUZZER, seed, FRAME_COUNT / FUZZ_CONNECTION_COUNT,
                    fuzzReplies, fuzzReconnects, failures), "fuzzer-" + c);
            }
            fuzzers[FUZZ_CONNECTION_COUNT] = new Thread(() -> unauthenticated(server.port(), SEED - 1, failures),
                "fuzzer-no-logon");
            fuzzers[FUZZ_CONNECTION_COUNT + 1] = new Thread(() -> fuzz(server.port(), ServerTestSupport.ADMIN,
                SEED - 2, ADMIN_FRAME_COUNT, fuzzReplies, fuzzReconnects, failures), "fuzzer-admin");
            for (final Thread thread : good)
            {
                thread.start();
            }
            final long fuzzStartNs = System.nanoTime();
            for (final Thread thread : fuzzers)
            {
                thread.start();
            }
            for (final Thread thread : fuzzers)
            {
                thread.join();
            }
            fuzzMs[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fuzzStartNs);
            fuzzing.set(false);
            for (final Thread thread : good)
            {
                thread.join();
            }
            goodFailures.addAll(failures);

            // Alive, and the good consumers were charged exactly what their terminals were told was paid.
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
            assertEquals(GOOD_TOP_UP_FEN - goodPaidFen[0], requests.balance(GOOD_CONSUMER_A).walletFen());
            assertEquals(GOOD_TOP_UP_FEN - goodPaidFen[1], requests.balance(GOOD_CONSUMER_B).walletFen());
            final StateHashReplyDecoder stateHash = requests.stateHash();
            liveLastSequence = stateHash.lastSequence();
            liveStateHash = stateHash.stateHash();
        }
        assertEquals(List.of(), goodFailures.subList(0, Math.min(10, goodFailures.size())));
        assertTrue(goodPaidFen[0] > 0 && goodPaidFen[1] > 0, "the good terminals kept paying");
        assertTrue(fuzzReplies.get() >= FRAME_COUNT * 9L / 10, "fuzz frames answered: " + fuzzReplies.get());

        // The journal alone, replayed into a fresh engine under the server's own limits (one object, not a second copy
        // that could drift from it): the same state, and conservation holds.
        final Engine replayed = new Engine(config.engineConfig());
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(
            dataDir.resolve(WodianServer.JOURNAL_DIR_NAME))))
        {
            journal.replay(1, (sequence, timestampMs, payloadVersion, buffer, offset, length) ->
                replayed.onCommand(sequence, timestampMs, buffer, offset, length, ReplySink.NONE));
        }
        assertEquals(liveLastSequence, replayed.lastSequence());
        assertEquals(liveStateHash, replayed.stateHash());
        replayed.verifyInvariants();
        System.out.printf("fuzz: %d frames in %d ms (%s), %d replies, %d reconnects, %d journaled inputs, " +
            "good paid %d + %d fen%n", FRAME_COUNT, fuzzMs[0], MODE, fuzzReplies.get(), fuzzReconnects.get(),
            liveLastSequence, goodPaidFen[0], goodPaidFen[1]);
    }

    private static void setUp(final WodianClient admin) throws Exception
    {
        final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
        for (final long merchantId : new long[]{GOOD_MERCHANT_A, GOOD_MERCHANT_B, FUZZ_MERCHANT})
        {
            assertEquals(ResultCode.OK, requests.registerMerchant(merchantId));
        }
        assertEquals(ResultCode.OK, requests.registerTerminal(GOOD_TERMINAL_A, GOOD_MERCHANT_A));
        assertEquals(ResultCode.OK, requests.registerTerminal(GOOD_TERMINAL_B, GOOD_MERCHANT_B));
        assertEquals(ResultCode.OK, requests.registerTerminal(FUZZ_TERMINAL, FUZZ_MERCHANT));
        assertEquals(ResultCode.OK, requests.registerConsumer(GOOD_CONSUMER_A));
        assertEquals(ResultCode.OK, requests.registerConsumer(GOOD_CONSUMER_B));
        for (int i = 0; i < 20; i++)
        {
            assertEquals(ResultCode.OK, requests.topUp(GOOD_CONSUMER_A, 100 + i, GOOD_TOP_UP_FEN / 20));
            assertEquals(ResultCode.OK, requests.topUp(GOOD_CONSUMER_B, 200 + i, GOOD_TOP_UP_FEN / 20));
        }
        for (final long consumerId : FUZZ_CONSUMERS)
        {
            assertEquals(ResultCode.OK, requests.registerConsumer(consumerId));
            assertEquals(ResultCode.OK, requests.topUp(consumerId, consumerId, 10_000_000));
        }
    }

    /** A terminal that pays (Pay, or Try then Confirm) and checks every reply until the fuzzers are done. */
    private static Thread goodTerminal(
        final WodianServer server, final Credentials credentials, final long merchantId, final long consumerId,
        final AtomicBoolean fuzzing, final ConcurrentLinkedQueue<String> failures, final long[] paidFen,
        final int index)
    {
        return new Thread(() ->
        {
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final PaymentReplyDecoder payment = new PaymentReplyDecoder();
            final Random random = new Random(SEED * 31 + index);
            try (WodianClient client = ServerTestSupport.connect(server, credentials))
            {
                long paymentId = 0;
                while (fuzzing.get())
                {
                    paymentId++;
                    final long amountFen = 100 + random.nextInt(10_000);
                    final boolean twoPhase = random.nextBoolean();
                    final int length = twoPhase ?
                        encoder.tryPayment(request, 0, merchantId, credentials.principalId(), paymentId, consumerId,
                            amountFen, 600_000) :
                        encoder.pay(request, 0, merchantId, credentials.principalId(), paymentId, consumerId,
                            amountFen);
                    check(client.call(request, 0, length, ServerTestSupport.TIMEOUT_MS), header, payment, merchantId,
                        paymentId, failures);
                    if (twoPhase)
                    {
                        check(client.call(request, 0, encoder.confirm(request, 0, merchantId,
                            credentials.principalId(), paymentId), ServerTestSupport.TIMEOUT_MS), header, payment,
                            merchantId, paymentId, failures);
                    }
                    paidFen[index] += amountFen;
                }
            }
            catch (final Exception ex)
            {
                failures.add("good terminal " + credentials + ": " + ex);
            }
        }, "good-" + credentials.principalId());
    }

    private static void check(
        final byte[] replyBytes, final MessageHeaderDecoder header, final PaymentReplyDecoder payment,
        final long merchantId, final long paymentId, final ConcurrentLinkedQueue<String> failures)
    {
        final UnsafeBuffer reply = new UnsafeBuffer(replyBytes);
        if (PaymentReplyDecoder.TEMPLATE_ID != header.wrap(reply, 0).templateId())
        {
            failures.add("not a PaymentReply: " + com.wodian.protocol.MessageText.describe(reply, 0, reply.capacity()));
            return;
        }
        payment.wrapAndApplyHeader(reply, 0, header);
        if (ResultCode.OK != payment.code() || payment.merchantId() != merchantId || payment.paymentId() != paymentId)
        {
            failures.add("unexpected reply: " + com.wodian.protocol.MessageText.describe(reply, 0, reply.capacity()));
        }
    }

    /**
     * One fuzz connection, logged on as the fuzz terminal: writes batches of hostile frames, a reader thread checks
     * that every frame is answered, in order. Reconnects when the server closes the connection (a broken frame
     * length, which it generates rarely).
     */
    private static void fuzz(
        final int port, final Credentials credentials, final long seed, final int frameCount,
        final AtomicLong replies, final AtomicLong reconnects, final ConcurrentLinkedQueue<String> failures)
    {
        final FrameGenerator generator = new FrameGenerator(new Random(seed), credentials.role() == SessionRole.ADMIN);
        final ByteBuffer batch = ByteBuffer.allocate(BATCH_FRAMES * FrameDescriptor.REQUEST_FRAME_BYTES_MAX + 64)
            .order(ByteOrder.LITTLE_ENDIAN);
        int sent = 0;
        try
        {
            while (sent < frameCount)
            {
                try (Socket socket = new Socket(HOST, port))
                {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
                    if (ResultCode.OK != ServerTestSupport.logOn(socket, credentials))
                    {
                        failures.add("fuzzer could not log on");
                        return;
                    }
                    final FuzzReader reader = new FuzzReader(socket.getInputStream(), replies);
                    reader.start();
                    final OutputStream out = socket.getOutputStream();
                    boolean broken = false;
                    long correlationId = 0;
                    while (!broken && sent < frameCount)
                    {
                        batch.clear();
                        for (int i = 0; i < BATCH_FRAMES && sent < frameCount; i++)
                        {
                            sent++;
                            broken = generator.next(batch, ++correlationId);
                            if (broken)
                            {
                                break;
                            }
                        }
                        try
                        {
                            out.write(batch.array(), 0, batch.position());
                        }
                        catch (final IOException ex)
                        {
                            broken = true;
                        }
                    }
                    if (!broken)
                    {
                        socket.shutdownOutput();
                    }
                    reader.join(ServerTestSupport.TIMEOUT_MS);
                    if (null != reader.failure)
                    {
                        failures.add(reader.failure);
                    }
                    if (!broken && reader.lastCorrelationId != correlationId)
                    {
                        failures.add("fuzz connection answered up to " + reader.lastCorrelationId + " of " +
                            correlationId);
                    }
                }
                reconnects.incrementAndGet();
            }
        }
        catch (final Exception ex)
        {
            failures.add("fuzzer: " + ex);
        }
    }

    /** Connections that never log on: a hostile frame, then the server must close them. */
    private static void unauthenticated(final int port, final long seed, final ConcurrentLinkedQueue<String> failures)
    {
        final FrameGenerator generator = new FrameGenerator(new Random(seed), false);
        final ByteBuffer batch = ByteBuffer.allocate(4 * FrameDescriptor.REQUEST_FRAME_BYTES_MAX)
            .order(ByteOrder.LITTLE_ENDIAN);
        try
        {
            for (int i = 0; i < 500; i++)
            {
                try (Socket socket = new Socket(HOST, port))
                {
                    socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
                    batch.clear();
                    generator.next(batch, 1);
                    generator.next(batch, 2);
                    socket.getOutputStream().write(batch.array(), 0, batch.position());
                    final InputStream in = socket.getInputStream();
                    final byte[] scratch = new byte[4096];
                    long total = 0;
                    int read;
                    while ((read = in.read(scratch)) >= 0)
                    {
                        total += read;
                        if (total > 10_000)
                        {
                            failures.add("an unauthenticated connection got " + total + " bytes");
                            return;
                        }
                    }
                }
                catch (final IOException ignore)
                {
                    // A reset is a close too.
                }
            }
        }
        catch (final RuntimeException ex)
        {
            failures.add("unauthenticated fuzzer: " + ex);
        }
    }

    /** Drains a fuzz connection: every reply frame well formed, correlation ids 1, 2, 3, ... (0 = closing notice). */
    private static final class FuzzReader extends Thread
    {
        private final DataInputStream in;
        private final AtomicLong replies;
        volatile long lastCorrelationId;
        volatile String failure;

        FuzzReader(final InputStream in, final AtomicLong replies)
        {
            super("fuzz-reader");
            this.in = new DataInputStream(new java.io.BufferedInputStream(in, 64 * 1024));
            this.replies = replies;
        }

        @Override
        public void run()
        {
            final byte[] message = new byte[FrameDescriptor.REPLY_MESSAGE_LENGTH_MAX];
            try
            {
                while (true)
                {
                    final int frameLength = Integer.reverseBytes(in.readInt());
                    if (frameLength < 8 + MessageHeaderDecoder.ENCODED_LENGTH ||
                        frameLength > FrameDescriptor.REPLY_FRAME_LENGTH_MAX)
                    {
                        failure = "bad reply frame length " + frameLength;
                        return;
                    }
                    final long correlationId = Long.reverseBytes(in.readLong());
                    in.readFully(message, 0, frameLength - 8);
                    if (0 != correlationId)
                    {
                        if (correlationId != lastCorrelationId + 1)
                        {
                            failure = "reply " + correlationId + " after " + lastCorrelationId;
                            return;
                        }
                        lastCorrelationId = correlationId;
                        replies.incrementAndGet();
                    }
                }
            }
            catch (final IOException closed)
            {
                // End of stream (or reset after a broken frame): done.
            }
        }
    }

    /**
     * Seeded hostile frames: a valid message of a random inbound template with fields drawn from valid ids, near
     * misses and extremes, then, most of the time, mutated (flipped bytes, changed template, schema, version or
     * block length, truncated, extended, or all random). About one frame in 50,000 has a broken frame length.
     */
    private static final class FrameGenerator
    {
        private final Random random;
        private final CommandEncoder encoder = new CommandEncoder();
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[FrameDescriptor.REQUEST_MESSAGE_LENGTH_MAX]);

        /** Whether the connection is an admin's: admin templates are added to the mix. */
        private final boolean admin;

        FrameGenerator(final Random random, final boolean admin)
        {
            this.random = random;
            this.admin = admin;
        }

        /** Appends one frame; true when it was a broken frame length (the server will close the connection). */
        boolean next(final ByteBuffer out, final long correlationId)
        {
            if (random.nextInt(50_000) == 0)
            {
                final int[] broken = {-1, 0, 7, FrameDescriptor.REQUEST_FRAME_LENGTH_MAX + 1, Integer.MAX_VALUE};
                out.putInt(broken[random.nextInt(broken.length)]).putLong(correlationId);
                return true;
            }
            int length = encodeValid();
            final int mutation = random.nextInt(10);
            switch (mutation)
            {
                case 0, 1, 2:
                    break;
                case 3:
                    for (int i = 1 + random.nextInt(4); i > 0; i--)
                    {
                        final int index = random.nextInt(length);
                        message.putByte(index, (byte)(message.getByte(index) ^ (1 + random.nextInt(255))));
                    }
                    break;
                case 4:
                    message.putShort(2, (short)random.nextInt(140), ByteOrder.LITTLE_ENDIAN);
                    break;
                case 5:
                    message.putShort(random.nextBoolean() ? 4 : 6, (short)random.nextInt(5), ByteOrder.LITTLE_ENDIAN);
                    break;
                case 6:
                    message.putShort(0, (short)random.nextInt(300), ByteOrder.LITTLE_ENDIAN);
                    break;
                case 7:
                    length = random.nextInt(length + 1);
                    break;
                case 8:
                    final int extra = random.nextInt(FrameDescriptor.REQUEST_MESSAGE_LENGTH_MAX - length + 1);
                    for (int i = 0; i < extra; i++)
                    {
                        message.putByte(length + i, (byte)random.nextInt(256));
                    }
                    length += extra;
                    break;
                default:
                    length = random.nextInt(FrameDescriptor.REQUEST_MESSAGE_LENGTH_MAX + 1);
                    for (int i = 0; i < length; i++)
                    {
                        message.putByte(i, (byte)random.nextInt(256));
                    }
                    break;
            }
            out.putInt(FrameDescriptor.frameLength(length)).putLong(correlationId);
            message.getBytes(0, out, out.position(), length);
            out.position(out.position() + length);
            return false;
        }

        private int encodeValid()
        {
            final long merchantId = pick(FUZZ_MERCHANT, GOOD_MERCHANT_A);
            final long terminalId = pick(FUZZ_TERMINAL, GOOD_TERMINAL_A);
            final long consumerId = random.nextInt(4) == 0 ? anyId() : FUZZ_CONSUMERS[random.nextInt(
                FUZZ_CONSUMERS.length)];
            final long id = random.nextInt(8) == 0 ? anyId() : 1 + random.nextInt(2_000);
            final long amountFen = random.nextInt(8) == 0 ? anyId() : 1 + random.nextInt(100_000);
            if (admin && random.nextBoolean())
            {
                return encodeAdmin(consumerId, id, amountFen);
            }
            switch (random.nextInt(22))
            {
                case 0: case 1: case 2: case 3:
                    return encoder.pay(message, 0, merchantId, terminalId, id, consumerId, amountFen,
                        random.nextInt(4) == 0 ? anyId() : 0);
                case 4: case 5: case 6:
                    return encoder.tryPayment(message, 0, merchantId, terminalId, id, consumerId, amountFen,
                        random.nextInt(4) == 0 ? anyId() : 1 + random.nextInt(600_000), 0);
                case 7: case 8:
                    return encoder.confirm(message, 0, merchantId, terminalId, id);
                case 9:
                    return encoder.cancel(message, 0, merchantId, terminalId, id);
                case 10:
                    return encoder.refund(message, 0, merchantId, terminalId, id, anyId(), amountFen);
                case 11:
                    return encoder.paymentStatusQuery(message, 0, merchantId, id);
                case 12:
                    return encoder.merchantStatementQuery(message, 0, merchantId);
                case 13:
                    return encoder.balanceQuery(message, 0, consumerId);
                case 14:
                    return encoder.redeemPoints(message, 0, consumerId, merchantId, id);
                case 15:
                    return encoder.topUp(message, 0, consumerId, id, amountFen);
                case 16:
                    return encoder.setBlocked(message, 0, PartyType.CONSUMER, consumerId, true);
                case 17:
                    return encoder.registerTerminal(message, 0, terminalId, merchantId);
                case 18:
                    return encoder.stateHashQuery(message, 0);
                case 19:
                    return logon();
                case 20:
                    return heartbeat();
                default:
                    return encoder.distributionStatusQuery(message, 0, merchantId, id);
            }
        }

        /**
         * An admin template with extreme values, aimed at the fuzz merchant and consumers (or new ids) so that the good
         * terminals' payments keep their outcome: no quota or terminal binding, no global risk rule or model.
         */
        private int encodeAdmin(final long consumerId, final long id, final long amountFen)
        {
            final long[] validities = {1, 86_400_000L, com.wodian.protocol.CommandCatalog.VOUCHER_VALIDITY_MS_MAX,
                com.wodian.protocol.CommandCatalog.VOUCHER_VALIDITY_MS_MAX + 1, Long.MAX_VALUE, 0, -1};
            switch (random.nextInt(10))
            {
                case 0:
                    return encoder.setMerchantRules(message, 0, FUZZ_MERCHANT, random.nextInt(120) - 10,
                        random.nextInt(12_000) - 1_000, random.nextInt(3_000), random.nextInt(3_000),
                        random.nextBoolean(), random.nextBoolean() ? com.wodian.protocol.sbe.DistributionMode.VOUCHER :
                        com.wodian.protocol.sbe.DistributionMode.WALLET_REBATE, random.nextInt(4) == 0 ? anyId() :
                        random.nextInt(200), random.nextInt(4) == 0 ? anyId() : 1 + random.nextInt(5_000),
                        validities[random.nextInt(validities.length)]);
                case 1:
                    final com.wodian.protocol.sbe.EngineSetting[] settings = {
                        com.wodian.protocol.sbe.EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT,
                        com.wodian.protocol.sbe.EngineSetting.VOUCHER_EXPIRY_SATURATES,
                        com.wodian.protocol.sbe.EngineSetting.REFUND_REISSUES_VOUCHER};
                    return encoder.setEngineSetting(message, 0, settings[random.nextInt(settings.length)],
                        random.nextInt(4) == 0 ? anyId() : random.nextInt(3));
                case 2:
                    return encoder.adjustPoints(message, 0, consumerId, id, random.nextInt(3) == 0 ? anyId() :
                        random.nextInt(20_000) - 5_000);
                case 3:
                    return encoder.distributePool(message, 0, FUZZ_MERCHANT, id, random.nextBoolean() ? 0 : amountFen);
                case 4:
                    final com.wodian.protocol.sbe.WithdrawSource source =
                        com.wodian.protocol.sbe.WithdrawSource.values()[random.nextInt(3)];
                    return encoder.withdraw(message, 0,
                        source == com.wodian.protocol.sbe.WithdrawSource.PLATFORM_FEES ? 0 : FUZZ_MERCHANT, id,
                        amountFen, source);
                case 5:
                    final int rule = 1 + random.nextInt(com.wodian.engine.Engine.RISK_RULES_CONFIGURABLE + 2);
                    return encoder.setRiskRule(message, 0, FUZZ_MERCHANT, rule,
                        random.nextBoolean() ? com.wodian.protocol.sbe.RiskMode.ENFORCE :
                        com.wodian.protocol.sbe.RiskMode.SHADOW, com.wodian.protocol.sbe.RiskAction.DECLINE, anyId(),
                        anyId(), random.nextInt(1_000));
                case 6:
                    return encoder.registerConsumer(message, 0, random.nextBoolean() ? consumerId : 5_000 + id,
                        random.nextBoolean() ? FUZZ_MERCHANT : anyId());
                case 7:
                    return encoder.registerMerchant(message, 0, 100 + random.nextInt(20), random.nextInt(120) - 10,
                        random.nextInt(12_000) - 1_000, random.nextInt(3_000), random.nextInt(3_000),
                        random.nextBoolean());
                case 8:
                    return encoder.setBlocked(message, 0, PartyType.CONSUMER, consumerId, random.nextBoolean());
                default:
                    return encoder.topUp(message, 0, consumerId, id, amountFen);
            }
        }

        private int logon()
        {
            return MessageHeaderDecoder.ENCODED_LENGTH + new com.wodian.protocol.sbe.LogonEncoder()
                .wrapAndApplyHeader(message, 0, new com.wodian.protocol.sbe.MessageHeaderEncoder())
                .role(random.nextBoolean() ? SessionRole.ADMIN : SessionRole.TERMINAL)
                .principalId(anyId())
                .encodedLength();
        }

        private int heartbeat()
        {
            return MessageHeaderDecoder.ENCODED_LENGTH + new com.wodian.protocol.sbe.HeartbeatEncoder()
                .wrapAndApplyHeader(message, 0, new com.wodian.protocol.sbe.MessageHeaderEncoder())
                .reserved(anyId())
                .encodedLength();
        }

        /** The fuzz party mostly; a good party too from a terminal (whose gateway refuses it), never from the admin. */
        private long pick(final long usual, final long other)
        {
            final int choice = random.nextInt(10);
            return choice < 7 ? usual : choice < 9 && !admin ? other : anyId();
        }

        private long anyId()
        {
            final long[] extremes = {0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE};
            return random.nextBoolean() ? extremes[random.nextInt(extremes.length)] : random.nextLong();
        }
    }
}
