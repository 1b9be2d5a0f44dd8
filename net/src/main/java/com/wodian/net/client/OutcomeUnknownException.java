package com.wodian.net.client;

import java.io.IOException;

/**
 * {@link WodianClient#call} after its request was handed to the connection: the client failed or was closed before
 * the reply came, so the server may or may not have applied the command. Not a refusal: resend the same command
 * with the same idempotency key on a new client (the server answers an applied command with its first result), or
 * void it (docs/protocol.md, "Lost replies"). A failure before the request was sent is a plain {@link IOException}.
 */
public final class OutcomeUnknownException extends IOException
{
    private static final long serialVersionUID = 1L;

    OutcomeUnknownException(final IOException cause)
    {
        super("outcome unknown (the request may or may not have been applied; resend it with the same idempotency " +
            "key on a new client): " + cause.getMessage(), cause);
    }
}
