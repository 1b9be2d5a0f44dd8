package com.wodian.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Rewrites only the state-hash checkpoints of the golden replies ({@link GoldenJournal#REPLIES}) after a change that
 * changes the state hash on purpose (a new hash version, new state folded into it). It replays the golden journal
 * first and refuses to write anything unless every reply and every query answer is byte-identical, as
 * {@link GoldenJournalTest} checks; the journal itself is never rewritten.
 *
 * <p>Run from the repository root after {@code mvn -pl engine -am test-compile}:
 * {@code java -cp engine/target/test-classes:engine/target/classes:$(cat cp.txt)
 * com.wodian.engine.GoldenCheckpoints engine/src/test/resources/golden/replies.bin.gz}
 * (cp.txt from {@code mvn -pl engine dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 */
public final class GoldenCheckpoints
{
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[com.wodian.protocol.CommandCatalog.MAX_REPLY_LENGTH]);
    private int replyLength;

    private GoldenCheckpoints()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path out = Path.of(args[0]);
        final byte[] rewritten = new GoldenCheckpoints().rewrite();
        try (OutputStream file = Files.newOutputStream(out); GZIPOutputStream zipped = new GZIPOutputStream(file))
        {
            zipped.write(rewritten);
        }
        System.out.println("wrote " + out + " (" + rewritten.length + " bytes before gzip)");
    }

    private byte[] rewrite() throws IOException
    {
        final UnsafeBuffer journal = new UnsafeBuffer(GoldenJournal.resource(GoldenJournal.JOURNAL));
        final GoldenJournal.ReplyReader replies = new GoldenJournal.ReplyReader(
            GoldenJournal.resource(GoldenJournal.REPLIES));
        final Engine engine = new Engine(GoldenJournal.config());
        final ReplySink sink = this::capture;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int position = 0;
        int changed = 0;
        int checkpoints = 0;
        while (replies.hasMore())
        {
            final byte kind = replies.kind();
            out.write(kind);
            if (kind == GoldenJournal.KIND_REPLY)
            {
                final long sequence = journal.getLong(position, ByteOrder.LITTLE_ENDIAN);
                final int length = journal.getInt(position + 16, ByteOrder.LITTLE_ENDIAN);
                final int payloadOffset = position + GoldenJournal.HEADER_LENGTH;
                engine.onCommand(sequence, journal.getLong(position + 8, ByteOrder.LITTLE_ENDIAN), journal,
                    payloadOffset, length, sink);
                copyChecked(out, replies.bytes(), "sequence " + sequence);
                position = payloadOffset + length;
            }
            else if (kind == GoldenJournal.KIND_QUERY)
            {
                final byte[] query = replies.bytes();
                final UnsafeBuffer queryBuffer = new UnsafeBuffer(query);
                engine.onQuery(queryBuffer, 0, query.length, sink);
                GoldenJournal.writeBytes(out, queryBuffer, query.length);
                copyChecked(out, replies.bytes(), "query after " + engine.lastSequence());
            }
            else if (kind == GoldenJournal.KIND_CHECKPOINT)
            {
                final long sequence = replies.longValue();
                final long recorded = replies.longValue();
                if (sequence != engine.lastSequence())
                {
                    throw new IllegalStateException("checkpoint at " + sequence + ", engine at " +
                        engine.lastSequence());
                }
                final long now = engine.stateHash();
                changed += now == recorded ? 0 : 1;
                checkpoints++;
                GoldenJournal.writeLong(out, sequence);
                GoldenJournal.writeLong(out, now);
            }
            else
            {
                throw new IllegalStateException("record kind " + kind);
            }
        }
        if (position != journal.capacity())
        {
            throw new IllegalStateException("journal entries without a reply");
        }
        engine.verifyInvariants();
        System.out.println("every reply and query answer identical; " + changed + " of " + checkpoints +
            " checkpoint hashes changed");
        return out.toByteArray();
    }

    private void copyChecked(final ByteArrayOutputStream out, final byte[] expected, final String where)
    {
        final byte[] actual = Arrays.copyOf(reply.byteArray(), replyLength);
        if (GoldenReplyComparison.mismatch(expected, actual) != null)
        {
            throw new IllegalStateException(where + ": the reply differs from the golden one; nothing written");
        }
        GoldenJournal.writeInt(out, expected.length);
        out.writeBytes(expected);
    }

    private void capture(final DirectBuffer buffer, final int offset, final int length)
    {
        reply.putBytes(0, buffer, offset, length);
        replyLength = length;
    }
}
