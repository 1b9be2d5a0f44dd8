package com.wodian.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot's payload is loaded while its checksum is verified beside the load, so the voucher book's reader must
 * refuse a damaged count before it sizes an array by it.
 */
class VoucherBookSnapshotBoundsTest
{
    private static final int CAPACITY = 1_024;

    @Test
    void anEndedCountAboveTheLimitIsRefusedBeforeAnyArrayIsSized()
    {
        final VoucherBook book = new VoucherBook(CAPACITY, false);

        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> book.readFrom(new ScriptedSnapshotReader(0, CAPACITY + 1, 0, 1)));

        assertTrue(refused.getMessage().contains("do not fit the limit " + CAPACITY), refused.getMessage());
    }

    @Test
    void anEndedCountThatOverflowsAnIntIsRefused()
    {
        final VoucherBook book = new VoucherBook(CAPACITY, false);

        assertThrows(IllegalStateException.class, () -> book.readFrom(new ScriptedSnapshotReader(0, 1L << 32, 0, 1)));
    }

    @Test
    void countsAtTheLimitAreRead()
    {
        final VoucherBook book = new VoucherBook(CAPACITY, false);

        assertDoesNotThrow(() -> book.readFrom(new ScriptedSnapshotReader(0, CAPACITY, 0, 1)));
    }
}
