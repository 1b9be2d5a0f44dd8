package com.wodian.perf;

import com.wodian.engine.ReplySink;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Consumes every reply of a benchmark: counts it by result code (so that a run can prove it measured successful
 * payments) and hands the code to the {@link Blackhole} so that the reply cannot be optimised away. Allocation-free.
 */
public final class ReplyCounter implements ReplySink
{
    private static final int CODE_LIMIT = 1024;

    private final long[] countByCode = new long[CODE_LIMIT];
    private Blackhole blackhole;

    public ReplyCounter(final Blackhole blackhole)
    {
        this.blackhole = blackhole;
    }

    public void blackhole(final Blackhole blackhole)
    {
        this.blackhole = blackhole;
    }

    @Override
    public void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        final int code = ReplyCodes.codeAt(buffer, offset);
        countByCode[code & (CODE_LIMIT - 1)]++;
        blackhole.consume(code);
    }

    public long total()
    {
        long total = 0;
        for (final long count : countByCode)
        {
            total += count;
        }
        return total;
    }

    public long ok()
    {
        return countByCode[ResultCode.OK.value()];
    }

    public void reset()
    {
        java.util.Arrays.fill(countByCode, 0);
    }

    /** "OK=1000 INSUFFICIENT_FUNDS=3" for every code seen. */
    public String summary()
    {
        final StringBuilder text = new StringBuilder();
        for (int code = 0; code < CODE_LIMIT; code++)
        {
            if (countByCode[code] != 0)
            {
                text.append(text.length() == 0 ? "" : " ").append(codeName(code)).append('=')
                    .append(countByCode[code]);
            }
        }
        return text.toString();
    }

    /** The name of a result code, or "code123" for a number the schema does not define. */
    public static String codeName(final int code)
    {
        try
        {
            return ResultCode.get(code).name();
        }
        catch (final IllegalArgumentException ex)
        {
            return "code" + code;
        }
    }

    /** Fails when any reply since the last reset was not OK: the benchmark would be measuring refusals. */
    public void requireAllOk(final String what)
    {
        if (ok() != total())
        {
            throw new IllegalStateException(what + ": not every reply was OK: " + summary());
        }
    }
}
