package com.wodian.net.metrics;

import com.sun.net.httpserver.BasicAuthenticator;
import com.wodian.net.auth.SecretFileMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * HTTP basic authentication for the metrics endpoint (security review item 16; docs/observability.md): one
 * {@code user:password} from the first line of a file. Prometheus sends it with {@code basic_auth} in its scrape
 * configuration. Compared in constant time; meant with HTTPS (basic authentication sends the password in every
 * request, readable on a clear-text path).
 */
public final class MetricsBasicAuth extends BasicAuthenticator
{
    private final byte[] user;
    private final byte[] password;

    private MetricsBasicAuth(final String user, final String password)
    {
        super("wodian-metrics", StandardCharsets.UTF_8);
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @throws IOException naming the file when it is missing or its first line is not {@code user:password}.
     */
    public static MetricsBasicAuth load(final Path file) throws IOException
    {
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        final String line = lines.isEmpty() ? "" : lines.get(0).strip();
        final int colon = line.indexOf(':');
        if (colon <= 0 || colon == line.length() - 1)
        {
            throw new IOException(file + ": its first line must be user:password (both not empty)");
        }
        SecretFileMode.check(file);
        return new MetricsBasicAuth(line.substring(0, colon), line.substring(colon + 1));
    }

    @Override
    public boolean checkCredentials(final String givenUser, final String givenPassword)
    {
        // Both compared, whatever the first gives: the answer comes no sooner for a wrong user.
        final boolean userMatches = MessageDigest.isEqual(user, givenUser.getBytes(StandardCharsets.UTF_8));
        final boolean passwordMatches = MessageDigest.isEqual(password,
            givenPassword.getBytes(StandardCharsets.UTF_8));
        return userMatches & passwordMatches;
    }
}
