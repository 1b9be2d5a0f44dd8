package com.wodian.tools;

import com.wodian.net.client.ClientConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A command's {@code --timeout-ms} is how long its user waits for a node: the client it builds connects, logs on and
 * waits for the reply for at least that long, and never for less than the client's own limits (rev R36: before,
 * {@code pos --timeout-ms 30000} gave up after the client's 10-s reply limit, and every logon had 5 s).
 */
class TimeoutOptionTest
{
    private static final long CONNECT_DEFAULT_MS = new ClientConfig().connectTimeoutMs();
    private static final long LOGON_DEFAULT_MS = new ClientConfig().logonTimeoutMs();
    private static final long REPLY_DEFAULT_MS = new ClientConfig().replyTimeoutMs();

    @Test
    void posWaitsItsTimeoutToConnectLogOnAndHearTheReply() throws Exception
    {
        assertLimits(30_000, 30_000, 30_000, pos("--port", "7701", "--timeout-ms", "30000").clientConfig());
    }

    @Test
    void posOverAGroupKeepsEachNodesLimitsShortSoThatTheNextNodeIsTriedWithinTheTimeout() throws Exception
    {
        // --timeout-ms is the give-up over the whole list: a node that does not connect or log on must not take it.
        final ClientConfig group =
            pos("--peers", "127.0.0.1:7701,127.0.0.1:7702", "--timeout-ms", "30000").clientConfig();
        assertLimits(CONNECT_DEFAULT_MS, LOGON_DEFAULT_MS, REPLY_DEFAULT_MS, group);
        assertEquals(30_000, group.reconnectGiveUpMs());
    }

    @Test
    void groupCommandsWaitTheirTimeoutForEachNode() throws Exception
    {
        assertLimits(30_000, 30_000, 30_000,
            status("--peers", "127.0.0.1:7701", "--timeout-ms", "30000").connection.clientConfig("127.0.0.1", 7701));
    }

    @Test
    void aShortTimeoutKeepsTheClientsLongerLimits() throws Exception
    {
        // pos's 5-s default and status's 2-s default: nothing is lowered.
        assertLimits(Math.max(CONNECT_DEFAULT_MS, 5_000), Math.max(LOGON_DEFAULT_MS, 5_000),
            Math.max(REPLY_DEFAULT_MS, 5_000), pos("--port", "7701").clientConfig());
        assertLimits(Math.max(CONNECT_DEFAULT_MS, 2_000), LOGON_DEFAULT_MS, REPLY_DEFAULT_MS,
            status("--peers", "127.0.0.1:7701").connection.clientConfig("127.0.0.1", 7701));
    }

    private static PosCommand pos(final String... options)
    {
        final PosCommand pos = new PosCommand();
        final String[] args = java.util.Arrays.copyOf(options, options.length + 3);
        args[options.length] = "balance";
        args[options.length + 1] = "--consumer";
        args[options.length + 2] = "1";
        new CommandLine(pos).parseArgs(args);
        pos.credentialsFile = null; // no logon identity needed to build the client's limits
        return pos;
    }

    private static GroupStatusCommand status(final String... options)
    {
        final GroupStatusCommand status = new GroupStatusCommand();
        new CommandLine(status).parseArgs(options);
        return status;
    }

    private static void assertLimits(final long connectMs, final long logonMs, final long replyMs,
        final ClientConfig config)
    {
        assertEquals(connectMs, config.connectTimeoutMs(), "connect");
        assertEquals(logonMs, config.logonTimeoutMs(), "logon");
        assertEquals(replyMs, config.replyTimeoutMs(), "reply");
    }
}
