package com.wodian.engine;

import com.wodian.engine.table.ConsumerBook;
import com.wodian.engine.table.RowBook;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The state hash covers every long of every party's row, the last party's last long included, and no padding: a change
 * anywhere in a row changes the hash, a change in the padding does not.
 */
class StateHashCoverageTest
{
    /** A book whose rows start after a padding, hashed by {@link RowBook#hash(long)} itself. */
    private static final class PaddedBook extends RowBook
    {
        PaddedBook(final int capacity, final boolean reserve)
        {
            super(capacity, 4, 6, reserve);
        }

        // The book's protected row writers, open to this test: it writes rows by hand, on purpose.
        void append(final long id)
        {
            addRow(id);
        }

        long[] rows(final int index)
        {
            return rowsOf(index);
        }

        void addTo(final int index, final int field, final long delta)
        {
            add(index, field, delta);
        }
    }

    @Test
    void aPaddedBookHashesEveryLongOfItsLastRowAndNotItsPadding()
    {
        for (final boolean reserve : new boolean[]{false, true})
        {
            final PaddedBook book = new PaddedBook(3_000, reserve);
            for (int i = 0; i < 2_500; i++)   // past the first growth: some rows may still be moving
            {
                book.append(10_000 + i);
            }
            assertChangesHash(book, book.count() - 1, "last row, reserve " + reserve);
            assertChangesHash(book, 0, "first row, reserve " + reserve);
            book.finishMoving();
            assertChangesHash(book, book.count() - 1, "last row after moving, reserve " + reserve);
            final long[] rows = book.rows(0);
            final long before = book.hash(1);
            rows[0] ^= 1;
            assertEquals(before, book.hash(1), "the padding is layout, not state");
            rows[0] ^= 1;
        }
    }

    private static void assertChangesHash(final PaddedBook book, final int row, final String what)
    {
        for (int field = 0; field < 4; field++)
        {
            final long before = book.hash(1);
            book.addTo(row, field, 1L << 40);
            assertNotEquals(before, book.hash(1), what + ", field " + field);
            book.addTo(row, field, -(1L << 40));
            assertEquals(before, book.hash(1), what + ", field " + field + " restored");
        }
    }

    @Test
    void theEngineStateHashCoversEveryLongOfTheLastConsumerMerchantAndTerminal() throws Exception
    {
        final EngineDriver driver = new EngineDriver(new EngineConfig());
        for (long m = 1; m <= 3; m++)
        {
            driver.merchant(m, 1, 0, 0, 0, false);
            driver.terminal(100 + m, m);
        }
        for (long c = 1; c <= 3; c++)
        {
            driver.consumer(c, 1);
            driver.topUp(c, c, 10_000);
            driver.pay(1, 101, c, c, 100);
        }
        final Field field = Engine.class.getDeclaredField("books");
        field.setAccessible(true);
        final EngineBooks books = (EngineBooks)field.get(driver.engine);
        final int consumer = books.consumers.count() - 1;
        assertFlipsChangeHash(driver.engine, TestLedgerKey.rowsOf(books.consumers, consumer),
            ConsumerBook.PAD + consumer * ConsumerBook.STRIDE, ConsumerBook.STATE_LONGS, "last consumer's record");
        final int merchant = books.merchants.count() - 1;
        assertFlipsChangeHash(driver.engine, TestLedgerKey.rowsOf(books.merchants, merchant),
            merchant * MerchantBook.STRIDE, MerchantBook.STRIDE, "last merchant's row");
        final int terminal = books.terminals.count() - 1;
        assertFlipsChangeHash(driver.engine, TestLedgerKey.rowsOf(books.terminals, terminal),
            terminal * TerminalBook.STRIDE, TerminalBook.STRIDE, "last terminal's row");
    }

    private static void assertFlipsChangeHash(final Engine engine, final long[] rows, final int base, final int stride,
        final String what)
    {
        final StringBuilder missed = new StringBuilder();
        for (int i = 0; i < stride; i++)
        {
            final long before = engine.stateHash();
            rows[base + i] ^= 1L << 40;
            if (engine.stateHash() == before)
            {
                missed.append(' ').append(i);
            }
            rows[base + i] ^= 1L << 40;
            assertEquals(before, engine.stateHash());
        }
        assertEquals("", missed.toString(), "longs of the " + what + " left out of the state hash");
    }
}
