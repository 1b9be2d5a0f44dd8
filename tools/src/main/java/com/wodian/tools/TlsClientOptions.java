package com.wodian.tools;

import com.wodian.net.client.ClientConfig;
import com.wodian.net.tls.TlsSettings;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A client's TLS options, shared by the commands that connect to a server's POS port (docs/security.md): the CA
 * file to trust turns TLS on; a certificate and key add a client certificate (mutual TLS).
 */
final class TlsClientOptions
{
    @Option(names = "--tls-trust", scope = ScopeType.INHERIT, description = "speak TLS, trusting the CA " +
        "certificates in this PEM file (e.g. ca.pem of 'wodian certs'); without it the connection is clear text")
    Path trustFile;

    @Option(names = "--tls-cert", scope = ScopeType.INHERIT,
        description = "client certificate chain (PEM) for mutual TLS, e.g. terminal-11.pem of 'wodian certs'")
    Path certificateFile;

    @Option(names = "--tls-key", scope = ScopeType.INHERIT, description = "private key (PEM PKCS#8) of --tls-cert")
    Path keyFile;

    /** A client config for {@code host:port} with TLS when asked for. */
    ClientConfig clientConfig(final String host, final int port) throws IOException
    {
        final ClientConfig config = new ClientConfig().node(host, port);
        final TlsSettings settings = settings();
        return null == settings ? config : config.tls(settings);
    }

    /** A client config for the nodes {@code HOST:PORT} of the list, tried in order, with TLS when asked for. */
    ClientConfig clientConfig(final java.util.List<String> nodes) throws IOException
    {
        final ClientConfig config = new ClientConfig().nodes(String.join(",", nodes));
        final TlsSettings settings = settings();
        return null == settings ? config : config.tls(settings);
    }

    /**
     * {@code config} with its connect, logon and reply limits raised to at least {@code timeoutMs}, never lowered: a
     * command's {@code --timeout-ms} is how long its user waits for a node, and the client's own limits (2, 5 and
     * 10 s) ended that wait first (rev R36: {@code pos --timeout-ms 30000} gave up after 10 s, its logon always had
     * 5 s). A command's default keeps the client's longer ones (status's 2 s still logs on within 5 s).
     */
    static ClientConfig waitingAtLeast(final ClientConfig config, final long timeoutMs)
    {
        return config.connectTimeoutMs(Math.max(config.connectTimeoutMs(), timeoutMs))
            .logonTimeoutMs(Math.max(config.logonTimeoutMs(), timeoutMs))
            .replyTimeoutMs(Math.max(config.replyTimeoutMs(), timeoutMs));
    }

    /** Null for clear text. */
    TlsSettings settings()
    {
        if (null == trustFile)
        {
            if (null != certificateFile)
            {
                throw new IllegalArgumentException("--tls-cert needs --tls-trust (the CA of the server)");
            }
            return null;
        }
        final TlsSettings settings = null == certificateFile ? TlsSettings.client() :
            TlsSettings.withCertificate(certificateFile, keyFile);
        return settings.trust(trustFile);
    }
}
