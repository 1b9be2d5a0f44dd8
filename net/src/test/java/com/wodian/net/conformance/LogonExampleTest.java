package com.wodian.net.conformance;

import com.wodian.net.auth.Credentials;
import com.wodian.net.auth.LogonCrypto;
import com.wodian.protocol.sbe.SessionRole;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worked logon example of docs/security.md, recomputed from the page's own secret and challenge. */
class LogonExampleTest
{
    @Test
    void theDocumentedProofIsWhatTheServerAccepts() throws Exception
    {
        final Map<String, String> example = DocPages.namedValues(
            DocPages.codeBlockAfter(DocPages.read("security.md"), "Worked example (admin 1"));
        final HexFormat hex = HexFormat.of();
        final byte[] secret = hex.parseHex(example.get("secret"));
        final byte[] challenge = hex.parseHex(example.get("challenge"));
        assertEquals(32, secret.length, "the key is the hex-decoded 32 bytes");
        assertEquals("02", example.get("role"));
        assertEquals("0100000000000000", example.get("principalId"));

        final byte[] storedKey = LogonCrypto.storedKey(secret);
        assertEquals(example.get("storedKey"), hex.formatHex(storedKey));
        final byte[] proof = new Credentials(SessionRole.ADMIN, 1, secret).proof(challenge);
        assertEquals(example.get("proof"), hex.formatHex(proof));
        assertTrue(LogonCrypto.verify(storedKey, challenge, SessionRole.ADMIN, 1, proof));

        // The mistake the page warns about: the hex text as the key gives a proof the server refuses.
        final byte[] textAsKey = example.get("secret").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] wrongProof = LogonCrypto.proof(textAsKey, challenge, SessionRole.ADMIN, 1);
        assertNotEquals(hex.formatHex(proof), hex.formatHex(wrongProof));
        assertTrue(!LogonCrypto.verify(storedKey, challenge, SessionRole.ADMIN, 1, wrongProof));
    }
}
