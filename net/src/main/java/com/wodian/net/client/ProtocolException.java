package com.wodian.net.client;

import java.io.IOException;

/** A broken server reply: reconnecting would not help. */
final class ProtocolException extends IOException
{
    private static final long serialVersionUID = 1L;

    ProtocolException(final String message)
    {
        super(message);
    }
}
