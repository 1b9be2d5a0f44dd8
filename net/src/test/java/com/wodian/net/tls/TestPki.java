package com.wodian.net.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Certificates for tests, made with {@link CertificateIssuer} in a temporary folder: a CA, a server certificate for
 * loopback, client certificates of several identities, an expired one, and one from another CA.
 */
public final class TestPki
{
    public static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");

    public final Path dir;
    public final Path caFile;
    public final Path otherCaFile;
    private final CertificateIssuer ca;
    private final CertificateIssuer otherCa;

    private TestPki(final Path dir) throws Exception
    {
        this.dir = dir;
        this.ca = CertificateIssuer.newAuthority("wodian test CA", 30);
        this.otherCa = CertificateIssuer.newAuthority("another CA", 30);
        this.caFile = dir.resolve("ca.pem");
        this.otherCaFile = dir.resolve("other-ca.pem");
        ca.writeAuthority(caFile, dir.resolve("ca.key"));
        otherCa.writeAuthority(otherCaFile, dir.resolve("other-ca.key"));
    }

    public static TestPki create(final Path dir) throws Exception
    {
        return new TestPki(dir);
    }

    /** A certificate of this CA for {@code commonName} (with loopback host names), valid for a day. */
    public TlsSettings issue(final String commonName) throws Exception
    {
        return issue(ca, commonName, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)),
            "");
    }

    /** The same, expired an hour ago. */
    public TlsSettings issueExpired(final String commonName) throws Exception
    {
        return issue(ca, commonName, Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofHours(1)),
            "expired-");
    }

    /** A certificate for {@code commonName} from another CA, which the servers do not trust. */
    public TlsSettings issueByOtherCa(final String commonName) throws Exception
    {
        return issue(otherCa, commonName, Instant.now().minus(Duration.ofHours(1)),
            Instant.now().plus(Duration.ofDays(1)), "other-");
    }

    /** Rewrites the files of {@code settings} with a new certificate for {@code commonName} (rotation). */
    public void reissue(final TlsSettings settings, final String commonName) throws Exception
    {
        ca.issue(commonName, LOOPBACK, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)),
            settings.certificateFile(), settings.keyFile());
    }

    /** A client that trusts this CA and presents no certificate. */
    public TlsSettings trustingClient()
    {
        return TlsSettings.client().trust(caFile);
    }

    private TlsSettings issue(
        final CertificateIssuer issuer, final String commonName, final Instant notBefore, final Instant notAfter,
        final String prefix) throws Exception
    {
        final String name = prefix + commonName.replace(':', '-');
        final Path certificate = dir.resolve(name + ".pem");
        final Path key = dir.resolve(name + ".key");
        issuer.issue(commonName, LOOPBACK, notBefore, notAfter, certificate, key);
        return TlsSettings.withCertificate(certificate, key).trust(caFile);
    }
}
