package com.wodian.engine;

import org.junit.jupiter.api.Test;

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
    void countsAtTheLimitPassTheCountCheck()
    {
        final VoucherBook book = new VoucherBook(CAPACITY, false);

        // The counts fit; what fails now is the ring's first entry, slot 0 of no used slot (the reader's zeros).
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> book.readFrom(new ScriptedSnapshotReader(0, CAPACITY, 0, 1)));

        assertTrue(refused.getMessage().contains("ended-voucher ring: slot 0 at 0 of 0"), refused.getMessage());
    }

    @Test
    void anEndedSlotOutsideTheUsedSlotsIsRefused()
    {
        final VoucherBook book = new VoucherBook(CAPACITY, false);

        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> book.readFrom(new ScriptedSnapshotReader(0, 1, 0, 1)));

        assertTrue(refused.getMessage().contains("ended-voucher ring"), refused.getMessage());
    }
}
