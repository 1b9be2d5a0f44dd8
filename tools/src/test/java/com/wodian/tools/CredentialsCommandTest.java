package com.wodian.tools;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.protocol.sbe.SessionRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian credentials --file a,b,c} (issue 18 item 7): one command gives every node of a replica group the same
 * identity and secret, rotates it on all of them, revokes it from all of them, and a refusal changes none.
 */
class CredentialsCommandTest
{
    private static final byte[] CHALLENGE = new byte[32];

    @Test
    void theNodesOfAGroupGetTheSameSecretFromOneCommand(@TempDir final Path dir) throws Exception
    {
        final List<Path> files = List.of(dir.resolve("n0"), dir.resolve("n1"), dir.resolve("n2"));
        final String fileList = files.get(0) + "," + files.get(1) + "," + files.get(2);
        final Path secrets = dir.resolve("terminal.secrets");

        final CliTest.Run add = CliTest.wodian("credentials", "--file", fileList, "--add", "terminal:101",
            "--merchant", "7", "--secrets-out", secrets.toString());
        assertEquals(0, add.exitCode(), add.out());
        final Credentials first = Credentials.load(secrets, SessionRole.TERMINAL, 101);
        for (final Path file : files)
        {
            final CredentialStore store = CredentialStore.load(file);
            assertTrue(store.verify(SessionRole.TERMINAL, 101, CHALLENGE, first.proof(CHALLENGE), 0), "" + file);
            assertEquals(7, store.find(SessionRole.TERMINAL, 101).merchantId());
        }
        assertEquals(Files.readString(files.get(0)), Files.readString(files.get(2)), "identical files");

        final CliTest.Run rotate = CliTest.wodian("credentials", "--file", fileList, "--rotate", "terminal:101",
            "--secrets-out", secrets.toString());
        assertEquals(0, rotate.exitCode(), rotate.out());
        final Credentials second = Credentials.load(secrets, SessionRole.TERMINAL, 101);
        final long nowMs = System.currentTimeMillis();
        for (final Path file : files)
        {
            final CredentialStore store = CredentialStore.load(file);
            assertTrue(store.verify(SessionRole.TERMINAL, 101, CHALLENGE, second.proof(CHALLENGE), nowMs));
            assertTrue(store.verify(SessionRole.TERMINAL, 101, CHALLENGE, first.proof(CHALLENGE), nowMs),
                "the old secret during the grace period");
        }

        // A rotation of an identity one node lacks is refused and changes no file.
        final String before = Files.readString(files.get(1));
        CliTest.wodian("credentials", "--file", files.get(2).toString(), "--add", "admin:1");
        final CliTest.Run refused = CliTest.wodian("credentials", "--file", fileList, "--rotate", "admin:1");
        assertEquals(1, refused.exitCode(), refused.out());
        assertEquals(before, Files.readString(files.get(1)));

        final CliTest.Run revoke = CliTest.wodian("credentials", "--file", fileList, "--revoke", "terminal:101");
        assertEquals(0, revoke.exitCode(), revoke.out());
        for (final Path file : files)
        {
            assertNull(CredentialStore.load(file).find(SessionRole.TERMINAL, 101));
            assertFalse(CredentialStore.load(file).verify(SessionRole.TERMINAL, 101, CHALLENGE,
                second.proof(CHALLENGE), nowMs));
        }
    }
}
