package com.wodian.net.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import java.security.KeyManagementException;
import java.security.SecureRandom;

/**
 * An {@link SSLContext} for code that keeps the context it is given (the JDK's HTTPS server behind the metrics
 * endpoint): every engine and socket factory it hands out comes from the {@link TlsContext}'s current context, so
 * connections opened after a certificate rotation use the new key material without a restart.
 */
final class ReloadingSslContext extends SSLContext
{
    ReloadingSslContext(final TlsContext tls)
    {
        super(new Spi(tls), tls.sslContext().getProvider(), tls.sslContext().getProtocol());
    }

    /** Delegates each call to the context current at that moment. */
    private static final class Spi extends SSLContextSpi
    {
        private final TlsContext tls;

        Spi(final TlsContext tls)
        {
            this.tls = tls;
        }

        @Override
        protected void engineInit(
            final javax.net.ssl.KeyManager[] keyManagers,
            final javax.net.ssl.TrustManager[] trustManagers,
            final SecureRandom random) throws KeyManagementException
        {
            throw new KeyManagementException("initialised from the TlsContext's files");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory()
        {
            return tls.sslContext().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory()
        {
            return tls.sslContext().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine()
        {
            return tls.sslContext().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(final String host, final int port)
        {
            return tls.sslContext().createSSLEngine(host, port);
        }

        /**
         * What the JDK's HTTPS server applies to each of its engines (HttpsConfigurator's default): the allowed
         * suites and the configured protocols, not the provider's defaults.
         */
        @Override
        protected javax.net.ssl.SSLParameters engineGetDefaultSSLParameters()
        {
            final javax.net.ssl.SSLParameters parameters = tls.sslContext().getDefaultSSLParameters();
            parameters.setProtocols(tls.settings().protocols());
            parameters.setCipherSuites(TlsContext.allowedCipherSuites(parameters.getCipherSuites()));
            return parameters;
        }

        @Override
        protected javax.net.ssl.SSLParameters engineGetSupportedSSLParameters()
        {
            return engineGetDefaultSSLParameters();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext()
        {
            return tls.sslContext().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext()
        {
            return tls.sslContext().getClientSessionContext();
        }
    }
}
