package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.Membership;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.TickDecoder;
import com.wodian.protocol.sbe.TickEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A group configuration as a journal entry: a Tick command whose {@code reserved} field carries
 * {@link Membership#entryPayload} (the configuration with its tag). The engine applies it as any Tick (time only),
 * so replay, snapshots and state hashes are unchanged; the replication stage and the AppendEntries decoder recognise
 * it by the tag. A client's Tick cannot pose as one: the primary clears the field of every Tick it takes
 * ({@link #clearTag}).
 */
public final class ConfigurationEntry
{
    private static final int RESERVED_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TickEncoder.reservedEncodingOffset();
    private static final int LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + TickEncoder.BLOCK_LENGTH;

    private final TickEncoder tick = new TickEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    /** @return the length of the Tick written at {@code offset} that carries {@code payload}. */
    public int encode(final MutableDirectBuffer buffer, final int offset, final long payload)
    {
        tick.wrapAndApplyHeader(buffer, offset, header).reserved(payload);
        return LENGTH;
    }

    /**
     * @return the configuration the command at {@code offset} carries, {@link Membership#NONE} when it is not a
     * configuration entry.
     */
    public static long configurationOf(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!isTick(buffer, offset, length))
        {
            return Membership.NONE;
        }
        return Membership.configurationOfPayload(buffer.getLong(offset + RESERVED_OFFSET, TickEncoder.BYTE_ORDER));
    }

    /** A Tick taken from a client must not carry a configuration: its field is set to 0. */
    public static void clearTag(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (configurationOf(buffer, offset, length) != Membership.NONE)
        {
            buffer.putLong(offset + RESERVED_OFFSET, 0, TickEncoder.BYTE_ORDER);
        }
    }

    private static boolean isTick(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= LENGTH &&
            buffer.getShort(offset + MessageHeaderDecoder.templateIdEncodingOffset(), TickDecoder.BYTE_ORDER) ==
                TickDecoder.TEMPLATE_ID &&
            buffer.getShort(offset + MessageHeaderDecoder.schemaIdEncodingOffset(), TickDecoder.BYTE_ORDER) ==
                TickDecoder.SCHEMA_ID;
    }
}
