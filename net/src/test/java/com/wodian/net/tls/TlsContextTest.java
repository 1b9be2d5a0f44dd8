package com.wodian.net.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key material from PEM and PKCS#12, a key that is not the certificate's, and a reload that keeps what works. */
class TlsContextTest
{
    @TempDir
    Path dir;

    @Test
    void pkcs12HoldsKeyAndChain() throws Exception
    {
        final TestPki pki = TestPki.create(dir);
        final TlsSettings pem = pki.issue("wodian-server");
        final KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", KeyMaterial.readPrivateKey(pem.keyFile()), "secret".toCharArray(),
            KeyMaterial.readCertificates(pem.certificateFile()).toArray(new Certificate[0]));
        final Path p12 = dir.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(p12))
        {
            store.store(out, "secret".toCharArray());
        }
        final TlsContext context = TlsContext.load(TlsSettings.withCertificate(p12, null)
            .keyStorePassword("secret".toCharArray()).trust(pki.caFile));
        assertNotNull(context.newServerEngine());
    }

    /**
     * Expiry (ops review item 16): the served certificate's end is known, an expired one is named as a start's
     * problem, a renewal to an expired certificate is not loaded, and one within 30 days of its end is warned about.
     */
    @Test
    void anExpiredCertificateIsNamedAndARenewalToAnExpiredOneIsKeptOut() throws Exception
    {
        final TestPki pki = TestPki.create(dir);
        final TlsSettings server = pki.issue("wodian-server");
        final TlsContext context = TlsContext.load(server);
        final long nowMs = System.currentTimeMillis();
        assertTrue(context.certificateNotAfterMs() > nowMs, "TestPki's certificates are valid for a day");
        assertEquals(null, context.expiredProblem(nowMs));
        final String expired = context.expiredProblem(context.certificateNotAfterMs());
        assertTrue(expired.startsWith("TLS certificate " + server.certificateFile() + " (CN=wodian-server) " +
            "expired at "), expired);
        assertEquals(Long.MAX_VALUE, TlsContext.load(pki.trustingClient()).certificateNotAfterMs(), "presents none");

        final long servedNotAfterMs = context.certificateNotAfterMs();
        final TlsSettings old = pki.issueExpired("wodian-server");
        Files.copy(old.certificateFile(), server.certificateFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(old.keyFile(), server.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(server.keyFile(), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertFalse(context.reloadIfChanged(Long.MAX_VALUE / 2), "an expired certificate is not loaded");
        assertEquals(servedNotAfterMs, context.certificateNotAfterMs(), "the valid one is still served");
        assertEquals(0, context.reloadCount());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAndAReloadKeepsTheWorkingPair() throws Exception
    {
        final TestPki pki = TestPki.create(dir);
        final TlsSettings server = pki.issue("wodian-server");
        final TlsSettings other = pki.issue("terminal:11");
        assertThrows(GeneralSecurityException.class,
            () -> TlsContext.load(TlsSettings.withCertificate(server.certificateFile(), other.keyFile())));

        final TlsContext context = TlsContext.load(server);
        // The key file replaced by another certificate's key: the reload fails and the loaded pair stays.
        Files.copy(other.keyFile(), server.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(server.keyFile(), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertFalse(context.reloadIfChanged(Long.MAX_VALUE / 2));
        assertEquals(0, context.reloadCount());
        // A matching pair again: reloaded.
        pki.reissue(server, "wodian-server-2");
        Files.setLastModifiedTime(server.keyFile(), FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertTrue(context.reloadIfChanged(Long.MAX_VALUE / 2 + TlsContext.RELOAD_CHECK_INTERVAL_MS));
        assertEquals(1, context.reloadCount());
    }
}
