package com.wodian.tools.settlement;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.SnapshotStore;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.RegisterConsumerDecoder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a business day's settlement rows offline from a server's journal (docs/settlement.md), never touching a
 * running server: one pass reads the journal without applying it (the day's first and last sequence, every
 * consumer's home merchant), then the engine is recovered to the day's start (newest snapshot before it plus the
 * journal between) and the day's commands are applied one by one. A payment command's row is what it changed in its
 * merchant's statement (and, for an alliance share, in the home merchant's), so the rows add up to the statement by
 * construction and a repeated command (idempotent, changes nothing) gives no row.
 */
public final class SettlementBuilder
{
    private final MerchantStatement before = new MerchantStatement();
    private final MerchantStatement after = new MerchantStatement();
    private final MerchantStatement homeBefore = new MerchantStatement();
    private final MerchantStatement homeAfter = new MerchantStatement();
    private final Long2LongHashMap homeMerchantByConsumer = new Long2LongHashMap(-1);
    private final List<SettlementRow> rows = new ArrayList<>();
    private long pointsEarned;
    /** The sequence the journal starts after (0, or a snapshot's when the node was rebuilt from one). */
    private long journalStartSequence;

    /**
     * What the first pass found about a business day in a journal: where the day starts and ends in it, and whether
     * it is closed (docs/settlement.md, "Refusals").
     *
     * @param fromMs                 start of the business day (inclusive), epoch ms.
     * @param toMs                   end of the business day (exclusive), epoch ms.
     * @param lastBeforeDay          sequence of the last entry stamped before the day (or the journal's start).
     * @param lastOfDay              sequence of the last entry stamped before the day's end (or the journal's start).
     * @param lastOfDayTimestampMs   that entry's stamp; 0 when the journal has none before the day's end.
     * @param lastAtOrAfterEnd       sequence of the last entry stamped at or after the day's end; 0 when none.
     * @param lastCommittedAfterEnd  the same among the entries up to {@code committedSequence}; 0 when none.
     * @param committedSequence      the entries up to it are committed: {@link #ALL_COMMITTED} outside a replica
     *                               group, else the member's commit mark.
     */
    public record DayWindow(long fromMs, long toMs, long lastBeforeDay, long lastOfDay, long lastOfDayTimestampMs,
        long lastAtOrAfterEnd, long lastCommittedAfterEnd, long committedSequence)
    {
        /**
         * True when a committed entry stamped at or after the day's end follows the day's last entry: the server
         * stamps times that never go backwards, so nothing can join the day any more, and every entry of the day is
         * committed (it comes before a committed one).
         */
        public boolean closed()
        {
            return lastCommittedAfterEnd > lastOfDay;
        }

        /** True when an entry after the day's end follows the day, but is not committed yet. */
        public boolean endedButNotCommitted()
        {
            return !closed() && lastAtOrAfterEnd > lastOfDay;
        }
    }

    /** The committed sequence of a journal outside a replica group: all of it. */
    public static final long ALL_COMMITTED = Long.MAX_VALUE;

    /**
     * @param fromMs start of the business day (inclusive), epoch ms.
     * @param toMs   end of the business day (exclusive), epoch ms.
     * @return the day's rows in journal order, whether or not the day is closed (see {@link #scan}).
     */
    public List<SettlementRow> build(final ChronicleJournal journal, final SnapshotStore snapshotsOrNull,
        final EngineConfig engineConfig, final long fromMs, final long toMs)
    {
        return build(journal, snapshotsOrNull, engineConfig, scan(journal, fromMs, toMs, ALL_COMMITTED));
    }

    /**
     * One pass over the journal without applying anything: the day's window and every consumer's home merchant.
     *
     * @param committedSequence entries up to it are committed ({@link #ALL_COMMITTED} outside a replica group).
     */
    public DayWindow scan(final ChronicleJournal journal, final long fromMs, final long toMs,
        final long committedSequence)
    {
        journalStartSequence = journal.startSequence();
        // What the journal starts after is before the day whatever the day: recovery loads it from its snapshot.
        // lastBeforeDay, lastOfDay, lastOfDay's stamp, lastAtOrAfterEnd, lastCommittedAfterEnd
        final long[] window = { journalStartSequence, journalStartSequence, 0, 0, 0 };
        journal.replay(1, (sequence, timestampMs, version, payload, offset, length) ->
        {
            rememberHomeMerchant(payload, offset, length);
            if (timestampMs < fromMs)
            {
                window[0] = sequence;
            }
            if (timestampMs < toMs)
            {
                window[1] = sequence;
                window[2] = timestampMs;
            }
            else
            {
                window[3] = sequence;
                window[4] = sequence <= committedSequence ? sequence : window[4];
            }
        });
        return new DayWindow(fromMs, toMs, window[0], window[1], window[2], window[3], window[4], committedSequence);
    }

    /** @return the rows of the day {@link #scan} (on this builder) found, in journal order. */
    public List<SettlementRow> build(final ChronicleJournal journal, final SnapshotStore snapshotsOrNull,
        final EngineConfig engineConfig, final DayWindow window)
    {
        final long lastOfDay = window.lastOfDay();
        final EngineRecovery.Result recovered = EngineRecovery.recover(journal, snapshotsOrNull, engineConfig,
            window.lastBeforeDay(), (line) -> { });
        final Engine engine = recovered.engine();
        try (JournalTailer tailer = recovered.tailer())
        {
            while (engine.lastSequence() < lastOfDay)
            {
                if (0 == tailer.poll((sequence, timestampMs, version, payload, offset, length) ->
                {
                    CommandCatalog.requireReadableEntry(sequence, version); // a day an older build cannot read
                    applyAndRecord(engine, sequence, timestampMs, payload, offset, length);
                }, 1))
                {
                    throw new IllegalStateException("journal ended at " + engine.lastSequence() + " before " +
                        lastOfDay);
                }
            }
        }
        return rows;
    }

    private void rememberHomeMerchant(final DirectBuffer payload, final int offset, final int length)
    {
        if (length >= MessageHeaderDecoder.ENCODED_LENGTH + RegisterConsumerDecoder.BLOCK_LENGTH &&
            CommandCatalog.templateId(payload, offset) == RegisterConsumerDecoder.TEMPLATE_ID)
        {
            final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            final long consumerId = payload.getLong(body, java.nio.ByteOrder.LITTLE_ENDIAN);
            final long homeMerchantId = payload.getLong(body + 8, java.nio.ByteOrder.LITTLE_ENDIAN);
            // The first registration wins: a later one with other fields is refused by the engine.
            if (!homeMerchantByConsumer.containsKey(consumerId))
            {
                homeMerchantByConsumer.put(consumerId, homeMerchantId);
            }
        }
    }

    private void applyAndRecord(final Engine engine, final long sequence, final long timestampMs,
        final DirectBuffer payload, final int offset, final int length)
    {
        final int templateId = length >= MessageHeaderDecoder.ENCODED_LENGTH ?
            CommandCatalog.templateId(payload, offset) : -1;
        final boolean payment = templateId == PayDecoder.TEMPLATE_ID ||
            templateId == PaymentConfirmDecoder.TEMPLATE_ID || templateId == PaymentCancelDecoder.TEMPLATE_ID ||
            templateId == RefundDecoder.TEMPLATE_ID;
        if (!payment)
        {
            engine.onCommand(sequence, timestampMs, payload, offset, length, ReplySink.NONE);
            return;
        }
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final long merchantId = payload.getLong(body, java.nio.ByteOrder.LITTLE_ENDIAN);
        final long terminalId = payload.getLong(body + 8, java.nio.ByteOrder.LITTLE_ENDIAN);
        final long paymentId = payload.getLong(body + 16, java.nio.ByteOrder.LITTLE_ENDIAN);
        final long refundId = templateId == RefundDecoder.TEMPLATE_ID ?
            payload.getLong(body + 24, java.nio.ByteOrder.LITTLE_ENDIAN) : 0;
        long consumerId = templateId == PayDecoder.TEMPLATE_ID ?
            payload.getLong(body + 24, java.nio.ByteOrder.LITTLE_ENDIAN) : before.consumerOf(engine, merchantId, paymentId);
        final long homeMerchantId = Math.max(0, homeMerchantByConsumer.get(consumerId));
        before.read(engine, merchantId);
        homeBefore.read(engine, homeMerchantId);
        pointsEarned = 0;
        engine.onCommand(sequence, timestampMs, payload, offset, length, this::onReply);
        after.read(engine, merchantId);
        homeAfter.read(engine, homeMerchantId);
        if (0 == consumerId)
        {
            consumerId = before.consumerOf(engine, merchantId, paymentId);
        }
        final String kind = kind(templateId);
        if (null == kind)
        {
            return;
        }
        final long amountFen = (after.salesFen - before.salesFen) - (after.refundsFen - before.refundsFen);
        final long feeFen = after.feesFen - before.feesFen;
        final long poolFen = after.poolFen - before.poolFen;
        final long netFen = after.settlementFen - before.settlementFen;
        final long allianceOutFen = amountFen - feeFen - poolFen - netFen;
        requireHomeMerchantKnown(consumerId, allianceOutFen, sequence);
        rows.add(new SettlementRow(merchantId, sequence, timestampMs, kind, terminalId, paymentId, refundId,
            consumerId, amountFen, after.vouchersRedeemedFen - before.vouchersRedeemedFen, feeFen, poolFen,
            allianceOutFen, 0, pointsEarned, netFen));
        final long allianceInFen = homeAfter.allianceEarningsFen - homeBefore.allianceEarningsFen;
        if (homeMerchantId != merchantId && 0 != homeMerchantId && 0 != allianceInFen)
        {
            rows.add(new SettlementRow(homeMerchantId, sequence, timestampMs, SettlementRow.ALLIANCE_IN, terminalId,
                paymentId, refundId, consumerId, 0, 0, 0, 0, 0, allianceInFen, 0, 0));
        }
    }

    /**
     * An alliance share went to a home merchant the journal does not name: the consumer registered before the journal
     * starts (a node rebuilt from a snapshot install). Settling without its ALLIANCE_IN row would under-pay that
     * merchant, so the day is refused.
     */
    private void requireHomeMerchantKnown(final long consumerId, final long allianceOutFen, final long sequence)
    {
        if (0 != allianceOutFen && !homeMerchantByConsumer.containsKey(consumerId))
        {
            throw new IllegalStateException("cannot settle entry " + sequence + ": consumer " + consumerId +
                " paid an alliance share, but its registration (its home merchant) is not in this journal, which " +
                "starts after sequence " + journalStartSequence + " (a node rebuilt from a snapshot install): " +
                "settle on a node whose journal holds every entry from sequence 1");
        }
    }

    /** The row kind of a command that changed the statement, or null when it changed nothing of it. */
    private String kind(final int templateId)
    {
        if (after.salesCount != before.salesCount)
        {
            return templateId == PayDecoder.TEMPLATE_ID ? SettlementRow.PAYMENT : SettlementRow.COMPLETION;
        }
        if (after.refundsCount != before.refundsCount)
        {
            return SettlementRow.REFUND;
        }
        if (after.holdsCancelledCount != before.holdsCancelledCount)
        {
            return SettlementRow.REVERSAL;
        }
        return null;
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        if (CommandCatalog.templateId(buffer, offset) == PaymentReplyDecoder.TEMPLATE_ID)
        {
            final PaymentReplyDecoder reply = new PaymentReplyDecoder();
            reply.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH,
                buffer.getShort(offset, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF,
                buffer.getShort(offset + 6, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
            pointsEarned = reply.pointsEarned();
        }
    }
}
