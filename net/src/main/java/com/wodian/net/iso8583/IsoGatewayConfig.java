package com.wodian.net.iso8583;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Settings of the ISO 8583 gateway (docs/iso8583.md, "Running the gateway"). Off unless a port is given; loopback
 * unless a host is given, because terminals are normally reached through an acquirer's network, not the internet.
 *
 * @param host                  address to bind.
 * @param port                  TCP port; 0 for an ephemeral port (tests).
 * @param keysFile              the terminal key file ({@link IsoKeyStore}); re-read within a second of a change.
 * @param preAuthTtlMs          how long a pre-authorisation holds funds; at most the engine's ttl maximum.
 * @param connectionsMax        terminals connected at once; more are refused (accepted and closed). Each slot in use
 *                              costs about 100 KiB (its exchanges' buffers), and 5 KiB of reply ring per slot is
 *                              allocated at start.
 * @param inFlightMax           requests of one connection being processed at once; more wait in the socket.
 * @param frameLengthMax        largest frame (TPDU + message) accepted; a longer one closes the connection.
 * @param transmissionTimeWindowMs how far a financial request's DE7 may be from the gateway's receive time, either
 *                              way, before it is refused as stale (a replay) or from the future (docs/iso8583.md,
 *                              "Freshness").
 * @param idleTimeoutMs         a connection that has neither sent a whole, accepted request nor taken response bytes
 *                              for this long is closed (idle, half-open, slowloris or never-reading peers).
 * @param connectionsPerTerminalMax authenticated connections one terminal holds at once; one more ends that
 *                              terminal's oldest (security review 2026-12-05 B1). 0: no cap.
 */
public record IsoGatewayConfig(
    String host,
    int port,
    Path keysFile,
    long preAuthTtlMs,
    int connectionsMax,
    int inFlightMax,
    int frameLengthMax,
    long transmissionTimeWindowMs,
    long idleTimeoutMs,
    int connectionsPerTerminalMax)
{
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final long DEFAULT_PRE_AUTH_TTL_MS = 30L * 60 * 1000;
    public static final String CONNECTIONS_MAX_PROP_NAME = "wodian.iso8583.connections.max";
    public static final int DEFAULT_CONNECTIONS_MAX = 256;
    public static final int CONNECTIONS_MAX_LIMIT = 65_535;
    public static final int DEFAULT_IN_FLIGHT_MAX = 64;
    public static final int DEFAULT_FRAME_LENGTH_MAX = 1024;
    public static final String TRANSMISSION_TIME_WINDOW_MS_PROP_NAME = "wodian.iso8583.time.window.ms";
    public static final long DEFAULT_TRANSMISSION_TIME_WINDOW_MS = 10L * 60 * 1000;
    public static final String IDLE_TIMEOUT_MS_PROP_NAME = "wodian.iso8583.idle.timeout.ms";
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 120_000;
    public static final String CONNECTIONS_PER_TERMINAL_MAX_PROP_NAME = "wodian.iso8583.connections.per.terminal.max";
    public static final int DEFAULT_CONNECTIONS_PER_TERMINAL_MAX = 4;

    public IsoGatewayConfig
    {
        if (port < 0 || port > 65_535 || preAuthTtlMs <= 0 ||
            connectionsMax <= 0 || connectionsMax > CONNECTIONS_MAX_LIMIT ||
            inFlightMax <= 0 || frameLengthMax < NacFrameDescriptor.TPDU_LENGTH + 10 ||
            transmissionTimeWindowMs <= 0 || idleTimeoutMs <= 0 || connectionsPerTerminalMax < 0)
        {
            throw new IllegalArgumentException("bad ISO 8583 gateway settings: " + this);
        }
    }

    /**
     * Defaults for everything but where to listen and the key file; the connection limit, the freshness window,
     * the idle timeout and the per-terminal cap may be set as system properties ({@value #CONNECTIONS_MAX_PROP_NAME},
     * {@value #TRANSMISSION_TIME_WINDOW_MS_PROP_NAME}, {@value #IDLE_TIMEOUT_MS_PROP_NAME},
     * {@value #CONNECTIONS_PER_TERMINAL_MAX_PROP_NAME}).
     */
    public static IsoGatewayConfig of(final String host, final int port, final Path keysFile)
    {
        return of(host, port, keysFile, System.getProperties());
    }

    /** As {@link #of(String, int, Path)}, with the properties given (tests). */
    static IsoGatewayConfig of(final String host, final int port, final Path keysFile, final Properties properties)
    {
        return new IsoGatewayConfig(host, port, keysFile, DEFAULT_PRE_AUTH_TTL_MS, connectionsMax(properties),
            DEFAULT_IN_FLIGHT_MAX, DEFAULT_FRAME_LENGTH_MAX,
            longProperty(properties, TRANSMISSION_TIME_WINDOW_MS_PROP_NAME, DEFAULT_TRANSMISSION_TIME_WINDOW_MS),
            longProperty(properties, IDLE_TIMEOUT_MS_PROP_NAME, DEFAULT_IDLE_TIMEOUT_MS),
            (int)Math.min(Integer.MAX_VALUE, longProperty(
                properties, CONNECTIONS_PER_TERMINAL_MAX_PROP_NAME, DEFAULT_CONNECTIONS_PER_TERMINAL_MAX)));
    }

    /** As {@link Long#getLong(String, long)} did for these two: a value that is no number keeps the default. */
    private static long longProperty(final Properties properties, final String name, final long defaultValue)
    {
        try
        {
            return Long.decode(properties.getProperty(name, Long.toString(defaultValue)));
        }
        catch (final NumberFormatException ex)
        {
            return defaultValue;
        }
    }

    /**
     * {@value #CONNECTIONS_MAX_PROP_NAME}, 1 to {@value #CONNECTIONS_MAX_LIMIT}; a value that is no such number stops
     * the server with the property's name (silently keeping 256 would lock terminals out in production).
     */
    private static int connectionsMax(final Properties properties)
    {
        final String text = properties.getProperty(CONNECTIONS_MAX_PROP_NAME);
        if (null == text)
        {
            return DEFAULT_CONNECTIONS_MAX;
        }
        try
        {
            final int value = Integer.parseInt(text.trim());
            if (value >= 1 && value <= CONNECTIONS_MAX_LIMIT)
            {
                return value;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // Refused below, with the property's name.
        }
        throw new IllegalArgumentException(CONNECTIONS_MAX_PROP_NAME + " must be a number from 1 to " +
            CONNECTIONS_MAX_LIMIT + ": '" + text + "'");
    }

    /** The same settings with another idle timeout (tests, and operators through the system property). */
    public IsoGatewayConfig withIdleTimeoutMs(final long idleTimeoutMs)
    {
        return new IsoGatewayConfig(host, port, keysFile, preAuthTtlMs, connectionsMax, inFlightMax, frameLengthMax,
            transmissionTimeWindowMs, idleTimeoutMs, connectionsPerTerminalMax);
    }

    /** The same settings with another cap on one terminal's authenticated connections (0: none). */
    public IsoGatewayConfig withConnectionsPerTerminalMax(final int connectionsPerTerminalMax)
    {
        return new IsoGatewayConfig(host, port, keysFile, preAuthTtlMs, connectionsMax, inFlightMax, frameLengthMax,
            transmissionTimeWindowMs, idleTimeoutMs, connectionsPerTerminalMax);
    }

    /** The same settings with another connection limit. */
    public IsoGatewayConfig withConnectionsMax(final int connectionsMax)
    {
        return new IsoGatewayConfig(host, port, keysFile, preAuthTtlMs, connectionsMax, inFlightMax, frameLengthMax,
            transmissionTimeWindowMs, idleTimeoutMs, connectionsPerTerminalMax);
    }
}
