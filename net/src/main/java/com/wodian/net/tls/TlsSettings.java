package com.wodian.net.tls;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one endpoint's TLS key material lives and how it treats peers: its certificate chain and private key (PEM
 * files, or one PKCS#12 file), the certificates it trusts (a PEM bundle or a PKCS#12 trust store), whether it asks
 * the peer for a certificate, and which protocol versions it offers. Immutable; see docs/security.md.
 */
public final class TlsSettings
{
    /** Whether a server asks its clients for a certificate (mutual TLS). */
    public enum ClientAuth
    {
        /** No client certificate is asked for. */
        NONE,
        /** A client may present one; when it does, it must chain to the trust store and names the session. */
        OPTIONAL,
        /** A client without a valid certificate is refused during the handshake. */
        REQUIRED
    }

    /** TLS 1.3, with 1.2 for terminals that cannot do 1.3. */
    public static final String[] PROTOCOLS_DEFAULT = {"TLSv1.3", "TLSv1.2"};

    private final Path certificateFile;
    private final Path keyFile;
    private final char[] keyStorePassword;
    private final Path trustFile;
    private final ClientAuth clientAuth;
    private final String[] protocols;
    private final boolean verifyHostname;

    private TlsSettings(
        final Path certificateFile,
        final Path keyFile,
        final char[] keyStorePassword,
        final Path trustFile,
        final ClientAuth clientAuth,
        final String[] protocols,
        final boolean verifyHostname)
    {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.keyStorePassword = keyStorePassword;
        this.trustFile = trustFile;
        this.clientAuth = clientAuth;
        this.protocols = protocols;
        this.verifyHostname = verifyHostname;
    }

    /** No key material, trusting only the JDK's default CAs: a client that presents no certificate. */
    public static TlsSettings client()
    {
        return new TlsSettings(null, null, new char[0], null, ClientAuth.NONE, PROTOCOLS_DEFAULT, true);
    }

    /**
     * An endpoint with its own certificate.
     *
     * @param certificateFile PEM chain (leaf first), or a PKCS#12 file ({@code .p12}/{@code .pfx}) holding key and
     *                        chain.
     * @param keyFile         PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}); null with PKCS#12.
     */
    public static TlsSettings withCertificate(final Path certificateFile, final Path keyFile)
    {
        return new TlsSettings(Objects.requireNonNull(certificateFile, "certificateFile"), keyFile, new char[0],
            null, ClientAuth.NONE, PROTOCOLS_DEFAULT, true);
    }

    /** The certificates this endpoint trusts: a PEM bundle of CA certificates, or a PKCS#12 trust store. */
    public TlsSettings trust(final Path trustFile)
    {
        return new TlsSettings(certificateFile, keyFile, keyStorePassword, trustFile, clientAuth, protocols,
            verifyHostname);
    }

    /** Password of a PKCS#12 key store or trust store (empty by default). */
    public TlsSettings keyStorePassword(final char[] password)
    {
        return new TlsSettings(certificateFile, keyFile, password.clone(), trustFile, clientAuth, protocols,
            verifyHostname);
    }

    /** For a server: whether clients must, may or need not present a certificate. */
    public TlsSettings clientAuth(final ClientAuth clientAuth)
    {
        return new TlsSettings(certificateFile, keyFile, keyStorePassword, trustFile,
            Objects.requireNonNull(clientAuth, "clientAuth"), protocols, verifyHostname);
    }

    /** Protocol versions offered, e.g. {@code TLSv1.3} only. */
    public TlsSettings protocols(final String... protocols)
    {
        if (0 == protocols.length)
        {
            throw new IllegalArgumentException("at least one protocol");
        }
        return new TlsSettings(certificateFile, keyFile, keyStorePassword, trustFile, clientAuth, protocols.clone(),
            verifyHostname);
    }

    /**
     * For a client: whether the server's certificate must name the host connected to (on by default). Off only
     * where the peer is identified otherwise, e.g. replication links, where the certificate must name a member.
     */
    public TlsSettings verifyHostname(final boolean verifyHostname)
    {
        return new TlsSettings(certificateFile, keyFile, keyStorePassword, trustFile, clientAuth, protocols,
            verifyHostname);
    }

    public Path certificateFile()
    {
        return certificateFile;
    }

    public Path keyFile()
    {
        return keyFile;
    }

    public char[] keyStorePassword()
    {
        return keyStorePassword.clone();
    }

    public Path trustFile()
    {
        return trustFile;
    }

    public ClientAuth clientAuth()
    {
        return clientAuth;
    }

    public String[] protocols()
    {
        return protocols.clone();
    }

    public boolean verifyHostname()
    {
        return verifyHostname;
    }

    @Override
    public String toString()
    {
        return "TlsSettings{certificate=" + certificateFile + ", key=" + keyFile + ", trust=" + trustFile +
            ", clientAuth=" + clientAuth + ", protocols=" + Arrays.toString(protocols) + ", verifyHostname=" +
            verifyHostname + '}';
    }
}
