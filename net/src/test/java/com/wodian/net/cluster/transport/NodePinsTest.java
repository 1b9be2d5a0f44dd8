package com.wodian.net.cluster.transport;

import com.wodian.net.tls.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pin file of {@code --node-pins} (docs/security.md, "TLS"): a certificate is accepted for the node ids whose lines
 * name its SHA-256, two pins of one node (a renewal) both work, a node without a line is refused, a broken line stops
 * the load with its line number, and a changed file is read again (a broken change keeps the previous pins).
 */
class NodePinsTest
{
    @TempDir
    Path dir;

    @Test
    void aCertificateIsAcceptedOnlyForTheNodesThatPinIt() throws Exception
    {
        final TestPki pki = TestPki.create(dir.resolve("pki"));
        final X509Certificate one = read(pki.issue("node:1").certificateFile());
        final X509Certificate two = read(pki.issue("node:2").certificateFile());
        final Path file = dir.resolve("node-pins");
        Files.writeString(file, "node 1 sha256 " + NodePins.fingerprint(one) + "\n" +
            "node 2 sha256 " + "0".repeat(64) + "\n" +
            "node 2 sha256 " + NodePins.fingerprint(two).toUpperCase(java.util.Locale.ROOT) + "   # renewed\n");
        final NodePins pins = NodePins.load(file);
        assertNull(pins.refusal(1, one));
        assertNull(pins.refusal(2, two), "one of two pins of node 2, in upper case");
        assertTrue(pins.refusal(1, two).contains("is not pinned for it"), "node 2's certificate for node 1");
        assertTrue(pins.refusal(3, one).contains("(no pin for node 3)"));
        assertTrue(pins.refusal(1, null).contains("sha256 none"));

        // A changed file is read again; a broken change keeps the previous pins and says so.
        Files.writeString(file, "node 1 sha256 " + NodePins.fingerprint(two) + "\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertNull(pins.refusal(1, two));
        assertTrue(null != pins.refusal(1, one), "the old pin of node 1 is gone");
        Files.writeString(file, "node one sha256 x\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertNull(pins.refusal(1, two), "kept");
        assertTrue(pins.refusal(1, one).contains("could not be read again"));
    }

    @Test
    void aBrokenLineStopsTheLoadWithItsNumber() throws Exception
    {
        final Path file = dir.resolve("node-pins");
        Files.writeString(file, "# pins\nnode 1 sha256 " + "a".repeat(64) + "\nnode 2 sha1 " + "b".repeat(40) + "\n");
        final IOException refused = assertThrows(IOException.class, () -> NodePins.load(file));
        assertTrue(refused.getMessage().contains("node-pins:3: expected 'node <id> sha256 <64 hex digits>'"),
            refused.getMessage());
    }

    private static X509Certificate read(final Path pem) throws Exception
    {
        try (InputStream in = Files.newInputStream(pem))
        {
            return (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
