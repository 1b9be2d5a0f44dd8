package com.wodian.tools;

import com.wodian.net.auth.AdminKind;
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
@Command(name = "credentials", description = "Add, rotate, revoke or list logon credentials (docs/security.md). "
    + "With several files (the nodes of a replica group) every file gets the same change and the same secret.")
public final class CredentialsCommand implements Callable<Integer>
{
    @Option(names = "--file", split = ",", description = "the server's credential file, e.g. "
        + "<data>/credentials; several, comma-separated (one per node of a replica group): the same change and the "
        + "same secret go to all of them")
    List<Path> credentialsFiles;

    @Option(names = "--iso-keys", description = "instead of --file: the ISO 8583 terminal key file, e.g. " +
        "<data>/iso-keys; --add/--rotate terminal:ID give the terminal a new MAC key (docs/iso8583.md)")
    Path isoKeysFile;

    @Option(names = "--add", description = "add an identity: admin:ID, operator:ID (an admin id that may only read: " +
        "status, state hash, statements, risk settings), funds:ID (an admin id for money, no configuration), " +
        "config:ID (an admin id for configuration, no money), loadtest:ID (a full admin whose payments are not in " +
        "the admin audit trail: load tests only, never in production), terminal:ID (needs --merchant) or consumer:ID")
    String add;

    @Option(names = "--merchant", defaultValue = "0", description = "the merchant of a terminal added")
    long merchantId;

    @Option(names = "--rotate", description = "give an identity a new secret: admin:ID, terminal:ID, consumer:ID")
    String rotate;

    @Option(names = "--grace-ms", defaultValue = "86400000",
        description = "how long the old secret of a rotated identity still works (default: ${DEFAULT-VALUE}, a day " +
            "for a planned rotation); after a suspected leak use 0: the old secret stops at once")
    long graceMs;

    @Option(names = "--revoke", description = "remove an identity: it can no longer log on")
    String revoke;

    @Option(names = "--secrets-out",
        description = "client secrets file to append the new secret to (mode 600); without it the secret is printed")
    Path secretsFile;

    @Option(names = "--key-out", description = "with --iso-keys --add/--rotate: where the new MAC key goes, a file " +
        "written with mode 600 for loading into the terminal, or - to print it (required: never printed unasked)")
    String isoKeyOut;

    @Option(names = "--pan-token-key", description = "with --iso-keys: add a random key that turns ISO 8583 card " +
        "numbers into consumer-id tokens (refused when the file has one: another key makes every card another " +
        "consumer; docs/security.md, 'Card numbers at rest')")
    boolean panTokenKey;

    @Option(names = "--pan-tokens", description = "with --iso-keys: read card numbers, one a line, on standard " +
        "input and print each one's token (the consumer id to register it under), one a line")
    boolean panTokens;

    @Override
    public Integer call() throws Exception
    {
        if (null != isoKeysFile && (panTokenKey || panTokens))
        {
            return panTokenKey ? IsoKeysSupport.addPanTokenKey(isoKeysFile) :
                IsoKeysSupport.printPanTokens(isoKeysFile, System.in, System.out);
        }
        if (null != isoKeysFile)
        {
            return IsoKeysSupport.run(isoKeysFile, null != add ? add : rotate, null != add, merchantId, isoKeyOut);
        }
        if (null == credentialsFiles || credentialsFiles.isEmpty())
        {
            System.err.println("--file (or --iso-keys) is required");
            return WodianMain.EXIT_USAGE;
        }
        final List<CredentialStore> stores = new ArrayList<>();
        for (final Path file : credentialsFiles)
        {
            stores.add(Files.exists(file) ? CredentialStore.load(file) : new CredentialStore());
        }
        final Credentials issued;
        try
        {
            issued = apply(stores);
        }
        catch (final IllegalArgumentException refused)
        {
            System.err.println(refused.getMessage());
            return WodianMain.EXIT_REFUSED;
        }
        if (null != add || null != rotate || null != revoke)
        {
            // Every file is checked before any is written: a refusal leaves all of them as they were.
            final String failure = writeAllOrNothing(stores, issued);
            if (null != failure)
            {
                System.err.println("error: " + failure);
                return WodianMain.EXIT_REFUSED;
            }
        }
        for (int i = 0; i < stores.size(); i++)
        {
            if (stores.size() > 1)
            {
                System.out.println("# " + credentialsFiles.get(i));
            }
            for (final String line : stores.get(i).describe())
            {
                System.out.println(line);
            }
        }
        return WodianMain.EXIT_OK;
    }

    /** The change on every store, with one secret drawn for all of them; the new credentials, or null. */
    private Credentials apply(final List<CredentialStore> stores)
    {
        if (null != add)
        {
            final SessionRole role = role(add);
            if (SessionRole.TERMINAL == role && merchantId <= 0)
            {
                throw new IllegalArgumentException("a terminal needs --merchant");
            }
            final Credentials issued = new Credentials(role, id(add), newSecret());
            final AdminKind kind = adminKind(add);
            stores.forEach((store) ->
            {
                if (null != kind)
                {
                    store.addAdmin(issued, kind);
                }
                else
                {
                    store.add(issued, SessionRole.TERMINAL == role ? merchantId : 0);
                }
            });
            return issued;
        }
        if (null != rotate)
        {
            final Credentials issued = new Credentials(role(rotate), id(rotate), newSecret());
            for (int i = 0; i < stores.size(); i++)
            {
                if (null == stores.get(i).find(issued.role(), issued.principalId()))
                {
                    throw new IllegalArgumentException("no such identity in " + credentialsFiles.get(i) + ": " +
                        rotate);
                }
            }
            final long nowMs = System.currentTimeMillis();
            stores.forEach((store) -> store.rotateTo(issued, graceMs, nowMs));
            return issued;
        }
        if (null != revoke)
        {
            int found = 0;
            for (final CredentialStore store : stores)
            {
                found += store.revoke(role(revoke), id(revoke)) ? 1 : 0;
            }
            if (0 == found)
            {
                throw new IllegalArgumentException("no such identity: " + revoke);
            }
        }
        return null;
    }

    private static byte[] newSecret()
    {
        final byte[] secret = new byte[com.wodian.net.auth.LogonCrypto.KEY_LENGTH];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /**
     * Writes the changed stores and the new secret all or nothing (ops review item 15): the secrets file's and every
     * credential file's new content first go to forced temporary files beside them; only when all are written are
     * they moved into place (credential files first, the secrets file last), each rename forced. A failure before
     * that deletes the temporaries: no file changed, no secret issued.
     *
     * @return null when done, else what failed and what that left.
     */
    private String writeAllOrNothing(final List<CredentialStore> stores, final Credentials issued)
        throws java.io.IOException
    {
        final List<Path> temporaries = new ArrayList<>();
        Path secretsTemporary = null;
        Path writing = secretsFile;
        try
        {
            if (null != issued && null != secretsFile)
            {
                secretsTemporary = Credentials.saveTemporary(secretsFile, secretsWith(issued));
            }
            for (int i = 0; i < stores.size(); i++)
            {
                writing = credentialsFiles.get(i);
                temporaries.add(stores.get(i).saveTemporary(writing));
            }
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            deleteQuietly(temporaries, secretsTemporary);
            return writing + ": " + ex + "; nothing changed" + (null == issued ? "" : ", no secret issued");
        }
        for (int i = 0; i < temporaries.size(); i++)
        {
            try
            {
                CredentialStore.replace(temporaries.get(i), credentialsFiles.get(i));
            }
            catch (final java.io.IOException | RuntimeException ex)
            {
                deleteQuietly(temporaries.subList(i, temporaries.size()), secretsTemporary);
                printSecret(issued);
                return "replacing " + credentialsFiles.get(i) + " failed (" + ex + ") after " +
                    credentialsFiles.subList(0, i) + " were changed: run the same command on the files left " +
                    "unchanged" + (null == issued ? "" : " (the secret above is the one those files now hold)");
            }
        }
        if (null != secretsTemporary)
        {
            CredentialStore.replace(secretsTemporary, secretsFile);
            System.out.println("secret of " + issued + " written to " + secretsFile);
        }
        else
        {
            printSecret(issued);
        }
        return null;
    }

    private static void deleteQuietly(final List<Path> temporaries, final Path secretsTemporary)
    {
        final List<Path> all = new ArrayList<>(temporaries);
        if (null != secretsTemporary)
        {
            all.add(secretsTemporary);
        }
        for (final Path temporary : all)
        {
            try
            {
                Files.deleteIfExists(temporary);
            }
            catch (final java.io.IOException ignore)
            {
                // A temporary left behind changes nothing the server reads; the operator sees the error anyway.
            }
        }
    }

    /** Prints a new secret on standard output, in the secrets file's format; nothing when none was issued. */
    private static void printSecret(final Credentials issued) throws java.io.IOException
    {
        if (null == issued)
        {
            return;
        }
        final Path temporary = Files.createTempFile("wodian-secret", ".txt");
        try
        {
            Credentials.save(temporary, List.of(issued));
            System.out.print(Files.readString(temporary));
        }
        finally
        {
            Files.delete(temporary);
        }
    }

    /** The client secrets file's identities with {@code issued} in place of that identity's line. */
    private List<Credentials> secretsWith(final Credentials issued) throws java.io.IOException
    {
        final List<Credentials> all = new ArrayList<>();
        if (Files.exists(secretsFile))
        {
            for (final String line : Files.readAllLines(secretsFile))
            {
                final String[] words = line.trim().split("\\s+");
                if (words.length >= 4 && !words[0].startsWith("#") &&
                    !(role(words[0] + ":0") == issued.role() && Long.parseLong(words[1]) == issued.principalId()))
                {
                    all.add(Credentials.load(secretsFile, role(words[0] + ":0"), Long.parseLong(words[1])));
                }
            }
        }
        all.add(issued);
        return all;
    }

    /**
     * The role an identity logs on with: {@code operator:ID} or {@code loadtest:ID} is an admin id of that
     * {@link AdminKind}, which the credential file records; its client secret is an {@code admin} line, since the wire
     * knows only the admin role.
     */
    private static SessionRole role(final String identity)
    {
        final int colon = identity.indexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("identity must be role:id, e.g. terminal:101: " + identity);
        }
        return null != adminKind(identity) ? SessionRole.ADMIN :
            SessionRole.valueOf(identity.substring(0, colon).toUpperCase(Locale.ROOT));
    }

    /** The admin kind an identity's prefix names ({@code admin}, {@code operator}, ...); null for the other roles. */
    private static AdminKind adminKind(final String identity)
    {
        final int colon = identity.indexOf(':');
        return colon <= 0 ? null : AdminKind.ofWord(identity.substring(0, colon));
    }

    private static long id(final String identity)
    {
        return Long.parseLong(identity.substring(identity.indexOf(':') + 1));
    }
}
