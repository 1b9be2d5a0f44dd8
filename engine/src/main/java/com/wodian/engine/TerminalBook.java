package com.wodian.engine;

import com.wodian.engine.table.RowBook;

/**
 * POS terminals, each bound to exactly one merchant for life.
 */
public final class TerminalBook extends RowBook
{
    static final int STRIDE = 4;
    static final int MERCHANT_INDEX = 1;
    static final int FLAGS = 2;

    static final long FLAG_BLOCKED = 1;

    TerminalBook(final int capacity, final boolean reserve)
    {
        super(capacity, STRIDE, reserve);
    }

    int add(final long terminalId, final int merchantIndex)
    {
        final int index = addRow(terminalId);
        set(index, MERCHANT_INDEX, merchantIndex);
        return index;
    }

    int merchantIndex(final int index)
    {
        return (int)get(index, MERCHANT_INDEX);
    }

    boolean isBlocked(final int index)
    {
        return hasFlag(index, FLAGS, FLAG_BLOCKED);
    }

    void setBlocked(final int index, final boolean blocked)
    {
        setFlag(index, FLAGS, FLAG_BLOCKED, blocked);
    }
}
