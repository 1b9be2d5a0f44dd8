package com.wodian.net.server;

import com.wodian.net.auth.AdminKind;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.PrincipalLogNames;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.ErrorReplyEncoder;
import com.wodian.protocol.sbe.HeartbeatDecoder;
import com.wodian.protocol.sbe.HeartbeatReplyEncoder;
import com.wodian.protocol.sbe.LogonChallengeEncoder;
import com.wodian.protocol.sbe.LogonDecoder;
import com.wodian.protocol.sbe.LogonProofDecoder;
import com.wodian.protocol.sbe.LogonReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;

/**
 * The session layer of the gateway, run by the receiver (network) thread: logon (challenge and proof, see
 * {@link com.wodian.net.auth.LogonCrypto}), heartbeats, and the authorization of every other message by the
 * session's role and identity against {@link CommandCatalog}'s access classes. Nothing here reaches the engine or
 * the journal: session messages are answered through the input ring as gateway replies (so they keep their place
 * among the session's replies), and a message the session may not send becomes an ErrorReply.
 *
 * <p>Rules (docs/security.md):
 * <ul>
 *     <li>before logon, only Logon and then LogonProof; anything else ends the session with NOT_LOGGED_ON;</li>
 *     <li>a failed or rate-limited logon is answered and ends the session; failures are counted per principal at a
 *     source address and per source address ({@link LogonLimiter}) and logged (bounded);</li>
 *     <li>ADMIN sessions may send what their credential's {@link AdminKind} may ({@link AdminKind#may}: everything
 *     for {@code admin}, only {@link CommandCatalog#operatorMay} queries for a read-only {@code operator}, no
 *     configuration for {@code funds}, no money for {@code config}); TERMINAL sessions only
 *     {@link CommandCatalog#ACCESS_TERMINAL} messages naming their own terminal and merchant, and
 *     {@link CommandCatalog#ACCESS_MERCHANT_QUERY} queries about their own merchant; CONSUMER
 *     sessions only {@link CommandCatalog#ACCESS_CONSUMER_QUERY} queries about themselves.
 *     {@link CommandCatalog#ACCESS_MERCHANT_OR_CONSUMER_QUERY} (a consumer's vouchers) takes either check.
 *     The engine adds its own check that the terminal belongs to the merchant (TERMINAL_NOT_OF_MERCHANT).</li>
 * </ul>
 * The logon path allocates (crypto, logging, the limiter's maps); the authorization of ordinary messages does not.
 */
final class SessionGate
{
    static final byte AUTH_NONE = 0;
    static final byte AUTH_CHALLENGED = 1;
    static final byte AUTH_DONE = 2;

    /** How often the credential file's modification time is checked for a reload. */
    private static final long RELOAD_CHECK_INTERVAL_MS = 1_000;
    /** The loopback ranges: an admin logon from the server's own machine needs no certificate (B7). */
    private static final AddressRanges LOOPBACK =
        AddressRanges.parse(GatewayConfig.Configuration.ADMIN_ADDRESSES_DEFAULT);

    private final GatewayConfig config;
    private final InputPublisher publisher;
    private final boolean authRequired;
    /** Client certificates are asked for and an admin from another machine must present one (security review B7). */
    private final boolean adminCertificateRequired;
    private final Path credentialsFile;
    private final LogonLimiter limiter;
    private final SecureRandom random = new SecureRandom();
    private final UnsafeBuffer replyBuffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final LogonDecoder logonDecoder = new LogonDecoder();
    private final LogonProofDecoder proofDecoder = new LogonProofDecoder();
    private final HeartbeatDecoder heartbeatDecoder = new HeartbeatDecoder();
    private final LogonChallengeEncoder challengeEncoder = new LogonChallengeEncoder();
    private final LogonReplyEncoder logonReplyEncoder = new LogonReplyEncoder();
    private final HeartbeatReplyEncoder heartbeatReplyEncoder = new HeartbeatReplyEncoder();
    private final ErrorReplyEncoder errorReplyEncoder = new ErrorReplyEncoder();
    private final byte[] proof = new byte[com.wodian.net.auth.LogonCrypto.KEY_LENGTH];
    /**
     * Replaced by the metrics thread when the file changed ({@link #reloadIfChanged}); read by the network thread at
     * each logon. Volatile: the new store is published whole.
     */
    private volatile CredentialStore store;
    /** Set once before the receiver starts: the per-identity cap, told of each logon, and command budget. */
    private PrincipalSessions principals;
    private CommandBudgets budgets;
    /** Set by {@link #onMessage} when the session must end after the reply it published. */
    boolean endsSession;
    private FileTime credentialsModified;
    /** The modification time of the last refused reload, so that its ERROR is logged once. */
    private FileTime failedModified;
    private boolean reloadFailureLogged;
    private long nextReloadCheckMs;
    /** Statistics written only by the network thread; volatile so that other threads may read them. */
    private volatile long logonCount;
    private volatile long failedLogonCount;

    SessionGate(final ServerConfig serverConfig, final InputPublisher publisher) throws IOException
    {
        this.config = serverConfig.gateway();
        this.publisher = publisher;
        this.authRequired = GatewayConfig.AuthMode.REQUIRED == config.authMode();
        this.adminCertificateRequired = config.adminCertificateRequired() && null != serverConfig.tls() &&
            com.wodian.net.tls.TlsSettings.ClientAuth.NONE != serverConfig.tls().clientAuth();
        this.limiter = new LogonLimiter(config.principalFailuresMax(), config.addressFailuresMax(),
            config.failureWindowMs(), GatewayConfig.Configuration.LIMITER_ENTRIES_MAX);
        if (!authRequired)
        {
            credentialsFile = null;
            store = new CredentialStore();
            WodianServer.LOG.log(System.Logger.Level.WARNING, "AUTHENTICATION DISABLED: every connection acts as " +
                "an admin. Loopback experiments only (docs/security.md).");
        }
        else if (null != config.credentialStore())
        {
            credentialsFile = null;
            store = config.credentialStore();
        }
        else
        {
            credentialsFile = requireCredentialsFile(serverConfig);
            credentialsModified = Files.getLastModifiedTime(credentialsFile);
            store = CredentialStore.load(credentialsFile);
            WodianServer.LOG.log(System.Logger.Level.INFO, "loaded {0} credentials from {1}", store.size(),
                credentialsFile);
            warnOfLoadTestIdentities(store, credentialsFile);
        }
    }

    /**
     * A credential file with {@code loadtest} identities is a load test's (review R22): said at every load, so that
     * one copied onto a production server shows in its log.
     */
    private static void warnOfLoadTestIdentities(final CredentialStore credentials, final Path file)
    {
        final java.util.List<Long> ids = credentials.adminIds(AdminKind.LOADTEST);
        if (!ids.isEmpty())
        {
            WodianServer.LOG.log(System.Logger.Level.WARNING, "{0} lists load-test admins {1}: their payments and " +
                "refunds are not in the admin audit trail; a production server should have none (docs/security.md, " +
                "\"Admin kinds\")", file, ids);
        }
    }

    /**
     * The credential file a server that requires logons reads, checked to exist.
     *
     * @return the file, or null when the server needs none (authentication disabled, or a store given in code).
     * @throws IOException naming the missing file and how to create it.
     */
    static Path requireCredentialsFile(final ServerConfig serverConfig) throws IOException
    {
        final GatewayConfig gateway = serverConfig.gateway();
        if (GatewayConfig.AuthMode.REQUIRED != gateway.authMode() || null != gateway.credentialStore())
        {
            return null;
        }
        final Path file = null != gateway.credentialsFile() ? gateway.credentialsFile() :
            serverConfig.dataDir().resolve(GatewayConfig.Configuration.CREDENTIALS_FILE_NAME_DEFAULT);
        if (!Files.exists(file))
        {
            throw new IOException("authentication is required but there is no credential file " + file +
                " (create one with 'wodian credentials', or see docs/security.md)");
        }
        return file;
    }

    /** Before the receiver starts: the per-identity session cap and command budget (docs/security.md). */
    void limits(final PrincipalSessions principals, final CommandBudgets budgets)
    {
        this.principals = principals;
        this.budgets = budgets;
    }

    /** True when sessions log on; false when authentication is disabled (every session an admin). */
    boolean authRequired()
    {
        return authRequired;
    }

    /** The credentials in effect (a reload replaces them). */
    CredentialStore credentials()
    {
        return store;
    }

    /** Receiver: prepares a newly accepted session. */
    void onOpen(final Session session, final String remoteAddress, final long nowMs)
    {
        session.remoteAddress = remoteAddress;
        session.openedAtMs = nowMs;
        session.lastFrameAtMs = nowMs;
        if (!authRequired)
        {
            session.authState = AUTH_DONE;
            session.role = SessionRole.ADMIN.value();
            session.adminKind = AdminKind.ADMIN;
        }
    }

    /**
     * The session's timeout, if it has passed: LOGON_TIMEOUT before logon, IDLE_TIMEOUT after; else null.
     */
    ResultCode expired(final Session session, final long nowMs)
    {
        if (AUTH_DONE != session.authState)
        {
            return nowMs - session.openedAtMs >= config.logonTimeoutMs() ? ResultCode.LOGON_TIMEOUT : null;
        }
        return nowMs - session.lastFrameAtMs >= config.idleTimeoutMs() ? ResultCode.IDLE_TIMEOUT : null;
    }

    /**
     * Reloads the credential file when it changed (rotation, new terminals); keeps the old one if it is broken. Called
     * by one thread, the metrics thread ({@link FileReloads}), never the network thread: a file read and parse there
     * would stall every request in flight (in SHARED the network thread is also the engine's).
     */
    void reloadIfChanged(final long nowMs)
    {
        if (null == credentialsFile || nowMs < nextReloadCheckMs)
        {
            return;
        }
        nextReloadCheckMs = nowMs + RELOAD_CHECK_INTERVAL_MS;
        FileTime modified = null;
        try
        {
            modified = Files.getLastModifiedTime(credentialsFile);
            if (!modified.equals(credentialsModified))
            {
                store = CredentialStore.load(credentialsFile);
                credentialsModified = modified;
                reloadFailureLogged = false;
                WodianServer.LOG.log(System.Logger.Level.INFO, "reloaded {0} credentials from {1}", store.size(),
                    credentialsFile);
                warnOfLoadTestIdentities(store, credentialsFile);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Tried again every second (a chmod that fixes a refused mode changes no modification time), logged once
            // per change of the file, not every second.
            if (!reloadFailureLogged || !java.util.Objects.equals(modified, failedModified))
            {
                reloadFailureLogged = true;
                failedModified = modified;
                WodianServer.LOG.log(System.Logger.Level.ERROR, "credential file " + credentialsFile +
                    " could not be reloaded; keeping the previous one (tried again every second)", ex);
            }
        }
    }

    /**
     * Handles a message that passed {@link CommandCatalog#checkInbound}. Publishes at most one input (a gateway
     * reply), so the caller checks the ring's capacity once before calling.
     *
     * @return true when the caller should publish the message to the ring; false when the gateway has answered it,
     * in which case {@link #endsSession} tells whether the session must end after that answer.
     */
    boolean onMessage(
        final Session session, final long correlationId, final DirectBuffer buffer, final int offset,
        final int length, final long nowMs)
    {
        session.lastFrameAtMs = nowMs;
        final int templateId = CommandCatalog.templateId(buffer, offset);
        endsSession = false;
        if (CommandCatalog.isSession(templateId))
        {
            onSessionMessage(session, correlationId, buffer, offset, templateId, nowMs);
            return false;
        }
        if (AUTH_DONE != session.authState)
        {
            session.rejectedFrameCount++;
            publishError(session, correlationId, ResultCode.NOT_LOGGED_ON, templateId);
            endsSession = true;
            return false;
        }
        final ResultCode refusal = authorize(session, buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH,
            templateId);
        if (null != refusal)
        {
            session.rejectedFrameCount++;
            publishError(session, correlationId, refusal, templateId);
            return false;
        }
        if (null != budgets && !budgets.tryTake(session, nowMs))
        {
            // The identity's command budget is spent: answered here, never journaled (security review B12).
            session.rejectedFrameCount++;
            publishError(session, correlationId, ResultCode.SERVER_BUSY, templateId);
            return false;
        }
        return true;
    }


    /** The refusal of a message by the session's role and identity, or null when it is allowed. */
    static ResultCode authorize(final Session session, final DirectBuffer buffer, final int bodyOffset,
        final int templateId)
    {
        final int role = session.role;
        if (SessionRole.ADMIN.value() == role)
        {
            // What the admin id's kind may send (docs/security.md, "Admin kinds"): a read-only operator its queries
            // (security review B9), a funds admin no configuration, a configuration admin no money. An admin session
            // without a kind never logged on: refused, never taken for a full admin.
            final AdminKind kind = session.adminKind;
            return null == kind || !kind.may(templateId) ? ResultCode.ADMIN_ROLE_REQUIRED : null;
        }
        final byte access = CommandCatalog.accessClass(templateId);
        if (CommandCatalog.ACCESS_ADMIN == access)
        {
            return ResultCode.ADMIN_ROLE_REQUIRED;
        }
        if (SessionRole.TERMINAL.value() == role)
        {
            if (CommandCatalog.ACCESS_TERMINAL == access)
            {
                final int terminalOffset = CommandCatalog.terminalIdOffset(templateId);
                if (CommandCatalog.NO_FIELD != terminalOffset &&
                    buffer.getLong(bodyOffset + terminalOffset, ByteOrder.LITTLE_ENDIAN) != session.principalId)
                {
                    return ResultCode.TERMINAL_MISMATCH;
                }
                return merchantCheck(session, buffer, bodyOffset, templateId);
            }
            if (CommandCatalog.ACCESS_MERCHANT_QUERY == access ||
                CommandCatalog.ACCESS_MERCHANT_OR_CONSUMER_QUERY == access)
            {
                return merchantCheck(session, buffer, bodyOffset, templateId);
            }
            return ResultCode.NOT_PERMITTED_FOR_ROLE;
        }
        if (SessionRole.CONSUMER.value() == role && (CommandCatalog.ACCESS_CONSUMER_QUERY == access ||
            CommandCatalog.ACCESS_MERCHANT_OR_CONSUMER_QUERY == access))
        {
            final int consumerOffset = CommandCatalog.consumerIdOffset(templateId);
            return CommandCatalog.NO_FIELD != consumerOffset &&
                buffer.getLong(bodyOffset + consumerOffset, ByteOrder.LITTLE_ENDIAN) == session.principalId ?
                null : ResultCode.CONSUMER_MISMATCH;
        }
        return ResultCode.NOT_PERMITTED_FOR_ROLE;
    }

    private static ResultCode merchantCheck(
        final Session session, final DirectBuffer buffer, final int bodyOffset, final int templateId)
    {
        final int merchantOffset = CommandCatalog.merchantIdOffset(templateId);
        if (CommandCatalog.NO_FIELD == merchantOffset ||
            buffer.getLong(bodyOffset + merchantOffset, ByteOrder.LITTLE_ENDIAN) != session.merchantId)
        {
            return ResultCode.MERCHANT_MISMATCH;
        }
        return null;
    }

    private void onSessionMessage(
        final Session session, final long correlationId, final DirectBuffer buffer, final int offset,
        final int templateId, final long nowMs)
    {
        headerDecoder.wrap(buffer, offset);
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        switch (templateId)
        {
            case LogonDecoder.TEMPLATE_ID:
                logonDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onLogon(session, correlationId, nowMs);
                break;

            case LogonProofDecoder.TEMPLATE_ID:
                proofDecoder.wrap(buffer, bodyOffset, blockLength, version);
                proofDecoder.getProof(proof, 0, proof.length);
                onProof(session, correlationId, nowMs);
                break;

            case HeartbeatDecoder.TEMPLATE_ID:
                heartbeatDecoder.wrap(buffer, bodyOffset, blockLength, version);
                if (AUTH_DONE != session.authState)
                {
                    publishError(session, correlationId, ResultCode.NOT_LOGGED_ON, templateId);
                    endsSession = true;
                    return;
                }
                heartbeatReplyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
                    .code(ResultCode.OK)
                    .reserved(heartbeatDecoder.reserved());
                publish(session, correlationId, heartbeatReplyEncoder.encodedLength());
                break;

            default:
                throw new IllegalStateException("session template not handled: " + templateId);
        }
    }

    private void onLogon(final Session session, final long correlationId, final long nowMs)
    {
        if (AUTH_DONE == session.authState)
        {
            // Logged on already (or auth disabled): refuse, keep the session.
            session.rejectedFrameCount++;
            publishLogonReply(session, correlationId, ResultCode.ALREADY_LOGGED_ON);
            return;
        }
        if (AUTH_CHALLENGED == session.authState)
        {
            refuseLogon(session, correlationId, ResultCode.LOGON_OUT_OF_SEQUENCE);
            return;
        }
        // The raw value: the generated role() throws for a value the schema does not define (0, 4..254), and an
        // exception here would leave the session waiting for its logon timeout instead of the documented refusal.
        final short roleRaw = logonDecoder.roleRaw();
        final long principalId = logonDecoder.principalId();
        if (!CommandCatalog.isDefinedRole(roleRaw))
        {
            refuseLogon(session, correlationId, ResultCode.MALFORMED_MESSAGE);
            return;
        }
        if (0 != session.certificateRole &&
            (session.certificateRole != roleRaw || session.certificatePrincipalId != principalId))
        {
            // The TLS client certificate names another identity: the same code as a wrong proof (a scanner learns
            // nothing more), the reason in the log for the operator.
            WodianServer.LOG.log(System.Logger.Level.WARNING,
                "logon refused: the client certificate names role {0} id {1}, the logon claims role {2} id {3} ({4})",
                session.certificateRole, PrincipalLogNames.id(session.certificateRole, session.certificatePrincipalId),
                roleRaw, PrincipalLogNames.id(roleRaw, principalId), session.remoteAddress);
            refuseLogon(session, correlationId, ResultCode.AUTHENTICATION_FAILED);
            return;
        }
        session.role = roleRaw;
        session.principalId = principalId;
        final String principalKey = LogonLimiter.principalKey(session.role, principalId);
        if (limiter.isLimited(principalKey, session.remoteAddress, nowMs))
        {
            refuseLogon(session, correlationId, ResultCode.LOGON_RATE_LIMITED);
            return;
        }
        final String adminRefusal = SessionRole.ADMIN.value() == roleRaw ? adminLogonRefusal(config.adminAddresses(),
            adminCertificateRequired, session.remoteAddress, session.certificateRole) : null;
        if (null != adminRefusal)
        {
            // Admin logons only from the operators' network, with a certificate where certificates are asked for
            // (security review item 16, B7): the same code as a wrong proof, counted as a failure (so a scanner is
            // throttled as for one), the reason in the log.
            failedLogonCount = failedLogonCount + 1;
            if (limiter.onFailure(principalKey, session.remoteAddress, nowMs))
            {
                WodianServer.LOG.log(System.Logger.Level.WARNING, "admin logon refused: {0}", adminRefusal);
            }
            refuseLogon(session, correlationId, ResultCode.AUTHENTICATION_FAILED);
            return;
        }
        // A challenge whether or not the principal exists, so that a logon does not reveal which ids are valid.
        random.nextBytes(session.challenge);
        session.authState = AUTH_CHALLENGED;
        challengeEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .code(ResultCode.OK)
            .putChallenge(session.challenge, 0, session.challenge.length);
        publish(session, correlationId, challengeEncoder.encodedLength());
    }

    /**
     * Why an admin logon from {@code remoteAddress} is refused before its proof is checked, or null when it may go on:
     * outside the admin addresses ({@code --admin-from}; null ranges: anywhere), or, when client certificates are
     * asked for and {@code certificateRequired}, from an address that is not loopback without an {@code admin:<id>}
     * certificate (security review B7). A certificate naming another identity is refused before this.
     */
    static String adminLogonRefusal(final AddressRanges adminAddresses, final boolean certificateRequired,
        final String remoteAddress, final int certificateRole)
    {
        if (null != adminAddresses && !adminAddresses.contains(remoteAddress))
        {
            return remoteAddress + " is not in the admin addresses (" + adminAddresses + "; --admin-from, " +
                "docs/security.md \"Admin logons\")";
        }
        if (certificateRequired && SessionRole.ADMIN.value() != certificateRole &&
            !LOOPBACK.contains(remoteAddress))
        {
            return remoteAddress + " presented no admin certificate, which client certificates require of an admin " +
                "logon from another machine (docs/security.md \"Admin logons\")";
        }
        return null;
    }

    /**
     * Why a logon with the right proof is refused all the same, or null: a {@code loadtest} admin (whose payments are
     * not audited; docs/security.md, "Admin kinds") logs on only from the server's own machine, where the load tools
     * run, whatever {@code --admin-from} allows: a load-test credential copied to a production server is no way to pay
     * unaudited from the operators' network. The same code as a wrong proof, the reason in the log.
     */
    static String loadTestLogonRefusal(final AdminKind kind, final String remoteAddress)
    {
        return AdminKind.LOADTEST == kind && !LOOPBACK.contains(remoteAddress) ? "is a load-test admin, which logs " +
            "on only from the server's own machine, not from " + remoteAddress + " (docs/security.md, \"Admin " +
            "kinds\")" : null;
    }

    private void onProof(final Session session, final long correlationId, final long nowMs)
    {
        if (AUTH_CHALLENGED != session.authState)
        {
            if (AUTH_DONE == session.authState)
            {
                session.rejectedFrameCount++;
                publishLogonReply(session, correlationId, ResultCode.ALREADY_LOGGED_ON);
                return;
            }
            refuseLogon(session, correlationId, ResultCode.LOGON_OUT_OF_SEQUENCE);
            return;
        }
        final SessionRole role = SessionRole.get((short)session.role);
        final String principalKey = LogonLimiter.principalKey(session.role, session.principalId);
        final CredentialStore credentials = store; // one store for the whole logon, whatever a reload does
        final byte[] storedKey = credentials.verifiedStoredKey(role, session.principalId, session.challenge, proof,
            nowMs);
        if (null != storedKey)
        {
            System.arraycopy(storedKey, 0, session.storedKey, 0, session.storedKey.length);
            final CredentialStore.Entry entry = credentials.find(role, session.principalId);
            final String loadTestRefusal = loadTestLogonRefusal(entry.kind(), session.remoteAddress);
            if (null != loadTestRefusal)
            {
                WodianServer.LOG.log(System.Logger.Level.WARNING, "admin logon refused: admin {0} {1}",
                    PrincipalLogNames.id(session.role, session.principalId), loadTestRefusal);
                refuseLogon(session, correlationId, ResultCode.AUTHENTICATION_FAILED);
                return;
            }
            session.merchantId = entry.merchantId();
            session.adminKind = entry.kind();
            session.authState = AUTH_DONE;
            limiter.onSuccess(principalKey, session.remoteAddress);
            logonCount = logonCount + 1;
            publishLogonReply(session, correlationId, ResultCode.OK);
            WodianServer.LOG.log(AdminKind.LOADTEST == session.adminKind ? System.Logger.Level.WARNING :
                System.Logger.Level.DEBUG, "logon {0} {1} from {2}{3}", null != session.adminKind ?
                session.adminKind.auditName() : role, PrincipalLogNames.id(session.role, session.principalId),
                session.remoteAddress, AdminKind.LOADTEST == session.adminKind ? ": a load-test credential, whose " +
                "payments are not in the admin audit trail (docs/security.md, \"Admin kinds\")" : "");
            if (null != principals)
            {
                budgets.attach(session, nowMs);
                principals.onLogon(session, entry.validUntilMs(session.storedKey), nowMs);
            }
            return;
        }
        failedLogonCount = failedLogonCount + 1;
        if (limiter.onFailure(principalKey, session.remoteAddress, nowMs))
        {
            // A consumer's id is its card number: masked (security review item 17).
            WodianServer.LOG.log(System.Logger.Level.WARNING, "failed logon: {0} {1} from {2}", role,
                PrincipalLogNames.id(session.role, session.principalId), session.remoteAddress);
        }
        refuseLogon(session, correlationId, ResultCode.AUTHENTICATION_FAILED);
    }

    private void refuseLogon(final Session session, final long correlationId, final ResultCode code)
    {
        session.rejectedFrameCount++;
        publishLogonReply(session, correlationId, code);
        endsSession = true;
    }

    private void publishLogonReply(final Session session, final long correlationId, final ResultCode code)
    {
        final SessionRole role = ResultCode.OK == code || ResultCode.ALREADY_LOGGED_ON == code ?
            SessionRole.get((short)session.role) : SessionRole.NULL_VAL;
        logonReplyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .code(code)
            .role(role)
            .principalId(SessionRole.NULL_VAL == role ? 0 : session.principalId)
            .merchantId(SessionRole.NULL_VAL == role ? 0 : session.merchantId)
            .heartbeatIntervalMs(config.heartbeatIntervalMs())
            .idleTimeoutMs(config.idleTimeoutMs());
        publish(session, correlationId, logonReplyEncoder.encodedLength());
    }

    private void publishError(
        final Session session, final long correlationId, final ResultCode code, final int templateId)
    {
        final int length = com.wodian.protocol.ErrorReplies.encode(errorReplyEncoder, headerEncoder, replyBuffer, 0,
            code, templateId);
        publisher.publishGatewayReply(session.sessionId, correlationId, replyBuffer, 0, length);
    }

    private void publish(final Session session, final long correlationId, final int bodyLength)
    {
        publisher.publishGatewayReply(session.sessionId, correlationId, replyBuffer, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }

    long logonCount()
    {
        return logonCount;
    }

    long failedLogonCount()
    {
        return failedLogonCount;
    }

}
