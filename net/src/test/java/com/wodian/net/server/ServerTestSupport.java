package com.wodian.net.server;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.AckDecoder;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.testing.TestClients;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Shared set-up of the net tests: a small server on an ephemeral loopback port, and blocking request helpers that
 * decode the replies.
 */
final class ServerTestSupport
{
    /** Every wait for a reply or a state; polls return as soon as it holds (a loaded 2-vCPU CI machine needs the room). */
    static final long TIMEOUT_MS = TestClients.TIMEOUT_MS;
    static final String HOST = "127.0.0.1";

    static final long MERCHANT_ID = 1;
    static final long TERMINAL_ID = 11;
    static final long CONSUMER_ID = 1001;

    /** Fixed test identities (secrets are not secret here): the operator, terminal 11 of merchant 1. */
    static final Credentials ADMIN = Credentials.admin(1, secret(1));
    static final Credentials TERMINAL = Credentials.terminal(TERMINAL_ID, secret(2));

    private ServerTestSupport()
    {
    }

    static byte[] secret(final int seed)
    {
        final byte[] secret = new byte[32];
        Arrays.fill(secret, (byte)seed);
        return secret;
    }

    /** The credentials every test server knows. */
    static CredentialStore credentialStore()
    {
        return new CredentialStore().add(ADMIN, 0).add(TERMINAL, MERCHANT_ID);
    }

    /** A logged-on admin client of a test server. */
    static WodianClient connect(final WodianServer server) throws IOException
    {
        return connect(server, ADMIN);
    }

    /** A client of a test server logged on with {@code credentials} (a refused logon throws). */
    static WodianClient connect(final WodianServer server, final Credentials credentials) throws IOException
    {
        return WodianClient.connect(clientConfig(server.port(), credentials));
    }

    /** A test client's configuration (the limits of {@link TestClients}). */
    static com.wodian.net.client.ClientConfig clientConfig(final int port, final Credentials credentials)
    {
        return TestClients.config(HOST, port, credentials);
    }

    /**
     * Logs a raw socket on (blocking): Logon, LogonChallenge, LogonProof, LogonReply, with correlation ids 0 and 0.
     *
     * @return the LogonReply's code.
     */
    static ResultCode logOn(final java.net.Socket socket, final Credentials credentials) throws IOException
    {
        final java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        final UnsafeBuffer message = new UnsafeBuffer(new byte[128]);
        final com.wodian.protocol.sbe.MessageHeaderEncoder headerEncoder =
            new com.wodian.protocol.sbe.MessageHeaderEncoder();
        int length = 8 + new com.wodian.protocol.sbe.LogonEncoder().wrapAndApplyHeader(message, 0, headerEncoder)
            .role(credentials.role()).principalId(credentials.principalId()).encodedLength();
        writeFrame(socket, 0, message, length);
        UnsafeBuffer reply = readFrame(in);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(reply, 0);
        if (com.wodian.protocol.sbe.LogonChallengeDecoder.TEMPLATE_ID != header.templateId())
        {
            return new com.wodian.protocol.sbe.LogonReplyDecoder().wrapAndApplyHeader(reply, 0, header).code();
        }
        final byte[] challenge = new byte[32];
        new com.wodian.protocol.sbe.LogonChallengeDecoder().wrapAndApplyHeader(reply, 0, header)
            .getChallenge(challenge, 0, 32);
        final byte[] proof = credentials.proof(challenge);
        length = 8 + new com.wodian.protocol.sbe.LogonProofEncoder().wrapAndApplyHeader(message, 0, headerEncoder)
            .putProof(proof, 0, 32).encodedLength();
        writeFrame(socket, 0, message, length);
        reply = readFrame(in);
        return new com.wodian.protocol.sbe.LogonReplyDecoder().wrapAndApplyHeader(reply, 0,
            new MessageHeaderDecoder()).code();
    }

    static void writeFrame(final java.net.Socket socket, final long correlationId, final UnsafeBuffer message,
        final int length) throws IOException
    {
        final java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(12 + length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        frame.putInt(8 + length).putLong(correlationId).put(message.byteArray(), 0, length);
        socket.getOutputStream().write(frame.array());
    }

    /** Reads one reply frame, returning its message. */
    static UnsafeBuffer readFrame(final java.io.DataInputStream in) throws IOException
    {
        final int frameLength = Integer.reverseBytes(in.readInt());
        in.readLong();
        final byte[] message = new byte[frameLength - 8];
        in.readFully(message);
        return new UnsafeBuffer(message);
    }

    /** A server config for tests: loopback, ephemeral port, small engine, the given threading mode. */
    static ServerConfig config(final Path dataDir, final ThreadingMode mode)
    {
        final ServerConfig config = newConfig(dataDir, mode);
        config.gateway().credentialStore(credentialStore());
        return config;
    }

    private static ServerConfig newConfig(final Path dataDir, final ThreadingMode mode)
    {
        final ServerConfig config = new ServerConfig()
            .dataDir(dataDir)
            .host(HOST)
            .port(0)
            .threadingMode(mode)
            .durabilityPolicy(DurabilityPolicy.SYNC)
            .engineConfig(EngineConfig.small())
            .inputRingSize(1024)
            .outputRingSize(1024)
            .sessionsMax(64)
            .shutdownTimeoutMs(5_000)
            // No idle Tick: one journals an input after a second without commands, which moves the sequences and
            // state hashes tests compare (TickTest sets its own interval).
            .tickIntervalMs(3_600_000);
        // The server's 5-s default logon limit is below a stall of a loaded test machine; tests of the limit set
        // their own.
        config.gateway().logonTimeoutMs(TIMEOUT_MS);
        return config;
    }

    /** Blocking requests over one client, each reply decoded with the generated SBE decoders. */
    static final class Requests
    {
        private final WodianClient client;
        private final CommandEncoder encoder = new CommandEncoder();
        private final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final AckDecoder ack = new AckDecoder();
        final PaymentReplyDecoder payment = new PaymentReplyDecoder();
        final BalanceReplyDecoder balance = new BalanceReplyDecoder();
        final StateHashReplyDecoder stateHash = new StateHashReplyDecoder();

        Requests(final WodianClient client)
        {
            this.client = client;
        }

        UnsafeBuffer call(final int length) throws Exception
        {
            return new UnsafeBuffer(client.call(request, 0, length, TIMEOUT_MS));
        }

        ResultCode registerMerchant(final long merchantId) throws Exception
        {
            return ack(call(encoder.registerMerchant(request, 0, merchantId, 1, 100, 0, 0, false)));
        }

        ResultCode registerConsumer(final long consumerId) throws Exception
        {
            return ack(call(encoder.registerConsumer(request, 0, consumerId, 0)));
        }

        ResultCode registerTerminal(final long terminalId, final long merchantId) throws Exception
        {
            return ack(call(encoder.registerTerminal(request, 0, terminalId, merchantId)));
        }

        ResultCode topUp(final long consumerId, final long externalRef, final long amountFen) throws Exception
        {
            return ack(call(encoder.topUp(request, 0, consumerId, externalRef, amountFen)));
        }

        PaymentReplyDecoder pay(final long paymentId, final long amountFen) throws Exception
        {
            final UnsafeBuffer reply = call(
                encoder.pay(request, 0, MERCHANT_ID, TERMINAL_ID, paymentId, CONSUMER_ID, amountFen));
            assertEquals(PaymentReplyDecoder.TEMPLATE_ID, templateId(reply));
            return payment.wrapAndApplyHeader(reply, 0, header);
        }

        BalanceReplyDecoder balance(final long consumerId) throws Exception
        {
            final UnsafeBuffer reply = call(encoder.balanceQuery(request, 0, consumerId));
            assertEquals(BalanceReplyDecoder.TEMPLATE_ID, templateId(reply));
            return balance.wrapAndApplyHeader(reply, 0, header);
        }

        StateHashReplyDecoder stateHash() throws Exception
        {
            final UnsafeBuffer reply = call(encoder.stateHashQuery(request, 0));
            assertEquals(StateHashReplyDecoder.TEMPLATE_ID, templateId(reply));
            return stateHash.wrapAndApplyHeader(reply, 0, header);
        }

        /** Merchant 1 with terminal 11, consumer 1001 with a top-up of 1 000 yuan. */
        void setUpParties() throws Exception
        {
            assertEquals(ResultCode.OK, registerMerchant(MERCHANT_ID));
            assertEquals(ResultCode.OK, registerConsumer(CONSUMER_ID));
            assertEquals(ResultCode.OK, registerTerminal(TERMINAL_ID, MERCHANT_ID));
            assertEquals(ResultCode.OK, topUp(CONSUMER_ID, 1, 100_000));
        }

        private ResultCode ack(final UnsafeBuffer reply)
        {
            assertEquals(AckDecoder.TEMPLATE_ID, templateId(reply));
            return ack.wrapAndApplyHeader(reply, 0, header).code();
        }

        private int templateId(final UnsafeBuffer reply)
        {
            return header.wrap(reply, 0).templateId();
        }
    }
}
