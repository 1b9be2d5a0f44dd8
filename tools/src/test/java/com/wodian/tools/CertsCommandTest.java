package com.wodian.tools;

import com.wodian.net.tls.TlsContext;
import com.wodian.net.tls.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian certs} makes a CA and certificates that load as TLS key material, and {@code wodian pos} talks TLS
 * with them to a server that requires TLS (the demo's embedded server).
 */
class CertsCommandTest
{
    private static String[] concat(final String[] first, final String[] second)
    {
        final String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    /**
     * Reissuing a server or node certificate without {@code --hosts} would name only localhost, and a running server
     * reloads it within a second: refused when the existing one names other hosts (ops review item 16).
     */
    @Test
    void aCertificateNamingOtherHostsIsNotReissuedForLocalhostWithoutHosts(@TempDir final Path dir) throws Exception
    {
        final String pki = dir.resolve("pki").toString();
        assertEquals(0, CliTest.wodian("certs", "--dir", pki, "--server", "--nodes", "0", "--hosts",
            "pos.example.com,10.0.0.1").exitCode());
        final Path serverPem = dir.resolve("pki").resolve("server.pem");
        assertEquals(java.util.List.of("pos.example.com", "10.0.0.1"), CertsCommand.subjectAltNames(serverPem));
        final String before = Files.readString(serverPem);
        final String nodeBefore = Files.readString(dir.resolve("pki").resolve("node-0.pem"));

        assertEquals(WodianMain.EXIT_REFUSED, CliTest.wodian("certs", "--dir", pki, "--server").exitCode());
        assertEquals(WodianMain.EXIT_REFUSED, CliTest.wodian("certs", "--dir", pki, "--nodes", "0").exitCode());
        assertEquals(before, Files.readString(serverPem), "the served certificate is kept");
        assertEquals(nodeBefore, Files.readString(dir.resolve("pki").resolve("node-0.pem")));

        assertEquals(0, CliTest.wodian("certs", "--dir", pki, "--server", "--hosts", "pos.example.com,10.0.0.1")
            .exitCode());
        assertNotEquals(before, Files.readString(serverPem), "reissued with the names given");
        assertEquals(java.util.List.of("pos.example.com", "10.0.0.1"), CertsCommand.subjectAltNames(serverPem));
    }

    /**
     * Security review item 2: node certificates come from a CA of their own, so a terminal or admin certificate of the
     * client CA can never pass as a node's (with client certificates on, whoever held one could act as a node). A
     * folder whose node certificates the client CA issued keeps issuing them from it (the running group's links).
     */
    @Test
    void nodeCertificatesComeFromACaOfTheirOwn(@TempDir final Path dir) throws Exception
    {
        final Path pki = dir.resolve("pki");
        final CliTest.Run issued = CliTest.wodian("certs", "--dir", pki.toString(), "--terminals", "11", "--nodes",
            "0,1");
        assertEquals(0, issued.exitCode());
        // Each node's --node-pins line is printed (docs/replication.md, "Pinned peers").
        assertTrue(issued.out().contains("  pin: node 1 sha256 " +
            com.wodian.net.cluster.transport.NodePins.fingerprint(pki.resolve("node-1.pem"))), issued.out());
        final javax.security.auth.x500.X500Principal clientCa = subject(pki.resolve(CertsCommand.CA_CERTIFICATE));
        final javax.security.auth.x500.X500Principal nodeCa = subject(pki.resolve(CertsCommand.NODE_CA_CERTIFICATE));
        assertNotEquals(clientCa, nodeCa);
        assertEquals(nodeCa, issuer(pki.resolve("node-0.pem")));
        assertEquals(nodeCa, issuer(pki.resolve("node-1.pem")));
        assertEquals(clientCa, issuer(pki.resolve("terminal-11.pem")));
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(pki.resolve(CertsCommand.NODE_CA_KEY))));
        TlsContext.load(TlsSettings.withCertificate(pki.resolve("node-0.pem"), pki.resolve("node-0.key"))
            .trust(pki.resolve(CertsCommand.NODE_CA_CERTIFICATE)));

        // An older folder: node-0 of the client CA. Reissued from it, and no node CA appears.
        final Path old = dir.resolve("old");
        assertEquals(0, CliTest.wodian("certs", "--dir", old.toString(), "--terminals", "11").exitCode());
        com.wodian.net.tls.CertificateIssuer.load(old.resolve(CertsCommand.CA_CERTIFICATE),
            old.resolve(CertsCommand.CA_KEY)).issue("node:0", java.util.List.of("127.0.0.1"),
            java.time.Instant.now().minusSeconds(3_600), java.time.Instant.now().plusSeconds(86_400),
            old.resolve("node-0.pem"), old.resolve("node-0.key"));
        final String before = Files.readString(old.resolve("node-0.pem"));
        assertEquals(0, CliTest.wodian("certs", "--dir", old.toString(), "--nodes", "0", "--hosts", "127.0.0.1")
            .exitCode());
        assertNotEquals(before, Files.readString(old.resolve("node-0.pem")), "reissued");
        assertEquals(subject(old.resolve(CertsCommand.CA_CERTIFICATE)), issuer(old.resolve("node-0.pem")));
        assertTrue(!Files.exists(old.resolve(CertsCommand.NODE_CA_CERTIFICATE)));
    }

    private static java.security.cert.X509Certificate leaf(final Path pem) throws Exception
    {
        try (java.io.InputStream in = Files.newInputStream(pem))
        {
            return (java.security.cert.X509Certificate)
                java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static javax.security.auth.x500.X500Principal subject(final Path pem) throws Exception
    {
        return leaf(pem).getSubjectX500Principal();
    }

    private static javax.security.auth.x500.X500Principal issuer(final Path pem) throws Exception
    {
        return leaf(pem).getIssuerX500Principal();
    }

    @Test
    // A backstop, not a schedule: at load 17 on the 2-vCPU dev VM a run took a fifth of the old limit, too close.
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void issuedCertificatesLoadAndPosSpeaksTls(@TempDir final Path dir) throws Exception
    {
        final Path pki = dir.resolve("pki");
        final CliTest.Run certs = CliTest.wodian("certs", "--dir", pki.toString(), "--server", "--terminals", "11",
            "--admins", "1", "--nodes", "0,1");
        assertEquals(0, certs.exitCode(), certs.out());
        for (final String name : new String[] {"ca", "server", "terminal-11", "admin-1", "node-0", "node-1"})
        {
            assertTrue(Files.isRegularFile(pki.resolve(name + ".pem")), name);
            assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(pki.resolve(name + ".key"))), name);
        }
        TlsContext.load(TlsSettings.withCertificate(pki.resolve("server.pem"), pki.resolve("server.key"))
            .trust(pki.resolve("ca.pem")));
        // A second run reuses the CA and reissues (rotation).
        final String caBefore = Files.readString(pki.resolve("ca.pem"));
        final String terminalBefore = Files.readString(pki.resolve("terminal-11.pem"));
        assertEquals(0, CliTest.wodian("certs", "--dir", pki.toString(), "--terminals", "11").exitCode());
        assertEquals(caBefore, Files.readString(pki.resolve("ca.pem")));
        assertNotEquals(terminalBefore, Files.readString(pki.resolve("terminal-11.pem")));

        final Path dataDir = dir.resolve("data");
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, null, null, true))
        {
            final Path tls = dataDir.resolve(EmbeddedServer.TLS_DIR_NAME);
            final String port = Integer.toString(server.port());
            final String secrets = dataDir.resolve(EmbeddedServer.CLIENT_SECRETS_FILE_NAME).toString();
            final CliTest.Run overTls = CliTest.wodian("pos", "--port", port, "--credentials", secrets,
                "--tls-trust", tls.resolve("ca.pem").toString(), "--tls-cert", tls.resolve("admin-1.pem").toString(),
                "--tls-key", tls.resolve("admin-1.key").toString(), "--timeout-ms", "30000", "register-consumer",
                "--consumer", "5");
            assertEquals(0, overTls.exitCode(), overTls.out());
            assertTrue(overTls.out().contains("code=OK"), overTls.out());
            // Clear text to the TLS port does not get an answer.
            final CliTest.Run clear = CliTest.wodian("pos", "--port", port, "--credentials", secrets, "--timeout-ms",
                "10000", "register-consumer", "--consumer", "6");
            assertEquals(WodianMain.EXIT_UNREACHABLE, clear.exitCode(), clear.out());
            // The operator commands speak TLS too: status reaches the node (running alone) only with --tls-trust.
            final String[] tlsClient = { "--tls-trust", tls.resolve("ca.pem").toString(), "--tls-cert",
                tls.resolve("admin-1.pem").toString(), "--tls-key", tls.resolve("admin-1.key").toString() };
            // 30 s for the node's answer: the command's 2-s default, passed on a starved machine, reads as DOWN.
            final CliTest.Run status = CliTest.wodian(concat(new String[] { "status", "--peers", "127.0.0.1:" + port,
                "--credentials", secrets, "--timeout-ms", "30000" }, tlsClient));
            assertTrue(status.out().contains("alone") && !status.out().contains("DOWN"), status.out());
            final CliTest.Run statusClear = CliTest.wodian("status", "--peers", "127.0.0.1:" + port, "--credentials",
                secrets, "--timeout-ms", "10000");
            assertTrue(statusClear.out().contains("DOWN") && !statusClear.out().contains("alone"), statusClear.out());
        }
    }
}
