package com.wodian.tools.settlement;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.net.durability.EngineSnapshots;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settlement files from a journal of two business days (Asia/Shanghai): the summary of each day equals the change of
 * the engine's merchant statements over that day (the first day: the statement at its cut-off), every payment of the
 * day appears exactly once (a retried command adds nothing), alliance shares reach the home merchant's file, and the
 * same journal gives the same bytes.
 */
class SettlementTest
{
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final LocalDate DAY_1 = LocalDate.of(2026, 12, 1);
    private static final LocalDate DAY_2 = LocalDate.of(2026, 12, 2);
    private static final long[] MERCHANTS = { 1, 2 };

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private final Engine reference = new Engine(EngineConfig.small());
    private final Map<Long, MerchantStatement> endOfDay1 = new HashMap<>();
    private final Map<Long, MerchantStatement> endOfDay2 = new HashMap<>();
    private JournalWriter writer;
    private SettlementBuilder lastBuilder;
    private long cutOffStateHash;
    private long sequence;
    private long timestampMs;

    @TempDir
    Path dir;

    @Test
    void summariesMatchTheStatementsAndEveryPaymentAppearsOnce() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            writer = journal.writer();
            writeTwoDays();
        }
        final List<SettlementRow> day1 = build(dataDir, DAY_1);
        final List<SettlementRow> day2 = build(dataDir, DAY_2);
        final List<BalanceRoll.Line> balances2 = lastBuilder.balances();

        assertEquals(List.of("1:1", "1:2"), payments(day1));
        assertEquals(List.of("1:3", "1:5", "2:7"), payments(day2));
        for (final long merchantId : MERCHANTS)
        {
            final MerchantStatement cutOff1 = endOfDay1.get(merchantId);
            final MerchantStatement cutOff2 = endOfDay2.get(merchantId);
            assertTotals(merchantId, day1, new MerchantStatement(), cutOff1);
            assertTotals(merchantId, day2, cutOff1, cutOff2);
        }
        assertTrue(day2.stream().anyMatch((row) -> row.kind().equals(SettlementRow.REFUND) && row.paymentId() == 2 &&
            row.saleAmountFen() == 20_000 && row.refundedBeforeFen() == 0), "a refund row names its sale's amount");
        assertTrue(day2.stream().anyMatch((row) -> row.merchantId() == 2 && row.kind().equals(SettlementRow.ALLIANCE_IN)
            && row.allianceInFen() > 0), "consumer 5's alliance share at merchant 1 reaches merchant 2");

        final List<Path> first = SettlementFiles.write(dir.resolve("out1"), DAY_2, ZONE, day2, balances2);
        final List<SettlementRow> again = build(dataDir, DAY_2);
        final List<Path> second = SettlementFiles.write(dir.resolve("out2"), DAY_2, ZONE, again,
            lastBuilder.balances());
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++)
        {
            assertArrayEquals(Files.readAllBytes(first.get(i)), Files.readAllBytes(second.get(i)), first.get(i) + "");
        }
        final String manifest = Files.readString(dir.resolve("out1").resolve(SettlementFiles.MANIFEST_FILE_NAME));
        assertTrue(manifest.contains(SettlementFiles.sha256(first.get(0)) + "  merchant-1.csv"), manifest);
        final List<String> summary = Files.readAllLines(dir.resolve("out1").resolve(SettlementFiles.SUMMARY_FILE_NAME));
        assertEquals(SettlementFiles.SUMMARY_HEADER, summary.get(0));
        assertEquals(3, summary.size());
    }

    private List<SettlementRow> build(final Path dataDir, final LocalDate date)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            lastBuilder = new SettlementBuilder();
            return lastBuilder.build(journal, null, EngineConfig.small(),
                date.atStartOfDay(ZONE).toInstant().toEpochMilli(),
                date.plusDays(1).atStartOfDay(ZONE).toInstant().toEpochMilli());
        }
    }

    /** "merchant:payment" of every payment and completion row, in order. */
    private static List<String> payments(final List<SettlementRow> rows)
    {
        final List<String> keys = new ArrayList<>();
        for (final SettlementRow row : rows)
        {
            if (row.kind().equals(SettlementRow.PAYMENT) || row.kind().equals(SettlementRow.COMPLETION))
            {
                keys.add(row.merchantId() + ":" + row.paymentId());
            }
        }
        return keys;
    }

    private static void assertTotals(final long merchantId, final List<SettlementRow> rows,
        final MerchantStatement from, final MerchantStatement to)
    {
        long gross = 0;
        long refunds = 0;
        long fees = 0;
        long pool = 0;
        long payable = 0;
        for (final SettlementRow row : rows)
        {
            if (row.merchantId() == merchantId)
            {
                gross += Math.max(0, row.amountFen());
                refunds += Math.max(0, -row.amountFen());
                fees += row.feeFen();
                pool += row.poolFen();
                payable += row.netFen() + row.allianceInFen();
            }
        }
        final String which = "merchant " + merchantId;
        assertEquals(to.salesFen - from.salesFen, gross, which + " gross");
        assertEquals(to.refundsFen - from.refundsFen, refunds, which + " refunds");
        assertEquals(to.feesFen - from.feesFen, fees, which + " fees");
        assertEquals(to.poolFen - from.poolFen, pool, which + " pool");
        assertEquals(to.settlementFen - from.settlementFen + to.allianceEarningsFen - from.allianceEarningsFen,
            payable, which + " net payable");
    }

    /**
     * The business day's edges (docs/settlement.md: from 00:00 of the date to 00:00 of the next, by each command's
     * journal time): 23:59:59.999 is the old day, 00:00:00.000 the new one; a pre-authorisation held at 23:59:59 and
     * confirmed at 00:00:02 is settled on the day of its Confirm (the money moves then); a hold that expires across
     * midnight (by a Tick) and is confirmed too late moves no money on either day. Each day's rows add up to the
     * change of the merchant's statement over that day.
     */
    @Test
    void theDayBoundaryIsByJournalTimeAndATwoPhasePaymentSettlesOnTheDayOfItsConfirm() throws Exception
    {
        final Path dataDir = dir.resolve("midnight");
        final long midnightMs = DAY_2.atStartOfDay(ZONE).toInstant().toEpochMilli();
        final MerchantStatement cutOff1;
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            writer = journal.writer();
            timestampMs = DAY_1.atTime(9, 0).atZone(ZONE).toInstant().toEpochMilli();
            append(encoder.registerMerchant(buffer, 0, 1, 2, 300, 150, 60, true));
            append(encoder.registerTerminal(buffer, 0, 101, 1));
            append(encoder.registerConsumer(buffer, 0, 6, 1));
            append(encoder.topUp(buffer, 0, 6, 901, 1_000_000));
            appendAt(midnightMs - 2_000, encoder.tryPayment(buffer, 0, 1, 101, 14, 6, 3_000, 5_000));
            appendAt(midnightMs - 1_000, encoder.tryPayment(buffer, 0, 1, 101, 11, 6, 20_000, 60_000));
            appendAt(midnightMs - 1, encoder.pay(buffer, 0, 1, 101, 12, 6, 10_000));
            cutOff1 = new MerchantStatement().read(reference, 1);
            appendAt(midnightMs, encoder.pay(buffer, 0, 1, 101, 13, 6, 7_000));
            appendAt(midnightMs + 2_000, encoder.confirm(buffer, 0, 1, 101, 11));
            appendAt(midnightMs + 10_000, encoder.tick(buffer, 0));
            appendAt(midnightMs + 20_000, encoder.confirm(buffer, 0, 1, 101, 14));   // expired: HOLD_EXPIRED, no row
        }
        final MerchantStatement cutOff2 = new MerchantStatement().read(reference, 1);
        final List<SettlementRow> day1 = build(dataDir, DAY_1);
        final List<SettlementRow> day2 = build(dataDir, DAY_2);

        assertEquals(List.of("1:12"), payments(day1), "23:59:59.999 is the old day; a held Try is no row yet");
        assertEquals(List.of("1:13", "1:11"), payments(day2), "00:00:00.000 is the new day, and so is the Confirm");
        assertEquals(SettlementRow.COMPLETION, day2.get(1).kind());
        assertEquals(20_000, day2.get(1).amountFen(), "the pre-authorisation's amount, settled on the Confirm's day");
        assertTotals(1, day1, new MerchantStatement(), cutOff1);
        assertTotals(1, day2, cutOff1, cutOff2);
    }

    /**
     * A node rebuilt by a snapshot install has a journal that starts after the snapshot. A day after the snapshot is
     * settled there in full, the alliance share of a consumer registered before it included (the home merchant comes
     * from the engine's state, not from the journal's registrations); a day before (or across) the journal's start is
     * refused, never settled as empty or partial (acct-review finding 3).
     */
    @Test
    void aJournalStartingAfterASnapshotSettlesTheDaysAfterItAndRefusesTheDaysBefore()
    {
        final Path dataDir = dir.resolve("installed");
        final SnapshotStore snapshots = new SnapshotStore(dataDir.resolve("snapshots"), 2);
        try (ChronicleJournal primary = ChronicleJournal.open(new JournalConfig(dir.resolve("primary"))))
        {
            writer = primary.writer();
            writeDay1();
        }
        EngineSnapshots.write(reference, snapshots, -1);
        ChronicleJournal.writeStartFile(createDirectories(dataDir.resolve("journal")), sequence);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            writer = journal.writer();
            writeDay2();
        }
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            final List<SettlementRow> day2 = new SettlementBuilder().build(journal, snapshots, EngineConfig.small(),
                DAY_2.atStartOfDay(ZONE).toInstant().toEpochMilli(),
                DAY_2.plusDays(1).atStartOfDay(ZONE).toInstant().toEpochMilli());
            assertEquals(List.of("1:3", "1:5", "2:7"), payments(day2));
            assertTrue(day2.stream().anyMatch((row) -> row.merchantId() == 2 &&
                row.kind().equals(SettlementRow.ALLIANCE_IN) && row.consumerId() == 5 && row.allianceInFen() > 0),
                "consumer 5 registered before the snapshot: its alliance share still reaches merchant 2");
            final SettlementBuilder.DayNotInJournal refused = assertThrows(SettlementBuilder.DayNotInJournal.class,
                () -> new SettlementBuilder().build(journal, snapshots, EngineConfig.small(),
                    DAY_1.atStartOfDay(ZONE).toInstant().toEpochMilli(),
                    DAY_1.plusDays(1).atStartOfDay(ZONE).toInstant().toEpochMilli()));
            assertTrue(refused.getMessage().contains("starts after sequence " + 11), refused.getMessage());
        }
    }

    /**
     * Vouchers lapsing around payment commands (acct-review findings 1, 2, 4): a voucher swept by the input of
     * another payment of its merchant is not that payment's pool or alliance share; a full refund whose voucher lapsed
     * meanwhile shows the voucher's value going back to the pool, not as an alliance share; a Cancel whose reserved
     * voucher lapsed moves no sale money; and the alliance share of a consumer whose first registration was refused
     * goes to the home merchant the engine accepted. Every sale's pool, fee and alliance lines are the rates of its
     * amount, and the day's alliance shares paid equal those received.
     */
    @Test
    void lapsedVouchersAndRefusedRegistrationsDoNotBendTheRows()
    {
        final Path dataDir = dir.resolve("vouchers");
        final long dayStartMs = DAY_1.atStartOfDay(ZONE).toInstant().toEpochMilli();
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            writer = journal.writer();
            writeVoucherDay();
            closeVoucherDay();
        }
        final List<SettlementRow> rows;
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            lastBuilder = new SettlementBuilder();
            rows = lastBuilder.build(journal, null, EngineConfig.small(), dayStartMs, dayStartMs + 86_400_000L);
        }
        long allianceOut = 0;
        long allianceIn = 0;
        for (final SettlementRow row : rows)
        {
            allianceOut += row.allianceOutFen();
            allianceIn += row.allianceInFen();
            if (row.kind().equals(SettlementRow.PAYMENT))
            {
                final long a = row.amountFen();
                assertEquals(a * 1000 / 10_000, row.poolFen(), "pool of " + row);
                assertEquals(a * 60 / 10_000, row.feeFen(), "fee of " + row);
                assertEquals(row.consumerId() == 6 ? 0 : a * 500 / 10_000, row.allianceOutFen(), "alliance of " + row);
                assertEquals(0, row.voucherLapsedFen(), row + "");
            }
        }
        assertEquals(allianceOut, allianceIn, "alliance shares paid and received");
        assertEquals("journal entries 1..23 are the day's; state hash after sequence 23: " + cutOffStateHash +
            " (as wodian journal verify and snapshots print it)", lastBuilder.journalNote());
        assertEquals(List.of(new SettlementRow(1, 22, rows.stream().filter((r) -> r.sequence() == 22).findFirst()
            .orElseThrow().timestampMs(), SettlementRow.REFUND, 101, 4, 1, 0, 6, -3_000, 0, 500, -18, -300, 0, 0, 0,
            -2_682, 3_000, 0, 0, 0)), rows.stream().filter((r) -> r.sequence() == 22).toList(),
            "full refund of a voucher payment whose voucher lapsed: the voucher's 500 back to the pool, no alliance");
        final SettlementRow reversal = rows.stream().filter((r) -> r.kind().equals(SettlementRow.REVERSAL))
            .findFirst().orElseThrow();
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 500L), List.of(reversal.amountFen(), reversal.feeFen(),
            reversal.poolFen(), reversal.allianceOutFen(), reversal.netFen(), reversal.voucherLapsedFen()));
        assertTrue(rows.stream().anyMatch((row) -> row.merchantId() == 2 && row.paymentId() == 7 &&
            row.kind().equals(SettlementRow.ALLIANCE_IN) && row.allianceInFen() == 200),
            "consumer 7's share goes to merchant 2, the home the engine accepted (not 99, refused)");
    }

    /**
     * Merchant 1 (10 points a yuan, pool 10%, alliance 5%, fee 0.6%, vouchers of 500 fen for 100 points, valid 60 s),
     * merchant 2 the home of consumers 5 and 7 (7's first registration names merchant 99 and is refused).
     */
    private void writeVoucherDay()
    {
        timestampMs = DAY_1.atTime(9, 0).atZone(ZONE).toInstant().toEpochMilli();
        append(encoder.registerMerchant(buffer, 0, 1, 10, 1000, 500, 60, true));                       // 1
        append(encoder.registerMerchant(buffer, 0, 2, 1, 200, 100, 60, true));
        append(encoder.setMerchantRules(buffer, 0, 1, 10, 1000, 500, 60, true,
            com.wodian.protocol.sbe.DistributionMode.VOUCHER, 100, 500, 60_000));
        append(encoder.registerTerminal(buffer, 0, 101, 1));
        append(encoder.registerConsumer(buffer, 0, 5, 2));                                              // 5
        append(encoder.registerConsumer(buffer, 0, 6, 1));
        append(encoder.registerConsumer(buffer, 0, 7, 99));                   // refused: UNKNOWN_HOME_MERCHANT
        append(encoder.registerConsumer(buffer, 0, 7, 2));
        append(encoder.topUp(buffer, 0, 5, 900, 1_000_000));
        append(encoder.topUp(buffer, 0, 6, 901, 1_000_000));                                            // 10
        append(encoder.topUp(buffer, 0, 7, 902, 1_000_000));
        append(encoder.pay(buffer, 0, 1, 101, 1, 6, 10_000));
        append(encoder.redeemPoints(buffer, 0, 6, 1, 1));                     // voucher 1, lapses unused
        appendAt(timestampMs + 61_000, encoder.pay(buffer, 0, 1, 101, 2, 5, 2_000));   // 14: sweeps voucher 1
        append(encoder.pay(buffer, 0, 1, 101, 3, 6, 10_000));                                           // 15
        append(encoder.redeemPoints(buffer, 0, 6, 1, 2));                     // voucher 2
        append(encoder.pay(buffer, 0, 1, 101, 4, 6, 3_000, 2));               // 500 of it with voucher 2
        append(encoder.redeemPoints(buffer, 0, 6, 1, 3));                     // voucher 3
        append(encoder.tryPayment(buffer, 0, 1, 101, 5, 6, 3_000, 300_000, 3));
        appendAt(timestampMs + 61_000, encoder.tick(buffer, 0));              // 20: vouchers 2 and 3 lapsed
        append(encoder.cancel(buffer, 0, 1, 101, 5));                         // voucher 3 lapsed under the hold
        append(encoder.refund(buffer, 0, 1, 101, 4, 1, 3_000));               // 22: voucher 2 lapsed
        append(encoder.pay(buffer, 0, 1, 101, 7, 7, 4_000));
    }

    private void closeVoucherDay()
    {
        cutOffStateHash = reference.stateHash();
        appendAt(DAY_2.atStartOfDay(ZONE).toInstant().toEpochMilli() + 1_000, encoder.tick(buffer, 0));
    }

    /**
     * The balance roll (acct-review findings 5 and 9): after the voucher day, merchant 1 distributes its pool as
     * vouchers that lapse unused, withdraws, and merchant 2, which holds only alliance earnings, is refused a
     * withdrawal. Merchant 1's file has the WITHDRAWAL row (none for the refusal), and balances.csv rolls every
     * merchant's settlement, pool and alliance earnings from the day's start to the engine's statements at its end,
     * each movement in its column.
     */
    @Test
    void balancesRollFromTheDaysStartToItsEndWithWithdrawalsAndPoolMovements() throws Exception
    {
        final Path dataDir = dir.resolve("payouts");
        final long dayStartMs = DAY_1.atStartOfDay(ZONE).toInstant().toEpochMilli();
        final Map<Long, MerchantStatement> cutOff = new HashMap<>();
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            writer = journal.writer();
            writeVoucherDay();
            append(encoder.distributePool(buffer, 0, 1, 1, 0));                 // all of merchant 1's pool
            append(encoder.tick(buffer, 0));
            append(encoder.tick(buffer, 0));
            append(encoder.withdraw(buffer, 0, 1, 41, 5_000));
            append(encoder.withdraw(buffer, 0, 2, 42, 100));                    // INSUFFICIENT_SETTLEMENT: no row
            append(encoder.withdraw(buffer, 0, 1, 41, 5_000));                  // a repeat: nothing, no line
            append(encoder.topUp(buffer, 0, 99, 903, 1_000));                   // no such consumer: refused
            append(encoder.topUp(buffer, 0, 5, 900, 1_000_000));                // a repeat: nothing, no line
            appendAt(timestampMs + 61_000, encoder.tick(buffer, 0));            // the distribution's vouchers lapse
            append(encoder.pay(buffer, 0, 1, 101, 8, 5, 1_000));
            for (final long merchantId : MERCHANTS)
            {
                cutOff.put(merchantId, new MerchantStatement().read(reference, merchantId));
            }
            closeVoucherDay();
        }
        final SettlementBuilder builder = new SettlementBuilder();
        final List<SettlementRow> rows;
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            rows = builder.build(journal, null, EngineConfig.small(), dayStartMs, dayStartMs + 86_400_000L);
        }
        final List<SettlementRow> withdrawals = rows.stream()
            .filter((row) -> row.kind().equals(SettlementRow.WITHDRAWAL)).toList();
        assertEquals(1, withdrawals.size(), withdrawals + "");
        assertEquals(List.of(1L, 41L, -5_000L), List.of(withdrawals.get(0).merchantId(),
            withdrawals.get(0).withdrawalId(), withdrawals.get(0).netFen()));
        assertEquals(List.of("TOPUP 5 900 1000000 OK", "TOPUP 6 901 1000000 OK", "TOPUP 7 902 1000000 OK",
            "WITHDRAWAL 1 41 5000 OK", "WITHDRAWAL 2 42 0 INSUFFICIENT_SETTLEMENT", "TOPUP 99 903 0 UNKNOWN_CONSUMER"),
            builder.funds().stream().map((f) -> f.kind() + " " + (f.consumerId() + f.merchantId()) + " " +
                f.referenceId() + " " + f.bookedFen() + " " + f.result()).toList(),
            "funds.csv: every booked top-up and withdrawal and every refusal, no repeat");
        final List<BalanceRoll.Line> balances = builder.balances();
        assertEquals(List.of(1L, 2L), balances.stream().map(BalanceRoll.Line::merchantId).toList());
        final BalanceRoll.Line m1 = balances.get(0);
        final MerchantStatement end1 = cutOff.get(1L);
        assertEquals(List.of(0L, 0L, 0L), List.of(m1.settlementOpeningFen(), m1.poolOpeningFen(),
            m1.allianceOpeningFen()), "day 1 of the ledger: nothing before it");
        assertEquals(List.of(end1.settlementFen, end1.poolFen, end1.allianceEarningsFen),
            List.of(m1.settlementClosingFen(), m1.poolClosingFen(), m1.allianceClosingFen()));
        assertEquals(5_000, m1.withdrawnFen());
        assertEquals(1_500, m1.pointVouchersFen(), "three 500-fen vouchers bought with points");
        assertTrue(m1.distributionsFen() > 0, m1 + "");
        assertEquals(1_500 + m1.distributionsFen(), m1.vouchersLapsedFen(),
            "vouchers 1, 2 and 3 and every distribution voucher lapsed: " + m1);
        final BalanceRoll.Line m2 = balances.get(1);
        assertEquals(List.of(0L, 0L, cutOff.get(2L).allianceEarningsFen), List.of(m2.settlementClosingFen(),
            m2.withdrawnFen(), m2.allianceClosingFen()));
        assertEquals(350, m2.allianceInFen(), "consumer 5's and 7's shares at merchant 1 (100 + 200 + 50)");

        final List<Path> files = SettlementFiles.write(dir.resolve("payouts-out"), DAY_1, ZONE, rows, balances);
        final List<String> csv = Files.readAllLines(dir.resolve("payouts-out").resolve(
            SettlementFiles.BALANCES_FILE_NAME));
        assertEquals(BalanceRoll.CSV_HEADER, csv.get(0));
        assertEquals("2,0,0,0,0,0,0,0,0,0,0,0,350,0,350", csv.get(2));
        assertTrue(Files.readString(files.get(files.size() - 1)).contains("# format " +
            SettlementFiles.FORMAT_VERSION + "\n"));
    }

    /**
     * Acct-review findings 6 and 8: after the voucher day, with REFUND_SHORTFALL_FROM_SETTLEMENT on, merchant 1's pool is
     * distributed, merchant 2's alliance earnings and all the platform's fees are paid out, and then consumer 7's 4,000
     * fen at merchant 1 are refunded in full: the pool's 400 and the alliance share's 200 come from merchant 1's
     * settlement and show as its REFUND row's shortfalls (no ALLIANCE_IN row: merchant 2 gave nothing back), the fee's
     * 24 leave the platform's fee income below zero. The payouts are rows and funds.csv lines, and the merchants'
     * balances and the platform's fee income roll.
     */
    @Test
    void payoutsOfAllianceEarningsAndFeesAndARefundShortfallAreRowsThatRoll() throws Exception
    {
        final Path dataDir = dir.resolve("shortfall");
        final long dayStartMs = DAY_1.atStartOfDay(ZONE).toInstant().toEpochMilli();
        final long feesPaidOutFen;
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            writer = journal.writer();
            writeVoucherDay();
            append(encoder.setEngineSetting(buffer, 0,
                com.wodian.protocol.sbe.EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 1));
            append(encoder.distributePool(buffer, 0, 1, 1, 0));
            append(encoder.tick(buffer, 0));
            append(encoder.tick(buffer, 0));
            append(encoder.withdraw(buffer, 0, 2, 51, 300, com.wodian.protocol.sbe.WithdrawSource.ALLIANCE_EARNINGS));
            feesPaidOutFen = reference.platformFeesFen();
            append(encoder.withdraw(buffer, 0, 0, 52, feesPaidOutFen,
                com.wodian.protocol.sbe.WithdrawSource.PLATFORM_FEES));
            append(encoder.refund(buffer, 0, 1, 101, 7, 2, 4_000));
            closeVoucherDay();
        }
        final SettlementBuilder builder = new SettlementBuilder();
        final List<SettlementRow> rows;
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            rows = builder.build(journal, null, EngineConfig.small(), dayStartMs, dayStartMs + 86_400_000L);
        }
        final SettlementRow refund = rows.get(rows.size() - 1);
        assertEquals(List.of(SettlementRow.REFUND, -4_000L, -24L, 0L, 0L, -3_976L, 400L, 200L), List.of(refund.kind(),
            refund.amountFen(), refund.feeFen(), refund.poolFen(), refund.allianceOutFen(), refund.netFen(),
            refund.poolShortfallFen(), refund.allianceShortfallFen()), refund + "");
        final SettlementRow payout = rows.get(rows.size() - 2);
        assertEquals(List.of(2L, SettlementRow.ALLIANCE_WITHDRAWAL, 51L, -300L, 0L), List.of(payout.merchantId(),
            payout.kind(), payout.withdrawalId(), payout.allianceInFen(), payout.netFen()));
        assertEquals(List.of("ALLIANCE_WITHDRAWAL 2 51 300 OK", "PLATFORM_FEE_PAYOUT 0 52 " + feesPaidOutFen + " OK"),
            builder.funds().stream().filter((f) -> !f.kind().equals(FundsRow.TOPUP)).map((f) -> f.kind() + " " +
                f.merchantId() + " " + f.referenceId() + " " + f.bookedFen() + " " + f.result()).toList());
        final BalanceRoll.Line m2 = builder.balances().get(1);
        assertEquals(List.of(300L, 300L, 0L), List.of(m2.allianceInFen(), m2.allianceWithdrawnFen(),
            m2.allianceClosingFen()));
        assertEquals(new BalanceRoll.PlatformLine(0, feesPaidOutFen - 24, feesPaidOutFen, -24), builder.platform());

        final Path out = dir.resolve("shortfall-out");
        SettlementFiles.write(out, DAY_1, ZONE, rows, builder.balances(), builder.platform(), builder.funds(),
            List.of(builder.journalNote()), null);
        assertEquals(List.of(BalanceRoll.PLATFORM_CSV_HEADER, "0," + (feesPaidOutFen - 24) + "," + feesPaidOutFen +
            ",-24"), Files.readAllLines(out.resolve(SettlementFiles.PLATFORM_FILE_NAME)));
        final List<String> merchant1 = Files.readAllLines(out.resolve("merchant-1.csv"));
        assertTrue(merchant1.get(merchant1.size() - 1).endsWith(",-3976,4000,0,400,200"), merchant1 + "");
        final List<String> summary = Files.readAllLines(out.resolve(SettlementFiles.SUMMARY_FILE_NAME));
        assertTrue(summary.get(2).startsWith("2,3,") && summary.get(2).endsWith(",300"),
            "merchant 2's payout is its withdrawn_fen: " + summary);
    }

    private static Path createDirectories(final Path path)
    {
        try
        {
            return Files.createDirectories(path);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private void writeTwoDays()
    {
        writeDay1();
        writeDay2();
    }

    private void writeDay1()
    {
        timestampMs = DAY_1.atTime(9, 0).atZone(ZONE).toInstant().toEpochMilli();
        append(encoder.registerMerchant(buffer, 0, 1, 2, 300, 150, 60, true));
        append(encoder.registerMerchant(buffer, 0, 2, 1, 200, 100, 60, true));
        append(encoder.registerTerminal(buffer, 0, 101, 1));
        append(encoder.registerTerminal(buffer, 0, 201, 2));
        append(encoder.registerConsumer(buffer, 0, 5, 2));
        append(encoder.registerConsumer(buffer, 0, 6, 1));
        append(encoder.topUp(buffer, 0, 5, 900, 1_000_000));
        append(encoder.topUp(buffer, 0, 6, 901, 1_000_000));
        append(encoder.pay(buffer, 0, 1, 101, 1, 6, 10_000));
        append(encoder.tryPayment(buffer, 0, 1, 101, 2, 5, 20_000, 60_000));
        append(encoder.confirm(buffer, 0, 1, 101, 2));
        for (final long merchantId : MERCHANTS)
        {
            endOfDay1.put(merchantId, new MerchantStatement().read(reference, merchantId));
        }
    }

    private void writeDay2()
    {

        timestampMs = DAY_2.atTime(10, 0).atZone(ZONE).toInstant().toEpochMilli();
        append(encoder.pay(buffer, 0, 1, 101, 3, 5, 33_333));
        append(encoder.pay(buffer, 0, 1, 101, 3, 5, 33_333));        // a retry: the first result, no second row
        append(encoder.tryPayment(buffer, 0, 1, 101, 4, 6, 5_000, 60_000));
        append(encoder.cancel(buffer, 0, 1, 101, 4));
        append(encoder.refund(buffer, 0, 1, 101, 2, 70, 7_777));     // part of a day-1 payment
        append(encoder.pay(buffer, 0, 1, 101, 5, 6, 4_000));
        append(encoder.refund(buffer, 0, 1, 101, 5, 71, 4_000));     // all of a day-2 payment
        append(encoder.pay(buffer, 0, 2, 201, 7, 6, 12_345));
        append(encoder.pay(buffer, 0, 2, 201, 8, 6, 99_999_999));    // declined: insufficient funds, no row

        for (final long merchantId : MERCHANTS)
        {
            endOfDay2.put(merchantId, new MerchantStatement().read(reference, merchantId));
        }
        timestampMs = DAY_2.plusDays(1).atTime(0, 0, 1).atZone(ZONE).toInstant().toEpochMilli();
        append(encoder.pay(buffer, 0, 1, 101, 9, 6, 1_000));          // the next day: not in day 2
    }

    /** Appends at exactly this journal time (the next append goes on from it). */
    private void appendAt(final long atMs, final int length)
    {
        timestampMs = atMs - 1_000;
        append(length);
    }

    private void append(final int length)
    {
        sequence++;
        timestampMs += 1_000;
        writer.append(sequence, timestampMs, CommandCatalog.SCHEMA_VERSION, buffer, 0, length);
        reference.onCommand(sequence, timestampMs, buffer, 0, length, (b, o, l) -> { });
    }
}
