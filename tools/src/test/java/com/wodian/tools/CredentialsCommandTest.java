package com.wodian.tools;

import com.wodian.net.auth.AdminKind;
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

    /**
     * A change over several files is all or nothing also when a write fails (ops review item 15): the third file
     * cannot be written, so the first two and the secrets file stay as they were, no temporary is left, exit 1.
     */
    @Test
    void aWriteFailureOnTheThirdFileChangesNothing(@TempDir final Path dir) throws Exception
    {
        final Path n0 = dir.resolve("n0").resolve("credentials");
        final Path n1 = dir.resolve("n1").resolve("credentials");
        final Path secrets = dir.resolve("admin.secrets");
        assertEquals(0, CliTest.wodian("credentials", "--file", n0 + "," + n1, "--add", "admin:1", "--secrets-out",
            secrets.toString()).exitCode());
        Files.writeString(dir.resolve("blocker"), "a file where the third node's directory should be");
        final Path n2 = dir.resolve("blocker").resolve("credentials");
        final byte[] n0Before = Files.readAllBytes(n0);
        final byte[] n1Before = Files.readAllBytes(n1);
        final byte[] secretsBefore = Files.readAllBytes(secrets);

        final CliTest.Run failed = CliTest.wodian("credentials", "--file", n0 + "," + n1 + "," + n2, "--add",
            "terminal:5", "--merchant", "1", "--secrets-out", secrets.toString());
        assertEquals(WodianMain.EXIT_REFUSED, failed.exitCode(), failed.out());
        assertTrue(java.util.Arrays.equals(n0Before, Files.readAllBytes(n0)), "n0 unchanged");
        assertTrue(java.util.Arrays.equals(n1Before, Files.readAllBytes(n1)), "n1 unchanged");
        assertTrue(java.util.Arrays.equals(secretsBefore, Files.readAllBytes(secrets)), "no secret handed out");
        for (final Path directory : List.of(n0.getParent(), n1.getParent(), dir))
        {
            try (java.util.stream.Stream<Path> entries = Files.list(directory))
            {
                assertTrue(entries.noneMatch((entry) -> entry.toString().endsWith(".tmp")), "no temporary left");
            }
        }
        assertNull(CredentialStore.load(n0).find(SessionRole.TERMINAL, 5));
    }

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

    /**
     * Security review B9: {@code --add operator:ID} makes a read-only admin id. The credential file marks it
     * {@code operator}, the client's secrets file holds an ordinary {@code admin} line (an operator logs on as an
     * admin; the restriction travels with the server's credential), a rotation keeps it an operator, and an existing
     * admin line still loads as a full admin.
     */
    @Test
    void anOperatorIsAReadOnlyAdminIdThatStaysOneAcrossARotation(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("credentials");
        final Path secrets = dir.resolve("ops.secrets");
        assertEquals(0, CliTest.wodian("credentials", "--file", file.toString(), "--add", "admin:1").exitCode());
        final CliTest.Run add = CliTest.wodian("credentials", "--file", file.toString(), "--add", "operator:7",
            "--secrets-out", secrets.toString());
        assertEquals(0, add.exitCode(), add.out());
        assertTrue(add.out().contains("OPERATOR 7 (read-only admin)"), add.out());
        assertTrue(Files.readString(file).contains("\noperator 7 key "), Files.readString(file));
        final Credentials operator = Credentials.load(secrets, SessionRole.ADMIN, 7);
        CredentialStore store = CredentialStore.load(file);
        assertTrue(store.verify(SessionRole.ADMIN, 7, CHALLENGE, operator.proof(CHALLENGE), 0));
        assertEquals(AdminKind.OPERATOR, store.find(SessionRole.ADMIN, 7).kind());
        assertEquals(AdminKind.ADMIN, store.find(SessionRole.ADMIN, 1).kind(), "an admin line stays a full admin");

        final CliTest.Run rotate = CliTest.wodian("credentials", "--file", file.toString(), "--rotate", "operator:7",
            "--grace-ms", "0", "--secrets-out", secrets.toString());
        assertEquals(0, rotate.exitCode(), rotate.out());
        store = CredentialStore.load(file);
        assertEquals(AdminKind.OPERATOR, store.find(SessionRole.ADMIN, 7).kind(), "still read-only after a rotation");
        assertTrue(store.verify(SessionRole.ADMIN, 7, CHALLENGE,
            Credentials.load(secrets, SessionRole.ADMIN, 7).proof(CHALLENGE), System.currentTimeMillis()));
        assertFalse(store.verify(SessionRole.ADMIN, 7, CHALLENGE, operator.proof(CHALLENGE),
            System.currentTimeMillis()), "--grace-ms 0: the old secret no longer logs on");
    }

    /**
     * Review R22: {@code --add loadtest:ID} makes the load tools' admin id, a full admin whose payments stay out of
     * the admin audit trail: the credential file says {@code loadtest}, the listing says so, the client's secret is an
     * ordinary admin line, and a rotation keeps the kind.
     */
    @Test
    void aLoadTestAdminIsMarkedInTheFileAndKeepsItsKindAcrossARotation(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("credentials");
        final Path secrets = dir.resolve("load.secrets");
        final CliTest.Run add = CliTest.wodian("credentials", "--file", file.toString(), "--add", "loadtest:1",
            "--secrets-out", secrets.toString());
        assertEquals(0, add.exitCode(), add.out());
        assertTrue(add.out().contains("LOADTEST 1 (load-test admin: its payments are not audited)"), add.out());
        assertTrue(Files.readString(file).contains("\nloadtest 1 key "), Files.readString(file));
        final Credentials loadTest = Credentials.loadFirst(secrets, SessionRole.ADMIN);
        assertEquals(1, loadTest.principalId());
        assertEquals(0, CliTest.wodian("credentials", "--file", file.toString(), "--rotate", "admin:1",
            "--secrets-out", secrets.toString()).exitCode());
        assertEquals(AdminKind.LOADTEST, CredentialStore.load(file).find(SessionRole.ADMIN, 1).kind());
    }
}
