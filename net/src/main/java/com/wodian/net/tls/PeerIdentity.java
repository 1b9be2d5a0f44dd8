package com.wodian.net.tls;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Who a certificate names, read from its subject's common name {@code <kind>:<id>}: {@code terminal:101},
 * {@code admin:1}, {@code consumer:7}, {@code node:2}. A server's own certificate names a host ({@code CN=wodian
 * server}, subject alternative names) and has no identity in this sense.
 *
 * @param kind lower case: terminal, admin, consumer or node.
 * @param id   the terminal, operator, consumer or node id.
 */
public record PeerIdentity(String kind, long id)
{
    public static final String TERMINAL = "terminal";
    public static final String ADMIN = "admin";
    public static final String CONSUMER = "consumer";
    public static final String NODE = "node";

    /** The common name a certificate for this identity carries. */
    public String commonName()
    {
        return kind + ':' + id;
    }

    /** The identity a certificate names, or null when its common name is not of the form {@code kind:id}. */
    public static PeerIdentity of(final X509Certificate certificate)
    {
        if (null == certificate)
        {
            return null;
        }
        try
        {
            for (final Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns())
            {
                if ("CN".equalsIgnoreCase(rdn.getType()))
                {
                    return parse(String.valueOf(rdn.getValue()));
                }
            }
        }
        catch (final InvalidNameException ex)
        {
            return null;
        }
        return null;
    }

    /** Parses {@code kind:id}; null when it is not of that form or the kind is unknown. */
    public static PeerIdentity parse(final String commonName)
    {
        final int colon = commonName.indexOf(':');
        if (colon <= 0)
        {
            return null;
        }
        final String kind = commonName.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!TERMINAL.equals(kind) && !ADMIN.equals(kind) && !CONSUMER.equals(kind) && !NODE.equals(kind))
        {
            return null;
        }
        try
        {
            return new PeerIdentity(kind, Long.parseLong(commonName.substring(colon + 1)));
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    @Override
    public String toString()
    {
        return commonName();
    }
}
