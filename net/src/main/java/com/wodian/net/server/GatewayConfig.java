package com.wodian.net.server;

import com.wodian.net.auth.CredentialStore;

import com.wodian.net.gateway.SourceLimits;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Session-layer settings of the gateway (docs/security.md): authentication, logon rate limits, logon and idle
 * timeouts. Part of {@link ServerConfig} ({@link ServerConfig#gateway()}); defaults come from system properties.
 */
public final class GatewayConfig
{
    /** Whether sessions must log on. */
    public enum AuthMode
    {
        /** Every session logs on with a credential from the credential file (the default). */
        REQUIRED,
        /**
         * No logon: every session acts as an admin. Loopback-only experiments; refused on any other address, and
         * warned about at start-up.
         */
        DISABLED
    }

    /** Property names and defaults. */
    public static final class Configuration
    {
        public static final String AUTH_MODE_PROP_NAME = "wodian.auth.mode";
        public static final AuthMode AUTH_MODE_DEFAULT = AuthMode.REQUIRED;

        /** Credential file; default {@code <dataDir>/credentials}. */
        public static final String CREDENTIALS_FILE_PROP_NAME = "wodian.auth.credentials.file";
        public static final String CREDENTIALS_FILE_NAME_DEFAULT = "credentials";

        /** A connection must complete its logon within this time after accept, or it is closed (slowloris). */
        public static final String LOGON_TIMEOUT_MS_PROP_NAME = "wodian.auth.logon.timeout.ms";
        public static final long LOGON_TIMEOUT_MS_DEFAULT = 5_000;

        /** A logged-on session without a complete frame (a Heartbeat will do) for this long is closed. */
        public static final String IDLE_TIMEOUT_MS_PROP_NAME = "wodian.net.idle.timeout.ms";
        public static final long IDLE_TIMEOUT_MS_DEFAULT = 30_000;

        /** Told to clients at logon: how often to send a Heartbeat when otherwise silent. */
        public static final String HEARTBEAT_INTERVAL_MS_PROP_NAME = "wodian.net.heartbeat.interval.ms";
        public static final long HEARTBEAT_INTERVAL_MS_DEFAULT = 10_000;

        /**
         * Failed logons per principal from one source address per window before that principal's logons from that
         * address are refused for the rest of the window (other addresses are not affected: security review item 7).
         */
        public static final String PRINCIPAL_FAILURES_MAX_PROP_NAME = "wodian.auth.principal.failures.max";
        public static final int PRINCIPAL_FAILURES_MAX_DEFAULT = 5;

        /** Failed logons per source address per window before its logons are refused for the rest of it. */
        public static final String ADDRESS_FAILURES_MAX_PROP_NAME = "wodian.auth.address.failures.max";
        public static final int ADDRESS_FAILURES_MAX_DEFAULT = 20;

        public static final String FAILURE_WINDOW_MS_PROP_NAME = "wodian.auth.failure.window.ms";
        public static final long FAILURE_WINDOW_MS_DEFAULT = 60_000;

        /**
         * Where admin logons are accepted from: comma-separated address ranges (10.0.0.0/8, 127.0.0.1), or
         * {@link #ADMIN_ADDRESSES_ANY} for anywhere; unset: {@link #ADMIN_ADDRESSES_DEFAULT} (security review item 16
         * and B7).
         */
        public static final String ADMIN_ADDRESSES_PROP_NAME = "wodian.auth.admin.addresses";
        /**
         * Admin logons from the server's own machine only, unless told otherwise: until 2026-12-06 the default was
         * anywhere, so a leaked admin secret worked from every shop network (security review B7).
         */
        public static final String ADMIN_ADDRESSES_DEFAULT = "127.0.0.0/8,::1";
        /** The value of {@code --admin-from} (and the property) that accepts admin logons from any address. */
        public static final String ADMIN_ADDRESSES_ANY = "any";

        /**
         * With TLS client certificates asked for ({@code --tls-client-auth optional|required}), an admin logon from
         * an address that is not loopback must come with an {@code admin:<id>} certificate (default true; security
         * review B7). false: the secret alone, as before.
         */
        public static final String ADMIN_CERTIFICATE_REQUIRED_PROP_NAME = "wodian.auth.admin.certificate.required";

        /** Principals and addresses tracked by the rate limiter at most (and handshake buckets by SourceLimits). */
        public static final int LIMITER_ENTRIES_MAX = 100_000;

        /**
         * Connections from one source address that have not authenticated yet (TLS handshake, logon), per port; one
         * more is closed at accept (security review item 6). 0: no limit.
         */
        public static final String UNAUTHENTICATED_PER_ADDRESS_MAX_PROP_NAME =
            "wodian.net.unauthenticated.per.address.max";
        public static final int UNAUTHENTICATED_PER_ADDRESS_MAX_DEFAULT = 64;

        /**
         * The same cap on the ISO 8583 port, 64 by default as on the POS port. An ISO terminal counts as
         * unauthenticated until its first fresh MAC-valid request, so one address (a NAT, a concentrator) may hold
         * several such connections legitimately (concurrency review 6): 64 fits a shop site behind one address; a
         * concentrator with more idle, never-signed terminals needs a higher value (0: no cap). Off, one address
         * churning connections took every slot (security review 2026-12-05 B8).
         */
        public static final String ISO_UNAUTHENTICATED_PER_ADDRESS_MAX_PROP_NAME =
            "wodian.iso8583.unauthenticated.per.address.max";
        public static final int ISO_UNAUTHENTICATED_PER_ADDRESS_MAX_DEFAULT = 64;

        /** TLS handshakes per source address per second, sustained, per port; beyond it closed at accept. 0: none. */
        public static final String HANDSHAKES_PER_ADDRESS_PER_SECOND_PROP_NAME =
            "wodian.net.tls.handshakes.per.address.per.second";
        public static final int HANDSHAKES_PER_ADDRESS_PER_SECOND_DEFAULT = 100;

        /** TLS handshakes one source address may make at once before the per-second rate applies. */
        public static final String HANDSHAKE_BURST_PER_ADDRESS_PROP_NAME =
            "wodian.net.tls.handshakes.per.address.burst";
        public static final int HANDSHAKE_BURST_PER_ADDRESS_DEFAULT = 1_000;

        /**
         * When every POS session slot is taken, the oldest connection that has not logged on is closed to admit a
         * newcomer, but only one open for at least this long; otherwise the newcomer is refused. The floor keeps a
         * churning client from evicting every terminal in the middle of its TLS handshake or logon (security review
         * 2026-12-05 B2, and B8 for the ISO port). 2 s: a TLS handshake and a logon over a slow mobile link.
         */
        public static final String EVICTION_AGE_MIN_MS_PROP_NAME = "wodian.net.unauthenticated.eviction.age.min.ms";
        public static final long EVICTION_AGE_MIN_MS_DEFAULT = 2_000;

        /**
         * Logged-on sessions one terminal or consumer identity may hold on the POS port; a logon beyond it closes that
         * identity's oldest session (security review 2026-12-05 B1). 4: a till holds one session, plus a reconnect
         * after a reboot or a dropped link while the old half-open session lingers until its idle timeout, plus a
         * second process of the till (a reconciliation job). Admin sessions are not capped. 0: no cap.
         */
        public static final String SESSIONS_PER_PRINCIPAL_MAX_PROP_NAME = "wodian.net.sessions.per.principal.max";
        public static final int SESSIONS_PER_PRINCIPAL_MAX_DEFAULT = 4;

        /**
         * Messages (commands and queries) one terminal or consumer identity may send per second, sustained, over all
         * its sessions; beyond it the gateway answers 901 SERVER_BUSY without journaling (security review 2026-12-05
         * B12). 50/s: a till sends a payment every few seconds at its busiest; an integration that pays for a whole
         * web shop under one terminal id still has 4 million a day. 0: no budget.
         */
        public static final String COMMANDS_PER_PRINCIPAL_PER_SECOND_PROP_NAME =
            "wodian.net.commands.per.principal.per.second";
        public static final int COMMANDS_PER_PRINCIPAL_PER_SECOND_DEFAULT = 50;

        /** Messages an identity may send at once before the per-second rate applies (an offline queue's upload). */
        public static final String COMMANDS_PER_PRINCIPAL_BURST_PROP_NAME = "wodian.net.commands.per.principal.burst";
        public static final int COMMANDS_PER_PRINCIPAL_BURST_DEFAULT = 200;

        private Configuration()
        {
        }
    }

    private AuthMode authMode = parseAuthMode(System.getProperty(Configuration.AUTH_MODE_PROP_NAME,
        Configuration.AUTH_MODE_DEFAULT.name()));
    private Path credentialsFile = null == System.getProperty(Configuration.CREDENTIALS_FILE_PROP_NAME) ? null :
        Path.of(System.getProperty(Configuration.CREDENTIALS_FILE_PROP_NAME));
    private CredentialStore credentialStore;
    private long logonTimeoutMs = Long.getLong(Configuration.LOGON_TIMEOUT_MS_PROP_NAME,
        Configuration.LOGON_TIMEOUT_MS_DEFAULT);
    private long idleTimeoutMs = Long.getLong(Configuration.IDLE_TIMEOUT_MS_PROP_NAME,
        Configuration.IDLE_TIMEOUT_MS_DEFAULT);
    private long heartbeatIntervalMs = Long.getLong(Configuration.HEARTBEAT_INTERVAL_MS_PROP_NAME,
        Configuration.HEARTBEAT_INTERVAL_MS_DEFAULT);
    private int principalFailuresMax = Integer.getInteger(Configuration.PRINCIPAL_FAILURES_MAX_PROP_NAME,
        Configuration.PRINCIPAL_FAILURES_MAX_DEFAULT);
    private int addressFailuresMax = Integer.getInteger(Configuration.ADDRESS_FAILURES_MAX_PROP_NAME,
        Configuration.ADDRESS_FAILURES_MAX_DEFAULT);
    private long failureWindowMs = Long.getLong(Configuration.FAILURE_WINDOW_MS_PROP_NAME,
        Configuration.FAILURE_WINDOW_MS_DEFAULT);
    private AddressRanges adminAddresses = parseAdminAddresses(System.getProperty(
        Configuration.ADMIN_ADDRESSES_PROP_NAME, Configuration.ADMIN_ADDRESSES_DEFAULT));
    private boolean adminCertificateRequired = Boolean.parseBoolean(System.getProperty(
        Configuration.ADMIN_CERTIFICATE_REQUIRED_PROP_NAME, "true"));
    private int unauthenticatedPerAddressMax = Integer.getInteger(
        Configuration.UNAUTHENTICATED_PER_ADDRESS_MAX_PROP_NAME, Configuration.UNAUTHENTICATED_PER_ADDRESS_MAX_DEFAULT);
    private int isoUnauthenticatedPerAddressMax = Integer.getInteger(
        Configuration.ISO_UNAUTHENTICATED_PER_ADDRESS_MAX_PROP_NAME,
        Configuration.ISO_UNAUTHENTICATED_PER_ADDRESS_MAX_DEFAULT);
    private int handshakesPerAddressPerSecond = Integer.getInteger(
        Configuration.HANDSHAKES_PER_ADDRESS_PER_SECOND_PROP_NAME,
        Configuration.HANDSHAKES_PER_ADDRESS_PER_SECOND_DEFAULT);
    private int handshakeBurstPerAddress = Integer.getInteger(Configuration.HANDSHAKE_BURST_PER_ADDRESS_PROP_NAME,
        Configuration.HANDSHAKE_BURST_PER_ADDRESS_DEFAULT);
    private long evictionAgeMinMs = Long.getLong(Configuration.EVICTION_AGE_MIN_MS_PROP_NAME,
        Configuration.EVICTION_AGE_MIN_MS_DEFAULT);
    private int sessionsPerPrincipalMax = Integer.getInteger(Configuration.SESSIONS_PER_PRINCIPAL_MAX_PROP_NAME,
        Configuration.SESSIONS_PER_PRINCIPAL_MAX_DEFAULT);
    private int commandsPerPrincipalPerSecond = Integer.getInteger(
        Configuration.COMMANDS_PER_PRINCIPAL_PER_SECOND_PROP_NAME,
        Configuration.COMMANDS_PER_PRINCIPAL_PER_SECOND_DEFAULT);
    private int commandsPerPrincipalBurst = Integer.getInteger(Configuration.COMMANDS_PER_PRINCIPAL_BURST_PROP_NAME,
        Configuration.COMMANDS_PER_PRINCIPAL_BURST_DEFAULT);

    public static AuthMode parseAuthMode(final String name)
    {
        return AuthMode.valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    public GatewayConfig authMode(final AuthMode authMode)
    {
        this.authMode = Objects.requireNonNull(authMode, "authMode");
        return this;
    }

    public AuthMode authMode()
    {
        return authMode;
    }

    /** The credential file to load (and reload when it changes); null means {@code <dataDir>/credentials}. */
    public GatewayConfig credentialsFile(final Path credentialsFile)
    {
        this.credentialsFile = credentialsFile;
        return this;
    }

    public Path credentialsFile()
    {
        return credentialsFile;
    }

    /** An in-memory store used instead of the file (tests, embedded use); never reloaded. */
    public GatewayConfig credentialStore(final CredentialStore credentialStore)
    {
        this.credentialStore = credentialStore;
        return this;
    }

    public CredentialStore credentialStore()
    {
        return credentialStore;
    }

    public GatewayConfig logonTimeoutMs(final long logonTimeoutMs)
    {
        this.logonTimeoutMs = logonTimeoutMs;
        return this;
    }

    public long logonTimeoutMs()
    {
        return logonTimeoutMs;
    }

    public GatewayConfig idleTimeoutMs(final long idleTimeoutMs)
    {
        this.idleTimeoutMs = idleTimeoutMs;
        return this;
    }

    public long idleTimeoutMs()
    {
        return idleTimeoutMs;
    }

    public GatewayConfig heartbeatIntervalMs(final long heartbeatIntervalMs)
    {
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    public GatewayConfig principalFailuresMax(final int principalFailuresMax)
    {
        this.principalFailuresMax = principalFailuresMax;
        return this;
    }

    public int principalFailuresMax()
    {
        return principalFailuresMax;
    }

    public GatewayConfig addressFailuresMax(final int addressFailuresMax)
    {
        this.addressFailuresMax = addressFailuresMax;
        return this;
    }

    public int addressFailuresMax()
    {
        return addressFailuresMax;
    }

    public GatewayConfig failureWindowMs(final long failureWindowMs)
    {
        this.failureWindowMs = failureWindowMs;
        return this;
    }

    public long failureWindowMs()
    {
        return failureWindowMs;
    }

    /**
     * Where admin logons are accepted from; null for anywhere. Default: loopback only
     * ({@link Configuration#ADMIN_ADDRESSES_DEFAULT}; docs/security.md, "Admin logons").
     */
    public GatewayConfig adminAddresses(final AddressRanges adminAddresses)
    {
        this.adminAddresses = adminAddresses;
        return this;
    }

    public AddressRanges adminAddresses()
    {
        return adminAddresses;
    }

    /**
     * The admin address ranges of {@code --admin-from}: comma-separated ranges, or {@code any} (null: anywhere).
     *
     * @throws IllegalArgumentException naming a range that is not one.
     */
    public static AddressRanges parseAdminAddresses(final String text)
    {
        return Configuration.ADMIN_ADDRESSES_ANY.equalsIgnoreCase(text.trim()) ? null : AddressRanges.parse(text);
    }

    /**
     * Whether an admin logon from an address that is not loopback needs an {@code admin:<id>} client certificate when
     * the server asks for client certificates (default true; security review B7).
     */
    public GatewayConfig adminCertificateRequired(final boolean adminCertificateRequired)
    {
        this.adminCertificateRequired = adminCertificateRequired;
        return this;
    }

    public boolean adminCertificateRequired()
    {
        return adminCertificateRequired;
    }

    /** Connections per source address before authentication, per port; 0 for no limit (security.md). */
    public GatewayConfig unauthenticatedPerAddressMax(final int unauthenticatedPerAddressMax)
    {
        this.unauthenticatedPerAddressMax = unauthenticatedPerAddressMax;
        return this;
    }

    public int unauthenticatedPerAddressMax()
    {
        return unauthenticatedPerAddressMax;
    }

    /** TLS handshakes per source address: the sustained rate (0 for no limit) and the burst. */
    public GatewayConfig handshakesPerAddress(final int perSecond, final int burst)
    {
        this.handshakesPerAddressPerSecond = perSecond;
        this.handshakeBurstPerAddress = burst;
        return this;
    }

    /** A new set of the per-source limits for one port (each port keeps its own counts). */
    public SourceLimits newSourceLimits()
    {
        return new SourceLimits(unauthenticatedPerAddressMax, handshakesPerAddressPerSecond, handshakeBurstPerAddress,
            Configuration.LIMITER_ENTRIES_MAX);
    }

    /** Connections per source address before authentication on the ISO 8583 port (64 by default); 0 for no limit. */
    public GatewayConfig isoUnauthenticatedPerAddressMax(final int isoUnauthenticatedPerAddressMax)
    {
        this.isoUnauthenticatedPerAddressMax = isoUnauthenticatedPerAddressMax;
        return this;
    }

    /** The per-source limits for an ISO 8583 port: its own cap, the same TLS handshake bucket. */
    public SourceLimits newIsoSourceLimits()
    {
        return new SourceLimits(isoUnauthenticatedPerAddressMax, handshakesPerAddressPerSecond,
            handshakeBurstPerAddress, Configuration.LIMITER_ENTRIES_MAX);
    }

    /**
     * How long a connection that has not logged on is safe from eviction when the POS port is full (docs/security.md,
     * "Robustness"); at or above the logon timeout, connections are never evicted (the timeout closes them first).
     */
    public GatewayConfig evictionAgeMinMs(final long evictionAgeMinMs)
    {
        this.evictionAgeMinMs = evictionAgeMinMs;
        return this;
    }

    public long evictionAgeMinMs()
    {
        return evictionAgeMinMs;
    }

    /** Logged-on sessions per terminal or consumer identity on the POS port; 0 for no cap (docs/security.md). */
    public GatewayConfig sessionsPerPrincipalMax(final int sessionsPerPrincipalMax)
    {
        this.sessionsPerPrincipalMax = sessionsPerPrincipalMax;
        return this;
    }

    public int sessionsPerPrincipalMax()
    {
        return sessionsPerPrincipalMax;
    }

    /**
     * The command budget per terminal or consumer identity on the POS port: the sustained rate (0 for none) and the
     * burst (docs/security.md, "Rate limits and logging").
     */
    public GatewayConfig commandsPerPrincipal(final int perSecond, final int burst)
    {
        this.commandsPerPrincipalPerSecond = perSecond;
        this.commandsPerPrincipalBurst = burst;
        return this;
    }

    int commandsPerPrincipalPerSecond()
    {
        return commandsPerPrincipalPerSecond;
    }

    int commandsPerPrincipalBurst()
    {
        return commandsPerPrincipalBurst;
    }

    void validate(final String host)
    {
        if (commandsPerPrincipalPerSecond < 0 || (commandsPerPrincipalPerSecond > 0 && commandsPerPrincipalBurst < 1))
        {
            throw new IllegalArgumentException("the command budget per identity must be >= 0 a second (0: none) " +
                "with a burst >= 1");
        }
        if (sessionsPerPrincipalMax < 0)
        {
            throw new IllegalArgumentException("sessions per principal must be >= 0 (0: no cap): " +
                sessionsPerPrincipalMax);
        }
        if (evictionAgeMinMs < 0)
        {
            throw new IllegalArgumentException("the eviction age floor must be >= 0 ms: " + evictionAgeMinMs);
        }
        if (unauthenticatedPerAddressMax < 0 || isoUnauthenticatedPerAddressMax < 0 ||
            handshakesPerAddressPerSecond < 0 || (handshakesPerAddressPerSecond > 0 && handshakeBurstPerAddress < 1))
        {
            throw new IllegalArgumentException("per-source limits must be >= 0 (0: none), a handshake burst >= 1");
        }
        if (logonTimeoutMs <= 0 || idleTimeoutMs <= 0 || heartbeatIntervalMs <= 0 || failureWindowMs <= 0)
        {
            throw new IllegalArgumentException("gateway timeouts and intervals must be > 0");
        }
        if (heartbeatIntervalMs >= idleTimeoutMs)
        {
            throw new IllegalArgumentException("heartbeatIntervalMs must be below idleTimeoutMs");
        }
        if (principalFailuresMax <= 0 || addressFailuresMax <= 0)
        {
            throw new IllegalArgumentException("logon failure limits must be > 0");
        }
        if (AuthMode.DISABLED == authMode && !isLoopback(host))
        {
            throw new IllegalArgumentException("auth DISABLED is allowed on a loopback address only, not " + host);
        }
    }

    static boolean isLoopback(final String host)
    {
        try
        {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (final java.net.UnknownHostException ex)
        {
            return false;
        }
    }

    @Override
    public String toString()
    {
        return "GatewayConfig{authMode=" + authMode + ", credentialsFile=" + credentialsFile +
            ", logonTimeoutMs=" + logonTimeoutMs + ", idleTimeoutMs=" + idleTimeoutMs +
            ", heartbeatIntervalMs=" + heartbeatIntervalMs + ", principalFailuresMax=" + principalFailuresMax +
            ", addressFailuresMax=" + addressFailuresMax + ", failureWindowMs=" + failureWindowMs +
            ", evictionAgeMinMs=" + evictionAgeMinMs + ", sessionsPerPrincipalMax=" + sessionsPerPrincipalMax +
            ", commandsPerPrincipal=" + commandsPerPrincipalPerSecond + "/s burst " + commandsPerPrincipalBurst + '}';
    }
}
