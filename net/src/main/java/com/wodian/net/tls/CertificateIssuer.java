package com.wodian.net.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A private certificate authority for test deployments and the demo: makes a CA, then issues server, node and
 * terminal certificates (EC P-256, SHA-256 with ECDSA) and writes them as PEM files. Bouncy Castle's PKIX builds the
 * certificates (the JDK has no public API for issuing); the JDK does everything else. Not a production CA: its key
 * sits in a file next to the certificates.
 */
public final class CertificateIssuer
{
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate caCertificate;
    private final PrivateKey caKey;

    private CertificateIssuer(final X509Certificate caCertificate, final PrivateKey caKey)
    {
        this.caCertificate = caCertificate;
        this.caKey = caKey;
    }

    /** A new self-signed CA valid from now for {@code validDays}. */
    public static CertificateIssuer newAuthority(final String name, final int validDays)
        throws GeneralSecurityException
    {
        final KeyPair keyPair = newKeyPair();
        final Instant now = Instant.now();
        final X500Name subject = new X500Name("CN=" + name);
        try
        {
            final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(validDays * 86_400L)), subject,
                keyPair.getPublic());
            final JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            return new CertificateIssuer(sign(builder, keyPair.getPrivate()), keyPair.getPrivate());
        }
        catch (final IOException ex)
        {
            throw new GeneralSecurityException(ex);
        }
    }

    /** The CA written earlier by {@link #writeAuthority(Path, Path)}. */
    public static CertificateIssuer load(final Path certificateFile, final Path keyFile)
        throws IOException, GeneralSecurityException
    {
        final X509Certificate certificate =
            (X509Certificate)KeyMaterial.readCertificates(certificateFile).iterator().next();
        return new CertificateIssuer(certificate, KeyMaterial.readPrivateKey(keyFile));
    }

    public X509Certificate caCertificate()
    {
        return caCertificate;
    }

    /** Writes the CA's certificate (give it to everyone as the trust file) and key (keep it private, mode 600). */
    public void writeAuthority(final Path certificateFile, final Path keyFile) throws IOException
    {
        writePem(certificateFile, pem("CERTIFICATE", caCertificateBytes()), false);
        writePem(keyFile, pem("PRIVATE KEY", caKey.getEncoded()), true);
    }

    /**
     * Issues a certificate and writes it (chain: the certificate, then the CA) and its private key as PEM.
     *
     * @param commonName  e.g. {@code terminal:101}, {@code node:2}, or a server's name.
     * @param hosts       DNS names and IP addresses for the subject alternative names (servers and nodes).
     * @param notBefore   start of validity.
     * @param notAfter    end of validity (a past instant makes an expired certificate, for tests).
     */
    public void issue(
        final String commonName,
        final List<String> hosts,
        final Instant notBefore,
        final Instant notAfter,
        final Path certificateFile,
        final Path keyFile) throws IOException, GeneralSecurityException
    {
        final KeyPair keyPair = newKeyPair();
        final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
            Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + escape(commonName)),
            keyPair.getPublic());
        final JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        // Both purposes: a node is server and client of its peers, and the check is cheap to keep uniform.
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
            utils.createAuthorityKeyIdentifier(caCertificate));
        if (!hosts.isEmpty())
        {
            final List<GeneralName> names = new ArrayList<>();
            for (final String host : hosts)
            {
                names.add(new GeneralName(isIpAddress(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
            }
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(new GeneralName[0])));
        }
        final X509Certificate certificate = sign(builder, caKey);
        writePem(certificateFile, pem("CERTIFICATE", certificate.getEncoded()) +
            pem("CERTIFICATE", caCertificateBytes()), false);
        writePem(keyFile, pem("PRIVATE KEY", keyPair.getPrivate().getEncoded()), true);
    }

    private byte[] caCertificateBytes() throws IOException
    {
        try
        {
            return caCertificate.getEncoded();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException(ex);
        }
    }

    private static X509Certificate sign(final X509v3CertificateBuilder builder, final PrivateKey key)
        throws GeneralSecurityException
    {
        try
        {
            return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key)));
        }
        catch (final OperatorCreationException ex)
        {
            throw new GeneralSecurityException(ex);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial()
    {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    /** A colon is fine in a common name, but commas, plus signs and the like must be escaped. */
    private static String escape(final String commonName)
    {
        return commonName.replaceAll("([,+\"\\\\<>;=])", "\\\\$1");
    }

    private static boolean isIpAddress(final String host)
    {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }

    /** Through a temporary file and an atomic rename, so that a server reloading the files never reads half. */
    private static void writePem(final Path file, final String text, final boolean secret) throws IOException
    {
        final Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        final Path temporary = Files.createTempFile(directory, ".tmp-", ".pem");
        try
        {
            if (secret)
            {
                trySetOwnerOnly(temporary);
            }
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally
        {
            Files.deleteIfExists(temporary);
        }
    }

    private static void trySetOwnerOnly(final Path file) throws IOException
    {
        try
        {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final UnsupportedOperationException ignore)
        {
            // Not a POSIX file system: the operator protects the key by other means.
        }
    }
}
