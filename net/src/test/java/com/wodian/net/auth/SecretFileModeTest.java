package com.wodian.net.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A secret file readable by group or others is named with its mode; an owner-only one is not (security review 16). */
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
}
