package com.wodian.net.testing;

import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;

/**
 * The one home of a test client's limits, for the tests of every module (net's test-jar). A client's defaults (2 s to
 * connect, 5 s to log on, 10 s without a reply) are a production terminal's; a starved 2-vCPU CI machine can pass them
 * with nothing wrong (a 5-s logon failed CrashRecoveryTest once at load 20), so a test client waits
 * {@link #TIMEOUT_MS} for each. A test that checks a limit itself sets it after these.
 */
public final class TestClients
{
    /** Every wait of a test client for a connection, a logon or a reply; it returns as soon as the answer is there. */
    public static final long TIMEOUT_MS = 30_000;

    private TestClients()
    {
    }

    /** A client of the server at {@code host:port} logged on with {@code credentials}, with the test limits. */
    public static ClientConfig config(final String host, final int port, final Credentials credentials)
    {
        return patient(new ClientConfig().node(host, port).credentials(credentials));
    }

    /** {@code config} with the test limits for connecting, logging on and waiting for a reply. */
    public static ClientConfig patient(final ClientConfig config)
    {
        return config.connectTimeoutMs(TIMEOUT_MS).logonTimeoutMs(TIMEOUT_MS).replyTimeoutMs(TIMEOUT_MS);
    }
}
