package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.LogonEncoder;
import com.wodian.protocol.sbe.LogonReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.RegisterMerchantDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.SessionRole;
import com.wodian.protocol.sbe.SetBlockedDecoder;
import com.wodian.protocol.sbe.SetMerchantRulesDecoder;
import com.wodian.protocol.sbe.SetRiskRuleDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Values the schema does not define (issue 18, bugs 1 and 2): a Logon naming an undefined role gets LogonReply
 * {@code 101} and a close at once (not the logon timeout); a command with an undefined enum or boolean value gets an
 * ErrorReply {@code 101} and never reaches the journal.
 */
class UndefinedValuesTest
{
    /**
     * The refusal must come from the role check, not from the logon timeout: the server's logon limit is twice the
     * read limit, so a close seen within the read limit is the refusal's (and a timeout would send LOGON_TIMEOUT).
     */
    private static final long LOGON_TIMEOUT_MS = 2 * ServerTestSupport.TIMEOUT_MS;
    private static final int REFUSAL_WAIT_MS = (int)ServerTestSupport.TIMEOUT_MS;

    @TempDir
    Path dataDir;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
    private WodianServer server;
    private WodianClient client;

    @BeforeEach
    void launch() throws Exception
    {
        // No server Tick during the test: it would be journaled after 1 s without a command (a slow, loaded run)
        // and move the journal's last sequence that the test compares.
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).tickIntervalMs(3_600_000);
        config.gateway().logonTimeoutMs(LOGON_TIMEOUT_MS);
        server = WodianServer.launch(config);
        client = ServerTestSupport.connect(server);
        new ServerTestSupport.Requests(client).setUpParties();
    }

    @AfterEach
    void close()
    {
        client.close();
        server.close();
    }

    @Test
    void logonWithAnUndefinedRoleIsRefusedAtOnceAndClosed() throws Exception
    {
        for (final int role : new int[]{0, 4, 9, 254, 255})
        {
            try (Socket socket = new Socket(HOST, server.port()))
            {
                socket.setSoTimeout(REFUSAL_WAIT_MS);
                final int length = MessageHeaderEncoder.ENCODED_LENGTH + new LogonEncoder()
                    .wrapAndApplyHeader(message, 0, new MessageHeaderEncoder())
                    .role(SessionRole.ADMIN).principalId(1).encodedLength();
                message.putByte(MessageHeaderEncoder.ENCODED_LENGTH + LogonEncoder.roleEncodingOffset(), (byte)role);
                ServerTestSupport.writeFrame(socket, 5, message, length);

                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final UnsafeBuffer reply = ServerTestSupport.readFrame(in);
                final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(reply, 0);
                assertEquals(LogonReplyDecoder.TEMPLATE_ID, header.templateId(), "role " + role);
                final LogonReplyDecoder logonReply = new LogonReplyDecoder().wrapAndApplyHeader(reply, 0, header);
                assertEquals(ResultCode.MALFORMED_MESSAGE, logonReply.code(), "role " + role);
                assertEquals(SessionRole.NULL_VAL, logonReply.role(), "role " + role);
                assertThrows(EOFException.class, in::readByte, "closed after the refusal, role " + role);
            }
        }
    }

    @Test
    void commandsWithUndefinedEnumValuesAreRefusedBeforeTheJournal() throws Exception
    {
        final long sequenceBefore = new ServerTestSupport.Requests(client).stateHash().lastSequence();
        try (Socket socket = new Socket(HOST, server.port()))
        {
            socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
            assertEquals(ResultCode.OK, ServerTestSupport.logOn(socket, ServerTestSupport.ADMIN));
            final DataInputStream in = new DataInputStream(socket.getInputStream());

            int length = encoder.setBlocked(message, 0, PartyType.CONSUMER, ServerTestSupport.CONSUMER_ID, true);
            putBody(SetBlockedDecoder.partyTypeEncodingOffset(), 9);
            assertRefused(socket, in, 1, length, SetBlockedDecoder.TEMPLATE_ID);

            length = encoder.setBlocked(message, 0, PartyType.CONSUMER, ServerTestSupport.CONSUMER_ID, true);
            putBody(SetBlockedDecoder.blockedEncodingOffset(), 7);
            assertRefused(socket, in, 2, length, SetBlockedDecoder.TEMPLATE_ID);

            length = encoder.registerMerchant(message, 0, 77, 1, 100, 0, 0, false);
            putBody(RegisterMerchantDecoder.allianceMemberEncodingOffset(), 2);
            assertRefused(socket, in, 3, length, RegisterMerchantDecoder.TEMPLATE_ID);

            length = encoder.setMerchantRules(message, 0, ServerTestSupport.MERCHANT_ID, 1, 100, 0, 0, false,
                DistributionMode.VOUCHER, 0, 0, 0);
            putBody(SetMerchantRulesDecoder.distributionModeEncodingOffset(), 0);
            assertRefused(socket, in, 4, length, SetMerchantRulesDecoder.TEMPLATE_ID);

            length = encoder.setRiskRule(message, 0, 0, 1, RiskMode.SHADOW, RiskAction.FLAG, 1, 0, 0);
            putBody(SetRiskRuleDecoder.actionEncodingOffset(), 255);
            assertRefused(socket, in, 5, length, SetRiskRuleDecoder.TEMPLATE_ID);

            length = encoder.registerMerchant(message, 0, 78, 1, 100, 0, 0, false);
            putBody(RegisterMerchantDecoder.tradeEncodingOffset(), 99);
            assertRefused(socket, in, 6, length, RegisterMerchantDecoder.TEMPLATE_ID);

            length = encoder.setRiskModel(message, 0, com.wodian.protocol.sbe.RiskModelSlot.ACTIVE,
                com.wodian.protocol.sbe.RiskModelOp.CLEAR, 1, 0, 0, 0);
            putBody(com.wodian.protocol.sbe.SetRiskModelDecoder.opEncodingOffset(), 9);
            assertRefused(socket, in, 7, length, com.wodian.protocol.sbe.SetRiskModelDecoder.TEMPLATE_ID);
        }
        assertEquals(sequenceBefore, new ServerTestSupport.Requests(client).stateHash().lastSequence(),
            "nothing undecodable is journaled");
    }

    private void putBody(final int fieldOffset, final int value)
    {
        message.putByte(MessageHeaderEncoder.ENCODED_LENGTH + fieldOffset, (byte)value);
    }

    private void assertRefused(
        final Socket socket, final DataInputStream in, final long correlationId, final int length,
        final int templateId) throws IOException
    {
        ServerTestSupport.writeFrame(socket, correlationId, message, length);
        final UnsafeBuffer reply = ServerTestSupport.readFrame(in);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(reply, 0);
        assertEquals(ErrorReplyDecoder.TEMPLATE_ID, header.templateId(), "template " + templateId);
        final ErrorReplyDecoder error = new ErrorReplyDecoder().wrapAndApplyHeader(reply, 0, header);
        assertEquals(ResultCode.MALFORMED_MESSAGE, error.code());
        assertEquals(templateId, error.templateId());
    }
}
