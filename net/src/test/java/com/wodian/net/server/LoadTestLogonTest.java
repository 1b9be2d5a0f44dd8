package com.wodian.net.server;

import com.wodian.net.auth.AdminKind;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.pipeline.InputEvent;
import com.lmax.disruptor.RingBuffer;
import com.wodian.protocol.sbe.LogonChallengeDecoder;
import com.wodian.protocol.sbe.LogonEncoder;
import com.wodian.protocol.sbe.LogonProofEncoder;
import com.wodian.protocol.sbe.LogonReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Review R24: a {@code loadtest} admin (its payments are not audited; docs/security.md, "Admin kinds") logs on only
 * from the server's own machine, whatever the admin addresses allow, and the rule is checked where it acts: the
 * gateway's logon, driven with the right proof from an address that is not loopback (a test cannot connect from one,
 * so the session is opened with that address, as the receiver does). An ordinary admin from the same address, and the
 * load-test admin from loopback, log on; with the rule removed from the logon, the first assertion fails.
 */
class LoadTestLogonTest
{
    private static final Credentials LOAD_TEST = Credentials.admin(1, ServerTestSupport.secret(1));
    private static final Credentials ADMIN = Credentials.admin(2, ServerTestSupport.secret(2));
    private static final String REMOTE = "203.0.113.9";

    @TempDir
    Path dataDir;

    private final RingBuffer<InputEvent> ring = RingBuffer.createSingleProducer(InputEvent::newInstance, 64);
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[128]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private int slot;

    @Test
    void aLoadTestAdminWithTheRightProofIsRefusedOffLoopback() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        // Admin logons from anywhere (--admin-from any): only the load-test rule can refuse the remote logon.
        config.gateway().adminAddresses(null).credentialStore(new CredentialStore()
            .addAdmin(LOAD_TEST, AdminKind.LOADTEST).add(ADMIN, 0));
        try (ServerCounters counters = ServerCounters.create(dataDir, 0))
        {
            final SessionGate gate = new SessionGate(config, new InputPublisher(ring, () -> 1_000L, counters));
            assertEquals(ResultCode.AUTHENTICATION_FAILED, logOn(gate, LOAD_TEST, REMOTE), "load-test admin, remote");
            assertEquals(ResultCode.OK, logOn(gate, ADMIN, REMOTE), "an ordinary admin from the same address");
            assertEquals(ResultCode.OK, logOn(gate, LOAD_TEST, "127.0.0.1"), "load-test admin, loopback");
        }
    }

    /** Logon and proof through the gateway on a new session from {@code address}; the LogonReply's code. */
    private ResultCode logOn(final SessionGate gate, final Credentials credentials, final String address)
    {
        final Session session = new Session(++slot, 64, 64);
        session.sessionId = slot;
        gate.onOpen(session, address, 1_000);
        int length = MessageHeaderEncoder.ENCODED_LENGTH + new LogonEncoder().wrapAndApplyHeader(message, 0,
            headerEncoder).role(credentials.role()).principalId(credentials.principalId()).encodedLength();
        gate.onMessage(session, 1, message, 0, length, 1_000);
        InputEvent reply = ring.get(ring.getCursor());
        header.wrap(reply.buffer, 0);
        assertEquals(LogonChallengeDecoder.TEMPLATE_ID, header.templateId(), "a challenge");
        final byte[] challenge = new byte[32];
        new LogonChallengeDecoder().wrapAndApplyHeader(reply.buffer, 0, header).getChallenge(challenge, 0, 32);
        length = MessageHeaderEncoder.ENCODED_LENGTH + new LogonProofEncoder().wrapAndApplyHeader(message, 0,
            headerEncoder).putProof(credentials.proof(challenge), 0, 32).encodedLength();
        gate.onMessage(session, 2, message, 0, length, 1_000);
        reply = ring.get(ring.getCursor());
        header.wrap(reply.buffer, 0);
        assertEquals(LogonReplyDecoder.TEMPLATE_ID, header.templateId(), "a logon reply");
        return new LogonReplyDecoder().wrapAndApplyHeader(reply.buffer, 0, header).code();
    }
}
