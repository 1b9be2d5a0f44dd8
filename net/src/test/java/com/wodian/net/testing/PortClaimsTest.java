package com.wodian.net.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port claimed through a claims file is refused to every other claimant of that file while its holder lives; the
 * claimant in another JVM is {@link TestPortsTest#portsHandedOutInAnotherJvmAreRefusedHereUntilItExits}.
 */
final class PortClaimsTest
{
    @TempDir
    Path dir;

    @Test
    void aPortIsRefusedToASecondClaimantOfTheSameFile()
    {
        final Path file = dir.resolve("claims.lock");
        final PortClaims first = new PortClaims(file);
        final PortClaims second = new PortClaims(file);

        assertTrue(first.claim(20_001));
        assertFalse(second.claim(20_001), "the second claimant got a port the first holds");
        assertFalse(first.claim(20_001), "the holder got its own port a second time");
        assertTrue(second.claim(20_002), "a claim holds one port, not its neighbours");
        assertFalse(first.claim(20_002));
    }

    @Test
    void claimsThroughAnotherFileDoNotInterfere()
    {
        assertTrue(new PortClaims(dir.resolve("a.lock")).claim(20_003));
        assertTrue(new PortClaims(dir.resolve("b.lock")).claim(20_003));
    }
}
