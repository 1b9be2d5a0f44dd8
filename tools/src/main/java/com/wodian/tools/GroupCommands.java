package com.wodian.tools;

import com.wodian.journal.consensus.Membership;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.LogonRefusedException;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.ClusterAction;
import com.wodian.protocol.sbe.ClusterControlReplyDecoder;
import com.wodian.protocol.sbe.ClusterStatusReplyDecoder;
import com.wodian.protocol.sbe.GroupAckPolicy;
import com.wodian.protocol.sbe.GroupRole;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Operator commands for a replica group: {@code wodian status}, {@code wodian promote}, {@code wodian demote},
 * {@code wodian group add|remove}. They talk to the nodes' client ports (an admin credential when the servers require
 * logons).
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
            try (WodianClient client = WodianClient.connect(null == admin ? tls.clientConfig(host, port) :
                tls.clientConfig(host, port).credentials(admin)))
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

    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Each node of a replica group: role (removed: not a member of the primary's configuration), " +
            "term, journal indexes, lag behind the primary, state hash; "
            + "a node that did not answer shows DOWN and why; nodes at the same applied index with different state " +
            "hashes are named DIVERGED. Status 0 with a primary, 1 without or when DIVERGED, 3 when none answered.")
    static final class Status implements java.util.concurrent.Callable<Integer>
    {
        @Mixin
        Connection connection;

        @Option(names = "--watch-ms", defaultValue = "0",
            description = "print the table again every N ms (one JVM for a whole run of samples), until --count")
        long watchMs;

        @Option(names = "--count", defaultValue = "1", description = "tables to print with --watch-ms")
        int count;

        @Option(names = "--hash", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "ask each node for its state hash (default; --no-hash in monitoring loops: computing it " +
                "costs the engine a pass over all its state, tens of ms at a million consumers, on every node)")
        boolean withStateHash;

        @Override
        public Integer call() throws InterruptedException
        {
            int exitCode = printOnce();
            for (int i = 1; i < count && watchMs > 0; i++)
            {
                Thread.sleep(watchMs);
                exitCode = printOnce();
            }
            return exitCode;
        }

        private int printOnce()
        {
            final List<NodeStatus> nodes = connection.queryAll(withStateHash);
            final NodeStatus primary = findPrimary(nodes);
            System.out.printf(Locale.ROOT, "%-22s %4s %-9s %6s %6s %12s %12s %12s %12s %10s %-18s%n",
                "address", "node", "role", "term", "leader", "last", "commit", "applied", "lag", "policy",
                "state hash");
            for (int i = 0; i < nodes.size(); i++)
            {
                final NodeStatus node = nodes.get(i);
                if (null == node)
                {
                    System.out.printf(Locale.ROOT, "%-22s %4s %-9s %s%n", connection.peers.get(i), "?", "DOWN",
                        connection.failure(connection.peers.get(i)));
                    continue;
                }
                final boolean removed = isRemoved(node, primary);
                final String lag = null == primary || removed ? "-" :
                    Long.toString(Math.max(0, primary.lastIndex() - node.appliedIndex())); // asked after the primary
                System.out.printf(Locale.ROOT, "%-22s %4d %-9s %6d %6d %12d %12d %12d %12s %10s %18s%n",
                    node.address(), node.nodeId(), removed ? "removed" : WireNames.roleName(node.role()),
                    node.term(), node.leaderId(),
                    node.lastIndex(), node.commitIndex(), node.appliedIndex(), lag,
                    WireNames.policyName(node.ackPolicy()),
                    withStateHash ? String.format(Locale.ROOT, "%016x", node.stateHash()) : "-");
                if (node.hasConfiguration())
                {
                    System.out.println("    configuration: " + node.configurationLine());
                }
                if (node.truncations() > 0)
                {
                    System.out.println("    tails cut off or snapshot installs: " + node.truncations());
                }
                node.peerLines().forEach(System.out::println);
            }
            final String divergence = withStateHash ? divergence(nodes) : null;
            if (null != divergence)
            {
                System.out.println(divergence);
            }
            final String limitsDiffer = GroupLimits.mismatch(nodes, primary);
            if (null != limitsDiffer)
            {
                System.out.println(limitsDiffer);
            }
            System.out.flush();
            if (nodes.stream().allMatch(java.util.Objects::isNull))
            {
                return WodianMain.EXIT_UNREACHABLE; // no node could be asked: not the same as "no primary"
            }
            return null == primary || null != divergence || null != limitsDiffer ? WodianMain.EXIT_REFUSED :
                WodianMain.EXIT_OK;
        }

        /**
         * A node running with its id outside the primary's configuration (removed with {@code group remove} and not
         * stopped): it is sent nothing and counts for nothing, so it is no standby and has no lag (operator review 6).
         */
        static boolean isRemoved(final NodeStatus node, final NodeStatus primary)
        {
            return null != primary && primary.hasConfiguration() && node.role() != GroupRole.ALONE &&
                !Membership.isMember(primary.configuration(), node.nodeId());
        }

        /**
         * Two nodes at the same applied index with different state hashes, said in one line, else null. Each node's
         * hash is taken on its engine thread at the applied index it reports, and the engine is deterministic, so a
         * difference at one index is a diverged ledger (operator review 8), never a race with the traffic.
         */
        static String divergence(final List<NodeStatus> nodes)
        {
            for (int i = 0; i < nodes.size(); i++)
            {
                for (int j = i + 1; j < nodes.size(); j++)
                {
                    final NodeStatus a = nodes.get(i);
                    final NodeStatus b = nodes.get(j);
                    if (null != a && null != b && a.appliedIndex() == b.appliedIndex() && a.appliedIndex() > 0 &&
                        a.stateHash() != b.stateHash())
                    {
                        return String.format(Locale.ROOT, "DIVERGED: nodes %d and %d differ at applied index %d " +
                            "(state hash %016x vs %016x): stop the one that differs from the primary and rebuild it " +
                            "(docs/replication.md, \"Rebuilding a standby\")", a.nodeId(), b.nodeId(), a.appliedIndex(),
                            a.stateHash(), b.stateHash());
                    }
                }
            }
            return null;
        }
    }

    /** Shared by promote and demote: ask the primary to hand over, then wait until another node leads. */
    abstract static class Switchover implements java.util.concurrent.Callable<Integer>
    {
        @Mixin
        Connection connection;

        @Option(names = "--wait-ms", defaultValue = "5000", description = "how long to wait for the new primary")
        long waitMs;

        Integer handOver(final ClusterAction action, final int target)
        {
            final NodeStatus primary = findPrimary(connection.queryAll(false));
            if (null == primary)
            {
                System.err.println("no primary found among " + connection.peers);
                return WodianMain.EXIT_UNREACHABLE;
            }
            if (action == ClusterAction.PROMOTE && primary.nodeId() == target)
            {
                System.out.println("node " + target + " is already the primary (term " + primary.term() + ")");
                return WodianMain.EXIT_OK;
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
            final int length = new CommandEncoder().clusterControl(buffer, 0, action, target);
            final byte[] reply = connection.call(primary.address(), buffer, length);
            if (null == reply)
            {
                System.err.println("no answer from the primary at " + primary.address());
                return WodianMain.EXIT_UNREACHABLE;
            }
            final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
            final ClusterControlReplyDecoder decoded = new ClusterControlReplyDecoder().wrap(replyBuffer,
                MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            if (decoded.code() != ResultCode.OK)
            {
                System.err.println("refused: " + decoded.code() + " (leader " + decoded.leaderId() + ", term " +
                    decoded.term() + ")");
                return WodianMain.EXIT_REFUSED;
            }
            final int newLeader = decoded.leaderId();
            System.out.println("node " + primary.nodeId() + " hands the primary role to node " + newLeader);
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            while (System.nanoTime() - deadlineNs < 0)
            {
                final NodeStatus now = findPrimary(connection.queryAll(false));
                if (null != now && now.nodeId() == newLeader && now.term() > primary.term())
                {
                    System.out.println("node " + newLeader + " is the primary of term " + now.term());
                    return WodianMain.EXIT_OK;
                }
                sleep(20);
            }
            System.err.println("node " + newLeader + " did not become the primary within " + waitMs + " ms");
            return WodianMain.EXIT_REFUSED;
        }

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

    @Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Planned switchover: the primary brings node N up to date and hands it the primary role.")
    static final class Promote extends Switchover
    {
        @Option(names = "--node", required = true, description = "node id to make primary")
        int nodeId;

        @Override
        public Integer call()
        {
            return handOver(ClusterAction.PROMOTE, nodeId);
        }
    }

    @Command(name = "demote", mixinStandardHelpOptions = true,
        description = "Planned switchover: the primary hands its role to its most up-to-date standby (or --to N).")
    static final class Demote extends Switchover
    {
        @Option(names = "--to", defaultValue = "-1", description = "node id to hand over to (default: best standby)")
        int targetId;

        @Override
        public Integer call()
        {
            return handOver(ClusterAction.DEMOTE, targetId);
        }
    }

    @Command(name = "group", mixinStandardHelpOptions = true,
        subcommands = { GroupAdd.class, GroupRemove.class, GroupRecoverCommand.class },
        description = "Change the membership of a replica group, one node at a time (docs/replication.md); " +
            "recover: after losing a majority for good, make a stopped survivor a group of one.")
    static final class Group implements Runnable
    {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run()
        {
            spec.commandLine().usage(System.err);
        }
    }

    /** Shared by add and remove: ask the primary for the change, then wait until it is committed. */
    abstract static class MembershipCommand implements java.util.concurrent.Callable<Integer>
    {
        @Mixin
        Connection connection;

        @Option(names = "--node", required = true, description = "the node id (its entry in every node's --peers)")
        int nodeId;

        @Option(names = "--wait-ms", defaultValue = "120000",
            description = "how long to wait for the change to be committed (an added node must first catch up: " +
                "a snapshot and the journal's tail); 0: return once the primary started it")
        long waitMs;

        abstract ClusterAction action();

        /** @return whether the primary's view shows the change done (and committed). */
        abstract boolean done(NodeStatus primary);

        /** @return whether the primary's configuration shows the change at least started (committed or not). */
        abstract boolean started(NodeStatus primary);

        abstract String doneText();

        /**
         * Why the change must not be asked for, seen in the nodes' status before asking the primary; null: ask.
         */
        String refusal(final List<NodeStatus> nodes, final NodeStatus primary)
        {
            return null;
        }

        /** Once the primary shows the change done: a last check; @return the command's exit status. */
        int afterDone(final long deadlineNs)
        {
            return WodianMain.EXIT_OK;
        }

        /**
         * What to say when the change is not done in time.
         *
         * @param primary the last primary seen, or null.
         */
        String timedOut(final NodeStatus primary)
        {
            return "node " + nodeId + " " + doneText().replace("is ", "is not ") + " after " + waitMs + " ms (see " +
                "wodian status)";
        }

        @Override
        public Integer call()
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(waitMs, 2_000));
            NodeStatus primary = findPrimary(connection.queryAll(false));
            ResultCode code = null;
            while (System.nanoTime() - deadlineNs < 0)
            {
                final List<NodeStatus> nodes = connection.queryAll(false);
                primary = findPrimary(nodes);
                if (null != primary && primary.hasConfiguration() && done(primary))
                {
                    System.out.println("node " + nodeId + " " + doneText() + ": " + primary.configurationLine());
                    return afterDone(deadlineNs);
                }
                final String refusal = null == primary ? null : refusal(nodes, primary);
                if (null != refusal)
                {
                    System.err.println("refused: " + refusal);
                    return WodianMain.EXIT_REFUSED;
                }
                code = null == primary ? null : request(primary);
                if (code == ResultCode.OK || code == ResultCode.MEMBERSHIP_UNCHANGED)
                {
                    break;
                }
                if (code == ResultCode.MEMBERSHIP_REFUSED)
                {
                    System.err.println("refused: node " + nodeId + " is not in the group's --peers list, the " +
                        "change would leave no voter, or the node decides under other engine limits (the primary's " +
                        "log names them)");
                    return WodianMain.EXIT_REFUSED;
                }
                Switchover.sleep(100); // no primary yet, or the previous change is not committed yet
            }
            if (code != ResultCode.OK && code != ResultCode.MEMBERSHIP_UNCHANGED)
            {
                System.err.println(null == primary ? "no primary found among " + connection.peers :
                    "the primary did not take the change: " + code);
                return null == primary ? WodianMain.EXIT_UNREACHABLE : WodianMain.EXIT_REFUSED;
            }
            System.out.println("node " + primary.nodeId() + " (primary, term " + primary.term() + ") took the change");
            return waitUntilDone(deadlineNs, primary.term());
        }

        /**
         * Waits until the primary shows the change committed. A primary that took the change and lost its leadership
         * before the entry was committed may take it with it: a primary of a later term whose committed configuration
         * does not even show the change started is asked again (asking is idempotent: OK, or UNCHANGED once done).
         */
        private Integer waitUntilDone(final long deadlineNs, final long tookInTerm)
        {
            if (waitMs <= 0)
            {
                return WodianMain.EXIT_OK;
            }
            long askedInTerm = tookInTerm;
            NodeStatus lastPrimary = null;
            while (System.nanoTime() - deadlineNs < 0)
            {
                final NodeStatus primary = findPrimary(connection.queryAll(false));
                lastPrimary = null == primary ? lastPrimary : primary;
                if (null != primary && primary.hasConfiguration() && done(primary))
                {
                    System.out.println("node " + nodeId + " " + doneText() + ": " + primary.configurationLine());
                    return afterDone(deadlineNs);
                }
                if (null != primary && primary.hasConfiguration() && primary.term() != askedInTerm &&
                    primary.configurationCommitted() && !started(primary))
                {
                    final ResultCode code = request(primary);
                    if (code == ResultCode.OK || code == ResultCode.MEMBERSHIP_UNCHANGED)
                    {
                        System.out.println("node " + primary.nodeId() + " (primary, term " + primary.term() +
                            ") took the change again: the primary that took it lost its leadership first");
                        askedInTerm = primary.term();
                    }
                }
                Switchover.sleep(100);
            }
            System.err.println(timedOut(lastPrimary));
            return WodianMain.EXIT_REFUSED;
        }

        private ResultCode request(final NodeStatus primary)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
            final int length = new CommandEncoder().clusterControl(buffer, 0, action(), nodeId);
            final byte[] reply = connection.call(primary.address(), buffer, length);
            if (null == reply)
            {
                return null;
            }
            final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
            if (header.templateId() != ClusterControlReplyDecoder.TEMPLATE_ID)
            {
                return null;
            }
            return new ClusterControlReplyDecoder().wrap(replyBuffer, MessageHeaderDecoder.ENCODED_LENGTH,
                header.blockLength(), header.version()).code();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
        description = "Add node N: it joins as a learner (sent the journal, or a snapshot and the journal's tail " +
            "when it lacks more than 10 M entries) and becomes a voter once caught up. Start it first with an empty " +
            "data directory and --join.")
    static final class GroupAdd extends MembershipCommand
    {
        /** How long an added voter's own status may take to show that it may vote (its view is published often). */
        static final long VOTE_CHECK_MS = 10_000;

        @Override
        ClusterAction action()
        {
            return ClusterAction.ADD_MEMBER;
        }

        @Override
        boolean done(final NodeStatus primary)
        {
            return primary.configurationCommitted() && Membership.isVoter(primary.configuration(), nodeId);
        }

        @Override
        boolean started(final NodeStatus primary)
        {
            return Membership.isMember(primary.configuration(), nodeId);
        }

        @Override
        String doneText()
        {
            return "is a voter";
        }

        /** A node deciding under other engine limits than the primary's would be another ledger: never added. */
        @Override
        String refusal(final List<NodeStatus> nodes, final NodeStatus primary)
        {
            final NodeStatus node = nodeOf(nodes, nodeId);
            return null == node ? null : GroupLimits.refusal(node, primary);
        }

        /**
         * A voter in the primary's configuration may still be one that must not vote: a node that joined empty while
         * its id was still a voter (wiped without {@code group remove}), or whose learner entry it never got, keeps
         * its join floor and never votes (docs/operations.md section 10); the group then counts a voter that cannot
         * vote. Asks the node itself (bounded: its flag follows its log) and names the way out.
         */
        @Override
        int afterDone(final long deadlineNs)
        {
            final long checkUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(VOTE_CHECK_MS);
            NodeStatus node = null;
            do
            {
                node = nodeOf(connection.queryAll(false), nodeId);
                if (null != node && (node.mayVote() || !node.hasConfiguration()))
                {
                    return WodianMain.EXIT_OK;
                }
                Switchover.sleep(200);
            }
            while (System.nanoTime() - checkUntilNs < 0);
            if (null == node)
            {
                System.out.println("note: node " + nodeId + " did not answer at any address of --peers: whether it " +
                    "may vote is not known (wodian status shows it)");
                return WodianMain.EXIT_OK;
            }
            System.err.println("node " + nodeId + " is a voter of the configuration but MAY NOT VOTE (it joined " +
                "empty while still a voter, or missed its learner entry): the group counts a voter that cannot " +
                "vote. Run: wodian group remove --peers " + String.join(",", connection.peers) + " --node " +
                nodeId + ", then this group add again");
            return WodianMain.EXIT_REFUSED;
        }

        private static NodeStatus nodeOf(final List<NodeStatus> nodes, final int id)
        {
            for (final NodeStatus node : nodes)
            {
                if (null != node && node.nodeId() == id)
                {
                    return node;
                }
            }
            return null;
        }

        /**
         * The added node stays a learner: configured, replicated to for ever, and holding back {@code journal prune}
         * (which needs every node's applied index) until it catches up or is removed. Says what the primary sees of
         * it and both ways out (ops review item 18).
         */
        @Override
        String timedOut(final NodeStatus primary)
        {
            final String seen = null == primary ? "" : primary.peerLines().stream()
                .filter(line -> line.trim().startsWith("peer " + nodeId + ":")).map(String::trim).findFirst()
                .map(line -> " (the primary's view: " + line + ")").orElse("");
            return "node " + nodeId + " is not a voter after " + waitMs + " ms: it is a learner the primary keeps " +
                "replicating to" + seen + ", and journal prune removes nothing while it is configured and behind. " +
                "Start it (an empty data directory and --join) and run this again, or undo the add with: wodian " +
                "group remove --peers " + String.join(",", connection.peers) + " --node " + nodeId;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove node N (voter or learner). A removed primary hands over once the removal is committed.")
    static final class GroupRemove extends MembershipCommand
    {
        @Override
        ClusterAction action()
        {
            return ClusterAction.REMOVE_MEMBER;
        }

        @Override
        boolean done(final NodeStatus primary)
        {
            return primary.configurationCommitted() && !Membership.isMember(primary.configuration(), nodeId);
        }

        @Override
        boolean started(final NodeStatus primary)
        {
            return !Membership.isMember(primary.configuration(), nodeId);
        }

        @Override
        String doneText()
        {
            return "is removed";
        }
    }
}
