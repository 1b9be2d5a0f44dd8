package com.wodian.net.cluster.stage;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member whose journal ends with an entry of a later term than its term store's lost its term store (or has an
 * older copy of it): refused at start with the way back, before it can vote with forgotten votes.
 */
class TermStoreCheckTest
{
    private static final Path DATA = Path.of("/var/wodian/n2");

    @Test
    void aTermStoreBehindTheJournalIsRefused()
    {
        assertDoesNotThrow(() -> MemberStart.requireTermStoreNotBehindJournal(5, 5, 2, DATA));
        assertDoesNotThrow(() -> MemberStart.requireTermStoreNotBehindJournal(7, 5, 2, DATA));
        assertDoesNotThrow(() -> MemberStart.requireTermStoreNotBehindJournal(0, 0, 2, DATA),
            "a single server's journal (no terms) turned into a member's");
        final IllegalStateException lost = assertThrows(IllegalStateException.class,
            () -> MemberStart.requireTermStoreNotBehindJournal(0, 4, 2, DATA));
        assertTrue(lost.getMessage().contains("term 4 but the term store is at term 0") &&
            lost.getMessage().contains("wodian group remove --node 2") && lost.getMessage().contains(DATA.toString()),
            lost.getMessage());
    }
}
