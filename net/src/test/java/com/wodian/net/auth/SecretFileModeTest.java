package com.wodian.net.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A secret file readable by group or others is named with its mode; an owner-only one is not (security review 16). One
 * that group or others can change is refused (C4).
 */
class SecretFileModeTest
{
    @Test
    void aFileReadableByOthersIsNamedWithItsMode(@TempDir final Path dir) throws Exception
    {
        final Path open = Files.writeString(dir.resolve("iso-keys"), "# keys\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        final String problem = SecretFileMode.problem(open);
        assertTrue(null != problem && problem.contains("rw-r--r--") && problem.contains("chmod 600"), problem);

        final Path groupOnly = Files.writeString(dir.resolve("credentials"), "# credentials\n");
        Files.setPosixFilePermissions(groupOnly, PosixFilePermissions.fromString("rw-r-----"));
        assertTrue(null != SecretFileMode.problem(groupOnly));

        final Path closed = Files.writeString(dir.resolve("server.key"), "key\n");
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rw-------"));
        assertNull(SecretFileMode.problem(closed));
    }

    /**
     * Security review C4: a credential, key, trust or password file that group or others can write, or that lies in a
     * directory they can write, is refused when it is loaded, naming the fix; before, only reading was checked (and
     * only warned about), so a writable node trust file was a full node credential.
     */
    @Test
    void aFileOthersCanWriteIsRefused(@TempDir final Path dir) throws Exception
    {
        final Path credentials = dir.resolve("credentials");
        new CredentialStore().add(Credentials.admin(1, new byte[32]), 0).save(credentials);
        assertNull(SecretFileMode.writableProblem(credentials), "owner-only, in an owner-only directory");
        CredentialStore.load(credentials);

        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-rw----"));
        final java.io.IOException refused = assertThrows(java.io.IOException.class,
            () -> CredentialStore.load(credentials));
        assertTrue(refused.getMessage().contains("writable by group or others (rw-rw----): chmod go-w"),
            refused.getMessage());
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-r--rw-"));
        assertThrows(java.io.IOException.class, () -> SecretFileMode.requireNotWritable(credentials));

        final Path trust = Files.writeString(dir.resolve("ca.pem"), "not secret, but it decides who connects\n");
        Files.setPosixFilePermissions(trust, PosixFilePermissions.fromString("rw-r--r--"));
        assertNull(SecretFileMode.writableProblem(trust), "readable by all is fine for a trust file");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertNull(SecretFileMode.writableProblem(trust), "a directory made under umask 002: group-writable only");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        final String problem = SecretFileMode.writableProblem(trust);
        assertTrue(null != problem && problem.contains("its directory"), problem);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
}
