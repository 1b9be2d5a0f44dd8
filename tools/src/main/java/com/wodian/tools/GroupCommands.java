package com.wodian.tools;

import com.wodian.journal.consensus.Membership;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.LogonRefusedException;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.ClusterStatusReplyDecoder;
import com.wodian.protocol.sbe.GroupAckPolicy;
import com.wodian.protocol.sbe.GroupRole;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.SessionRole;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * What the operator commands for a replica group share ({@code wodian status}, {@code promote}, {@code demote},
 * {@code group add|remove}, {@code journal prune}): they talk to the nodes' client ports ({@link Connection}: an admin
 * credential when the servers require logons) and read each node's ClusterStatusReply as a {@link NodeStatus}.
 */
final class GroupCommands
{
    private GroupCommands()
    {
    }

    /** Options every group command takes. */
    static final class Connection
    {
        @Option(names = "--peers", required = true, split = ",", converter = HostPort.class,
            description = "client addresses of the group's nodes, HOST:PORT,HOST:PORT,...")
        List<String> peers;

        @Option(names = "--credentials", defaultValue = "${env:WODIAN_CREDENTIALS}",
            description = "credential file with an admin identity (default: $WODIAN_CREDENTIALS; none: no logon)")
        Path credentialsFile;

        @Option(names = "--timeout-ms", defaultValue = "2000", description = "per node")
        long timeoutMs;

        /** The nodes' client ports speak TLS when the server has --tls-cert (required off loopback). */
        @Mixin
        TlsClientOptions tls = new TlsClientOptions();

        /** Why the last call to each address got no answer: what an operator needs before calling a node down. */
        private final java.util.Map<String, String> failures = new java.util.HashMap<>();

        /** One node's answer, or null (unreachable, refused, no reply: {@link #failure} says which). */
        NodeStatus query(final String address, final boolean withStateHash)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
            final int length = new CommandEncoder().clusterStatusQuery(buffer, 0, withStateHash);
            final byte[] reply = call(address, buffer, length);
            final NodeStatus status = null == reply ? null : NodeStatus.decode(address, reply);
            if (null != reply && null == status)
            {
                failures.put(address, "answered, but not with a status (" + MessageText.describe(
                    new UnsafeBuffer(reply), 0, reply.length) + ")");
            }
            return status;
        }

        /** @return why the last call to {@code address} got no answer, or "no answer". */
        String failure(final String address)
        {
            return failures.getOrDefault(address, "no answer");
        }

        List<NodeStatus> queryAll(final boolean withStateHash)
        {
            final List<NodeStatus> result = new ArrayList<>();
            for (final String address : peers)
            {
                result.add(query(address, withStateHash));
            }
            return result;
        }

        /** A client of one node, waiting up to --timeout-ms to connect, log on and hear the answer. */
        ClientConfig clientConfig(final String host, final int port) throws IOException
        {
            return TlsClientOptions.waitingAtLeast(tls.clientConfig(host, port), timeoutMs);
        }

        byte[] call(final String address, final UnsafeBuffer buffer, final int length)
        {
            final int colon = address.lastIndexOf(':');
            final String host = address.substring(0, colon);
            final int port = Integer.parseInt(address.substring(colon + 1));
            final Credentials admin;
            try
            {
                admin = null == credentialsFile ? null : Credentials.loadFirst(credentialsFile, SessionRole.ADMIN);
            }
            catch (final IOException | RuntimeException ex)
            {
                failures.put(address, "not asked: cannot read an admin identity from " + credentialsFile + ": " +
                    ex.getMessage());
                return null;
            }
            try (WodianClient client = WodianClient.connect(null == admin ? clientConfig(host, port) :
                clientConfig(host, port).credentials(admin)))
            {
                return client.call(buffer, 0, length, timeoutMs);
            }
            catch (final IOException | TimeoutException | RuntimeException ex)
            {
                failures.put(address, describe(ex));
                return null;
            }
        }
    }

    /** The cause of a failed call in a few words: a refused logon is not a node that is down. */
    static String describe(final Exception ex)
    {
        if (ex instanceof LogonRefusedException)
        {
            return "LOGON REFUSED: " + ex.getMessage() + " (an admin credential: --credentials or WODIAN_CREDENTIALS)";
        }
        if (ex instanceof TimeoutException)
        {
            return "no answer in time (--timeout-ms)";
        }
        if (ex instanceof java.net.ConnectException)
        {
            return "connection refused";
        }
        if (ex instanceof javax.net.ssl.SSLException)
        {
            return "TLS: " + ex.getMessage();
        }
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }

    /** A HOST:PORT of --peers, checked when the command line is parsed (a usage error, not a stack trace later). */
    static final class HostPort implements picocli.CommandLine.ITypeConverter<String>
    {
        @Override
        public String convert(final String value)
        {
            final int colon = value.lastIndexOf(':');
            int port = -1;
            if (colon > 0 && colon < value.length() - 1)
            {
                try
                {
                    port = Integer.parseInt(value.substring(colon + 1));
                }
                catch (final NumberFormatException ex)
                {
                    port = -1;
                }
            }
            if (port < 1 || port > 65_535)
            {
                throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not HOST:PORT (port 1-65535)");
            }
            return value;
        }
    }

    /** A decoded ClusterStatusReply. */
    record NodeStatus(
        String address,
        int nodeId,
        GroupRole role,
        GroupAckPolicy ackPolicy,
        int leaderId,
        long term,
        long lastIndex,
        long durableIndex,
        long commitIndex,
        long appliedIndex,
        long stateHash,
        long truncations,
        long configuration,
        int membershipFlags,
        List<String> peerLines,
        long engineLimitsDigest,
        List<Long> engineLimits)
    {
        boolean isPrimary()
        {
            return role == GroupRole.LEADER;
        }

        /** @return whether this node reports a configuration (a group node of schema version 5 or later). */
        boolean hasConfiguration()
        {
            return configuration >= 0 && role != GroupRole.ALONE;
        }

        boolean configurationCommitted()
        {
            return (membershipFlags & 1) != 0;
        }

        boolean mayVote()
        {
            return (membershipFlags & 2) != 0;
        }

        /** "voters 0,1,2 learners 3 (committed)" */
        String configurationLine()
        {
            return Membership.describe(configuration) +
                (configurationCommitted() ? " (committed)" : " (change in progress)") +
                (mayVote() ? "" : "; this node joined empty and may not vote until it is added");
        }

        static NodeStatus decode(final String address, final byte[] reply)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(reply);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
            if (header.templateId() != ClusterStatusReplyDecoder.TEMPLATE_ID)
            {
                return null;
            }
            final ClusterStatusReplyDecoder status = new ClusterStatusReplyDecoder().wrap(buffer,
                MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            final NodeStatus partial = new NodeStatus(address, status.nodeId(), WireNames.role(status.roleRaw()),
                WireNames.ackPolicy(status.ackPolicyRaw()),
                status.leaderId(), status.term(), status.lastIndex(), status.durableIndex(), status.commitIndex(),
                status.appliedIndex(), status.stateHash(), status.truncations(),
                status.configuration() == ClusterStatusReplyDecoder.configurationNullValue() ? -1 :
                    status.configuration(), status.membershipFlags(), new ArrayList<>(),
                status.engineLimitsDigest(), new ArrayList<>());
            for (final ClusterStatusReplyDecoder.PeersDecoder peer : status.peers())
            {
                if (partial.hasConfiguration() && !Membership.isMember(partial.configuration(), peer.nodeId()))
                {
                    // An address-book entry the group does not use (a retired id, a spare): nothing to watch.
                    partial.peerLines.add("    peer " + peer.nodeId() + ": not a member (removed, or never added)");
                    continue;
                }
                partial.peerLines.add(String.format(Locale.ROOT,
                    "    peer %d: match %s, heard %s, %s%s", peer.nodeId(),
                    peer.matchIndex() < 0 ? "-" : Long.toString(peer.matchIndex()),
                    peer.lastHeardAgoMs() < 0 ? "-" : peer.lastHeardAgoMs() + " ms ago",
                    peer.connected() == 1 ? "connected" : "NOT CONNECTED",
                    peer.inQuorum() == 1 ? "" : ", DROPPED from the acknowledgement set"));
            }
            for (final ClusterStatusReplyDecoder.EngineLimitsDecoder limit : status.engineLimits())
            {
                partial.engineLimits.add(limit.value());
            }
            return partial;
        }
    }

    static NodeStatus findPrimary(final List<NodeStatus> nodes)
    {
        for (final NodeStatus node : nodes)
        {
            if (null != node && node.isPrimary())
            {
                return node;
            }
        }
        return null;
    }

    /** A pause between polls of the group; an interrupt ends it early and stays set for the caller's loop. */
    static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
