package com.wodian.engine;

import com.wodian.protocol.MessageText;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compatibility: the golden journal recorded from the engine before the v2 rework (see {@link GoldenJournal}) replays
 * into this engine with every recorded reply byte still there, every query answered the same at the same point, and
 * the same state hash at every checkpoint. A journal written by the old engine is readable by the new one.
 *
 * <p>"Every recorded byte still there" ({@link GoldenReplyComparison}): each reply is the recorded one byte for byte,
 * except that the header carries today's schema version and that a reply which gained fields since (PaymentReply,
 * RefundReply, PaymentStatusReply in schema version 7) has a longer block whose first bytes are the recorded block.
 * The fields appended after the recording are checked separately against a model of the inputs
 * ({@link GoldenReplyFields}): the decisions are the recorded ones, and the new fields say what those decisions did.
 */
class GoldenJournalTest
{
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[com.wodian.protocol.CommandCatalog.MAX_REPLY_LENGTH]);
    private int replyLength;
    private GoldenReplyFields newFields;

    private long prefetched;

    @Test
    void goldenJournalReplaysWithByteIdenticalRepliesAndStateHashes() throws IOException
    {
        replay(0);
    }

    /** The batch path: each batch of 64 entries is prefetched before it is applied; nothing may change. */
    @Test
    void goldenJournalReplaysIdenticallyWithBatchPrefetch() throws IOException
    {
        replay(64);
        assertTrue(prefetched != 0, "the prefetch pass loaded something");
    }

    /** The largest batch the engine prefetches, and batches of one: still nothing may change. */
    @Test
    void goldenJournalReplaysIdenticallyWithLargestAndSingleBatches() throws IOException
    {
        replay(Engine.PREFETCH_BATCH_MAX);
        replay(1);
    }

    /**
     * Offline readers' path (the settlement files): each input applied as its housekeeping, then its command
     * ({@link Engine#housekeepBeforeInput}, {@link Engine#applyAfterHousekeeping}); nothing may change.
     */
    @Test
    void goldenJournalReplaysIdenticallyInTwoHalves() throws IOException
    {
        halves = true;
        replay(0);
    }

    private boolean halves;

    private void replay(final int prefetchBatch) throws IOException
    {
        final UnsafeBuffer journal = new UnsafeBuffer(GoldenJournal.resource(GoldenJournal.JOURNAL));
        final GoldenJournal.ReplyReader replies = new GoldenJournal.ReplyReader(
            GoldenJournal.resource(GoldenJournal.REPLIES));
        final Engine engine = new Engine(GoldenJournal.config());
        newFields = new GoldenReplyFields();
        final ReplySink sink = this::capture;
        final CRC32C crc = new CRC32C();
        int position = 0;
        int entries = 0;
        int queries = 0;
        int checkpoints = 0;
        while (replies.hasMore())
        {
            final byte kind = replies.kind();
            if (kind == GoldenJournal.KIND_REPLY)
            {
                if (prefetchBatch > 0 && entries % prefetchBatch == 0)
                {
                    prefetchAhead(engine, journal, position, prefetchBatch);
                }
                final long sequence = journal.getLong(position, ByteOrder.LITTLE_ENDIAN);
                final int length = checkedPayloadLength(journal, position, crc, entries + 1);
                final int payloadOffset = position + GoldenJournal.HEADER_LENGTH;
                final long timestampMs = journal.getLong(position + 8, ByteOrder.LITTLE_ENDIAN);
                if (halves)
                {
                    engine.housekeepBeforeInput(sequence, timestampMs);
                    engine.applyAfterHousekeeping(journal, payloadOffset, length, sink);
                }
                else
                {
                    engine.onCommand(sequence, timestampMs, journal, payloadOffset, length, sink);
                }
                expectReply(replies.bytes(), journal, payloadOffset, length, "sequence " + sequence);
                position = payloadOffset + length;
                entries++;
            }
            else if (kind == GoldenJournal.KIND_QUERY)
            {
                final UnsafeBuffer query = new UnsafeBuffer(replies.bytes());
                engine.onQuery(query, 0, query.capacity(), sink);
                expectReply(replies.bytes(), query, 0, query.capacity(), "query after " + engine.lastSequence());
                queries++;
            }
            else
            {
                assertEquals(GoldenJournal.KIND_CHECKPOINT, kind, "record kind");
                assertEquals(replies.longValue(), engine.lastSequence(), "checkpoint sequence");
                assertEquals(replies.longValue(), engine.stateHash(), "state hash at " + engine.lastSequence());
                checkpoints++;
            }
        }
        assertEquals(journal.capacity(), position, "every journal entry has its reply");
        final String counts = entries + " entries, " + queries + " queries, " + checkpoints + " checkpoints";
        assertTrue(entries > GoldenJournalRecorder.COMMANDS && queries > 1_000 && checkpoints > 50, counts);
        // The recording has no repeated approved refund and no refund that restores a voucher: RefundReplyTest has.
        assertTrue(newFields.paymentsWithVoucher > 10 && newFields.refundsApproved > 10, "payments with a voucher " +
            newFields.paymentsWithVoucher + ", refunds approved " + newFields.refundsApproved);
        engine.verifyInvariants();
    }

    /** The prefetch pass over the next {@code batch} journal entries from {@code position} (fewer at the end). */
    private void prefetchAhead(final Engine engine, final UnsafeBuffer journal, final int position, final int batch)
    {
        int at = position;
        for (int i = 0; i < batch && at < journal.capacity(); i++)
        {
            final int length = journal.getInt(at + 16, ByteOrder.LITTLE_ENDIAN);
            assertTrue(engine.prefetchInput(journal, at + GoldenJournal.HEADER_LENGTH, length), "batch room");
            at += GoldenJournal.HEADER_LENGTH + length;
        }
        prefetched += engine.prefetchBatch();
    }

    /** Checks the entry header as the journal reader does and returns the payload length. */
    private static int checkedPayloadLength(final UnsafeBuffer journal, final int position, final CRC32C crc,
        final long expectedSequence)
    {
        assertEquals(expectedSequence, journal.getLong(position, ByteOrder.LITTLE_ENDIAN), "contiguous sequences");
        final int length = journal.getInt(position + 16, ByteOrder.LITTLE_ENDIAN);
        assertEquals(GoldenJournal.ENTRY_FORMAT_VERSION, journal.getShort(position + 20, ByteOrder.LITTLE_ENDIAN));
        assertEquals(GoldenJournal.PAYLOAD_VERSION, journal.getShort(position + 22, ByteOrder.LITTLE_ENDIAN));
        final byte[] entry = new byte[GoldenJournal.HEADER_LENGTH + length];
        journal.getBytes(position, entry);
        crc.reset();
        crc.update(entry, 0, GoldenJournal.CHECKSUM_OFFSET);
        crc.update(entry, GoldenJournal.HEADER_LENGTH, length);
        assertEquals((int)crc.getValue(), journal.getInt(position + GoldenJournal.CHECKSUM_OFFSET,
            ByteOrder.LITTLE_ENDIAN), "entry checksum");
        return length;
    }

    private void capture(final DirectBuffer buffer, final int offset, final int length)
    {
        reply.putBytes(0, buffer, offset, length);
        replyLength = length;
    }

    private void expectReply(final byte[] expected, final DirectBuffer input, final int offset, final int length,
        final String where)
    {
        final byte[] actual = Arrays.copyOf(reply.byteArray(), replyLength);
        final String mismatch = GoldenReplyComparison.mismatch(expected, actual);
        assertNull(mismatch, () -> where + ": " + mismatch + ": " + MessageText.describe(input, offset, length) +
            " was answered " + MessageText.describe(new UnsafeBuffer(expected), 0, expected.length) + ", now " +
            MessageText.describe(reply, 0, replyLength));
        newFields.check(input, offset, reply, replyLength, where);
    }
}
