package com.wodian.tools.settlement;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a business day's settlement (docs/settlement.md): {@code merchant-<id>.csv} per merchant with rows,
 * {@code summary.csv} with one line per merchant, {@code balances.csv}, {@code funds.csv}, {@code platform.csv}, and
 * {@code manifest.txt} with the SHA-256 of each file. Nothing
 * depends on when or where it runs (no generation time, merchants in id order, rows in journal order, LF line ends),
 * so the same journal gives the same bytes.
 */
public final class SettlementFiles
{
    public static final String SUMMARY_FILE_NAME = "summary.csv";
    public static final String MANIFEST_FILE_NAME = "manifest.txt";
    public static final String BALANCES_FILE_NAME = "balances.csv";
    public static final String FUNDS_FILE_NAME = "funds.csv";
    public static final String PLATFORM_FILE_NAME = "platform.csv";
    /**
     * The files' format, on the manifest's line {@code # format N}: 1 had no such line; 2 added voucher_lapsed_fen and
     * renamed net_payable_fen day_net_fen; 3 added WITHDRAWAL rows, withdrawal_id, withdrawn_fen and balances.csv;
     * 4 the manifest's journal line; 5 sale_amount_fen and refunded_before_fen last in the merchant files;
     * 6 funds.csv; 7 ALLIANCE_WITHDRAWAL rows, pool_shortfall_fen and alliance_shortfall_fen last in the merchant
     * files, alliance_withdrawn_fen in balances.csv, funds.csv kinds ALLIANCE_WITHDRAWAL and PLATFORM_FEE_PAYOUT,
     * platform.csv; 8 the card number masked ({@link CardMask}): {@code card_masked} in place of {@code consumer_id}
     * in the merchant files and funds.csv (docs/settlement.md, "Format versions").
     */
    public static final int FORMAT_VERSION = 8;

    /**
     * The line before a keyed manifest's last ({@code --key}; any files' format): it names the keying scheme's version
     * and what the last line is (security review item 12; docs/settlement.md, "Keyed manifest").
     */
    public static final String KEYED_LINE = "# keyed v1: the next line is the HMAC-SHA256 of every byte above it " +
        "under the settlement key (docs/settlement.md)";

    /** The start of a keyed manifest's last line; the HMAC's 64 hex digits follow. */
    public static final String HMAC_LINE_PREFIX = "# hmac-sha256 ";
    public static final String SUMMARY_HEADER = "merchant_id,rows,gross_fen,refunds_fen,voucher_fen," +
        "voucher_lapsed_fen,fees_fen,pool_fen,alliance_out_fen,alliance_in_fen,points,day_net_fen,withdrawn_fen";

    private SettlementFiles()
    {
    }

    /** @return the files written, manifest last. */
    public static List<Path> write(final Path outDir, final LocalDate date, final ZoneId zone,
        final List<SettlementRow> rows, final List<BalanceRoll.Line> balances) throws IOException
    {
        return write(outDir, date, zone, rows, balances, null, List.of(), List.of(), null);
    }

    /**
     * @param platform the platform's fee roll ({@code platform.csv}); null writes no such file (tests only).
     * @param notes comment lines for the manifest after its format line (without the {@code # }): where the day lies
     *              in the journal, and for a day still open the provisional note, so that such files are never
     *              mistaken for the day's settlement.
     * @param key   the settlement key: the manifest then ends with its HMAC-SHA256 (docs/settlement.md, "Keyed
     *              manifest"); null for none.
     * @return the files written, manifest last.
     */
    public static List<Path> write(final Path outDir, final LocalDate date, final ZoneId zone,
        final List<SettlementRow> rows, final List<BalanceRoll.Line> balances, final BalanceRoll.PlatformLine platform,
        final List<FundsRow> funds, final List<String> notes, final byte[] key) throws IOException
    {
        Files.createDirectories(outDir);
        final Map<Long, List<SettlementRow>> byMerchant = new TreeMap<>();
        for (final SettlementRow row : rows)
        {
            byMerchant.computeIfAbsent(row.merchantId(), (id) -> new ArrayList<>()).add(row);
        }
        final DateTimeFormatter time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(zone);
        final List<Path> files = new ArrayList<>();
        final StringBuilder summary = new StringBuilder(SUMMARY_HEADER).append('\n');
        for (final Map.Entry<Long, List<SettlementRow>> entry : byMerchant.entrySet())
        {
            final StringBuilder csv = new StringBuilder(SettlementRow.CSV_HEADER).append('\n');
            final long[] totals = new long[11];
            for (final SettlementRow row : entry.getValue())
            {
                csv.append(time.format(Instant.ofEpochMilli(row.timestampMs()))).append(',').append(row.sequence())
                    .append(',').append(row.kind()).append(',').append(row.terminalId()).append(',')
                    .append(row.paymentId()).append(',').append(row.refundId()).append(',').append(row.withdrawalId())
                    .append(',').append(CardMask.of(row.consumerId()))
                    .append(',').append(row.amountFen()).append(',').append(row.voucherFen()).append(',')
                    .append(row.voucherLapsedFen()).append(',').append(row.feeFen()).append(',').append(row.poolFen())
                    .append(',').append(row.allianceOutFen())
                    .append(',').append(row.allianceInFen()).append(',').append(row.pointsEarned()).append(',')
                    .append(row.netFen()).append(',').append(row.saleAmountFen()).append(',')
                    .append(row.refundedBeforeFen()).append(',').append(row.poolShortfallFen()).append(',')
                    .append(row.allianceShortfallFen()).append('\n');
                addTotals(totals, row);
            }
            files.add(writeFile(outDir.resolve("merchant-" + entry.getKey() + ".csv"), csv));
            summary.append(entry.getKey()).append(',').append(entry.getValue().size());
            for (final long total : totals)
            {
                summary.append(',').append(total);
            }
            summary.append('\n');
        }
        files.add(writeFile(outDir.resolve(BALANCES_FILE_NAME), balancesCsv(balances)));
        files.add(writeFile(outDir.resolve(FUNDS_FILE_NAME), fundsCsv(funds, time)));
        if (null != platform)
        {
            files.add(writeFile(outDir.resolve(PLATFORM_FILE_NAME), new StringBuilder(BalanceRoll.PLATFORM_CSV_HEADER)
                .append('\n').append(platform.feesOpeningFen()).append(',').append(platform.feesFen()).append(',')
                .append(platform.feesPaidOutFen()).append(',').append(platform.feesClosingFen()).append('\n')));
        }
        files.add(writeFile(outDir.resolve(SUMMARY_FILE_NAME), summary));
        final StringBuilder manifest = manifest(date, zone, notes, files, key);
        forceDirectory(outDir); // the data files' names are durable before the manifest that lists them
        files.add(writeFile(outDir.resolve(MANIFEST_FILE_NAME), manifest));
        forceDirectory(outDir);
        return files;
    }

    private static StringBuilder manifest(final LocalDate date, final ZoneId zone, final List<String> notes,
        final List<Path> files, final byte[] key) throws IOException
    {
        final StringBuilder manifest = new StringBuilder("# Wodian settlement, business day ").append(date)
            .append(' ').append(zone.getId()).append('\n').append("# format ").append(FORMAT_VERSION).append('\n');
        for (final String note : notes)
        {
            manifest.append("# ").append(note).append('\n');
        }
        manifest.append("# sha256  file\n");
        for (final Path file : files)
        {
            manifest.append(sha256(file)).append("  ").append(file.getFileName()).append('\n');
        }
        if (null != key)
        {
            manifest.append(KEYED_LINE).append('\n');
            final byte[] body = manifest.toString().getBytes(StandardCharsets.UTF_8);
            manifest.append(HMAC_LINE_PREFIX).append(SettlementKey.hmacHex(key, body, body.length)).append('\n');
        }
        return manifest;
    }

    /**
     * The settlement files an earlier run left in {@code outDir} (its manifest, summary, balances, funds, platform and
     * merchant files), in name order; empty when the directory does not exist.
     */
    public static List<Path> existingFiles(final Path outDir) throws IOException
    {
        if (!Files.isDirectory(outDir))
        {
            return List.of();
        }
        try (java.util.stream.Stream<Path> entries = Files.list(outDir))
        {
            return entries.filter((file) -> isSettlementFile(file.getFileName().toString())).sorted().toList();
        }
    }

    static boolean isSettlementFile(final String name)
    {
        return name.equals(MANIFEST_FILE_NAME) || name.equals(SUMMARY_FILE_NAME) || name.equals(BALANCES_FILE_NAME) ||
            name.equals(FUNDS_FILE_NAME) || name.equals(PLATFORM_FILE_NAME) ||
            (name.startsWith("merchant-") && name.endsWith(".csv"));
    }

    /** gross, refunds, voucher, voucher lapsed, fees, pool, alliance out, alliance in, points, day net, withdrawn. */
    private static void addTotals(final long[] totals, final SettlementRow row)
    {
        if (row.isWithdrawal())
        {
            totals[10] -= row.netFen() + row.allianceInFen();
            return;
        }
        totals[0] += Math.max(0, row.amountFen());
        totals[1] += Math.max(0, -row.amountFen());
        totals[2] += row.voucherFen();
        totals[3] += row.voucherLapsedFen();
        totals[4] += row.feeFen();
        totals[5] += row.poolFen();
        totals[6] += row.allianceOutFen();
        totals[7] += row.allianceInFen();
        totals[8] += row.pointsEarned();
        // The day's change of what the engine holds for the merchant from sales and refunds (its settlement balance
        // and its alliance earnings): not what it is owed (withdrawals and earlier days are not in it).
        totals[9] += row.netFen() + row.allianceInFen();
    }

    private static StringBuilder fundsCsv(final List<FundsRow> funds, final DateTimeFormatter time)
    {
        final StringBuilder csv = new StringBuilder(FundsRow.CSV_HEADER).append('\n');
        for (final FundsRow row : funds)
        {
            csv.append(time.format(Instant.ofEpochMilli(row.timestampMs()))).append(',').append(row.sequence())
                .append(',').append(row.kind()).append(',').append(CardMask.of(row.consumerId())).append(',')
                .append(row.merchantId()).append(',').append(row.referenceId()).append(',').append(row.amountFen())
                .append(',').append(row.bookedFen()).append(',').append(row.result()).append('\n');
        }
        return csv;
    }

    private static StringBuilder balancesCsv(final List<BalanceRoll.Line> balances)
    {
        final StringBuilder csv = new StringBuilder(BalanceRoll.CSV_HEADER).append('\n');
        for (final BalanceRoll.Line line : balances)
        {
            final long[] values = { line.merchantId(), line.settlementOpeningFen(), line.salesNetFen(),
                line.withdrawnFen(), line.settlementClosingFen(), line.poolOpeningFen(), line.poolContributedFen(),
                line.vouchersLapsedFen(), line.pointVouchersFen(), line.distributionsFen(), line.poolClosingFen(),
                line.allianceOpeningFen(), line.allianceInFen(), line.allianceWithdrawnFen(),
                line.allianceClosingFen() };
            for (int i = 0; i < values.length; i++)
            {
                csv.append(i == 0 ? "" : ",").append(values[i]);
            }
            csv.append('\n');
        }
        return csv;
    }

    /**
     * Writes {@code file} whole or not at all, never through a link: the bytes go to a new temporary file beside it
     * (created exclusively, so nothing planted there is opened; the process's umask sets its mode, as for any file
     * created here), are forced to disk, and the temporary file is renamed over the name, which replaces the name
     * instead of writing into what it points to. A pickup of the directory sees the old file or the new one, never a
     * half-written one; a name that is a symbolic link is refused. Written in place before (security review C9),
     * whoever could write the {@code --out} directory (often a bank's pickup folder) could make a settlement
     * overwrite any file of the {@code wodian} user through a planted {@code manifest.txt -> .../credentials}.
     */
    static Path writeFile(final Path file, final CharSequence text) throws IOException
    {
        if (Files.isSymbolicLink(file))
        {
            throw new IOException("refusing to write " + file + ": it is a symbolic link (a settlement file is " +
                "written only as a file of its own; remove the link, and check who may write " + file.getParent() +
                ")");
        }
        final Path temporary = file.resolveSibling("." + file.getFileName() + "." + Long.toHexString(
            java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE))
            {
                final ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally
        {
            Files.deleteIfExists(temporary); // gone after the rename; left only by a failure
        }
        return file;
    }

    /** Forces the directory's entries (the renames) to disk: the manifest is promised only once its files are. */
    private static void forceDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            // Some file systems and platforms cannot open a directory for this; each file was forced already.
        }
    }

    static String sha256(final Path file) throws IOException
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
