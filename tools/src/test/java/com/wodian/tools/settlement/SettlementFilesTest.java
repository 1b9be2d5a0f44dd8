package com.wodian.tools.settlement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settlement files are replaced whole, never written through what their name points to (security review C9: a
 * planted link in the --out directory made the settlement overwrite another file of the same user).
 */
class SettlementFilesTest
{
    @TempDir
    Path dir;

    @Test
    void aSymbolicLinkAtTheNameIsRefusedAndItsTargetKept() throws IOException
    {
        final Path out = Files.createDirectories(dir.resolve("out"));
        final Path victim = Files.writeString(dir.resolve("credentials"), "secret", StandardCharsets.UTF_8);
        final Path manifest = Files.createSymbolicLink(out.resolve("manifest.txt"), victim);

        final IOException refused = assertThrows(IOException.class, () -> SettlementFiles.writeFile(manifest, "x"));
        assertTrue(refused.getMessage().contains("is a symbolic link"), refused.getMessage());
        assertEquals("secret", Files.readString(victim, StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(manifest));
        assertEquals(1, listed(out), "no temporary file left behind");
    }

    @Test
    void anExistingFileIsReplacedByARenameNotRewrittenInPlace() throws IOException
    {
        final Path out = Files.createDirectories(dir.resolve("out"));
        final Path victim = Files.writeString(dir.resolve("other-file"), "kept", StandardCharsets.UTF_8);
        // A hard link planted at the name: a write in place would change the other file's bytes too.
        final Path summary = Files.createLink(out.resolve("summary.csv"), victim);

        SettlementFiles.writeFile(summary, "merchantId,rows\n1,2\n");
        assertEquals("merchantId,rows\n1,2\n", Files.readString(summary, StandardCharsets.UTF_8));
        assertEquals("kept", Files.readString(victim, StandardCharsets.UTF_8));
        assertFalse(Files.isSameFile(summary, victim));
        assertEquals(1, listed(out), "no temporary file left behind");
    }

    /**
     * No settlement file carries a whole card number (security review B6; format 8): a merchant's row and a funds.csv
     * line show the consumer masked to its first six and last four digits, as the till slip does, and an id too
     * short to be a card number keeps its last four only.
     */
    @Test
    void theFilesShowCardNumbersMaskedNeverWhole() throws IOException
    {
        final long card = 6_222_020_200_112_233L;
        final SettlementRow payment = new SettlementRow(1, 7, 1_764_633_600_000L, SettlementRow.PAYMENT, 101, 500_000,
            0, 0, card, 9_999, 0, 0, 59, 999, 0, 0, 99, 8_941, 0, 0, 0, 0);
        final FundsRow topUp = new FundsRow(3, 1_764_633_600_000L, FundsRow.TOPUP, 12_345_678L, 0, 901, 100, 100,
            "OK");
        final Path out = dir.resolve("out");
        SettlementFiles.write(out, java.time.LocalDate.of(2025, 12, 2), java.time.ZoneId.of("Asia/Shanghai"),
            java.util.List.of(payment), java.util.List.of(), null, java.util.List.of(topUp), java.util.List.of(),
            null);

        final String merchant = Files.readString(out.resolve("merchant-1.csv"), StandardCharsets.UTF_8);
        assertTrue(merchant.startsWith(SettlementRow.CSV_HEADER) && SettlementRow.CSV_HEADER.contains(",card_masked,"),
            merchant);
        assertTrue(merchant.contains(",PAYMENT,101,500000,0,0,622202******2233,9999,"), merchant);
        final String funds = Files.readString(out.resolve(SettlementFiles.FUNDS_FILE_NAME), StandardCharsets.UTF_8);
        assertTrue(funds.contains(",TOPUP,****5678,0,901,100,100,OK"), funds);
        for (final Path file : SettlementFiles.existingFiles(out))
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            assertFalse(text.contains(Long.toString(card)) || text.contains("12345678"), file + ": " + text);
        }
        assertTrue(Files.readString(out.resolve(SettlementFiles.MANIFEST_FILE_NAME)).contains("# format 8\n"));
        assertEquals("0", CardMask.of(0));
        assertEquals("9999", CardMask.of(9_999));
        assertEquals("*0000", CardMask.of(10_000));
        assertEquals("********9012", CardMask.of(123_456_789_012L));
        assertEquals("123456***0123", CardMask.of(1_234_567_890_123L));
        assertEquals("922337*********5807", CardMask.of(Long.MAX_VALUE));
    }

    private static long listed(final Path dir) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(dir))
        {
            return files.count();
        }
    }
}
