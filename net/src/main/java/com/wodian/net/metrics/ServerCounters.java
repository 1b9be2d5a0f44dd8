package com.wodian.net.metrics;

import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The server's figures as Agrona counters in its {@link CountersFile}. Each counter has one writing thread and is
 * updated with a release store or increment (no lock, no allocation, no clock); readers (the metrics thread, the
 * Prometheus endpoint, {@code wodian stat} in another process) read them at any time.
 *
 * <p>Type ids say how to read a counter's key: {@link #TYPE_SCALAR} (key: the {@link Scalar}'s ordinal),
 * {@link #TYPE_INPUTS_BY_TEMPLATE} (key: the SBE template id), {@link #TYPE_REPLIES_BY_CODE} (key: the result code),
 * {@link #TYPE_STAGE_LATENCY} (key: stage index, then statistic index; see {@link StageLatency}),
 * {@link #TYPE_GATEWAY_LIMITS} (key: the {@link GatewayLimit}'s ordinal).
 */
public final class ServerCounters implements AutoCloseable
{
    public static final int TYPE_SCALAR = 1;
    public static final int TYPE_INPUTS_BY_TEMPLATE = 2;
    public static final int TYPE_REPLIES_BY_CODE = 3;
    public static final int TYPE_STAGE_LATENCY = 4;
    public static final int TYPE_GATEWAY_LIMITS = 5;

    /** Template ids and result codes counted one by one; above, they share the last counter. */
    public static final int TEMPLATE_ID_LIMIT = 256;
    public static final int CODE_LIMIT = 1024;
    private static final int COUNTERS_MAX = 1024;

    /** The scalar figures. Names are Prometheus names without the {@code wodian_} prefix. */
    public enum Scalar
    {
        INPUTS_REFUSED("inputs_refused_total", false, "inputs refused by the gateway before the ring"),
        CONNECTIONS_ACCEPTED("connections_accepted_total", false, "connections accepted"),
        CONNECTIONS_CLOSED("connections_closed_total", false, "connections closed"),
        SESSIONS_OPEN("sessions_open", true, "sessions open"),
        LOGONS("logons_total", false, "successful logons"),
        LOGON_FAILURES("logon_failures_total", false, "failed logons"),
        SESSIONS_TIMED_OUT("sessions_timed_out_total", false, "sessions closed for a logon or idle timeout"),
        SLOW_READERS("slow_reader_disconnects_total", false, "clients disconnected as slow readers"),
        JOURNAL_ENTRIES("journal_entries_total", false, "journal entries appended"),
        JOURNAL_BYTES("journal_bytes_total", false, "journal payload bytes appended"),
        JOURNAL_BATCHES("journal_batches_total", false, "journal batches ended"),
        JOURNAL_FORCES("journal_forces_total", false, "journal batches forced to disk (sync)"),
        JOURNAL_FORCE_TIME_NS("journal_force_time_ns_total", false,
            "time in journal batch ends, ns (own journal thread only)"),
        JOURNAL_LAST_SEQUENCE("journal_last_sequence", true, "last journal sequence appended"),
        INPUT_RING_DEPTH("input_ring_depth", true, "inputs published and not yet consumed"),
        OUTPUT_RING_DEPTH("output_ring_depth", true, "replies published and not yet taken by the sender"),
        REPLIES("replies_total", false, "replies taken by the sender"),
        RISK_DECLINES("risk_declines_total", false, "replies with a risk decline code (701-712, 714, 716, 717)"),
        SNAPSHOTS_WRITTEN("snapshots_written_total", false, "snapshots written"),
        ERRORS("errors_total", false, "errors of server threads"),
        ROLE("role", true, "0 alone, 1 standby, 2 candidate, 3 primary"),
        TERM("term", true, "replica group term"),
        LAST_INDEX("replication_last_index", true, "last journal index (group)"),
        DURABLE_INDEX("replication_durable_index", true, "durable journal index (group)"),
        COMMIT_INDEX("replication_commit_index", true, "commit index (group)"),
        REPLICATION_LAG("replication_lag_entries", true,
            "primary: entries the slowest connected standby lacks; standby: last index behind commit"),
        PEERS_CONNECTED("replication_peers_connected", true,
            "other members of the configuration in effect connected (addresses of removed ids not counted)"),
        MEMBERS("replication_members", true,
            "members (voters and learners) of the configuration in effect, this node included"),
        TAILS_CUT("replication_tails_cut", true,
            "unacknowledged journal tails cut off or snapshot installs (each keeps what it cut: journal.superseded-N)"),
        READY("ready", true, "1 when recovered and serving (see /health/ready)"),
        TLS_CERTIFICATE_EXPIRY("tls_certificate_expiry_timestamp_seconds", true,
            "earliest end (notAfter) of the served and node TLS certificates, epoch seconds; 0 without TLS"),
        PRE_VOTE_ROUNDS("replication_pre_vote_rounds_total", false,
            "pre-vote rounds this node started (no primary heard within its election timeout)"),
        ELECTIONS("replication_elections_total", false,
            "terms this node stood for (a pre-vote won, or a leadership transfer)"),
        VOTES_GRANTED("replication_votes_granted_total", false, "votes this node gave to a candidate"),
        VOTE_REQUESTS_REFUSED("replication_vote_requests_refused_total", false,
            "pre-votes and vote requests of other nodes refused or ignored (a primary alive, a transfer vote just " +
            "given, or their log behind)"),
        RETAINED_FOR_SLOWEST("replication_retained_for_slowest_entries", true,
            "primary: entries after the slowest member's last known position, connected or not (0 for a member not " +
            "heard from since this node leads): what journal prune keeps for it"),
        ADMIN_AUDIT_DROPPED("admin_audit_dropped_total", false,
            "admin audit records dropped (the audit writer fell behind or could not write)");

        private final String metricName;
        private final boolean gauge;
        private final String description;

        Scalar(final String metricName, final boolean gauge, final String description)
        {
            this.metricName = metricName;
            this.gauge = gauge;
            this.description = description;
        }

        public String metricName()
        {
            return metricName;
        }

        public boolean gauge()
        {
            return gauge;
        }

        public String description()
        {
            return description;
        }
    }

    /**
     * Why the POS gateway refused a connection or ended a session to keep a limit (docs/security.md): the
     * {@code reason} label of {@code wodian_gateway_limits_total}. Counted by the network thread as it happens.
     */
    public enum GatewayLimit
    {
        SESSIONS_FULL("sessions_full", "connection refused at accept: every session slot taken, none evictable"),
        PER_ADDRESS("per_address", "connection refused at accept: its address's unauthenticated cap or TLS " +
            "handshake rate"),
        UNAUTHENTICATED_EVICTED("unauthenticated_evicted", "connection not logged on closed to admit a newcomer"),
        PRINCIPAL_SESSIONS("principal_sessions", "oldest session of an identity closed by its logon beyond " +
            "the per-identity cap"),
        CREDENTIAL_REVOKED("credential_revoked", "session closed: its credential was revoked, or rotated and the " +
            "grace passed"),
        ISO_FULL("iso8583_full", "ISO 8583 connection refused at accept: every slot authenticated or younger than " +
            "the logon timeout"),
        ISO_PER_ADDRESS("iso8583_per_address", "ISO 8583 connection refused at accept: its address's " +
            "unauthenticated cap or TLS handshake rate"),
        ISO_UNAUTHENTICATED_EVICTED("iso8583_unauthenticated_evicted", "ISO 8583 connection not authenticated, " +
            "older than the logon timeout, closed to admit a newcomer"),
        ISO_TERMINAL_CONNECTIONS("iso8583_terminal_connections", "ISO 8583 terminal's oldest connection closed by " +
            "one beyond the per-terminal cap"),
        COMMAND_BUDGET("command_budget", "message refused (SERVER_BUSY, not journaled): its identity's command " +
            "budget spent"),
        ISO_COMMAND_BUDGET("iso8583_command_budget", "ISO 8583 request refused (DE39 91, not journaled): its " +
            "terminal key's command budget spent");

        private final String reason;
        private final String description;

        GatewayLimit(final String reason, final String description)
        {
            this.reason = reason;
            this.description = description;
        }

        /** The Prometheus label value. */
        public String reason()
        {
            return reason;
        }

        public String description()
        {
            return description;
        }
    }

    private final CountersFile file;
    private final CountersManager manager;
    private final AtomicCounter[] scalars = new AtomicCounter[Scalar.values().length];
    private final AtomicCounter[] inputsByTemplate = new AtomicCounter[TEMPLATE_ID_LIMIT];
    private final AtomicCounter[] repliesByCode = new AtomicCounter[CODE_LIMIT];
    private final AtomicCounter otherInputs;
    private final AtomicCounter otherReplies;
    private final AtomicCounter[][] stageLatency;
    private final AtomicCounter[] gatewayLimits = new AtomicCounter[GatewayLimit.values().length];

    private ServerCounters(final CountersFile file)
    {
        this.file = file;
        this.manager = new CountersManager(file.metaDataBuffer(), file.valuesBuffer(), StandardCharsets.US_ASCII);
        for (final Scalar scalar : Scalar.values())
        {
            scalars[scalar.ordinal()] = newCounter(TYPE_SCALAR, scalar.ordinal(), scalar.description());
        }
        final String[] templateNames = TemplateNames.load();
        for (int templateId = 0; templateId < templateNames.length && templateId < TEMPLATE_ID_LIMIT; templateId++)
        {
            if (null != templateNames[templateId])
            {
                inputsByTemplate[templateId] = newCounter(TYPE_INPUTS_BY_TEMPLATE, templateId,
                    "inputs " + templateNames[templateId]);
            }
        }
        otherInputs = newCounter(TYPE_INPUTS_BY_TEMPLATE, TEMPLATE_ID_LIMIT, "inputs other");
        for (final ResultCode code : ResultCode.values())
        {
            if (ResultCode.NULL_VAL != code && code.value() < CODE_LIMIT)
            {
                repliesByCode[code.value()] = newCounter(TYPE_REPLIES_BY_CODE, code.value(), "replies " + code.name());
            }
        }
        otherReplies = newCounter(TYPE_REPLIES_BY_CODE, CODE_LIMIT, "replies other");
        final String[] statistics = StageLatency.statisticNames();
        stageLatency = new AtomicCounter[StageLatency.Stage.values().length][statistics.length];
        for (final StageLatency.Stage stage : StageLatency.Stage.values())
        {
            for (int i = 0; i < statistics.length; i++)
            {
                stageLatency[stage.ordinal()][i] = newCounter(TYPE_STAGE_LATENCY, stage.ordinal(), i,
                    "latency " + stage.metricName() + " " + statistics[i] + (0 == i ? "" : " ns"));
            }
        }
        for (final GatewayLimit limit : GatewayLimit.values())
        {
            gatewayLimits[limit.ordinal()] = newCounter(TYPE_GATEWAY_LIMITS, limit.ordinal(),
                "gateway limit " + limit.reason() + ": " + limit.description());
        }
    }

    /** The counter of one gateway limit's refusals or closes (one writer: the network thread). */
    public AtomicCounter gatewayLimit(final GatewayLimit limit)
    {
        return gatewayLimits[limit.ordinal()];
    }

    /** The stage latency counters, {@code [stage][statistic]}, written by the metrics thread. */
    public AtomicCounter[][] stageLatencyCounters()
    {
        return stageLatency;
    }

    /** Metrics thread: the server is alive at this time (read by {@code wodian stat}). */
    public void heartbeat(final long nowMs)
    {
        file.heartbeat(nowMs);
    }

    /** Creates the counters file in the data directory (replacing an old one) and allocates every counter. */
    public static ServerCounters create(final Path dataDir, final long startTimeMs)
    {
        final CountersFile file = CountersFile.create(dataDir, COUNTERS_MAX, startTimeMs);
        try
        {
            return new ServerCounters(file);
        }
        catch (final RuntimeException ex)
        {
            file.close();
            throw ex;
        }
    }

    /** Allocates a counter with an int key; at start-up or on the metrics thread only. */
    private AtomicCounter newCounter(final int typeId, final int key, final String label)
    {
        return manager.newCounter(typeId, keyBuffer(key), 0, Integer.BYTES, labelBuffer(label), 0, label.length());
    }

    private AtomicCounter newCounter(final int typeId, final int key, final int subKey, final String label)
    {
        final UnsafeBuffer keyBuffer = new UnsafeBuffer(new byte[8]);
        keyBuffer.putInt(0, key);
        keyBuffer.putInt(4, subKey);
        return manager.newCounter(typeId, keyBuffer, 0, 8, labelBuffer(label), 0, label.length());
    }

    private static UnsafeBuffer keyBuffer(final int key)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4]);
        buffer.putInt(0, key);
        return buffer;
    }

    private static UnsafeBuffer labelBuffer(final String label)
    {
        return new UnsafeBuffer(label.getBytes(StandardCharsets.US_ASCII));
    }

    /** The counter of a scalar figure. */
    public AtomicCounter scalar(final Scalar scalar)
    {
        return scalars[scalar.ordinal()];
    }

    /** Receiving thread: one more input of this template published to the ring. */
    public void onInput(final int templateId)
    {
        final AtomicCounter counter = templateId >= 0 && templateId < TEMPLATE_ID_LIMIT ?
            inputsByTemplate[templateId] : null;
        (null == counter ? otherInputs : counter).incrementRelease();
    }

    /** Sending thread: one more reply with this result code. */
    public void onReply(final int code)
    {
        final AtomicCounter counter = code >= 0 && code < CODE_LIMIT ? repliesByCode[code] : null;
        (null == counter ? otherReplies : counter).incrementRelease();
    }

    /** A reader of every counter, for the metrics thread and the exporter. */
    public CountersReader reader()
    {
        return manager;
    }

    CountersFile file()
    {
        return file;
    }

    @Override
    public void close()
    {
        file.close();
    }
}
