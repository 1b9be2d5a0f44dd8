package com.wodian.perf.riskworld;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A world written to a file, so that it can be kept, copied to another machine and replayed without the generator.
 * Big-endian (java.io.DataOutput), in this order:
 *
 * <pre>
 * header:   magic "WODNRW01" (8 bytes) · int formatVersion (2) · long seed · byte range (0 TRAINING, 1 HELD_OUT)
 *           · int parameterCount · long value per WorldParameter in declaration order
 *           · int merchantCount · per merchant: long merchantId · byte trade (Trade ordinal) · int areaCode
 *             · byte allianceMember · long registeredAtMs · int terminalCount · long terminalId each
 * records:  int messageLength · long timestampMs · byte actor · byte variant · byte lookAlike · byte flags (bit 0:
 *           warm-up, {@link LabelledCommands#warmUp()}) · int groupId · int voucherSlot · messageLength bytes (SBE
 *           header and body, little-endian as on the wire)
 * end:      int -1
 * </pre>
 *
 * <p>Format 1 (before the warm-up, session 56) had no flags byte; it is still read, every command as the week's.
 */
public final class RiskWorldFile
{
    static final long MAGIC = 0x574F444E52573031L;
    static final int FORMAT_VERSION = 2;
    private static final int FLAG_WARM_UP = 1;

    private RiskWorldFile()
    {
    }

    /** Writes the whole world to a file; returns the number of commands written. */
    public static long write(final RiskWorld world, final Path path) throws IOException
    {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16))
        {
            return write(world, world.cursor(), out, Long.MAX_VALUE);
        }
    }

    /** Writes the header and at most maxCommands commands of the cursor; returns the number written. */
    public static long write(final RiskWorld world, final LabelledCommands commands, final OutputStream stream,
        final long maxCommands) throws IOException
    {
        final DataOutputStream out = new DataOutputStream(stream);
        writeHeader(world, out);
        final byte[] message = new byte[1_024];
        long count = 0;
        while (count < maxCommands && commands.next())
        {
            final int length = commands.length();
            commands.buffer().getBytes(commands.offset(), message, 0, length);
            out.writeInt(length);
            out.writeLong(commands.timestampMs());
            out.writeByte(commands.actor().ordinal());
            out.writeByte(commands.variant().ordinal());
            out.writeByte(commands.lookAlike().ordinal());
            out.writeByte(commands.warmUp() ? FLAG_WARM_UP : 0);
            out.writeInt(commands.groupId());
            out.writeInt(commands.voucherSlot());
            out.write(message, 0, length);
            count++;
        }
        out.writeInt(-1);
        out.flush();
        return count;
    }

    private static void writeHeader(final RiskWorld world, final DataOutputStream out) throws IOException
    {
        out.writeLong(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeLong(world.parameters().seed());
        out.writeByte(world.parameters().range().ordinal());
        out.writeInt(WorldParameter.values().length);
        for (final WorldParameter parameter : WorldParameter.values())
        {
            out.writeLong(world.parameters().get(parameter));
        }
        out.writeInt(world.merchants().size());
        for (final MerchantInfo merchant : world.merchants())
        {
            out.writeLong(merchant.merchantId());
            out.writeByte(merchant.trade().ordinal());
            out.writeInt(merchant.areaCode());
            out.writeByte(merchant.allianceMember() ? 1 : 0);
            out.writeLong(merchant.registeredAtMs());
            out.writeInt(merchant.terminalIds().length);
            for (final long terminalId : merchant.terminalIds())
            {
                out.writeLong(terminalId);
            }
        }
    }

    /** Opens a world file for reading; close the reader when done. */
    public static Reader open(final Path path) throws IOException
    {
        return new Reader(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
    }

    /** Reads a world file: its header up front, then its commands through the {@link LabelledCommands} cursor. */
    public static final class Reader implements LabelledCommands, AutoCloseable
    {
        private final DataInputStream in;
        private final long seed;
        private final ParameterRange range;
        private final long[] parameterValues;
        private final List<MerchantInfo> merchants = new ArrayList<>();
        private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(256);
        private final byte[] bytes = new byte[1_024];
        private int length;
        private long timestampMs;
        private Actor actor;
        private Variant variant;
        private LookAlike lookAlike;
        private int groupId;
        private int voucherSlot;
        private boolean warmUp;
        private final boolean flags;
        private boolean ended;

        public Reader(final InputStream stream) throws IOException
        {
            this.in = new DataInputStream(stream);
            final int format = in.readLong() == MAGIC ? in.readInt() : -1;
            if (format != 1 && format != FORMAT_VERSION)
            {
                throw new IOException("not a risk world file of format 1 or " + FORMAT_VERSION);
            }
            flags = format >= 2;
            seed = in.readLong();
            range = ParameterRange.values()[in.readByte()];
            parameterValues = new long[in.readInt()];
            for (int i = 0; i < parameterValues.length; i++)
            {
                parameterValues[i] = in.readLong();
            }
            final int merchantCount = in.readInt();
            for (int m = 0; m < merchantCount; m++)
            {
                merchants.add(readMerchant(in));
            }
        }

        private static MerchantInfo readMerchant(final DataInputStream in) throws IOException
        {
            final long merchantId = in.readLong();
            final Trade trade = Trade.values()[in.readByte()];
            final int areaCode = in.readInt();
            final boolean alliance = in.readByte() == 1;
            final long registeredAtMs = in.readLong();
            final long[] terminals = new long[in.readInt()];
            for (int t = 0; t < terminals.length; t++)
            {
                terminals[t] = in.readLong();
            }
            return new MerchantInfo(merchantId, trade, areaCode, alliance, terminals, registeredAtMs);
        }

        public long seed()
        {
            return seed;
        }

        public ParameterRange range()
        {
            return range;
        }

        /** The parameter values in WorldParameter declaration order. */
        public long[] parameterValues()
        {
            return parameterValues.clone();
        }

        public List<MerchantInfo> merchants()
        {
            return merchants;
        }

        @Override
        public boolean next()
        {
            if (ended)
            {
                return false;
            }
            try
            {
                length = in.readInt();
                if (length < 0)
                {
                    ended = true;
                    return false;
                }
                if (length > bytes.length)
                {
                    throw new IOException("record longer than any command: " + length);
                }
                timestampMs = in.readLong();
                actor = Actor.values()[in.readByte()];
                variant = Variant.values()[in.readByte()];
                lookAlike = LookAlike.values()[in.readByte()];
                warmUp = flags && (in.readByte() & FLAG_WARM_UP) != 0;
                groupId = in.readInt();
                voucherSlot = in.readInt();
                in.readFully(bytes, 0, length);
                message.putBytes(0, bytes, 0, length);
                return true;
            }
            catch (final EOFException ex)
            {
                throw new UncheckedIOException("world file ends without its end marker", ex);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public long timestampMs()
        {
            return timestampMs;
        }

        @Override
        public int templateId()
        {
            return message.getShort(2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        }

        @Override
        public DirectBuffer buffer()
        {
            return message;
        }

        @Override
        public int offset()
        {
            return 0;
        }

        @Override
        public int length()
        {
            return length;
        }

        @Override
        public Actor actor()
        {
            return actor;
        }

        @Override
        public Variant variant()
        {
            return variant;
        }

        @Override
        public LookAlike lookAlike()
        {
            return lookAlike;
        }

        @Override
        public int groupId()
        {
            return groupId;
        }

        @Override
        public int voucherSlot()
        {
            return voucherSlot;
        }

        @Override
        public boolean warmUp()
        {
            return warmUp;
        }

        @Override
        public void close() throws IOException
        {
            in.close();
        }
    }

    /** Writes a world file: {@code RiskWorldFile <seed> <TRAINING|HELD_OUT> <path>}. */
    public static void main(final String[] args) throws IOException
    {
        if (args.length != 3)
        {
            System.err.println("usage: RiskWorldFile <seed> <TRAINING|HELD_OUT> <path>");
            System.exit(2);
        }
        final RiskWorld world = RiskWorld.generate(Long.parseLong(args[0]), ParameterRange.valueOf(args[1]));
        final long commands = write(world, Path.of(args[2]));
        System.out.println("wrote " + commands + " commands of seed " + args[0] + " " + args[1] + " to " + args[2]);
    }
}
