package com.wodian.net.server;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalConfig;
import com.wodian.net.client.WodianClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A single server restarted with its clock behind its journal (a new host, a clock reset) does not journal times
 * that go backwards (ops review item 14): its inputs are stamped with the journal's last time until the clock passes
 * it, so settlement days and replays up to a time cut the journal where its order says.
 */
class ClockBehindRestartTest
{
    private static final long FIRST_RUN_MS = 1_796_467_200_000L; // 2026-12-05T10:00:00Z
    private static final long BEHIND_MS = 300_000;

    @Test
    void aRestartWithTheClockBehindKeepsTheJournalsTimeMonotonic(@TempDir final Path dataDir) throws Exception
    {
        final long firstRunEntries;
        try (WodianServer server = WodianServer.launch(
            ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).epochClock(() -> FIRST_RUN_MS));
            WodianClient client = ServerTestSupport.connect(server))
        {
            new ServerTestSupport.Requests(client).setUpParties();
        }
        firstRunEntries = timestamps(dataDir).size();
        try (WodianServer server = WodianServer.launch(
            ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).epochClock(() -> FIRST_RUN_MS - BEHIND_MS));
            WodianClient client = ServerTestSupport.connect(server))
        {
            new ServerTestSupport.Requests(client).registerMerchant(ServerTestSupport.MERCHANT_ID + 1);
        }
        final List<Long> timestamps = timestamps(dataDir);
        assertTrue(timestamps.size() > firstRunEntries, "the second run journaled: " + timestamps);
        for (int i = 1; i < timestamps.size(); i++)
        {
            assertTrue(timestamps.get(i) >= timestamps.get(i - 1), "entry " + (i + 1) + " goes back: " + timestamps);
        }
        assertEquals(FIRST_RUN_MS, timestamps.get(timestamps.size() - 1),
            "stamped with the journal's time while the clock is behind it");
    }

    private static List<Long> timestamps(final Path dataDir)
    {
        final List<Long> timestamps = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(
            new JournalConfig(dataDir.resolve(WodianServer.JOURNAL_DIR_NAME))))
        {
            journal.replay(1, (sequence, timestampMs, version, payload, offset, length) -> timestamps.add(timestampMs));
        }
        return timestamps;
    }
}
