package com.wodian.engine;

import com.wodian.engine.table.ConsumerBook;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot's payload is loaded while its checksum is verified beside the load (SnapshotStore), so the spend pairs'
 * reader must end on a damaged link: before, one flipped bit that linked an entry to itself looped for ever, the
 * damaged snapshot was never passed over and the server never started (fuzz review 1).
 */
class ConsumptionBookSnapshotLinksTest
{
    private static final int CAPACITY = 64;
    private static final int MERCHANTS = 4;
    private static final int CONSUMERS = 3;
    /** The stream: count, merchants, then the rows as a counted array (its count first). */
    private static final int FIRST_ROW_POSITION = 3;

    @Test
    void anEntryLinkedToItselfIsRefusedInsteadOfLoopingForEver()
    {
        final MemorySnapshot snapshot = threePairsOfOneMerchant();
        // Entries are prepended: the list is 2 -> 1 -> 0, so entry 1 links to 0; one flipped bit links it to itself.
        snapshot.corrupt(FIRST_ROW_POSITION + ConsumptionBook.STRIDE + ConsumptionBook.NEXT_ENTRY);

        final ConsumptionBook restored = newBook();
        final IllegalStateException refused = assertTimeoutPreemptively(Duration.ofSeconds(30),
            () -> assertThrows(IllegalStateException.class, () -> restored.readFrom(snapshot)));

        assertTrue(refused.getMessage().contains("not a list"), refused.getMessage());
    }

    @Test
    void aListShorterThanItsCountIsRefused()
    {
        final MemorySnapshot snapshot = threePairsOfOneMerchant();
        // Entry 2 links to 1; one flipped bit links it to 0, skipping entry 1: a list of two for a count of three.
        snapshot.corrupt(FIRST_ROW_POSITION + 2 * ConsumptionBook.STRIDE + ConsumptionBook.NEXT_ENTRY);

        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> newBook().readFrom(snapshot));

        assertTrue(refused.getMessage().contains("3 counted, 2 linked"), refused.getMessage());
    }

    @Test
    void anUndamagedSnapshotLoadsWithTheSameHash()
    {
        final ConsumptionBook book = newBook();
        addThreePairs(book);
        final MemorySnapshot snapshot = new MemorySnapshot();
        book.writeTo(snapshot);

        final ConsumptionBook restored = newBook();
        restored.readFrom(snapshot);

        assertEquals(book.hash(7), restored.hash(7));
        assertEquals(3, restored.count());
    }

    private static MemorySnapshot threePairsOfOneMerchant()
    {
        final ConsumptionBook book = newBook();
        addThreePairs(book);
        final MemorySnapshot snapshot = new MemorySnapshot();
        book.writeTo(snapshot);
        return snapshot;
    }

    private static void addThreePairs(final ConsumptionBook book)
    {
        for (int consumer = 0; consumer < CONSUMERS; consumer++)
        {
            book.add(TestLedgerKey.KEY, consumer, 0, 100 + consumer, 0);
        }
    }

    private static ConsumptionBook newBook()
    {
        final ConsumerBook consumers = new ConsumerBook(CONSUMERS, true);
        for (int i = 0; i < CONSUMERS; i++)
        {
            consumers.add(i + 1, -1);
        }
        return new ConsumptionBook(CAPACITY, MERCHANTS, consumers, true);
    }
}
