package com.wodian.engine;

import com.wodian.protocol.sbe.ResultCode;

/**
 * A rule's decision on one command: its result code and the record that holds what the reply reports (-1: none, the
 * reply reports nothing but the code and the command's own fields), packed in one long so that a rule returns it
 * without an object per command. {@link CommandAdapter} unpacks it and has {@link ReplyPublisher} encode the reply.
 */
final class Decision
{
    private static final long CODE_MASK = 0xFFFF_FFFFL;

    private Decision()
    {
    }

    static long of(final ResultCode code, final int record)
    {
        return ofValue(code.value(), record);
    }

    /**
     * A decision from a result code's number as a record keeps it (a repeated command's first code): the number goes
     * into the decision as it is, without the generated {@code ResultCode.get}, a switch over every code that the JIT
     * does not inline, mapping it to the enum only for {@link #of} to map it back.
     */
    static long ofValue(final int codeValue, final int record)
    {
        return ((long)record << 32) | (codeValue & CODE_MASK);
    }

    /** A decision with no record to report from. */
    static long of(final ResultCode code)
    {
        return of(code, -1);
    }

    /**
     * The result code's value: every reply writes it as a number (ReplyPublisher), so no decision is mapped back to
     * the enum, which the generated {@code ResultCode.get} does through a switch over every code that the JIT does not
     * inline, once per reply.
     */
    static int codeValue(final long decision)
    {
        return (int)(decision & CODE_MASK);
    }

    static boolean isOk(final long decision)
    {
        return (decision & CODE_MASK) == ResultCode.OK.value();
    }

    static int record(final long decision)
    {
        return (int)(decision >> 32);
    }
}
