package com.wodian.net.client;

import com.wodian.net.auth.Credentials;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link WodianClient}: the nodes to try (a primary and its standbys, for failover), the credentials
 * to log on with, timeouts, and whether to reconnect. With {@link #reconnect(boolean)} the client keeps the bytes of
 * every request until its reply arrives, and after a lost connection logs on again (to the same node or the next in
 * the list, with exponential backoff) and re-sends them in order with their original bytes, so their idempotency
 * keys make the retry safe: a payment the server had applied is answered with its first result, never charged twice.
 */
public final class ClientConfig
{
    private final List<InetSocketAddress> nodes = new ArrayList<>();
    private Credentials credentials;
    private long connectTimeoutMs = 2_000;
    private long logonTimeoutMs = 5_000;
    private boolean reconnect;
    private long reconnectBackoffInitialMs = 10;
    private long reconnectBackoffMaxMs = 1_000;
    private long reconnectGiveUpMs = 30_000;
    private long heartbeatIntervalMs;
    private long replyTimeoutMs = 10_000;
    private int retransmitBufferLength = 1024 * 1024;
    private com.wodian.net.tls.TlsContext tls;

    /** Adds a node; the client tries nodes in the order added, starting again after the last one that worked. */
    public ClientConfig node(final String host, final int port)
    {
        nodes.add(InetSocketAddress.createUnresolved(host, port));
        return this;
    }

    /** Adds nodes written {@code host:port,host:port}. */
    public ClientConfig nodes(final String hostPortList)
    {
        for (final String hostPort : hostPortList.split(","))
        {
            final int colon = hostPort.lastIndexOf(':');
            if (colon <= 0)
            {
                throw new IllegalArgumentException("node must be host:port: " + hostPort);
            }
            node(hostPort.substring(0, colon).trim(), Integer.parseInt(hostPort.substring(colon + 1).trim()));
        }
        return this;
    }

    public List<InetSocketAddress> nodes()
    {
        return nodes;
    }

    /** Logs on with these after every connect; null for a server with authentication disabled. */
    public ClientConfig credentials(final Credentials credentials)
    {
        this.credentials = credentials;
        return this;
    }

    public Credentials credentials()
    {
        return credentials;
    }

    public ClientConfig connectTimeoutMs(final long connectTimeoutMs)
    {
        this.connectTimeoutMs = connectTimeoutMs;
        return this;
    }

    public long connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    public ClientConfig logonTimeoutMs(final long logonTimeoutMs)
    {
        this.logonTimeoutMs = logonTimeoutMs;
        return this;
    }

    public long logonTimeoutMs()
    {
        return logonTimeoutMs;
    }

    /** Reconnect and re-send in-flight requests after a lost connection (see the class comment). */
    public ClientConfig reconnect(final boolean reconnect)
    {
        this.reconnect = reconnect;
        return this;
    }

    public boolean reconnect()
    {
        return reconnect;
    }

    /** First pause between reconnect attempts; doubled after each failed round over the nodes. */
    public ClientConfig reconnectBackoffInitialMs(final long reconnectBackoffInitialMs)
    {
        this.reconnectBackoffInitialMs = reconnectBackoffInitialMs;
        return this;
    }

    public long reconnectBackoffInitialMs()
    {
        return reconnectBackoffInitialMs;
    }

    public ClientConfig reconnectBackoffMaxMs(final long reconnectBackoffMaxMs)
    {
        this.reconnectBackoffMaxMs = reconnectBackoffMaxMs;
        return this;
    }

    public long reconnectBackoffMaxMs()
    {
        return reconnectBackoffMaxMs;
    }

    /**
     * After this long without a connection the client fails: unanswered requests hear an outcome unknown
     * ({@link ReplyListener#onFailure}, {@link OutcomeUnknownException}), sends throw.
     */
    public ClientConfig reconnectGiveUpMs(final long reconnectGiveUpMs)
    {
        this.reconnectGiveUpMs = reconnectGiveUpMs;
        return this;
    }

    public long reconnectGiveUpMs()
    {
        return reconnectGiveUpMs;
    }

    /** Heartbeat interval; 0 (the default) uses the interval the server names in its LogonReply. */
    public ClientConfig heartbeatIntervalMs(final long heartbeatIntervalMs)
    {
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    /**
     * A connection with requests in flight and no reply for this long is taken as dead (a crashed host or a
     * partition sends no RST): it is closed, then reconnected with the requests re-sent, or, without reconnect, the
     * client fails. 0 turns the check off. Checked on the shared heartbeat thread, a quarter of it at a time.
     */
    public ClientConfig replyTimeoutMs(final long replyTimeoutMs)
    {
        this.replyTimeoutMs = replyTimeoutMs;
        return this;
    }

    public long replyTimeoutMs()
    {
        return replyTimeoutMs;
    }

    /**
     * With reconnect: bytes of requests kept until answered (the send buffer). Bounds the bytes in flight; a sender
     * waits when it is full of unanswered requests.
     */
    public ClientConfig retransmitBufferLength(final int retransmitBufferLength)
    {
        this.retransmitBufferLength = retransmitBufferLength;
        return this;
    }

    public int retransmitBufferLength()
    {
        return retransmitBufferLength;
    }

    /**
     * Speaks TLS to the server: the context's trust file must hold the CA of the server's certificate, and its own
     * certificate (optional) is presented as the client certificate. Null (the default) for clear text.
     */
    public ClientConfig tls(final com.wodian.net.tls.TlsContext tls)
    {
        this.tls = tls;
        return this;
    }

    /** Loads {@code settings} now; see {@link #tls(com.wodian.net.tls.TlsContext)}. */
    public ClientConfig tls(final com.wodian.net.tls.TlsSettings settings) throws java.io.IOException
    {
        try
        {
            return tls(com.wodian.net.tls.TlsContext.load(settings));
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("TLS key material not usable (" + settings + "): " + ex, ex);
        }
    }

    public com.wodian.net.tls.TlsContext tls()
    {
        return tls;
    }

    void validate()
    {
        if (nodes.isEmpty())
        {
            throw new IllegalArgumentException("at least one node");
        }
        Objects.requireNonNull(nodes.get(0));
        if (connectTimeoutMs <= 0 || logonTimeoutMs <= 0 || reconnectBackoffInitialMs <= 0 ||
            reconnectBackoffMaxMs < reconnectBackoffInitialMs || reconnectGiveUpMs <= 0 || heartbeatIntervalMs < 0 ||
            replyTimeoutMs < 0)
        {
            throw new IllegalArgumentException("client timeouts must be > 0");
        }
        if (retransmitBufferLength < 64 * 1024)
        {
            throw new IllegalArgumentException("retransmitBufferLength must be >= 64 KiB");
        }
    }
}
