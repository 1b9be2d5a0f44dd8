package com.wodian.net.client;

import com.wodian.protocol.sbe.ResultCode;

import java.io.IOException;

/** The server refused a logon (wrong credentials, rate limited, ...): {@link #code()} says why. */
public final class LogonRefusedException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient ResultCode code;

    public LogonRefusedException(final ResultCode code, final String who)
    {
        super("logon refused for " + who + ": " + code);
        this.code = code;
    }

    public ResultCode code()
    {
        return code;
    }
}
