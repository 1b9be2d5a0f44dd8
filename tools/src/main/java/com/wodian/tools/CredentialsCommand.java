package com.wodian.tools;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.protocol.sbe.SessionRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Manages the server's credential file (stored keys) and hands out client secrets (docs/security.md): add an
 * identity, rotate its secret with a grace period for the old one, revoke it, list. A running server reloads the
 * credential file within a second of a change.
 */
@Command(name = "credentials", description = "Add, rotate, revoke or list logon credentials (docs/security.md).")
public final class CredentialsCommand implements Callable<Integer>
{
    @Option(names = "--file", description = "the server's credential file, e.g. <data>/credentials")
    Path credentialsFile;

    @Option(names = "--iso-keys", description = "instead of --file: the ISO 8583 terminal key file, e.g. " +
        "<data>/iso-keys; --add/--rotate terminal:ID give the terminal a new MAC key (docs/iso8583.md)")
    Path isoKeysFile;

    @Option(names = "--add", description = "add an identity: admin:ID, terminal:ID (needs --merchant) or consumer:ID")
    String add;

    @Option(names = "--merchant", defaultValue = "0", description = "the merchant of a terminal added")
    long merchantId;

    @Option(names = "--rotate", description = "give an identity a new secret: admin:ID, terminal:ID, consumer:ID")
    String rotate;

    @Option(names = "--grace-ms", defaultValue = "86400000",
        description = "how long the old secret of a rotated identity still works (default: ${DEFAULT-VALUE})")
    long graceMs;

    @Option(names = "--revoke", description = "remove an identity: it can no longer log on")
    String revoke;

    @Option(names = "--secrets-out",
        description = "client secrets file to append the new secret to (mode 600); without it the secret is printed")
    Path secretsFile;

    @Override
    public Integer call() throws Exception
    {
        if (null != isoKeysFile)
        {
            return IsoKeysSupport.run(isoKeysFile, null != add ? add : rotate, null != add, merchantId);
        }
        if (null == credentialsFile)
        {
            System.err.println("--file (or --iso-keys) is required");
            return WodianMain.EXIT_USAGE;
        }
        final CredentialStore store = Files.exists(credentialsFile) ? CredentialStore.load(credentialsFile) :
            new CredentialStore();
        final SecureRandom random = new SecureRandom();
        Credentials issued = null;
        if (null != add)
        {
            final SessionRole role = role(add);
            if (SessionRole.TERMINAL == role && merchantId <= 0)
            {
                System.err.println("a terminal needs --merchant");
                return WodianMain.EXIT_USAGE;
            }
            issued = store.provision(role, id(add), SessionRole.TERMINAL == role ? merchantId : 0, random);
        }
        else if (null != rotate)
        {
            issued = store.rotate(role(rotate), id(rotate), graceMs, System.currentTimeMillis(), random);
        }
        else if (null != revoke)
        {
            if (!store.revoke(role(revoke), id(revoke)))
            {
                System.err.println("no such identity: " + revoke);
                return WodianMain.EXIT_REFUSED;
            }
        }
        if (null != add || null != rotate || null != revoke)
        {
            store.save(credentialsFile);
        }
        if (null != issued)
        {
            if (null != secretsFile)
            {
                final List<Credentials> all = new ArrayList<>();
                if (Files.exists(secretsFile))
                {
                    for (final String line : Files.readAllLines(secretsFile))
                    {
                        final String[] words = line.trim().split("\\s+");
                        if (words.length >= 4 && !words[0].startsWith("#") &&
                            !(role(words[0] + ":0") == issued.role() &&
                            Long.parseLong(words[1]) == issued.principalId()))
                        {
                            all.add(Credentials.load(secretsFile, role(words[0] + ":0"), Long.parseLong(words[1])));
                        }
                    }
                }
                all.add(issued);
                Credentials.save(secretsFile, all);
                System.out.println("secret of " + issued + " written to " + secretsFile);
            }
            else
            {
                final Path temporary = Files.createTempFile("wodian-secret", ".txt");
                Credentials.save(temporary, List.of(issued));
                System.out.print(Files.readString(temporary));
                Files.delete(temporary);
            }
        }
        for (final String line : store.describe())
        {
            System.out.println(line);
        }
        return WodianMain.EXIT_OK;
    }

    private static SessionRole role(final String identity)
    {
        final int colon = identity.indexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("identity must be role:id, e.g. terminal:101: " + identity);
        }
        return SessionRole.valueOf(identity.substring(0, colon).toUpperCase(Locale.ROOT));
    }

    private static long id(final String identity)
    {
        return Long.parseLong(identity.substring(identity.indexOf(':') + 1));
    }
}
