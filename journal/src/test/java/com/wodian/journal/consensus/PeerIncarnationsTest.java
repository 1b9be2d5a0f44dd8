package com.wodian.journal.consensus;

import java.nio.file.Files;
import java.nio.file.Path;

import com.wodian.journal.consensus.storage.PeerIncarnationsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static com.wodian.journal.consensus.PeerIncarnations.ADMITTED;
import static com.wodian.journal.consensus.PeerIncarnations.LEARNED;
import static com.wodian.journal.consensus.PeerIncarnations.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer's incarnation is learned at its first hello, admitted while it stays the same, refused while the id is a
 * voter under another one, and learned again once the id has left the configuration or is a learner (remove /
 * --join / add).
 */
class PeerIncarnationsTest
{
    private static final long ALL_THREE = Membership.allVoters(3);
    private static final long WITHOUT_TWO = Membership.of(0b011, 0);

    @Test
    void aMemberUnderAnotherIncarnationIsRefusedUntilItHasLeft()
    {
        final PeerIncarnations known = PeerIncarnations.inMemory(3);
        assertEquals(LEARNED, known.admit(2, 5, 6, false, ALL_THREE), "first hello: trust on first use");
        assertEquals(ADMITTED, known.admit(2, 5, 6, false, ALL_THREE));
        assertEquals(REFUSED, known.admit(2, 5, 7, false, ALL_THREE), "restored or copied while a voter");
        assertEquals(ADMITTED, known.admit(2, 0, 0, false, ALL_THREE), "an older node names none");
        assertEquals(ADMITTED, known.admit(2, 5, 6, false, ALL_THREE), "the known one still is");

        assertEquals(LEARNED, known.admit(2, 5, 7, false, WITHOUT_TWO), "removed, wiped, --join: learned again");
        assertEquals(REFUSED, known.admit(2, 5, 6, false, ALL_THREE), "now the old one is the stranger");
        assertEquals(LEARNED, known.admit(2, 5, 8, false, Membership.withLearner(WITHOUT_TWO, 2)),
            "added back as a learner (only after it left): learned too");
        assertEquals(ADMITTED, known.admit(2, 5, 8, false, ALL_THREE));
        assertEquals(LEARNED, known.admit(2, 5, 9, true, ALL_THREE),
            "a --join start on an empty directory, seen while still a voter here: it cannot vote before it is added");
        assertEquals(REFUSED, known.admit(2, 5, 8, false, ALL_THREE));
        assertEquals(REFUSED, known.admit(3, 1, 1, false, ALL_THREE), "not in the address book");
    }

    @Test
    void theKnownIncarnationsSurviveARestartAndADamagedFileIsRefused(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve(PeerIncarnationsFile.FILE_NAME);
        assertEquals(LEARNED, PeerIncarnationsFile.open(file, 3).admit(1, -1, 42, false, ALL_THREE));
        final PeerIncarnations reopened = PeerIncarnationsFile.open(file, 3);
        assertEquals(ADMITTED, reopened.admit(1, -1, 42, false, ALL_THREE));
        assertEquals(REFUSED, reopened.admit(1, -1, 43, false, ALL_THREE));
        assertEquals(REFUSED, PeerIncarnationsFile.open(file, 5).admit(1, -1, 43, false, Membership.allVoters(5)),
            "a longer --peers list keeps what is known");

        final byte[] bytes = Files.readAllBytes(file);
        bytes[20] ^= 1;
        Files.write(file, bytes);
        final IllegalStateException damaged =
            assertThrows(IllegalStateException.class, () -> PeerIncarnationsFile.open(file, 3));
        assertTrue(damaged.getMessage().contains(file.toString()), damaged.getMessage());
    }
}
