package com.wodian.net.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;

/**
 * Reads key managers and trust managers from standard files: PEM (certificate chains, CA bundles, PKCS#8 private
 * keys) or PKCS#12. Decoding only; when to reload is {@link TlsContext}'s business.
 */
final class KeyMaterial
{
    private static final String PRIVATE_KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PRIVATE_KEY_END = "-----END PRIVATE KEY-----";

    private KeyMaterial()
    {
    }

    static KeyManager[] keyManagers(final TlsSettings settings, final String provider)
        throws IOException, GeneralSecurityException
    {
        if (null == settings.certificateFile())
        {
            return null;
        }
        final char[] password = settings.keyStorePassword();
        final KeyStore keyStore;
        if (isPkcs12(settings.certificateFile()))
        {
            com.wodian.net.auth.SecretFileMode.check(settings.certificateFile()); // it holds the private key
            keyStore = loadPkcs12(settings.certificateFile(), password);
        }
        else
        {
            if (null == settings.keyFile())
            {
                throw new IllegalArgumentException("a PEM certificate needs its private key file: " +
                    settings.certificateFile());
            }
            final Certificate[] chain = readCertificates(settings.certificateFile()).toArray(new Certificate[0]);
            if (0 == chain.length)
            {
                throw new IllegalArgumentException("no certificate in " + settings.certificateFile());
            }
            com.wodian.net.auth.SecretFileMode.check(settings.keyFile());
            final PrivateKey key = readPrivateKey(settings.keyFile());
            checkKeyMatches(key, chain[0], settings);
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("key", key, password, chain);
        }
        // Another JSSE provider (the cost harness's Bouncy Castle) chooses keys by its own key type names: its own
        // key manager understands them, the JDK's SunX509 does not.
        final KeyManagerFactory factory = null == provider ?
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()) :
            KeyManagerFactory.getInstance("PKIX", provider);
        factory.init(keyStore, password);
        return factory.getKeyManagers();
    }

    /**
     * The served (leaf) certificate: the first of a PEM chain, or of the first key entry of a PKCS#12 file; null when
     * the settings name no certificate (a client that presents none).
     */
    static java.security.cert.X509Certificate leafCertificate(final TlsSettings settings)
        throws IOException, GeneralSecurityException
    {
        if (null == settings.certificateFile())
        {
            return null;
        }
        if (isPkcs12(settings.certificateFile()))
        {
            final KeyStore keyStore = loadPkcs12(settings.certificateFile(), settings.keyStorePassword());
            for (final String alias : java.util.Collections.list(keyStore.aliases()))
            {
                if (keyStore.isKeyEntry(alias))
                {
                    return (java.security.cert.X509Certificate)keyStore.getCertificate(alias);
                }
            }
            return null;
        }
        final Collection<? extends Certificate> chain = readCertificates(settings.certificateFile());
        return chain.isEmpty() ? null : (java.security.cert.X509Certificate)chain.iterator().next();
    }

    /** Null (the JDK's default CAs) when no trust file is set. */
    static TrustManager[] trustManagers(final TlsSettings settings) throws IOException, GeneralSecurityException
    {
        if (null == settings.trustFile())
        {
            return null;
        }
        // Whoever can write the trust file can add a CA, and with it any identity (a node's, for --node-trust).
        com.wodian.net.auth.SecretFileMode.requireNotWritable(settings.trustFile());
        final KeyStore trustStore;
        if (isPkcs12(settings.trustFile()))
        {
            trustStore = loadPkcs12(settings.trustFile(), settings.keyStorePassword());
        }
        else
        {
            trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            int index = 0;
            for (final Certificate certificate : readCertificates(settings.trustFile()))
            {
                trustStore.setCertificateEntry("ca-" + index++, certificate);
            }
            if (0 == index)
            {
                throw new IllegalArgumentException("no certificate in trust file " + settings.trustFile());
            }
        }
        final TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore);
        return factory.getTrustManagers();
    }

    static Collection<? extends Certificate> readCertificates(final Path file)
        throws IOException, GeneralSecurityException
    {
        try (InputStream in = Files.newInputStream(file))
        {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    /** A PKCS#8 PEM key; EC and RSA keys are recognised. */
    static PrivateKey readPrivateKey(final Path file) throws IOException, GeneralSecurityException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        final int begin = text.indexOf(PRIVATE_KEY_BEGIN);
        final int end = text.indexOf(PRIVATE_KEY_END);
        if (begin < 0 || end < begin)
        {
            throw new IllegalArgumentException("no PKCS#8 '" + PRIVATE_KEY_BEGIN + "' block in " + file +
                " (convert with: openssl pkcs8 -topk8 -nocrypt -in KEY)");
        }
        final byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + PRIVATE_KEY_BEGIN.length(), end));
        final PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (final String algorithm : new String[] {"EC", "RSA", "Ed25519"})
        {
            try
            {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            }
            catch (final GeneralSecurityException ex)
            {
                last = ex;
            }
        }
        throw new GeneralSecurityException("unsupported private key in " + file, last);
    }

    /**
     * A key that does not belong to the certificate (e.g. read between the rename of a new certificate and of its
     * key during a rotation) is refused here, so that a reload keeps the previous material instead of serving a
     * pair every handshake would fail with.
     */
    private static void checkKeyMatches(final PrivateKey key, final Certificate certificate, final TlsSettings settings)
        throws GeneralSecurityException
    {
        final String algorithm = switch (key.getAlgorithm())
        {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        final byte[] probe = "wodian key check".getBytes(StandardCharsets.US_ASCII);
        final java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        final byte[] signature = signer.sign();
        final java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature))
        {
            throw new GeneralSecurityException("the private key " + settings.keyFile() +
                " does not belong to the certificate " + settings.certificateFile());
        }
    }

    private static boolean isPkcs12(final Path file)
    {
        final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    private static KeyStore loadPkcs12(final Path file, final char[] password)
        throws IOException, GeneralSecurityException
    {
        final KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file))
        {
            keyStore.load(in, password);
        }
        return keyStore;
    }
}
