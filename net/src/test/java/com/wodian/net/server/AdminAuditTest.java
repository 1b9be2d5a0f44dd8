package com.wodian.net.server;

import com.wodian.net.auth.AdminKind;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.ErrorReplies;
import com.wodian.protocol.sbe.AckEncoder;
import com.wodian.protocol.sbe.ErrorReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import com.wodian.protocol.sbe.TopUpDecoder;
import com.wodian.protocol.sbe.WithdrawDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin audit trail (security review B6): an admin's command, its payments included (review R22), is recorded with
 * its principal, role, source address, fields and its reply's result; a terminal's traffic and an admin's queries are
 * not; the card number is masked; the
 * file is bounded and a full queue drops records with a count, never waits.
 */
class AdminAuditTest
{
    private static final long CARD = 6_222_020_200_112_233L;
    /** The tests' bound on the writer's finishing at close (review R29: the server's 5 s is below the 30-s floor). */
    private static final long WRITER_JOIN_MS = 30_000;

    @TempDir
    Path dataDir;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[256]);

    @Test
    void anAdminsCommandIsRecordedWithItsResultAndNothingElseIs() throws Exception
    {
        final AdminAuditFile file = new AdminAuditFile(dataDir, 1 << 20, 64, null).start();
        final AdminAudit audit = new AdminAudit(file);
        final Session admin = session(1, SessionRole.ADMIN, 3, "10.0.0.7");
        final Session operator = session(2, SessionRole.ADMIN, 4, "10.0.0.8");
        operator.adminKind = AdminKind.OPERATOR;
        final Session terminal = session(3, SessionRole.TERMINAL, 11, "10.0.0.9");

        audit.onCommand(admin, 41, request, 0, encoder.topUp(request, 0, CARD, 901, 100_000), 1_000);
        audit.onCommand(admin, 42, request, 0, encoder.balanceQuery(request, 0, CARD), 1_000);   // a query
        audit.onCommand(terminal, 43, request, 0, encoder.pay(request, 0, 1, 11, 5, CARD, 100), 1_000);
        audit.onCommand(operator, 44, request, 0, encoder.withdraw(request, 0, 1, 2, 500), 2_000);
        audit.onCommand(admin, 45, request, 0, encoder.registerTerminal(request, 0, 12, 1), 3_000);
        // A lost card blocked: the party is a consumer, its id the card number (review R17).
        audit.onCommand(admin, 47, request, 0, encoder.setBlocked(request, 0,
            com.wodian.protocol.sbe.PartyType.CONSUMER, CARD, true), 3_500);
        // An admin's payment for a terminal is recorded too (review R22: an admin's refund was attributed to no one).
        audit.onCommand(admin, 46, request, 0, encoder.pay(request, 0, 1, 11, 6, CARD, 100), 3_000);
        audit.onReply(admin.sessionId, 46, reply, ack(ResultCode.OK));
        // The operator's ErrorReply for another template with its correlation id completes nothing.
        audit.onReply(operator.sessionId, 44, reply, error(ResultCode.ADMIN_ROLE_REQUIRED, TopUpDecoder.TEMPLATE_ID));
        audit.onReply(admin.sessionId, 41, reply, ack(ResultCode.OK));
        audit.onReply(admin.sessionId, 42, reply, ack(ResultCode.OK));
        audit.onReply(operator.sessionId, 44, reply, error(ResultCode.ADMIN_ROLE_REQUIRED,
            WithdrawDecoder.TEMPLATE_ID));
        audit.onReply(admin.sessionId, 47, reply, ack(ResultCode.OK));
        audit.onSessionEnded(admin.sessionId); // 45 got no reply
        file.close(WRITER_JOIN_MS);

        final List<String> lines = records(dataDir.resolve(AdminAuditFile.FILE_NAME));
        assertEquals(List.of(
            "1970-01-01T00:00:03Z principal=3 role=ADMIN from=10.0.0.7 session=" + admin.sessionId +
                " correlation=46 command=Pay merchantId=1 terminalId=11 paymentId=6 consumerId=****2233 amountFen=100 " +
                "voucherId=0 result=OK",
            "1970-01-01T00:00:01Z principal=3 role=ADMIN from=10.0.0.7 session=" + admin.sessionId +
                " correlation=41 command=TopUp consumerId=****2233 externalRef=901 amountFen=100000 result=OK",
            "1970-01-01T00:00:02Z principal=4 role=OPERATOR from=10.0.0.8 session=" + operator.sessionId +
                " correlation=44 command=Withdraw merchantId=1 withdrawalId=2 amountFen=500 source=SETTLEMENT " +
                "result=ADMIN_ROLE_REQUIRED",
            "1970-01-01T00:00:03.500Z principal=3 role=ADMIN from=10.0.0.7 session=" + admin.sessionId +
                " correlation=47 command=SetBlocked partyType=CONSUMER partyId=****2233 blocked=TRUE result=OK",
            "1970-01-01T00:00:03Z principal=3 role=ADMIN from=10.0.0.7 session=" + admin.sessionId +
                " correlation=45 command=RegisterTerminal terminalId=12 merchantId=1 result=NO_REPLY"), lines);
        assertFalse(String.join("\n", lines).contains(Long.toString(CARD)));
    }

    /**
     * Review R22: an admin's Refund and Pay are recorded, and so are an operator's refused ones; a {@code loadtest}
     * admin (the load tools' credential) has its first payment recorded, marked, and no later one, while its admin
     * commands are recorded as any admin's.
     */
    @Test
    void anAdminsPaymentsAreRecordedAndALoadTestSessionsOnlyOnce() throws Exception
    {
        final AdminAuditFile file = new AdminAuditFile(dataDir, 1 << 20, 64, null).start();
        final AdminAudit audit = new AdminAudit(file);
        final Session admin = session(1, SessionRole.ADMIN, 3, "10.0.0.7");
        final Session loadTest = session(2, SessionRole.ADMIN, 9, "127.0.0.1");
        loadTest.adminKind = AdminKind.LOADTEST;

        audit.onCommand(admin, 1, request, 0, encoder.refund(request, 0, 1, 11, 5, 77, 100), 1_000);
        audit.onReply(admin.sessionId, 1, reply, ack(ResultCode.OK));
        for (int i = 0; i < 3; i++)
        {
            audit.onCommand(loadTest, 10 + i, request, 0, encoder.pay(request, 0, 1, 11, 20 + i, CARD, 100), 2_000);
            audit.onReply(loadTest.sessionId, 10 + i, reply, ack(ResultCode.OK));
        }
        audit.onCommand(loadTest, 20, request, 0, encoder.topUp(request, 0, CARD, 902, 500), 3_000);
        audit.onReply(loadTest.sessionId, 20, reply, ack(ResultCode.OK));
        audit.onCommand(loadTest, 21, request, 0, encoder.refund(request, 0, 1, 11, 20, 78, 100), 4_000);
        audit.onReply(loadTest.sessionId, 21, reply, ack(ResultCode.OK));
        file.close(WRITER_JOIN_MS);

        final List<String> lines = records(dataDir.resolve(AdminAuditFile.FILE_NAME));
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("1970-01-01T00:00:01Z principal=3 role=ADMIN from=10.0.0.7 session=" +
            admin.sessionId + " correlation=1 command=Refund ") && lines.get(0).endsWith(" result=OK"), lines.get(0));
        assertTrue(lines.get(1).startsWith("1970-01-01T00:00:02Z principal=9 role=LOADTEST from=127.0.0.1 session=" +
            loadTest.sessionId + " correlation=10 command=Pay ") && lines.get(1).endsWith(" result=OK (load-test " +
            "credential: this session's later payments are not recorded)"), lines.get(1));
        assertTrue(lines.get(2).startsWith("1970-01-01T00:00:03Z principal=9 role=LOADTEST from=127.0.0.1 session=" +
            loadTest.sessionId + " correlation=20 command=TopUp ") && lines.get(2).endsWith(" result=OK"),
            lines.get(2));
    }

    /**
     * Review R26: a command still waiting for its reply when the server stops (a stop that timed out) is written
     * {@code NO_REPLY} by {@link AdminAudit#close}, not lost without a line or a count.
     */
    @Test
    void aCommandPendingAtTheStopIsWrittenWithoutAReply() throws Exception
    {
        final AdminAuditFile file = new AdminAuditFile(dataDir, 1 << 20, 64, null).start();
        final AdminAudit audit = new AdminAudit(file);
        final Session admin = session(1, SessionRole.ADMIN, 3, "10.0.0.7");
        audit.onCommand(admin, 5, request, 0, encoder.topUp(request, 0, CARD, 903, 700), 1_000);
        audit.close();
        file.close(WRITER_JOIN_MS);
        final List<String> lines = records(dataDir.resolve(AdminAuditFile.FILE_NAME));
        assertEquals(List.of("1970-01-01T00:00:01Z principal=3 role=ADMIN from=10.0.0.7 session=" + admin.sessionId +
            " correlation=5 command=TopUp consumerId=****2233 externalRef=903 amountFen=700 result=NO_REPLY"), lines);
        assertEquals(0, file.droppedCount());
    }

    @Test
    void aFullQueueDropsAndCountsAndTheFileRotatesAtItsLimit() throws Exception
    {
        try (ServerCounters counters = ServerCounters.create(dataDir, 0))
        {
            final AdminAuditFile file = new AdminAuditFile(dataDir, 300, 2,
                counters.scalar(ServerCounters.Scalar.ADMIN_AUDIT_DROPPED));
            file.offer(() -> "a".repeat(60));
            file.offer(() -> "b".repeat(60));
            file.offer(() -> "c".repeat(60)); // the queue holds 2: dropped, counted, never waited for
            assertEquals(1, file.droppedCount());
            assertEquals(1, counters.scalar(ServerCounters.Scalar.ADMIN_AUDIT_DROPPED).get(),
                "wodian_admin_audit_dropped_total");
            file.start().close(WRITER_JOIN_MS);
        }

        final List<String> rotated = records(dataDir.resolve(AdminAuditFile.FILE_NAME +
            AdminAuditFile.ROTATED_SUFFIX));
        final List<String> current = records(dataDir.resolve(AdminAuditFile.FILE_NAME));
        assertTrue(rotated.get(0).startsWith("# 1 audit records dropped here"), rotated + "");
        assertEquals("a".repeat(60), rotated.get(1));
        assertEquals(List.of("b".repeat(60)), current, "the note and a fill 251 bytes with their chain values, b " +
            "would pass 300: a new file, which begins with the chain's header");
        assertTrue(Files.size(dataDir.resolve(AdminAuditFile.FILE_NAME)) <= 300);
        assertNull(AdminAuditChain.verifyTrail(dataDir, null).broken(), "chained across the rotation");
    }

    /** Records the writer did not take before the stop are counted as dropped, not lost uncounted (review R19). */
    @Test
    void recordsLeftQueuedAtTheStopAreCountedAsDropped()
    {
        final AdminAuditFile file = new AdminAuditFile(dataDir, 1 << 20, 8, null); // no writer: it never takes them
        file.offer(() -> "left 1");
        file.offer(() -> "left 2");
        file.close(WRITER_JOIN_MS);
        assertEquals(2, file.droppedCount());
    }

    /**
     * Item 2 (tamper evidence): every line is chained to the one before by a keyed hash; {@code wodian audit verify}'s
     * check passes on the file as written and names the first line after one byte of a record is changed, or a record
     * is removed. Fails without the chain (no chain values: nothing to verify).
     */
    @Test
    void aChangedByteOrARemovedLineIsNamedByTheVerifier() throws Exception
    {
        final AdminAuditFile file = new AdminAuditFile(dataDir, 1 << 20, 64, null).start();
        for (int i = 1; i <= 5; i++)
        {
            final int record = i;
            file.offer(() -> "1970-01-01T00:00:0" + record + "Z principal=3 command=TopUp amountFen=100" + record);
        }
        file.close(WRITER_JOIN_MS);
        final Path trail = dataDir.resolve(AdminAuditFile.FILE_NAME);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dataDir.resolve(AdminAuditChain.KEY_FILE_NAME))));
        final AdminAuditChain.Verification intact = AdminAuditChain.verifyTrail(dataDir, null);
        assertNull(intact.broken());
        assertEquals(5, intact.recordCount());
        final byte[] original = Files.readAllBytes(trail);

        final byte[] edited = original.clone();
        final int at = new String(original, StandardCharsets.UTF_8).indexOf("amountFen=1003");
        edited[at + "amountFen=".length()] = '9';
        Files.write(trail, edited);
        final String broken = AdminAuditChain.verifyTrail(dataDir, null).broken();
        assertTrue(null != broken && broken.endsWith(AdminAuditFile.FILE_NAME + " line 3: its chain value does not " +
            "match (this line, or one before it, was changed, inserted or removed)"), broken);

        Files.write(trail, original);
        final List<String> lines = new java.util.ArrayList<>(Files.readAllLines(trail));
        lines.remove(1);
        Files.write(trail, lines);
        assertTrue(AdminAuditChain.verifyTrail(dataDir, null).broken().contains(" line 2: "), "removed: named");
        final byte[] otherKey = new byte[32];
        Files.write(dataDir.resolve("other.key"), java.util.HexFormat.of().formatHex(otherKey).getBytes());
        Files.write(trail, original);
        assertTrue(AdminAuditChain.verifyTrail(dataDir, dataDir.resolve("other.key")).broken().contains(" line 1: "),
            "another key checks nothing");
    }

    /**
     * The chain goes on across a restart (the writer reads the file's last chain value), a line torn by a crash (the
     * restart appends a header that resumes from the last whole line: the torn line is named as not verified) and an
     * earlier version's unchained lines at the file's start.
     */
    @Test
    void theChainGoesOnAcrossARestartATornLineAndAnEarlierVersionsLines() throws Exception
    {
        final Path trail = dataDir.resolve(AdminAuditFile.FILE_NAME);
        Files.writeString(trail, "1970-01-01T00:00:00Z principal=1 command=Tick result=OK\n");
        for (int run = 1; run <= 3; run++)
        {
            final AdminAuditFile file = new AdminAuditFile(dataDir, 1 << 20, 64, null).start();
            final int written = run;
            file.offer(() -> "run " + written + " record 1");
            file.offer(() -> "run " + written + " record 2");
            file.close(WRITER_JOIN_MS);
            if (2 == run)
            {
                Files.writeString(trail, "1970-01-01T00:00:09Z principal=1 comm", StandardOpenOption.APPEND);
            }
        }
        final AdminAuditChain.Verification verification = AdminAuditChain.verifyTrail(dataDir, null);
        assertNull(verification.broken(), verification.toString());
        assertEquals(2 + 6, verification.recordCount(), "two resume headers and six records");
        assertEquals(2, verification.notes().size(), verification.toString());
        assertTrue(verification.notes().get(0).contains(" line 1: no chain value, before the chain begins"));
        assertTrue(verification.notes().get(1).contains(" line 7: no chain value (a line torn by a crash"));
        // Every line before the second resume header cut away: the trail no longer begins where its chain does.
        final List<String> lines = Files.readAllLines(trail);
        Files.write(trail, lines.subList(7, lines.size()));
        final String cut = AdminAuditChain.verifyTrail(dataDir, null).broken();
        assertTrue(null != cut && cut.contains(" line 1: the trail begins with a header that resumes from a line " +
            "that is not there"), cut);
    }

    /**
     * The verifier's parser, fuzzed: 1,000 trails with bytes changed, lines cut or duplicated is reported (ok or the first
     * broken line), never an exception; a change inside a record's text (before its chain value) is always found.
     */
    @Test
    void aMutatedTrailIsReportedNeverBroken() throws Exception
    {
        final AdminAuditFile file = new AdminAuditFile(dataDir, 1 << 20, 64, null).start();
        for (int i = 0; i < 12; i++)
        {
            final int record = i;
            file.offer(() -> "1970-01-01T00:00:00Z principal=" + record + " command=Tick result=OK");
        }
        file.close(WRITER_JOIN_MS);
        final Path trail = dataDir.resolve(AdminAuditFile.FILE_NAME);
        final byte[] original = Files.readAllBytes(trail);
        final byte[] key = AdminAuditChain.readKey(dataDir.resolve(AdminAuditChain.KEY_FILE_NAME));
        final java.util.Random random = new java.util.Random(2);
        final byte[] alphabet = "0123456789abcdefABCDEF #=\n\u00e9chainprev".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 1_000; i++)
        {
            byte[] mutated = original.clone();
            final int kind = random.nextInt(3);
            if (0 == kind)
            {
                final int at = random.nextInt(mutated.length);
                mutated[at] = alphabet[random.nextInt(alphabet.length)];
            }
            else
            {
                final int from = random.nextInt(mutated.length);
                final int to = Math.min(mutated.length, from + random.nextInt(200));
                final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                out.write(mutated, 0, 1 == kind ? from : to);
                out.write(mutated, 1 == kind ? to : from, 1 == kind ? mutated.length - to : mutated.length - from);
                mutated = out.toByteArray();
            }
            Files.write(trail, mutated);
            final AdminAuditChain.Verification verification = AdminAuditChain.verify(List.of(trail), key);
            assertTrue(verification.recordCount() >= 0, verification.toString());
        }
        // One byte of a record's text changed, anywhere in it: found, at that line.
        final String text = new String(original, StandardCharsets.UTF_8);
        for (int i = 0; i < 100; i++)
        {
            final int line = random.nextInt(12);
            int at = 0;
            for (int l = 0; l < line; l++)
            {
                at = text.indexOf('\n', at) + 1;
            }
            final int textLength = text.indexOf(AdminAuditChain.SUFFIX, at) - at;
            final byte[] mutated = original.clone();
            final int position = at + random.nextInt(textLength);
            mutated[position] = (byte)(mutated[position] == 'x' ? 'y' : 'x');
            Files.write(trail, mutated);
            final String broken = AdminAuditChain.verify(List.of(trail), key).broken();
            assertTrue(null != broken && broken.contains(" line " + (line + 1) + ": "), line + 1 + ": " + broken);
        }
    }

    /**
     * Rev R39: the first write after a rotation torn by a power cut leaves the new file without a chained line; the
     * next start resumes from the rotated file's last line, so verify reads the torn line as such, not as BROKEN.
     */
    @Test
    void aTornFirstWriteAfterARotationResumesFromTheRotatedFile() throws Exception
    {
        AdminAuditFile file = new AdminAuditFile(dataDir, 300, 64, null).start();
        for (int i = 0; i < 4; i++)
        {
            file.offer(() -> "x".repeat(60));
        }
        file.close(WRITER_JOIN_MS);
        assertTrue(Files.exists(dataDir.resolve(AdminAuditFile.FILE_NAME + AdminAuditFile.ROTATED_SUFFIX)));
        Files.writeString(dataDir.resolve(AdminAuditFile.FILE_NAME), "# admin audit chain continues from pr");
        file = new AdminAuditFile(dataDir, 1 << 20, 64, null).start();
        file.offer(() -> "after the restart");
        file.close(WRITER_JOIN_MS);
        final AdminAuditChain.Verification verification = AdminAuditChain.verifyTrail(dataDir, null);
        assertNull(verification.broken(), verification.toString());
        assertTrue(verification.notes().get(0).contains(FILE_NAME_LINE_1_TORN), verification.toString());
    }

    private static final String FILE_NAME_LINE_1_TORN = AdminAuditFile.FILE_NAME + " line 1: no chain value (a line " +
        "torn by a crash";

    /** The lines of a trail file as records: chain values cut off, the chain's own header lines left out. */
    static List<String> records(final Path file) throws java.io.IOException
    {
        final List<String> records = new java.util.ArrayList<>();
        for (final String line : Files.readAllLines(file))
        {
            final int at = line.lastIndexOf(AdminAuditChain.SUFFIX);
            final String text = at < 0 ? line : line.substring(0, at);
            if (!text.startsWith(AdminAuditChain.HEADER_PREFIX))
            {
                records.add(text);
            }
        }
        return records;
    }

    private static Session session(final int slot, final SessionRole role, final long principalId,
        final String address)
    {
        final Session session = new Session(slot, 64, 64);
        session.sessionId = (7L << Session.SLOT_INDEX_BITS) | slot;
        session.role = role.value();
        session.principalId = principalId;
        session.authState = SessionGate.AUTH_DONE;
        session.remoteAddress = address;
        session.adminKind = SessionRole.ADMIN == role ? AdminKind.ADMIN : null;
        return session;
    }

    private int ack(final ResultCode code)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new AckEncoder().wrapAndApplyHeader(reply, 0,
            new MessageHeaderEncoder()).code(code).encodedLength();
    }

    private int error(final ResultCode code, final int templateId)
    {
        return ErrorReplies.encode(new ErrorReplyEncoder(), new MessageHeaderEncoder(), reply, 0, code, templateId);
    }
}
