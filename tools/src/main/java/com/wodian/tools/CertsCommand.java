package com.wodian.tools;

import com.wodian.net.tls.CertificateIssuer;
import com.wodian.net.tls.PeerIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A private CA for a test deployment or the demo (docs/security.md): creates {@code ca.pem}/{@code ca.key} in
 * {@code --dir} unless they exist, then issues the certificates asked for, each as {@code NAME.pem} (chain) and
 * {@code NAME.key} (PKCS#8, mode 600). Running it again with the same CA reissues (rotation).
 */
@Command(name = "certs", description = "Make a private CA and issue server, node, terminal and admin " +
    "certificates for TLS (test deployments and the demo; docs/security.md).")
public final class CertsCommand implements Callable<Integer>
{
    static final String CA_CERTIFICATE = "ca.pem";
    static final String CA_KEY = "ca.key";

    @Option(names = "--dir", required = true, description = "folder of the CA and the certificates")
    Path dir;

    @Option(names = "--server", description = "issue server.pem/server.key for the POS, ISO 8583 and metrics ports")
    boolean server;

    @Option(names = "--hosts", split = ",",
        description = "DNS names and IP addresses the server and node certificates name (default: localhost," +
            "127.0.0.1)")
    List<String> hosts = new ArrayList<>(List.of("localhost", "127.0.0.1"));

    @Option(names = "--nodes", split = ",", description = "replica group node ids: node-ID.pem (CN node:ID)")
    List<Long> nodes = new ArrayList<>();

    @Option(names = "--terminals", split = ",", description = "terminal ids: terminal-ID.pem (CN terminal:ID)")
    List<Long> terminals = new ArrayList<>();

    @Option(names = "--admins", split = ",", description = "operator ids: admin-ID.pem (CN admin:ID)")
    List<Long> admins = new ArrayList<>();

    @Option(names = "--days", description = "validity of the certificates issued (default: 365); the CA gets " +
        "ten times as long")
    int days = 365;

    @Override
    public Integer call() throws Exception
    {
        final CertificateIssuer issuer = authority();
        final Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        final Instant notAfter = Instant.now().plus(Duration.ofDays(days));
        if (server)
        {
            issue(issuer, "server", "wodian-server", hosts, notBefore, notAfter);
        }
        for (final long id : nodes)
        {
            issue(issuer, "node-" + id, new PeerIdentity(PeerIdentity.NODE, id).commonName(), hosts, notBefore,
                notAfter);
        }
        for (final long id : terminals)
        {
            issue(issuer, "terminal-" + id, new PeerIdentity(PeerIdentity.TERMINAL, id).commonName(), List.of(),
                notBefore, notAfter);
        }
        for (final long id : admins)
        {
            issue(issuer, "admin-" + id, new PeerIdentity(PeerIdentity.ADMIN, id).commonName(), List.of(),
                notBefore, notAfter);
        }
        return WodianMain.EXIT_OK;
    }

    /** The CA in {@code dir}, created on the first run. */
    private CertificateIssuer authority() throws Exception
    {
        final Path certificate = dir.resolve(CA_CERTIFICATE);
        final Path key = dir.resolve(CA_KEY);
        if (Files.exists(certificate) && Files.exists(key))
        {
            return CertificateIssuer.load(certificate, key);
        }
        final CertificateIssuer issuer = CertificateIssuer.newAuthority("wodian private CA", 10 * days);
        issuer.writeAuthority(certificate, key);
        System.out.println("CA: " + certificate + " (give it to every client and node as --tls-trust), key " + key);
        return issuer;
    }

    private void issue(final CertificateIssuer issuer, final String fileName, final String commonName,
        final List<String> names, final Instant notBefore, final Instant notAfter) throws Exception
    {
        final Path certificate = dir.resolve(fileName + ".pem");
        issuer.issue(commonName, names, notBefore, notAfter, certificate, dir.resolve(fileName + ".key"));
        System.out.println(commonName + ": " + certificate + " (key " + fileName + ".key)" +
            (names.isEmpty() ? "" : ", names " + String.join(",", names)));
    }
}
