package com.wodian.net.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * One endpoint's TLS configuration, loaded from {@link TlsSettings} and reloaded when its files change, so that
 * certificates can be rotated without a restart: connections opened after a reload use the new key material,
 * connections already open keep theirs. A reload that fails (a half-written or broken file) is logged and the
 * previous material kept.
 *
 * <p>Thread-safety: {@link #newServerEngine()}, {@link #newClientEngine} and {@link #reloadIfChanged(long)} may be
 * called from any thread; the current {@link SSLContext} is published through a volatile field so that an engine
 * created after a reload sees the fully built context.
 */
public final class TlsContext
{
    private static final System.Logger LOG = System.getLogger(TlsContext.class.getName());
    /** How often {@link #reloadIfChanged(long)} looks at the files' modification times. */
    static final long RELOAD_CHECK_INTERVAL_MS = 1000;
    /**
     * The only cipher suites any endpoint enables (docs/protocol.md section 1.2): TLS 1.3's AEAD suites, and on TLS 1.2
     * ECDHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305. The JDK's defaults also enable CBC with
     * SHA-1 HMACs, finite-field DHE and static-RSA key exchange (no forward secrecy: a later key leak decrypts
     * recorded payments), which the doc never promised (security review item 10). Enabled in the provider's order.
     */
    static final java.util.Set<String> CIPHER_SUITES_ALLOWED = java.util.Set.of(
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final TlsSettings settings;
    /** JSSE provider name, or null for the JDK's default (SunJSSE). */
    private final String provider;
    private volatile SSLContext context;
    private long filesStamp;
    private long nextCheckMs;
    private volatile long reloadCount;
    /** Warned about from this long before the served certificate's end (docs/operations.md, section 9). */
    public static final long EXPIRY_WARNING_MS = java.util.concurrent.TimeUnit.DAYS.toMillis(30);
    /** A certificate near its end is warned about again after this long. */
    static final long EXPIRY_WARNING_INTERVAL_MS = java.util.concurrent.TimeUnit.DAYS.toMillis(1);
    /** The served certificate; null when none (a client that presents none). */
    private volatile java.security.cert.X509Certificate certificate;
    private long nextExpiryWarningMs;

    private TlsContext(final TlsSettings settings, final String provider, final SSLContext context,
        final long filesStamp, final java.security.cert.X509Certificate certificate)
    {
        this.settings = settings;
        this.provider = provider;
        this.context = context;
        this.filesStamp = filesStamp;
        this.certificate = certificate;
    }

    /**
     * Loads the key material now.
     *
     * @throws IOException              when a file cannot be read.
     * @throws GeneralSecurityException when a file does not hold what it should (bad PEM, wrong password).
     */
    public static TlsContext load(final TlsSettings settings) throws IOException, GeneralSecurityException
    {
        return load(settings, null);
    }

    /**
     * Loads the key material now, for engines of the named JSSE provider (registered with
     * {@link java.security.Security}), or of the JDK's default when {@code provider} is null. Used by the TLS cost
     * harness to compare providers.
     */
    public static TlsContext load(final TlsSettings settings, final String provider)
        throws IOException, GeneralSecurityException
    {
        final long stamp = filesStamp(settings);
        return new TlsContext(settings, provider, build(settings, provider), stamp,
            KeyMaterial.leafCertificate(settings));
    }

    /**
     * The served certificate's end ({@code notAfter}), epoch ms; {@link Long#MAX_VALUE} when this context presents
     * none. Volatile: any thread may read it (the metrics).
     */
    public long certificateNotAfterMs()
    {
        final java.security.cert.X509Certificate served = certificate;
        return null == served ? Long.MAX_VALUE : served.getNotAfter().getTime();
    }

    /** Why a server must not start with this context at {@code nowMs} (its certificate expired), or null. */
    public String expiredProblem(final long nowMs)
    {
        return certificateNotAfterMs() > nowMs ? null : "TLS certificate " + settings.certificateFile() + " (" +
            certificate.getSubjectX500Principal().getName() + ") expired at " +
            java.time.Instant.ofEpochMilli(certificateNotAfterMs()) + ": every handshake would fail; renew it " +
            "(docs/operations.md, section 9)";
    }

    /**
     * Logs a WARNING when the served certificate ends within {@link #EXPIRY_WARNING_MS} (or has ended), at most once
     * per {@link #EXPIRY_WARNING_INTERVAL_MS}; {@link #reloadIfChanged} calls it, a server also at start.
     */
    public void warnIfExpiringSoon(final long nowMs)
    {
        final long leftMs = certificateNotAfterMs() - nowMs;
        if (leftMs >= EXPIRY_WARNING_MS || nowMs < nextExpiryWarningMs)
        {
            return;
        }
        nextExpiryWarningMs = nowMs + EXPIRY_WARNING_INTERVAL_MS;
        final String when = java.time.Instant.ofEpochMilli(certificateNotAfterMs()).toString();
        LOG.log(System.Logger.Level.WARNING, "TLS certificate " + settings.certificateFile() + " (" +
            certificate.getSubjectX500Principal().getName() + ") " + (leftMs > 0 ? "expires at " + when +
            ", in " + java.util.concurrent.TimeUnit.MILLISECONDS.toDays(leftMs) + " days" : "expired at " + when +
            ": new handshakes fail") + "; renew it with the same names (docs/operations.md, section 9)");
    }

    public TlsSettings settings()
    {
        return settings;
    }

    /** The current JDK context (for blocking sockets, e.g. an HTTPS endpoint or a test's client). */
    public SSLContext sslContext()
    {
        return context;
    }

    /**
     * A context that always hands out engines of the current key material, for code that keeps the context it is
     * given (the metrics endpoint's HTTPS server): reloads reach its new connections without a restart.
     */
    public SSLContext reloadingSslContext()
    {
        return new ReloadingSslContext(this);
    }

    /** A server-side engine for one accepted connection, with the current key material. */
    public SSLEngine newServerEngine()
    {
        final SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(settings.protocols());
        parameters.setCipherSuites(allowedCipherSuites(parameters.getCipherSuites()));
        // The server's order decides (AES-GCM first in the JDK's list): AES-GCM runs on the CPU's AES instructions,
        // ChaCha20-Poly1305 does not on JDK 17 and costs about twice the CPU and garbage per record
        // (TlsRecordCostHarness); a client that prefers ChaCha still gets AES-GCM when it offers both.
        parameters.setUseCipherSuitesOrder(true);
        switch (settings.clientAuth())
        {
            case REQUIRED -> parameters.setNeedClientAuth(true);
            case OPTIONAL -> parameters.setWantClientAuth(true);
            default -> parameters.setWantClientAuth(false);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * A client-side engine for a connection to {@code host}; the server's certificate must name that host unless
     * {@link TlsSettings#verifyHostname()} is off.
     */
    public SSLEngine newClientEngine(final String host, final int port)
    {
        final SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(settings.protocols());
        parameters.setCipherSuites(allowedCipherSuites(parameters.getCipherSuites()));
        if (settings.verifyHostname())
        {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * Reloads the key material if a file changed since the last load; looks at the files at most once per
     * {@link #RELOAD_CHECK_INTERVAL_MS}. Call from one thread (the server's metrics thread: FileReloads).
     *
     * @return true when new key material was loaded.
     */
    public boolean reloadIfChanged(final long nowMs)
    {
        // Certificate validity is wall-clock time, as the handshakes see it; nowMs only paces the checks.
        final long wallClockMs = System.currentTimeMillis();
        warnIfExpiringSoon(wallClockMs);
        if (nowMs < nextCheckMs)
        {
            return false;
        }
        nextCheckMs = nowMs + RELOAD_CHECK_INTERVAL_MS;
        final long stamp;
        try
        {
            stamp = filesStamp(settings);
        }
        catch (final IOException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "TLS files not readable, keeping the loaded ones: " + ex);
            return false;
        }
        if (stamp == filesStamp)
        {
            return false;
        }
        try
        {
            final SSLContext reloaded = build(settings, provider);
            final java.security.cert.X509Certificate reloadedCertificate = KeyMaterial.leafCertificate(settings);
            if (null != reloadedCertificate && reloadedCertificate.getNotAfter().getTime() <= wallClockMs)
            {
                // A renewal to an expired certificate is a mistake: every new handshake would fail.
                LOG.log(System.Logger.Level.WARNING, "TLS reload refused, keeping the loaded key material: the new " +
                    "certificate " + settings.certificateFile() + " expired at " +
                    reloadedCertificate.getNotAfter().toInstant());
                filesStamp = stamp; // said once, not every second; a further change of the files is tried again
                return false;
            }
            context = reloaded;
            certificate = reloadedCertificate;
            nextExpiryWarningMs = 0;
            filesStamp = stamp;
            reloadCount = reloadCount + 1;
            LOG.log(System.Logger.Level.INFO, "TLS key material reloaded from " + settings.certificateFile());
            warnIfExpiringSoon(wallClockMs);
            return true;
        }
        catch (final IOException | GeneralSecurityException | RuntimeException ex)
        {
            // Keep serving with the previous material; the stamp is not taken so the next check tries again.
            LOG.log(System.Logger.Level.WARNING, "TLS reload failed, keeping the loaded key material: " + ex);
            return false;
        }
    }

    /**
     * The suites of {@code enabled} (a provider's defaults, in its order of preference) that
     * {@link #CIPHER_SUITES_ALLOWED} lists.
     *
     * @throws IllegalStateException when none is left (a provider without any of them: no connection could work).
     */
    static String[] allowedCipherSuites(final String[] enabled)
    {
        final String[] allowed = java.util.Arrays.stream(enabled).filter(CIPHER_SUITES_ALLOWED::contains)
            .toArray(String[]::new);
        if (0 == allowed.length)
        {
            throw new IllegalStateException("the TLS provider enables none of the allowed cipher suites " +
                CIPHER_SUITES_ALLOWED + ": " + java.util.Arrays.toString(enabled));
        }
        return allowed;
    }

    /** Successful reloads so far (a statistic; volatile so that any thread may read it). */
    public long reloadCount()
    {
        return reloadCount;
    }

    private static SSLContext build(final TlsSettings settings, final String provider)
        throws IOException, GeneralSecurityException
    {
        final SSLContext context = null == provider ? SSLContext.getInstance("TLS") :
            SSLContext.getInstance("TLS", provider);
        context.init(KeyMaterial.keyManagers(settings, provider), KeyMaterial.trustManagers(settings), null);
        return context;
    }

    /** A number that changes when any of the files is modified (sum of modification times and sizes). */
    private static long filesStamp(final TlsSettings settings) throws IOException
    {
        long stamp = 0;
        for (final Path file : new Path[] {settings.certificateFile(), settings.keyFile(), settings.trustFile()})
        {
            if (null != file)
            {
                stamp = 31 * stamp + Files.getLastModifiedTime(file).toMillis();
                stamp = 31 * stamp + Files.size(file);
            }
        }
        return stamp;
    }
}
