package com.wodian.engine.risk;

import com.wodian.engine.MemorySnapshot;
import com.wodian.engine.table.StateHash;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The terminal's risk and profile rows share one 64-byte line ({@link TerminalRiskBook}); each book must still hash and
 * write exactly what it did from an array of its own (3 and 5 longs per terminal), so that the state hash, the
 * golden checkpoints and snapshots written before the change stay valid.
 */
class TerminalLineTest
{
    @Test
    void foldRowFieldsFoldsTheFieldsAsOneTable()
    {
        final SplittableRandom random = new SplittableRandom(31);
        for (int round = 0; round < 200; round++)
        {
            final int rowLongs = 1 + random.nextInt(12);
            final int stride = 1 + random.nextInt(rowLongs);
            final int offset = random.nextInt(rowLongs - stride + 1);
            final int from = random.nextInt(8);
            final int count = random.nextInt(40);
            final long[] rows = new long[from + count * rowLongs + 5];
            for (int i = 0; i < rows.length; i++)
            {
                rows[i] = random.nextLong();
            }
            final long[] table = fields(rows, from, count, rowLongs, offset, stride);
            assertEquals(StateHash.foldRows(round, table, count, stride),
                StateHash.foldRowFields(round, rows, from, count, rowLongs, offset, stride),
                "rowLongs " + rowLongs + " offset " + offset + " stride " + stride + " count " + count);
        }
    }

    @Test
    void eachBookHashesAndWritesItsOwnLongsAsATable()
    {
        final TerminalRiskBook risk = new TerminalRiskBook(5_000);
        final TerminalProfileBook profiles = new TerminalProfileBook(risk);
        final int count = 3_000;
        risk.ensure(count);
        final SplittableRandom random = new SplittableRandom(32);
        for (int i = TerminalRiskBook.PAD; i < TerminalRiskBook.line(count); i++)
        {
            risk.rows[i] = random.nextLong();
        }
        final long[] riskTable = fields(risk.rows, TerminalRiskBook.PAD, count, TerminalRiskBook.LINE_LONGS, 0,
            TerminalRiskBook.STRIDE);
        final long[] profileTable = fields(risk.rows, TerminalRiskBook.PAD, count, TerminalRiskBook.LINE_LONGS,
            TerminalRiskBook.STRIDE, TerminalProfileBook.STRIDE);
        assertEquals(StateHash.foldRows(9, riskTable, count, TerminalRiskBook.STRIDE), risk.hash(9, count));
        assertEquals(StateHash.foldRows(9, profileTable, count, TerminalProfileBook.STRIDE), profiles.hash(9, count));

        final MemorySnapshot written = new MemorySnapshot();
        risk.writeTo(written, count);
        profiles.writeTo(written, count);
        final MemorySnapshot asBefore = new MemorySnapshot();
        asBefore.writeLongs(riskTable, riskTable.length);
        asBefore.writeLongs(profileTable, profileTable.length);
        final int streamLongs = 2 + riskTable.length + profileTable.length;
        for (int i = 0; i < streamLongs; i++)
        {
            assertEquals(asBefore.readLong(), written.readLong(), "snapshot long " + i);
        }

        final TerminalRiskBook restored = new TerminalRiskBook(5_000);
        final TerminalProfileBook restoredProfiles = new TerminalProfileBook(restored);
        final MemorySnapshot again = new MemorySnapshot();
        risk.writeTo(again, count);
        profiles.writeTo(again, count);
        restored.readFrom(again, count);
        restoredProfiles.readFrom(again, count);
        assertArrayEquals(java.util.Arrays.copyOf(risk.rows, TerminalRiskBook.line(count)),
            java.util.Arrays.copyOf(restored.rows, TerminalRiskBook.line(count)));
    }

    @Test
    void aSnapshotOfAnotherTerminalCountIsRefused()
    {
        final TerminalRiskBook risk = new TerminalRiskBook(100);
        risk.ensure(10);
        final MemorySnapshot written = new MemorySnapshot();
        risk.writeTo(written, 10);
        assertThrows(IllegalStateException.class, () -> new TerminalRiskBook(100).readFrom(written, 9));
    }

    /** The {@code stride} longs at {@code offset} of each of {@code count} rows of {@code rowLongs}, as one table. */
    private static long[] fields(final long[] rows, final int from, final int count, final int rowLongs,
        final int offset, final int stride)
    {
        final long[] table = new long[count * stride];
        for (int row = 0; row < count; row++)
        {
            System.arraycopy(rows, from + row * rowLongs + offset, table, row * stride, stride);
        }
        return table;
    }
}
