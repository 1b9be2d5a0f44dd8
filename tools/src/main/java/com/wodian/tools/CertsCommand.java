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
 * {@code NAME.key} (PKCS#8, mode 600). Running it again with the same CA reissues (rotation); a server or node
 * certificate that names other hosts than the default is reissued only with {@code --hosts}.
 *
 * <p>Node certificates come from a CA of their own, {@code node-ca.pem}/{@code node-ca.key} (security review item 2:
 * a node certificate is a node's whole credential, so the CA the nodes trust must not also issue the terminals' and
 * admins' client certificates). A folder whose node certificates were issued by {@code ca.pem} before keeps issuing
 * them from it, with a warning: the running group's links would otherwise fail at the reissue.
 */
@Command(name = "certs", description = "Make a private CA and issue server, node, terminal and admin " +
    "certificates for TLS (test deployments and the demo; docs/security.md).")
public final class CertsCommand implements Callable<Integer>
{
    static final String CA_CERTIFICATE = "ca.pem";
    static final String CA_KEY = "ca.key";
    static final String NODE_CA_CERTIFICATE = "node-ca.pem";
    static final String NODE_CA_KEY = "node-ca.key";

    @Option(names = "--dir", required = true, description = "folder of the CA and the certificates")
    Path dir;

    @Option(names = "--server", description = "issue server.pem/server.key for the POS, ISO 8583 and metrics ports")
    boolean server;

    /** The names a server or node certificate gets when {@code --hosts} is not given and none exists yet. */
    static final List<String> DEFAULT_HOSTS = List.of("localhost", "127.0.0.1");

    @Option(names = "--hosts", split = ",",
        description = "DNS names and IP addresses the server and node certificates name (default: localhost," +
            "127.0.0.1; reissuing a certificate that names others needs --hosts)")
    List<String> hosts;

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
        final String kept = hostsKeptProblem();
        if (null != kept)
        {
            System.err.println("error: " + kept);
            return WodianMain.EXIT_REFUSED;
        }
        final List<String> hosts = null == this.hosts ? DEFAULT_HOSTS : this.hosts;
        final CertificateIssuer issuer = authority();
        final Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        final Instant notAfter = Instant.now().plus(Duration.ofDays(days));
        if (server)
        {
            issue(issuer, "server", "wodian-server", hosts, notBefore, notAfter);
        }
        final CertificateIssuer nodeIssuer = nodes.isEmpty() ? null : nodeAuthority(issuer);
        for (final long id : nodes)
        {
            issue(nodeIssuer, "node-" + id, new PeerIdentity(PeerIdentity.NODE, id).commonName(), hosts, notBefore,
                notAfter);
            // The line a --node-pins file takes for it (docs/replication.md, "Pinned peers"): printed, never written
            // into a pin file, whose old lines a renewal must keep until every node has the new certificate.
            System.out.println("  pin: node " + id + " sha256 " + com.wodian.net.cluster.transport.NodePins
                .fingerprint(dir.resolve("node-" + id + ".pem")));
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

    /**
     * Without {@code --hosts}, a server or node certificate is issued for localhost only; reissuing one that names
     * other hosts that way would swap a certificate the running servers reload within a second for one no client
     * connecting by name accepts (ops review item 16). Says so, or null when nothing would be lost.
     */
    private String hostsKeptProblem() throws Exception
    {
        if (null != hosts)
        {
            return null;
        }
        final List<String> files = new ArrayList<>();
        if (server)
        {
            files.add("server.pem");
        }
        for (final long id : nodes)
        {
            files.add("node-" + id + ".pem");
        }
        for (final String file : files)
        {
            final Path certificate = dir.resolve(file);
            if (Files.exists(certificate))
            {
                final List<String> names = subjectAltNames(certificate);
                if (!DEFAULT_HOSTS.containsAll(names))
                {
                    return certificate + " exists and names " + String.join(",", names) + "; reissued without " +
                        "--hosts it would name only " + String.join(",", DEFAULT_HOSTS) + ": give the names it " +
                        "needs, e.g. --hosts " + String.join(",", names) + " (nothing written)";
                }
            }
        }
        return null;
    }

    /** The DNS names and IP addresses a PEM certificate (its first, the leaf) names. */
    static List<String> subjectAltNames(final Path pemFile) throws Exception
    {
        try (java.io.InputStream in = Files.newInputStream(pemFile))
        {
            final java.security.cert.X509Certificate certificate = (java.security.cert.X509Certificate)
                java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            final List<String> names = new ArrayList<>();
            final java.util.Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            for (final List<?> name : null == alternatives ? List.<List<?>>of() : alternatives)
            {
                final int type = (Integer)name.get(0);
                if (type == 2 || type == 7) // dNSName, iPAddress
                {
                    names.add(String.valueOf(name.get(1)));
                }
            }
            return names;
        }
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

    /**
     * The nodes' CA in {@code dir}, created on the first run that issues node certificates; the client CA where
     * node certificates of it are already there (said: separating them means giving every node the new CA at once).
     */
    private CertificateIssuer nodeAuthority(final CertificateIssuer clientIssuer) throws Exception
    {
        final Path certificate = dir.resolve(NODE_CA_CERTIFICATE);
        final Path key = dir.resolve(NODE_CA_KEY);
        if (Files.exists(certificate) && Files.exists(key))
        {
            return CertificateIssuer.load(certificate, key);
        }
        final Path issuedBefore = nodeCertificateOf(clientIssuer);
        if (null != issuedBefore)
        {
            System.err.println("warning: " + issuedBefore + " was issued by " + dir.resolve(CA_CERTIFICATE) +
                ", which also issues terminal and admin certificates: node certificates are reissued from it, so " +
                "that the running group keeps its links (whoever gets that CA to issue a client certificate can " +
                "get it to issue a node's, a node's whole credential). To separate them: move node-*.pem and " +
                "node-*.key out of " + dir + " and run again (node certificates then " +
                "come from " + certificate + "), and restart every node with --node-trust " + certificate +
                " (docs/security.md, \"TLS\")");
            return clientIssuer;
        }
        final CertificateIssuer issuer = CertificateIssuer.newAuthority("wodian node CA", 10 * days);
        issuer.writeAuthority(certificate, key);
        System.out.println("node CA: " + certificate + " (give it to every node as --node-trust, never to clients), " +
            "key " + key);
        return issuer;
    }

    /** A node certificate in {@code dir} issued by {@code clientIssuer}'s CA, or null. */
    private Path nodeCertificateOf(final CertificateIssuer clientIssuer) throws Exception
    {
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, "node-*.pem"))
        {
            for (final Path file : files)
            {
                try (java.io.InputStream in = Files.newInputStream(file))
                {
                    final java.security.cert.X509Certificate leaf = (java.security.cert.X509Certificate)
                        java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
                    if (leaf.getIssuerX500Principal().equals(clientIssuer.caCertificate().getSubjectX500Principal()))
                    {
                        return file;
                    }
                }
            }
        }
        return null;
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
