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
        return ((long)record << 32) | (code.value() & CODE_MASK);
    }

    /** A decision with no record to report from. */
    static long of(final ResultCode code)
    {
        return of(code, -1);
    }

    static ResultCode code(final long decision)
    {
        return ResultCode.get((int)(decision & CODE_MASK));
    }

    /**
     * The result code's value, for a reply that writes it as a number: {@link #code} maps it back to the enum through
     * the generated {@code ResultCode.get}, a switch over every code that the JIT does not inline, once per command.
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
