package com.wodian.net.auth;

import com.wodian.protocol.sbe.SessionRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialStoreTest
{
    private final SecureRandom random = new SecureRandom();

    @Test
    void proofVerifiesOnlyForItsChallengeRoleAndId()
    {
        final byte[] secret = new byte[32];
        random.nextBytes(secret);
        final byte[] storedKey = LogonCrypto.storedKey(secret);
        final byte[] challenge = new byte[32];
        random.nextBytes(challenge);
        final byte[] proof = LogonCrypto.proof(secret, challenge, SessionRole.TERMINAL, 11);

        assertTrue(LogonCrypto.verify(storedKey, challenge, SessionRole.TERMINAL, 11, proof));
        assertFalse(LogonCrypto.verify(storedKey, challenge, SessionRole.TERMINAL, 12, proof), "other id");
        assertFalse(LogonCrypto.verify(storedKey, challenge, SessionRole.ADMIN, 11, proof), "other role");
        final byte[] otherChallenge = challenge.clone();
        otherChallenge[0] ^= 1;
        assertFalse(LogonCrypto.verify(storedKey, otherChallenge, SessionRole.TERMINAL, 11, proof), "replayed");
        final Random flip = new Random(7);
        for (int i = 0; i < 100; i++)
        {
            final byte[] tampered = proof.clone();
            tampered[flip.nextInt(32)] ^= (byte)(1 + flip.nextInt(255));
            assertFalse(LogonCrypto.verify(storedKey, challenge, SessionRole.TERMINAL, 11, tampered));
        }
        // Knowing only the stored key (a stolen credential file) is not enough to answer a challenge.
        assertFalse(LogonCrypto.verify(storedKey, challenge, SessionRole.TERMINAL, 11,
            LogonCrypto.proof(storedKey, challenge, SessionRole.TERMINAL, 11)));
    }

    @Test
    void rotationAcceptsThePreviousKeyUntilTheGraceEnds(@TempDir final Path dir) throws Exception
    {
        final CredentialStore store = new CredentialStore();
        final Credentials old = store.provision(SessionRole.TERMINAL, 11, 1, random);
        final Credentials rotated = store.rotate(SessionRole.TERMINAL, 11, 1_000, 10_000, random);
        final Path file = dir.resolve("credentials");
        store.save(file);
        final CredentialStore loaded = CredentialStore.load(file);

        final byte[] challenge = new byte[32];
        random.nextBytes(challenge);
        assertTrue(loaded.verify(SessionRole.TERMINAL, 11, challenge, rotated.proof(challenge), 10_500));
        assertTrue(loaded.verify(SessionRole.TERMINAL, 11, challenge, old.proof(challenge), 10_999), "in grace");
        assertFalse(loaded.verify(SessionRole.TERMINAL, 11, challenge, old.proof(challenge), 11_000), "after");
        assertTrue(loaded.verify(SessionRole.TERMINAL, 11, challenge, rotated.proof(challenge), 99_000));
        assertEquals(1, loaded.find(SessionRole.TERMINAL, 11).merchantId());

        assertTrue(loaded.revoke(SessionRole.TERMINAL, 11));
        assertFalse(loaded.verify(SessionRole.TERMINAL, 11, challenge, rotated.proof(challenge), 10_500));
    }

    @Test
    void filesAreOwnerOnlyAndTheServerFileHoldsNoSecret(@TempDir final Path dir) throws Exception
    {
        final CredentialStore store = new CredentialStore();
        final Credentials admin = store.provision(SessionRole.ADMIN, 1, 0, random);
        final Path serverFile = dir.resolve("credentials");
        final Path clientFile = dir.resolve("client-secrets");
        store.save(serverFile);
        Credentials.save(clientFile, java.util.List.of(admin));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(serverFile)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(clientFile)));
        final String secretHex = HexFormat.of().formatHex(admin.secret());
        assertFalse(Files.readString(serverFile).contains(secretHex));
        assertTrue(Files.readString(clientFile).contains(secretHex));
        final Credentials loaded = Credentials.loadFirst(clientFile, SessionRole.ADMIN);
        final byte[] challenge = new byte[32];
        assertTrue(CredentialStore.load(serverFile).verify(SessionRole.ADMIN, 1, challenge, loaded.proof(challenge),
            0));
    }

    /**
     * Review R27: a credential file naming one identity twice is refused with the second line's number, whatever the
     * words: a hand edit that appends {@code admin 1} below {@code operator 1} no longer turns the read-only id into a
     * full admin (the last line used to win silently).
     */
    @Test
    void aFileNamingAnIdentityTwiceIsRefused(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("credentials");
        final String key = " key " + "00".repeat(32) + "\n";
        Files.writeString(file, "operator 1" + key + "terminal 11 merchant 1" + key + "admin 1" + key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        final java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
            () -> CredentialStore.load(file));
        assertEquals(file + ":3: admin 1 is listed twice (an earlier line names it too): keep one line per identity",
            refused.getMessage());
        Files.writeString(file, "operator 1" + key + "terminal 11 merchant 1" + key + "terminal 1 merchant 1" + key);
        assertEquals(3, CredentialStore.load(file).size(), "the same id in another role is another identity");
    }

    /**
     * Security review item 9: an unknown identity's proof is checked (against a key nobody holds) like a known
     * identity's wrong proof, so the answer does not come sooner for ids that do not exist.
     */
    @Test
    void anUnknownIdentityCostsTheSameCheckAsAWrongProof()
    {
        final CredentialStore store = new CredentialStore();
        store.provision(SessionRole.TERMINAL, 11, 1, new java.security.SecureRandom());
        final byte[] challenge = new byte[32];
        final byte[] wrongProof = new byte[LogonCrypto.KEY_LENGTH];
        final long before = LogonCrypto.verificationsOnThisThread();
        assertFalse(store.verify(SessionRole.TERMINAL, 11, challenge, wrongProof, 0));
        final long knownChecks = LogonCrypto.verificationsOnThisThread() - before;
        assertFalse(store.verify(SessionRole.TERMINAL, 12, challenge, wrongProof, 0));
        assertEquals(knownChecks, LogonCrypto.verificationsOnThisThread() - before - knownChecks,
            "unknown id: the same checks");
        assertEquals(1, knownChecks);
    }
}
