package com.wodian.net.client;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The node is not (or no longer) the primary of its replica group: try the next node of the list and re-send
 * the unanswered requests there.
 */
final class NotPrimaryException extends IOException
{
    private static final long serialVersionUID = 1L;

    /** The primary the refusing node named (its leader hint), or null. */
    final transient InetSocketAddress leader;

    NotPrimaryException(final String message, final InetSocketAddress leader)
    {
        super(message);
        this.leader = leader;
    }
}
