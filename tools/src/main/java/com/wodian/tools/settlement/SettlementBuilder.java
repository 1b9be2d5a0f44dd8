package com.wodian.tools.settlement;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.SnapshotStore;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.DistributePoolDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.WithdrawSource;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a business day's settlement rows offline from a server's journal (docs/settlement.md), never touching a
 * running server: one pass reads the journal without applying it (the day's first and last sequence), then the engine
 * is recovered to the day's start (newest snapshot before it plus the journal between) and the day's inputs are
 * applied one by one. Each input's housekeeping (expiries, a distribution slice: {@link Engine#housekeepBeforeInput})
 * runs before the merchant's statement is read, so a payment command's row is what the command alone changed in its
 * merchant's statement (and in the home merchant's, for an alliance share); a repeated command (idempotent, changes
 * nothing) gives no row.
 */
public final class SettlementBuilder
{
    private final MerchantStatement before = new MerchantStatement();
    private final MerchantStatement after = new MerchantStatement();
    private final MerchantStatement homeBefore = new MerchantStatement();
    private final MerchantStatement homeAfter = new MerchantStatement();
    private final List<SettlementRow> rows = new ArrayList<>();
    private final List<FundsRow> funds = new ArrayList<>();
    private final SettlementInputs inputs = new SettlementInputs();
    private final CommandReply reply = new CommandReply();
    private final BalanceRoll roll = new BalanceRoll();
    private List<BalanceRoll.Line> balances = List.of();
    private BalanceRoll.PlatformLine platform;
    private String journalNote = "";
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
     * One pass over the journal without applying anything: the day's window.
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
        requireDayInJournal(engine, window);
        roll.open(engine);
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
        requireInvariants(engine, lastOfDay);
        balances = roll.close(engine, rows);
        platform = roll.closePlatform(engine, rows);
        journalNote = (lastOfDay > window.lastBeforeDay() ? "journal entries " + (window.lastBeforeDay() + 1) +
            ".." + lastOfDay + " are the day's" : "the journal holds no entry of the day") + "; state hash after " +
            "sequence " + lastOfDay + ": " + engine.stateHash() + " (as wodian journal verify and snapshots print it)";
        return rows;
    }

    /**
     * The manifest's journal line: the day's first and last sequence and the replay's state hash at the cut-off, to
     * tie the files to the journal, a snapshot or a server's state hash.
     */
    public String journalNote()
    {
        return journalNote;
    }

    /** The day's top-ups and withdrawals, booked or refused, in journal order ({@code funds.csv}). */
    public List<FundsRow> funds()
    {
        return funds;
    }

    /** Every merchant's balance roll over the day {@link #build} settled, in merchant id order. */
    public List<BalanceRoll.Line> balances()
    {
        return balances;
    }

    /** The platform's fee income over the day {@link #build} settled ({@code platform.csv}). */
    public BalanceRoll.PlatformLine platform()
    {
        return platform;
    }

    /**
     * The engine recovered to the last entry before the day must not have seen the day yet. It has when the journal
     * starts after a snapshot (a node rebuilt from a snapshot install, or a --join learner) taken at or after the
     * day's start: the day's entries up to that snapshot are not in this journal, so its rows would be missing.
     */
    private void requireDayInJournal(final Engine engine, final DayWindow window)
    {
        if (engine.nowMs() >= window.fromMs())
        {
            throw new DayNotInJournal("the journal starts after sequence " + journalStartSequence + " (a node " +
                "rebuilt from a snapshot install, or a --join learner), and the engine state there is already at " +
                java.time.Instant.ofEpochMilli(engine.nowMs()) + " UTC, not before the day's start " +
                java.time.Instant.ofEpochMilli(window.fromMs()) + " UTC: the day's entries up to that sequence are " +
                "not in this journal. Settle the day on a node whose journal holds the whole day (the primary's, " +
                "or one from before the install)");
        }
    }

    /**
     * The replay holds the exact state at the day's cut-off, so the engine's conservation law and balance invariants
     * are checked there for free: files are never written from a state that breaks them.
     */
    private static void requireInvariants(final Engine engine, final long lastOfDay)
    {
        try
        {
            engine.verifyInvariants();
        }
        catch (final IllegalStateException broken)
        {
            throw new IllegalStateException("the engine's invariants fail at the day's cut-off (sequence " +
                lastOfDay + "): " + broken.getMessage() + "; no files written", broken);
        }
    }

    /** A day this journal cannot settle completely: the command refuses it (exit 1, nothing written). */
    public static final class DayNotInJournal extends RuntimeException
    {
        DayNotInJournal(final String message)
        {
            super(message, null, false, false);
        }
    }

    private void applyAndRecord(final Engine engine, final long sequence, final long timestampMs,
        final DirectBuffer payload, final int offset, final int length)
    {
        // Expiries and a distribution slice first, apart: they move other money than this command's (a lapsed
        // voucher's value back to its pool) and must not be measured as part of its row.
        engine.housekeepBeforeInput(sequence, timestampMs);
        final int templateId = inputs.templateId(payload, offset, length);
        if (SettlementInputs.isFunds(templateId))
        {
            applyFunds(engine, inputs.funds(payload, offset), sequence, timestampMs, payload, offset, length);
            return;
        }
        if (!SettlementInputs.isPayment(templateId))
        {
            applyPoolMovement(engine, templateId, payload, offset, length);
            return;
        }
        final SettlementInputs.Payment command = inputs.payment(payload, offset);
        final long merchantId = command.merchantId();
        final MerchantStatement.PaymentStatus sale = command.templateId() == PayDecoder.TEMPLATE_ID ?
            MerchantStatement.PaymentStatus.UNKNOWN : before.paymentStatus(engine, merchantId, command.paymentId());
        before.read(engine, merchantId);
        // The home merchant as the engine accepted it (a refused registration never counts).
        final long consumerBefore = command.templateId() == PayDecoder.TEMPLATE_ID ? command.consumerId() :
            sale.consumerId();
        final long homeMerchantId = engine.homeMerchantIdOf(consumerBefore);
        homeBefore.read(engine, homeMerchantId);
        engine.applyAfterHousekeeping(payload, offset, length, reply.expect());
        after.read(engine, merchantId);
        homeAfter.read(engine, homeMerchantId);
        final long consumerId = 0 != consumerBefore ? consumerBefore :
            before.paymentStatus(engine, merchantId, command.paymentId()).consumerId();
        final String kind = kind(command.templateId());
        if (null != kind)
        {
            record(engine, kind, command, sequence, timestampMs, consumerId, homeMerchantId,
                command.isRefund() ? sale : MerchantStatement.PaymentStatus.UNKNOWN);
        }
    }

    /**
     * A command that is neither a payment nor a funds command: points bought a voucher and a distribution started are
     * pool movements of the balance roll; anything else is only applied.
     */
    private void applyPoolMovement(final Engine engine, final int templateId, final DirectBuffer payload,
        final int offset, final int length)
    {
        final long merchantId = inputs.poolMerchantId(payload, offset, templateId);
        if (0 == merchantId)
        {
            engine.applyAfterHousekeeping(payload, offset, length, ReplySink.NONE);
            return;
        }
        before.read(engine, merchantId);
        engine.applyAfterHousekeeping(payload, offset, length, ReplySink.NONE);
        after.read(engine, merchantId);
        final long poolOutFen = before.poolFen - after.poolFen;
        if (templateId == RedeemPointsDecoder.TEMPLATE_ID)
        {
            roll.pointVoucher(merchantId, poolOutFen);
        }
        else if (templateId == DistributePoolDecoder.TEMPLATE_ID)
        {
            roll.distribution(merchantId, poolOutFen);
        }
    }

    /**
     * A TopUp or Withdraw: a funds.csv line when it booked money or was refused (a repeat of a booked one changes
     * nothing and has none), and for a booked Withdraw the merchant's WITHDRAWAL or ALLIANCE_WITHDRAWAL row, or for a
     * platform fee payout the platform roll's payout.
     */
    private void applyFunds(final Engine engine, final SettlementInputs.Funds command, final long sequence,
        final long timestampMs, final DirectBuffer payload, final int offset, final int length)
    {
        final boolean topUp = command.topUp();
        final long partyId = command.partyId();
        final boolean alliance = !topUp && command.sourceRaw() == WithdrawSource.ALLIANCE_EARNINGS.value();
        final boolean platform = !topUp && command.sourceRaw() == WithdrawSource.PLATFORM_FEES.value();
        final long totalBefore = topUp ? engine.totalTopUpsFen() : engine.totalWithdrawnFen();
        final long feesBefore = engine.platformFeesFen();
        before.read(engine, topUp ? 0 : partyId);
        engine.applyAfterHousekeeping(payload, offset, length, reply.expect());
        final long bookedFen = (topUp ? engine.totalTopUpsFen() : engine.totalWithdrawnFen()) - totalBefore;
        if (!topUp && !platform && 0 != bookedFen)
        {
            after.read(engine, partyId);
            rows.add(new SettlementRow(partyId, sequence, timestampMs, alliance ? SettlementRow.ALLIANCE_WITHDRAWAL :
                SettlementRow.WITHDRAWAL, 0, 0, 0, command.referenceId(), 0, 0, 0, 0, 0, 0, 0,
                after.allianceEarningsFen - before.allianceEarningsFen, 0, after.settlementFen - before.settlementFen,
                0, 0, 0, 0));
        }
        if (platform && 0 != bookedFen)
        {
            roll.platformPayout(feesBefore - engine.platformFeesFen());
        }
        if (0 != bookedFen || !"OK".equals(reply.ackResult()))
        {
            funds.add(new FundsRow(sequence, timestampMs, topUp ? FundsRow.TOPUP : alliance ?
                FundsRow.ALLIANCE_WITHDRAWAL : platform ? FundsRow.PLATFORM_FEE_PAYOUT : FundsRow.WITHDRAWAL,
                topUp ? partyId : 0, topUp ? 0 : partyId, command.referenceId(), command.amountFen(), bookedFen,
                reply.ackResult()));
        }
    }

    /**
     * The rows of a payment command that changed its merchant's statement: measured across the command alone; a
     * refund's shortfalls (engine setting REFUND_SHORTFALL_FROM_SETTLEMENT) are what the pool and the home merchant
     * gave back less than the ledger reverses of the sale's parts ({@link Engine#refundedPoolPartFen}).
     *
     * @param sale a Refund's payment before the command (its amount, what earlier refunds gave back); else UNKNOWN.
     */
    private void record(final Engine engine, final String kind, final SettlementInputs.Payment command,
        final long sequence, final long timestampMs, final long consumerId, final long homeMerchantId,
        final MerchantStatement.PaymentStatus sale)
    {
        final long merchantId = command.merchantId();
        final long amountFen = (after.salesFen - before.salesFen) - (after.refundsFen - before.refundsFen);
        final long feeFen = after.feesFen - before.feesFen;
        // A Cancel or a full Refund whose voucher's validity has passed returns the voucher's value to the pool (as
        // an expiry would): a movement of its own, not a contribution of the sale.
        final long voucherLapsedFen = after.vouchersExpiredFen - before.vouchersExpiredFen;
        final long poolFen = after.poolFen - before.poolFen - voucherLapsedFen;
        final long netFen = after.settlementFen - before.settlementFen;
        final long allianceOutFen = amountFen - feeFen - poolFen - netFen;
        final long allianceInFen = homeMerchantId == merchantId ? 0 :
            homeAfter.allianceEarningsFen - homeBefore.allianceEarningsFen;
        if (allianceOutFen != allianceInFen)
        {
            // Every other line is measured; this one is the rest. Should anything else move with the command, the
            // files would misbook it: refuse the day rather than write it.
            throw new IllegalStateException("cannot settle entry " + sequence + ": merchant " + merchantId +
                "'s lines leave " + allianceOutFen + " fen as the alliance share, but home merchant " +
                homeMerchantId + " of consumer " + consumerId + " received " + allianceInFen + " fen");
        }
        final boolean refund = kind.equals(SettlementRow.REFUND);
        final long refundedAfterFen = sale.refundedFen() - amountFen;
        final long poolShortfallFen = refund ? engine.refundedPoolPartFen(merchantId, command.paymentId(),
            sale.refundedFen(), refundedAfterFen) + poolFen : 0;
        final long allianceShortfallFen = refund ? engine.refundedAlliancePartFen(merchantId, command.paymentId(),
            sale.refundedFen(), refundedAfterFen) + allianceOutFen : 0;
        rows.add(new SettlementRow(merchantId, sequence, timestampMs, kind, command.terminalId(), command.paymentId(),
            command.refundId(), 0, consumerId, amountFen, after.vouchersRedeemedFen - before.vouchersRedeemedFen,
            voucherLapsedFen, feeFen, poolFen, allianceOutFen, 0, reply.pointsEarned(), netFen, sale.amountFen(),
            sale.refundedFen(), poolShortfallFen, allianceShortfallFen));
        if (0 != allianceInFen)
        {
            rows.add(new SettlementRow(homeMerchantId, sequence, timestampMs, SettlementRow.ALLIANCE_IN,
                command.terminalId(), command.paymentId(), command.refundId(), 0, consumerId, 0, 0, 0, 0, 0, 0,
                allianceInFen, 0, 0, sale.amountFen(), sale.refundedFen(), 0, 0));
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
}
