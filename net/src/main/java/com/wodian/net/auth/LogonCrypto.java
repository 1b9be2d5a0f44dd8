package com.wodian.net.auth;

import com.wodian.protocol.sbe.SessionRole;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The logon proof, after SCRAM (RFC 5802) without the password stretching, since terminal secrets are 32 random
 * bytes rather than passwords:
 * <pre>
 *   clientKey   = HMAC-SHA256(secret, "Wodian Client Key")
 *   storedKey   = SHA-256(clientKey)                        (what the server keeps)
 *   authMessage = "wodian-logon-v1" || challenge(32) || role(1) || principalId(int64 LE)
 *   proof       = clientKey XOR HMAC-SHA256(storedKey, authMessage)
 * </pre>
 * The server recomputes the HMAC from its stored key, recovers {@code clientKey} from the proof and checks that its
 * SHA-256 equals {@code storedKey}. The secret never crosses the wire, a proof is good for one challenge only, and a
 * copy of the server's credential file does not let anyone log on (it holds {@code storedKey}, not
 * {@code clientKey}). Runs on the gateway's network thread at logon only; it allocates, which is fine there.
 */
public final class LogonCrypto
{
    /** Length of secrets, keys, challenges and proofs. */
    public static final int KEY_LENGTH = 32;

    private static final byte[] CLIENT_KEY_LABEL = "Wodian Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AUTH_LABEL = "wodian-logon-v1".getBytes(StandardCharsets.US_ASCII);

    private LogonCrypto()
    {
    }

    /** The key the server stores for a secret. */
    public static byte[] storedKey(final byte[] secret)
    {
        return sha256(hmac(secret, CLIENT_KEY_LABEL));
    }

    /** The client's answer to a challenge. */
    public static byte[] proof(
        final byte[] secret, final byte[] challenge, final SessionRole role, final long principalId)
    {
        final byte[] clientKey = hmac(secret, CLIENT_KEY_LABEL);
        final byte[] signature = hmac(sha256(clientKey), authMessage(challenge, role, principalId));
        return xor(clientKey, signature);
    }

    /**
     * Proofs checked (HMAC + hash done) so far, per thread: a statistic that tests read to see that an unknown
     * identity costs the same work as a known one. Per thread because every server's logon thread in the same JVM
     * checks proofs too: a count shared by all of them moved under a test that a leaked or parallel server served
     * (flake review item 5). One array per thread that checks logons, made on its first check.
     */
    private static final ThreadLocal<long[]> VERIFICATIONS = ThreadLocal.withInitial(() -> new long[1]);

    /** Proofs checked so far on the calling thread. */
    static long verificationsOnThisThread()
    {
        return VERIFICATIONS.get()[0];
    }

    /** True when {@code proof} answers {@code challenge} for the holder of the secret behind {@code storedKey}. */
    public static boolean verify(
        final byte[] storedKey, final byte[] challenge, final SessionRole role, final long principalId,
        final byte[] proof)
    {
        if (null == storedKey || proof.length != KEY_LENGTH)
        {
            return false;
        }
        VERIFICATIONS.get()[0]++;
        final byte[] signature = hmac(storedKey, authMessage(challenge, role, principalId));
        return MessageDigest.isEqual(sha256(xor(proof, signature)), storedKey);
    }

    private static byte[] authMessage(final byte[] challenge, final SessionRole role, final long principalId)
    {
        final ByteBuffer message = ByteBuffer.allocate(AUTH_LABEL.length + challenge.length + 1 + Long.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
        message.put(AUTH_LABEL).put(challenge).put((byte)role.value()).putLong(principalId);
        return message.array();
    }

    private static byte[] xor(final byte[] left, final byte[] right)
    {
        final byte[] result = new byte[left.length];
        for (int i = 0; i < result.length; i++)
        {
            result[i] = (byte)(left[i] ^ right[i]);
        }
        return result;
    }

    static byte[] hmac(final byte[] key, final byte[] message)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
    }

    static byte[] sha256(final byte[] message)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(message);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }
}
