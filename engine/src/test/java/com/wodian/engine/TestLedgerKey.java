package com.wodian.engine;

import java.lang.reflect.Constructor;

/**
 * The ledger's key ({@link Ledger.Key}) for tests that build and write a book by hand (a merchant, voucher, points or
 * consumption book outside an engine). Only {@code Ledger} can make one, so this one is made through reflection: test
 * code may write tables directly, on purpose; main code cannot (docs/engine.md, "Architecture rules under test").
 */
final class TestLedgerKey
{
    static final Ledger.Key KEY = make();

    private TestLedgerKey()
    {
    }

    private static Ledger.Key make()
    {
        try
        {
            final Constructor<Ledger.Key> constructor = Ledger.Key.class.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        }
        catch (final ReflectiveOperationException e)
        {
            throw new IllegalStateException(e);
        }
    }

    /** A book's protected row array ({@code RowBook.rowsOf}), for a test that flips bits in a row. */
    static long[] rowsOf(final com.wodian.engine.table.RowBook book, final int index)
    {
        try
        {
            final java.lang.reflect.Method rowsOf =
                com.wodian.engine.table.RowBook.class.getDeclaredMethod("rowsOf", int.class);
            rowsOf.setAccessible(true);
            return (long[])rowsOf.invoke(book, index);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new IllegalStateException(e);
        }
    }
}
