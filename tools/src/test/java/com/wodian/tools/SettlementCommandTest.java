package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.consensus.storage.CommitMark;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.net.durability.EngineLimitsFile;
import com.wodian.tools.settlement.SettlementFiles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian settlement}'s refusals (docs/settlement.md, "Refusals"): a day the journal has not closed, a day whose
 * end is not committed on a replica group member, and an output directory that already holds settlement files.
 */
class SettlementCommandTest
{
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final LocalDate DAY = LocalDate.of(2026, 12, 2);
    private static final long END_OF_DAY_MS = DAY.plusDays(1).atStartOfDay(ZONE).toInstant().toEpochMilli();

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private long sequence;

    @TempDir
    Path dir;

    @Test
    void anOpenDayIsRefusedUnlessAllowedAndThenMarkedProvisional() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path out = dir.resolve("out");
        appendDay(dataDir);

        final CliTest.Run refused = settle(dataDir, out);
        assertEquals(WodianMain.EXIT_REFUSED, refused.exitCode(), refused.out());
        assertFalse(Files.exists(out), "nothing written for a day the journal has not closed");
        final SettlementCommand.Refused why = assertThrows(SettlementCommand.Refused.class,
            () -> SettlementCommand.write(dataDir, DAY, ZONE, out, EngineConfig.small(), false, false));
        assertTrue(why.getMessage().contains("day 2026-12-02 Asia/Shanghai is not closed") &&
            why.getMessage().contains("sequence 6 at 2026-12-02T23:58:00+08:00") &&
            why.getMessage().contains("--allow-open-day"), why.getMessage());

        final CliTest.Run provisional = settle(dataDir, out, "--allow-open-day");
        assertEquals(WodianMain.EXIT_OK, provisional.exitCode(), provisional.out());
        assertTrue(provisional.out().contains("PROVISIONAL"), provisional.out());
        assertTrue(manifest(out).contains("# PROVISIONAL: the day was not closed"), manifest(out));

        // The next day's first entry (a server journals a Tick every second) closes the day.
        append(dataDir, END_OF_DAY_MS + 1_000, encoder.tick(buffer, 0));
        final byte[] provisionalManifest = Files.readAllBytes(out.resolve(SettlementFiles.MANIFEST_FILE_NAME));
        final CliTest.Run kept = settle(dataDir, out);
        assertEquals(WodianMain.EXIT_REFUSED, kept.exitCode(), "files already in --out: refused without --replace");
        assertArrayEquals(provisionalManifest, Files.readAllBytes(out.resolve(SettlementFiles.MANIFEST_FILE_NAME)));

        final CliTest.Run replaced = settle(dataDir, out, "--replace");
        assertEquals(WodianMain.EXIT_OK, replaced.exitCode(), replaced.out());
        assertFalse(manifest(out).contains("PROVISIONAL"), manifest(out));
        assertTrue(Files.exists(out.resolve("merchant-1.csv")), "the day's payment is settled");
    }

    @Test
    void aGroupMembersDayIsSettledOnlyOnceItsEndIsCommitted() throws Exception
    {
        final Path dataDir = dir.resolve("member");
        appendDay(dataDir);
        final long lastOfDay = sequence;
        append(dataDir, END_OF_DAY_MS + 1_000, encoder.tick(buffer, 0));
        final CommitMark mark = new CommitMark(dataDir.resolve(JournalReplicaLog.COMMIT_MARK_FILE_NAME));
        mark.store(lastOfDay);

        final SettlementCommand.Refused why = assertThrows(SettlementCommand.Refused.class,
            () -> SettlementCommand.write(dataDir, DAY, ZONE, dir.resolve("out"), EngineConfig.small(), false, false));
        assertTrue(why.getMessage().contains("not committed yet") &&
            why.getMessage().contains("commit mark (commit-mark) is at sequence " + lastOfDay), why.getMessage());
        assertEquals(WodianMain.EXIT_REFUSED, settle(dataDir, dir.resolve("out")).exitCode());
        assertFalse(Files.exists(dir.resolve("out")));

        mark.store(sequence);
        final CliTest.Run settled = settle(dataDir, dir.resolve("out"));
        assertEquals(WodianMain.EXIT_OK, settled.exitCode(), settled.out());
    }

    /**
     * Security review item 12: with a settlement key the manifest ends with its HMAC, so someone who can write the
     * directory but lacks the key can no longer change a file and its manifest line together (an unkeyed manifest's
     * SHA-256 lines they simply recompute). {@code settlement-verify} finds that, a changed file, a file the manifest
     * does not list, and a wrong key.
     */
    @Test
    void aKeyedManifestShowsAFileChangedWithItsManifestLine() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path out = dir.resolve("out");
        appendDay(dataDir);
        append(dataDir, END_OF_DAY_MS + 1_000, encoder.tick(buffer, 0));
        final Path key = dir.resolve("settlement.key");
        Files.writeString(key, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
        final CliTest.Run settled = settle(dataDir, out, "--key", key.toString());
        assertEquals(WodianMain.EXIT_OK, settled.exitCode(), settled.out());
        final String manifest = manifest(out);
        assertTrue(manifest.contains(SettlementFiles.KEYED_LINE + "\n" + SettlementFiles.HMAC_LINE_PREFIX) &&
            manifest.contains("# format " + SettlementFiles.FORMAT_VERSION + "\n"), manifest);
        assertEquals(WodianMain.EXIT_OK, verify(out, key).exitCode(), verify(out, key).out());

        // Someone who can write the directory raises merchant 1's net and recomputes its manifest line.
        final Path merchantFile = out.resolve("merchant-1.csv");
        final String original = Files.readString(merchantFile);
        Files.writeString(merchantFile, original.replace(",10000,", ",90000,"));
        final String forged = manifest.replace(sha256(original), sha256(Files.readString(merchantFile)));
        assertFalse(forged.equals(manifest), "the forgery changed the manifest's line");
        Files.writeString(out.resolve(SettlementFiles.MANIFEST_FILE_NAME), forged);
        assertEquals(WodianMain.EXIT_REFUSED, verify(out, key).exitCode());
        assertTrue(problems(out, key).contains("HMAC does not match"), problems(out, key));

        Files.writeString(out.resolve(SettlementFiles.MANIFEST_FILE_NAME), manifest);
        assertEquals(WodianMain.EXIT_REFUSED, verify(out, key).exitCode());
        assertTrue(problems(out, key).contains("merchant-1.csv: its SHA-256 is not the manifest's"),
            problems(out, key));

        Files.writeString(merchantFile, original);
        Files.writeString(out.resolve("merchant-9.csv"), "time\n");
        assertTrue(problems(out, key).contains("merchant-9.csv is not listed in the manifest"), problems(out, key));
        Files.delete(out.resolve("merchant-9.csv"));
        final Path otherKey = dir.resolve("other.key");
        Files.writeString(otherKey, "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
        assertEquals(WodianMain.EXIT_REFUSED, verify(out, otherKey).exitCode(), "another key");
        assertEquals(WodianMain.EXIT_OK, verify(out, key).exitCode(), verify(out, key).out());
    }

    /** Ops-review finding 11: the finance side's check refuses provisional files unless told they are expected. */
    @Test
    void settlementVerifyRefusesProvisionalFilesUnlessAllowed() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path out = dir.resolve("out");
        appendDay(dataDir);
        final Path key = dir.resolve("settlement.key");
        Files.writeString(key, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
        final CliTest.Run provisional = settle(dataDir, out, "--allow-open-day", "--key", key.toString());
        assertEquals(WodianMain.EXIT_OK, provisional.exitCode(), provisional.out());
        assertTrue(problems(out, key).isEmpty(), problems(out, key));
        assertTrue(com.wodian.tools.settlement.ManifestCheck.provisionalLine(out).startsWith("PROVISIONAL:"));
        assertEquals(WodianMain.EXIT_REFUSED, verify(out, key).exitCode(), "not for payment");
        final CliTest.Run allowed = CliTest.wodian("settlement-verify", "--out", out.toString(), "--key",
            key.toString(), "--allow-provisional");
        assertEquals(WodianMain.EXIT_OK, allowed.exitCode(), allowed.out());
        assertTrue(allowed.out().contains("PROVISIONAL, not for payment"), allowed.out());
    }

    /**
     * Ops-review finding 11, across versions: a keyed manifest that lists a file this version does not name (as
     * format 7's platform.csv was to format 6's checker) is checked by its SHA-256, and a newer format is named.
     */
    @Test
    void settlementVerifyChecksEveryListedFileAndNamesANewerFormat() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path out = dir.resolve("out");
        appendDay(dataDir);
        append(dataDir, END_OF_DAY_MS + 1_000, encoder.tick(buffer, 0));
        final Path key = dir.resolve("settlement.key");
        Files.writeString(key, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
        assertEquals(WodianMain.EXIT_OK, settle(dataDir, out, "--key", key.toString()).exitCode());
        final String manifest = manifest(out);
        final String body = manifest.substring(0, manifest.indexOf(SettlementFiles.KEYED_LINE));
        Files.writeString(out.resolve("later.csv"), "a,b\n");
        rekey(out, key, body + sha256("a,b\n") + "  later.csv\n");
        assertEquals("", problems(out, key), "a file of a later format is checked, not refused for its name");
        Files.writeString(out.resolve("later.csv"), "a,c\n");
        assertTrue(problems(out, key).contains("later.csv: its SHA-256 is not the manifest's"), problems(out, key));
        rekey(out, key, body.replace("# format " + SettlementFiles.FORMAT_VERSION + "\n", "# format " +
            (SettlementFiles.FORMAT_VERSION + 1) + "\n"));
        assertTrue(problems(out, key).contains("files of format " + (SettlementFiles.FORMAT_VERSION + 1) +
            ", newer than this version knows"), problems(out, key));
        assertEquals(WodianMain.EXIT_REFUSED, verify(out, key).exitCode());
    }

    /** Fuzz review 9: a key of other scripts' digits is refused with the key file's sentence, not an exception. */
    @Test
    void aKeyOfNonAsciiDigitsIsNoKey() throws Exception
    {
        final Path key = dir.resolve("arabic.key");
        Files.writeString(key, "\u0663".repeat(64) + "\n", java.nio.charset.StandardCharsets.UTF_8);
        final java.io.IOException refused = assertThrows(java.io.IOException.class,
            () -> com.wodian.tools.settlement.SettlementKey.load(key));
        assertTrue(refused.getMessage().contains("is no settlement key"), refused.getMessage());
    }

    /** Writes a keyed manifest of this body (as a later version would), under the key. */
    private static void rekey(final Path out, final Path key, final String body) throws Exception
    {
        final String keyed = body + SettlementFiles.KEYED_LINE + "\n";
        final byte[] bytes = keyed.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(out.resolve(SettlementFiles.MANIFEST_FILE_NAME), keyed + SettlementFiles.HMAC_LINE_PREFIX +
            com.wodian.tools.settlement.SettlementKey.hmacHex(com.wodian.tools.settlement.SettlementKey.load(key),
            bytes, bytes.length) + "\n");
    }

    private static CliTest.Run verify(final Path out, final Path key)
    {
        return CliTest.wodian("settlement-verify", "--out", out.toString(), "--key", key.toString());
    }

    /** What settlement-verify says on standard error, one problem a line. */
    private static String problems(final Path out, final Path key) throws Exception
    {
        return String.join("\n", com.wodian.tools.settlement.ManifestCheck.problems(out,
            com.wodian.tools.settlement.SettlementKey.load(key)));
    }

    private static String sha256(final String text) throws Exception
    {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * acct-review finding 12: a data directory that records its engine limits (engine-limits, written by the
     * server's first start) is not settled under other ones: the replay could refuse or forget keys differently and
     * the files would show other money than the server's.
     */
    @Test
    void otherLimitsThanTheDirectoryRecordsAreRefused() throws Exception
    {
        final Path dataDir = dir.resolve("limits");
        appendDay(dataDir);
        append(dataDir, END_OF_DAY_MS + 1_000, encoder.tick(buffer, 0));
        EngineLimitsFile.recordOrCheck(dataDir, EngineConfig.small());

        final CliTest.Run other = CliTest.wodian("settlement", "--data", dataDir.toString(), "--date",
            DAY.toString(), "--zone", ZONE.getId(), "--out", dir.resolve("other").toString());
        assertEquals(WodianMain.EXIT_REFUSED, other.exitCode(), other.out());
        final SettlementCommand.Refused why = assertThrows(SettlementCommand.Refused.class,
            () -> SettlementCommand.write(dataDir, DAY, ZONE, dir.resolve("other"), new EngineConfig(),
                false, false));
        assertTrue(why.getMessage().contains("other engine limits") && why.getMessage().contains("keysMax"),
            why.getMessage());
        assertFalse(Files.exists(dir.resolve("other")), "nothing written under other limits");
        assertEquals(WodianMain.EXIT_OK, settle(dataDir, dir.resolve("same")).exitCode(), "--limits small: settled");
    }

    private static CliTest.Run settle(final Path dataDir, final Path out, final String... extra)
    {
        final String[] args = { "settlement", "--data", dataDir.toString(), "--date", DAY.toString(), "--zone",
            ZONE.getId(), "--out", out.toString(), "--limits", "small" };
        final String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return CliTest.wodian(all);
    }

    private static String manifest(final Path out) throws java.io.IOException
    {
        return Files.readString(out.resolve(SettlementFiles.MANIFEST_FILE_NAME));
    }

    /** A merchant, a terminal, a consumer and one Pay on DAY, the last at 23:58 (sequence 6). */
    private void appendDay(final Path dataDir)
    {
        final long nineMs = DAY.atTime(9, 0).atZone(ZONE).toInstant().toEpochMilli();
        append(dataDir, nineMs, encoder.registerMerchant(buffer, 0, 1, 2, 300, 150, 60, true));
        append(dataDir, nineMs + 1_000, encoder.registerTerminal(buffer, 0, 101, 1));
        append(dataDir, nineMs + 2_000, encoder.registerConsumer(buffer, 0, 6, 1));
        append(dataDir, nineMs + 3_000, encoder.topUp(buffer, 0, 6, 901, 1_000_000));
        append(dataDir, nineMs + 4_000, encoder.pay(buffer, 0, 1, 101, 12, 6, 10_000));
        append(dataDir, END_OF_DAY_MS - 120_000, encoder.tick(buffer, 0));
    }

    private void append(final Path dataDir, final long timestampMs, final int length)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            final JournalWriter writer = journal.writer();
            writer.append(++sequence, timestampMs, CommandCatalog.SCHEMA_VERSION, buffer, 0, length);
            writer.endOfBatch();
        }
    }
}
