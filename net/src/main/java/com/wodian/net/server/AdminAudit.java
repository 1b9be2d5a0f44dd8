package com.wodian.net.server;

import com.wodian.net.auth.AdminKind;
import com.wodian.net.auth.PrincipalLogNames;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.ClusterControlDecoder;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static com.wodian.net.FrameDescriptor.BYTE_ORDER;

/**
 * Who sent which admin command, from where, with what result (security review B6, PCI DSS 10.2; docs/operations.md,
 * "Admin audit trail"). Every command an authenticated ADMIN session (of any {@link AdminKind}) sends
 * ({@link #isAudited}: the admin-class ones, ClusterControl, and the payments and refunds an admin sends for a
 * terminal, review R22), is recorded with the principal, its kind, the source address, the command's template and
 * fields, and the result code of its reply: {@link #onCommand} on the receiving
 * thread, before the gateway decides (so that a refusal there, e.g. an operator's {@code ADMIN_ROLE_REQUIRED}, is
 * recorded too), keeps it pending; {@link #onReply} on the sending thread completes it with the reply's code and
 * hands it to the {@link AdminAuditFile}'s writer, whose thread formats it (the network threads copy the message's
 * bytes, no more). Nothing here runs on the engine thread, and nothing waits: a full pending table or writer queue
 * drops the record and counts it. Queries (reads) and the terminals' and consumers' traffic are not recorded; a
 * terminal or consumer session costs one comparison here. A {@link AdminKind#LOADTEST} session's payments are recorded
 * once, the first (so that the trail shows who paid without a record per payment, and from where), then skipped at the
 * cost of two comparisons each: the load tools' way out, which a production credential file does not have.
 * <p>
 * A reply is matched to the session's oldest pending record with its correlation id (an ErrorReply also by the
 * template it names): replies come back in the order the session sent. A client that reuses a correlation id for a
 * query sent before a command still in flight could have the query's reply matched (the trail then shows the
 * query's code); Wodian's clients never reuse one.
 */
final class AdminAudit
{
    /** Commands sent and not answered yet, all sessions together: beyond, records are dropped and counted. */
    static final int PENDING_MAX = 4_096;
    /** A command's text beyond this is cut ({@code ...}): a risk model's bytes, say, are no audit matter. */
    static final int COMMAND_TEXT_CHARS_MAX = 400;
    private static final int ADMIN_ROLE = SessionRole.ADMIN.value();
    /**
     * A consumer's id is its card number: masked as in the server's log (security review item 17), as a
     * {@code consumerId} and as the {@code partyId} of a SetBlocked naming a consumer (a lost card; review R17).
     */
    private static final Pattern CONSUMER_ID = Pattern.compile("((?:consumerId|partyType=CONSUMER partyId)=)(-?\\d+)");

    private final AdminAuditFile file;
    private final Map<Long, ConcurrentLinkedQueue<Pending>> pendingBySession = new ConcurrentHashMap<>();
    private final AtomicInteger pendingCount = new AtomicInteger();

    /**
     * A command kept until its reply: the raw message is copied here and turned into text only by the writer's
     * thread ({@link #line}), so that the network threads do no formatting.
     */
    private record Pending(long nowMs, long principalId, AdminKind kind, String from, long sessionId,
        long correlationId, int templateId, byte[] message)
    {
        /** The record's line with {@code result}: formatted on the writer's thread. */
        Supplier<String> line(final String result)
        {
            return () -> Instant.ofEpochMilli(nowMs) + " principal=" + principalId + " role=" +
                (null != kind ? kind.auditName() : "ADMIN") + " from=" + from + " session=" + sessionId +
                " correlation=" + correlationId + " command=" + commandText(new UnsafeBuffer(message), 0,
                message.length) + " result=" + result + (AdminKind.LOADTEST == kind &&
                CommandCatalog.ACCESS_TERMINAL == CommandCatalog.accessClass(templateId) ?
                " (load-test credential: this session's later payments are not recorded)" : "");
        }
    }

    AdminAudit(final AdminAuditFile file)
    {
        this.file = file;
    }

    /**
     * Whether a message is recorded when an admin session sends it: every command (admin-class ones, a change only an
     * admin may make: {@link CommandCatalog#ACCESS_ADMIN}, and the terminal-class ones an admin sends for any
     * terminal: Pay, the two-phase ones, Refund, RedeemPoints; review R22: an admin's refund was attributed to no one),
     * and ClusterControl. Not queries.
     */
    static boolean isAudited(final int templateId)
    {
        return CommandCatalog.isCommand(templateId) || ClusterControlDecoder.TEMPLATE_ID == templateId;
    }

    /**
     * Receiving thread: a message that passed the catalog's checks, before the gateway handles it. Records nothing
     * unless the session is a logged-on admin and the message {@link #isAudited}.
     */
    void onCommand(final Session session, final long correlationId, final DirectBuffer buffer, final int offset,
        final int length, final long nowMs)
    {
        if (ADMIN_ROLE != session.role || SessionGate.AUTH_DONE != session.authState)
        {
            return;
        }
        final int templateId = CommandCatalog.templateId(buffer, offset);
        if (!isAudited(templateId) || AdminKind.LOADTEST == session.adminKind && unauditedPayment(session, templateId))
        {
            return;
        }
        if (pendingCount.incrementAndGet() > PENDING_MAX)
        {
            pendingCount.decrementAndGet();
            file.countDropped();
            return;
        }
        final byte[] message = new byte[length];
        buffer.getBytes(offset, message);
        pendingBySession.computeIfAbsent(session.sessionId, (id) -> new ConcurrentLinkedQueue<>())
            .add(new Pending(nowMs, session.principalId, session.adminKind, session.remoteAddress, session.sessionId,
            correlationId, templateId, message));
    }

    /**
     * A load-test session's payment, not its first (which is recorded and marks the session): skipped. The admin
     * commands of a load-test session (its set-up) are recorded as any admin's.
     */
    private static boolean unauditedPayment(final Session session, final int templateId)
    {
        if (CommandCatalog.ACCESS_TERMINAL != CommandCatalog.accessClass(templateId))
        {
            return false;
        }
        if (session.unauditedPaymentsNoted)
        {
            return true;
        }
        session.unauditedPaymentsNoted = true;
        return false;
    }

    /** Sending thread: a reply to an admin session; completes and writes its pending record if it answers one. */
    void onReply(final long sessionId, final long correlationId, final DirectBuffer buffer, final int length)
    {
        final ConcurrentLinkedQueue<Pending> pending = pendingBySession.get(sessionId);
        if (null == pending || length < MessageHeaderDecoder.ENCODED_LENGTH + Short.BYTES)
        {
            return;
        }
        final int replyTemplateId = CommandCatalog.templateId(buffer, 0);
        final int code = buffer.getShort(MessageHeaderDecoder.ENCODED_LENGTH, BYTE_ORDER) & 0xFFFF;
        final int refusedTemplateId = ErrorReplyDecoder.TEMPLATE_ID == replyTemplateId &&
            length >= MessageHeaderDecoder.ENCODED_LENGTH + ErrorReplyDecoder.templateIdEncodingOffset() + 2 ?
            buffer.getShort(MessageHeaderDecoder.ENCODED_LENGTH + ErrorReplyDecoder.templateIdEncodingOffset(),
            BYTE_ORDER) & 0xFFFF : -1;
        for (final Iterator<Pending> it = pending.iterator(); it.hasNext(); )
        {
            final Pending record = it.next();
            if (record.correlationId() == correlationId && (refusedTemplateId < 0 ||
                refusedTemplateId == record.templateId()))
            {
                it.remove();
                pendingCount.decrementAndGet();
                file.offer(record.line(codeName(code)));
                return;
            }
        }
    }

    /** Sending thread: the session's last output; what it sent and got no reply to is written as such. */
    void onSessionEnded(final long sessionId)
    {
        final ConcurrentLinkedQueue<Pending> pending = pendingBySession.remove(sessionId);
        if (null == pending)
        {
            return;
        }
        for (final Pending record : pending)
        {
            pendingCount.decrementAndGet();
            file.offer(record.line("NO_REPLY"));
        }
    }

    /**
     * At the server's stop, after the pipeline's threads: every command still waiting for its reply (a stop that timed
     * out with replies in flight; review R26) is written {@code NO_REPLY}, as at a session's end, rather than lost
     * without a line or a count (it may have been journaled and applied). Then the file is closed by its owner.
     */
    void close()
    {
        for (final Long sessionId : pendingBySession.keySet())
        {
            onSessionEnded(sessionId);
        }
    }

    /** {@code TopUp consumerId=****2233 externalRef=1 amountFen=1000000}: the template's name and its fields. */
    static String commandText(final DirectBuffer buffer, final int offset, final int length)
    {
        String text = MessageText.describe(buffer, offset, length);
        final Matcher consumer = CONSUMER_ID.matcher(text);
        final StringBuilder masked = new StringBuilder(text.length());
        while (consumer.find())
        {
            consumer.appendReplacement(masked, consumer.group(1) + PrincipalLogNames.id(SessionRole.CONSUMER.value(),
                Long.parseLong(consumer.group(2))));
        }
        consumer.appendTail(masked);
        text = masked.toString().replace('\n', ' ').replace('\r', ' ');
        return text.length() <= COMMAND_TEXT_CHARS_MAX ? text : text.substring(0, COMMAND_TEXT_CHARS_MAX) + "...";
    }

    private static String codeName(final int code)
    {
        try
        {
            return ResultCode.get(code).name();
        }
        catch (final IllegalArgumentException ex)
        {
            return Integer.toString(code);
        }
    }
}
