package com.wodian.tools;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.SetBlockedDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal tools over journals holding mutated entries (issue 18, bug 3): {@code journal dump} (text and JSON)
 * prints every stored entry, the ones it cannot decode as raw fields, and never stops; {@code journal verify},
 * {@code journal replay}, {@code snapshot take} and {@code snapshot inspect} finish with an exit code, never an
 * uncaught exception.
 */
class JournalToolsFuzzTest
{
    private static final long BASE_TIME_MS = 1_800_000_000_000L;
    private static final int ENTRIES = 300;
    private static final int SEEDS = 4;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anUndefinedEnumValueDoesNotStopTheDump(@TempDir final Path dir) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (ChronicleJournal journal = open(dataDir))
        {
            final JournalWriter writer = journal.writer();
            writer.append(1, BASE_TIME_MS, CommandCatalog.SCHEMA_VERSION, buffer, 0,
                encoder.registerConsumer(buffer, 0, 5, 0));
            final int length = encoder.setBlocked(buffer, 0, PartyType.CONSUMER, 5, true);
            buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + SetBlockedDecoder.partyTypeEncodingOffset(), (byte)9);
            buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + SetBlockedDecoder.blockedEncodingOffset(), (byte)7);
            writer.append(2, BASE_TIME_MS + 1, CommandCatalog.SCHEMA_VERSION, buffer, 0, length);
            writer.append(3, BASE_TIME_MS + 2, CommandCatalog.SCHEMA_VERSION, buffer, 0,
                encoder.topUp(buffer, 0, 5, 1, 100));
            writer.endOfBatch();
        }
        final String data = dataDir.toString();

        final String text = assertRuns(0, "journal", "dump", "--data", data);
        final String[] lines = text.trim().split("\n");
        assertEquals(3, lines.length, text);
        assertTrue(lines[1].contains("SetBlocked partyType=9 partyId=5 blocked=7 ") &&
            lines[1].contains("undecodable="), lines[1]);
        assertTrue(lines[2].contains("TopUp "), text);

        final String json = assertRuns(0, "journal", "dump", "--data", data, "--json", "--type", "SetBlocked");
        assertTrue(json.trim().matches("\\{\"sequence\":2,.*\"type\":\"SetBlocked\",\"partyType\":9,\"partyId\":5," +
            "\"blocked\":7,.*\"undecodable\":\"[^\"]+\"}"), json);

        final String verify = assertRuns(0, "journal", "verify", "--data", data, "--limits", "small");
        assertTrue(verify.contains("note: 1 entries the engine cannot decode (sequences 2..2"), verify);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void everyToolSurvivesJournalsOfMutatedEntries(@TempDir final Path dir) throws Exception
    {
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final Path dataDir = dir.resolve("data-" + seed);
            writeMutated(dataDir, new Random(seed));
            final String data = dataDir.toString();

            final String text = assertRuns(0, "journal", "dump", "--data", data);
            assertEquals(ENTRIES, text.trim().split("\n").length, "seed " + seed + ": one line per entry");
            final String json = assertRuns(0, "journal", "dump", "--data", data, "--json");
            for (final String line : json.trim().split("\n"))
            {
                assertTrue(line.startsWith("{\"sequence\":") && line.endsWith("}"), "seed " + seed + ": " + line);
            }
            assertEquals(ENTRIES, json.trim().split("\n").length, "seed " + seed);

            // The engine refuses what it cannot decode and applies the rest: the invariants hold.
            final String verify = assertRuns(0, "journal", "verify", "--data", data, "--limits", "small");
            assertTrue(verify.contains("replayed " + ENTRIES + " inputs"), "seed " + seed + ": " + verify);
            assertRuns(0, "journal", "replay", "--data", data, "--limits", "small", "--to", "" + ENTRIES / 2,
                "--consumer", "3", "--merchant", "1");
            assertRuns(0, "snapshot", "take", "--data", data, "--limits", "small");
            final String inspect = assertRuns(0, "snapshot", "inspect", "--data", data, "" + ENTRIES);
            assertTrue(inspect.contains("journalSequence " + ENTRIES), inspect);
        }
    }

    /** Valid setup and payments, a third of them mutated: flipped bytes, cut short, another template, garbage. */
    private void writeMutated(final Path dataDir, final Random random)
    {
        try (ChronicleJournal journal = open(dataDir))
        {
            final JournalWriter writer = journal.writer();
            for (long sequence = 1; sequence <= ENTRIES; sequence++)
            {
                int length = validEntry(sequence);
                if (sequence > 3 && random.nextInt(3) == 0)
                {
                    length = mutate(random, length);
                }
                writer.append(sequence, BASE_TIME_MS + sequence * 1000, CommandCatalog.SCHEMA_VERSION, buffer, 0,
                    length);
            }
            writer.endOfBatch();
        }
    }

    private int validEntry(final long sequence)
    {
        return switch ((int)Math.min(sequence, 4))
        {
            case 1 -> encoder.registerMerchant(buffer, 0, 1, 2, 300, 0, 0, false);
            case 2 -> encoder.registerTerminal(buffer, 0, 101, 1);
            case 3 -> encoder.registerConsumer(buffer, 0, 3, 1);
            default -> sequence % 4 == 0 ? encoder.topUp(buffer, 0, 3, sequence, 1_000) :
                sequence % 4 == 1 ? encoder.setBlocked(buffer, 0, PartyType.CONSUMER, 3, sequence % 8 == 1) :
                encoder.pay(buffer, 0, 1, 101, sequence, 3, 100);
        };
    }

    private int mutate(final Random random, final int length)
    {
        switch (random.nextInt(5))
        {
            case 0:
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--)
                {
                    buffer.putByte(random.nextInt(length), (byte)random.nextInt(256));
                }
                return length;
            case 1:
                return random.nextInt(length);
            case 2:
                // Any template id, replies with groups included, with the bytes of another message.
                buffer.putShort(2, (short)random.nextInt(130), java.nio.ByteOrder.LITTLE_ENDIAN);
                return length;
            case 3:
                buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + random.nextInt(length -
                    MessageHeaderEncoder.ENCODED_LENGTH), (byte)(2 + random.nextInt(254)));
                return length;
            default:
                final int garbage = random.nextInt(CommandCatalog.MAX_MESSAGE_LENGTH);
                for (int i = 0; i < garbage; i++)
                {
                    buffer.putByte(i, (byte)random.nextInt(256));
                }
                return garbage;
        }
    }

    private static ChronicleJournal open(final Path dataDir)
    {
        return ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE));
    }

    /** Runs the CLI; an exception escaping a command fails the test (picocli would turn it into exit code 1). */
    private static String assertRuns(final int expectedExitCode, final String... args)
    {
        synchronized (CliTest.class)
        {
            final PrintStream savedOut = System.out;
            final ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            final int exitCode;
            final Exception[] thrown = new Exception[1];
            try
            {
                exitCode = WodianMain.commandLine()
                    .setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                    {
                        thrown[0] = ex;
                        return -1;
                    })
                    .execute(args);
            }
            finally
            {
                System.setOut(savedOut);
            }
            if (null != thrown[0])
            {
                throw new AssertionError(String.join(" ", args) + " threw", thrown[0]);
            }
            final String out = captured.toString(StandardCharsets.UTF_8);
            assertEquals(expectedExitCode, exitCode, String.join(" ", args) + "\n" + out);
            return out;
        }
    }
}
