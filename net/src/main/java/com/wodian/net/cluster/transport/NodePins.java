package com.wodian.net.cluster.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Peers pinned by certificate fingerprint (docs/security.md, "TLS", {@code --node-pins FILE}): beside the CA check and
 * the {@code node:<id>} name, a peer's certificate must be one the file lists for that node id, by the SHA-256 of its
 * DER encoding ({@code openssl x509 -in node-1.pem -outform DER | sha256sum}; {@link #fingerprint(Path)}).
 * A holder of the nodes' CA key can issue a {@code node:N} certificate; without pins it would replace node N's link.
 * <pre>
 *   # comment
 *   node 1 sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 *   node 1 sha256 60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752   (a renewal: both, for a while)
 *   node 2 sha256 ...
 * </pre>
 * A node id the file does not list is refused. The file is read again when its modification time changes (checked at
 * each handshake, which is rare), so a renewal or a new member needs no restart; a file that cannot be read then keeps
 * the previous pins and says why in each refusal. Transport thread only.
 */
public final class NodePins
{
    private final Path file;
    private Map<Integer, Set<String>> pinsByNodeId;
    private FileTime modified;
    private String readProblem;

    private NodePins(final Path file, final Map<Integer, Set<String>> pinsByNodeId, final FileTime modified)
    {
        this.file = file;
        this.pinsByNodeId = pinsByNodeId;
        this.modified = modified;
    }

    /**
     * Reads a pin file: at start, so that a broken one stops the start.
     *
     * @throws IOException naming the line that is wrong.
     */
    public static NodePins load(final Path file) throws IOException
    {
        final FileTime modified = Files.getLastModifiedTime(file);
        return new NodePins(file, parse(file), modified);
    }

    /** The file the pins come from. */
    public Path file()
    {
        return file;
    }

    /**
     * Why a peer whose certificate named {@code node:<nodeId>} is refused, or null when the certificate is pinned for
     * that id. Allocates (a digest, a hex string): once per handshake.
     */
    public String refusal(final int nodeId, final X509Certificate certificate)
    {
        reloadIfChanged();
        final Set<String> pins = pinsByNodeId.get(nodeId);
        final String fingerprint;
        try
        {
            fingerprint = null == certificate ? "none" : fingerprint(certificate);
        }
        catch (final CertificateEncodingException ex)
        {
            return "the certificate of node " + nodeId + " cannot be encoded: " + ex.getMessage();
        }
        if (null != pins && pins.contains(fingerprint))
        {
            return null;
        }
        return "the certificate of node " + nodeId + " (sha256 " + fingerprint + ") is not pinned for it in " + file +
            (null == pins ? " (no pin for node " + nodeId + ")" : "") +
            (null != readProblem ? "; the file could not be read again: " + readProblem : "");
    }

    /** The SHA-256 of a certificate's DER encoding, 64 lower-case hex digits: what a pin line names. */
    public static String fingerprint(final X509Certificate certificate) throws CertificateEncodingException
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    /** The fingerprint of the first certificate of a PEM (or DER) file: a node's leaf certificate. */
    public static String fingerprint(final Path certificateFile) throws IOException
    {
        try (InputStream in = Files.newInputStream(certificateFile))
        {
            return fingerprint((X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        catch (final CertificateException ex)
        {
            throw new IOException(certificateFile + ": not a certificate: " + ex.getMessage(), ex);
        }
    }

    private void reloadIfChanged()
    {
        try
        {
            final FileTime now = Files.getLastModifiedTime(file);
            if (!now.equals(modified))
            {
                pinsByNodeId = parse(file);
                modified = now;
                readProblem = null;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            readProblem = ex.getMessage(); // the previous pins stay: a half-written file must not unpin anyone
        }
    }

    private static Map<Integer, Set<String>> parse(final Path file) throws IOException
    {
        final Map<Integer, Set<String>> pins = new HashMap<>();
        int lineNumber = 0;
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            lineNumber++;
            final String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#"))
            {
                continue;
            }
            final String[] words = trimmed.split("\\s+");
            try
            {
                if (words.length < 4 || !"node".equals(words[0]) || !"sha256".equals(words[2]) ||
                    64 != words[3].length())
                {
                    throw new IllegalArgumentException("expected 'node <id> sha256 <64 hex digits>'");
                }
                HexFormat.of().parseHex(words[3]);
                pins.computeIfAbsent(Integer.parseInt(words[1]), (id) -> new HashSet<>())
                    .add(words[3].toLowerCase(java.util.Locale.ROOT));
            }
            catch (final RuntimeException ex)
            {
                throw new IOException(file + ":" + lineNumber + ": " + ex.getMessage(), ex);
            }
        }
        return pins;
    }
}
