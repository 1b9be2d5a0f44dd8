package com.wodian.net.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import java.security.NoSuchAlgorithmException;

/** The largest TLS record and plaintext the JDK's engine produces or accepts, read once from a default engine. */
final class TlsBufferSizes
{
    static final int PACKET_LENGTH;
    static final int APPLICATION_LENGTH;

    static
    {
        try
        {
            final SSLSession session = SSLContext.getDefault().createSSLEngine().getSession();
            PACKET_LENGTH = session.getPacketBufferSize();
            APPLICATION_LENGTH = session.getApplicationBufferSize();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private TlsBufferSizes()
    {
    }
}
