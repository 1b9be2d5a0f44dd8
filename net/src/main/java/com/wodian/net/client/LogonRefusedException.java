package com.wodian.net.client;

import com.wodian.protocol.sbe.ResultCode;

import java.io.IOException;

/** The server refused a logon (wrong credentials, rate limited, ...): {@link #code()} says why. */
public final class LogonRefusedException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int codeRaw;

    public LogonRefusedException(final ResultCode code, final String who)
    {
        this(code.value(), who);
    }

    /** A refusal with the code as it came: a newer server may send a code this client does not know. */
    public LogonRefusedException(final int codeRaw, final String who)
    {
        super("logon refused for " + who + ": " + describe(codeRaw));
        this.codeRaw = codeRaw;
    }

    /** The reason; {@link ResultCode#NULL_VAL} for a code this client does not know (see {@link #codeRaw()}). */
    public ResultCode code()
    {
        return known(codeRaw);
    }

    /** The result code as the server sent it. */
    public int codeRaw()
    {
        return codeRaw;
    }

    private static ResultCode known(final int codeRaw)
    {
        for (final ResultCode code : ResultCode.values())
        {
            if (code.value() == codeRaw && ResultCode.NULL_VAL != code)
            {
                return code;
            }
        }
        return ResultCode.NULL_VAL;
    }

    private static String describe(final int codeRaw)
    {
        final ResultCode code = known(codeRaw);
        return ResultCode.NULL_VAL == code ? "result code " + codeRaw + " (unknown to this client)" : code.toString();
    }
}
