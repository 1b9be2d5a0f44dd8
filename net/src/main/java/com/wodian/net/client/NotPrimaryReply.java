package com.wodian.net.client;

import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Recognises a reply that says "not the primary" (NOT_PRIMARY or PRIMARY_LOST, docs/protocol.md) and reads its leader
 * hint. Receiver thread only: the decoders are reused.
 */
final class NotPrimaryReply
{
    private final List<InetSocketAddress> nodes;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ErrorReplyDecoder errorReply = new ErrorReplyDecoder();

    NotPrimaryReply(final List<InetSocketAddress> nodes)
    {
        this.nodes = nodes;
    }

    /** Whether the reply message at offset is an ErrorReply NOT_PRIMARY or PRIMARY_LOST. */
    boolean matches(final DirectBuffer buffer, final int offset, final int length)
    {
        // Only code and templateId are needed: a server of schema version 3 sends the 4-byte block without a hint.
        if (length < MessageHeaderDecoder.ENCODED_LENGTH + ErrorReplyDecoder.leaderIdEncodingOffset())
        {
            return false;
        }
        header.wrap(buffer, offset);
        if (header.templateId() != ErrorReplyDecoder.TEMPLATE_ID)
        {
            return false;
        }
        errorReply.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        // Raw: every reply of a reconnecting client passes here, and a newer server may send a code this build does
        // not know (the generated code() throws for it).
        final int code = errorReply.codeRaw();
        return ResultCode.NOT_PRIMARY.value() == code || ResultCode.PRIMARY_LOST.value() == code;
    }

    /**
     * After {@link #matches} said yes for a reply of this length: where the primary is (its leader hint), or null
     * when it named none. A hinted address that is one of the configured nodes is returned as that node.
     */
    InetSocketAddress leaderHint(final int length)
    {
        if (header.blockLength() < ErrorReplyDecoder.BLOCK_LENGTH ||
            length < MessageHeaderDecoder.ENCODED_LENGTH + ErrorReplyDecoder.BLOCK_LENGTH ||
            errorReply.leaderId() < 0 || errorReply.leaderPort() <= 0 || errorReply.leaderPort() > 0xFFFF)
        {
            return null;
        }
        final String host = errorReply.leaderHost();
        if (host.isEmpty())
        {
            return null;
        }
        final InetSocketAddress hinted = InetSocketAddress.createUnresolved(host, errorReply.leaderPort());
        for (final InetSocketAddress node : nodes)
        {
            if (node.getPort() == hinted.getPort() && node.getHostString().equals(host))
            {
                return node;
            }
        }
        return hinted;
    }
}
