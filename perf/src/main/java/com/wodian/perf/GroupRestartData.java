package com.wodian.perf;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.consensus.storage.CommitMark;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Data for {@code perf/scripts/group-restart.sh} (bounded restart of a group member after a long run, issue 16 item
 * 4): appends inputs to a data directory's journal with the workload of {@link RecoveryHarness} (merchants,
 * terminals, consumers registered and topped up, then Pays), and stores a commit mark.
 * <pre>
 *   java -cp tools/target/wodian.jar com.wodian.perf.GroupRestartData append DATA_DIR TO_SEQUENCE CONSUMERS
 *   java -cp tools/target/wodian.jar com.wodian.perf.GroupRestartData mark DATA_DIR INDEX
 * </pre>
 * {@code append} continues the journal from its last sequence up to {@code TO_SEQUENCE}. A journal written this way
 * has no term history: its entries read as term 0, as a journal from before replication does, which every node of a
 * group accepts as its common committed prefix.
 */
public final class GroupRestartData
{
    private static final int MERCHANTS = 10_000;
    private static final int TERMINALS_PER_MERCHANT = 2;
    private static final long TOP_UP_FEN = 1_000_000_000L;

    private GroupRestartData()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 3 && args.length != 4)
        {
            System.err.println("usage: GroupRestartData append DATA_DIR TO_SEQUENCE CONSUMERS | mark DATA_DIR INDEX");
            System.exit(2);
        }
        final Path dataDir = Path.of(args[1]);
        if ("mark".equals(args[0]))
        {
            new CommitMark(dataDir.resolve(JournalReplicaLog.COMMIT_MARK_FILE_NAME)).store(Long.parseLong(args[2]));
            return;
        }
        final long toSequence = Long.parseLong(args[2]);
        final int consumers = Integer.parseInt(args[3]);
        final long startNs = System.nanoTime();
        try (ChronicleJournal journal = ChronicleJournal.open(
            new JournalConfig(dataDir.resolve(JournalReplicaLog.JOURNAL_DIR_NAME))))
        {
            final long from = journal.lastSequence() + 1;
            append(journal.writer(), from, toSequence, consumers);
            System.out.printf("appended %,d inputs (%,d to %,d) in %.1f s%n", toSequence - from + 1, from,
                toSequence, (System.nanoTime() - startNs) / 1e9);
        }
    }

    /** Sequence i is the same input whatever run writes it: registrations first, then Pays seeded by i. */
    private static void append(final JournalWriter writer, final long from, final long to, final int consumers)
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final long merchantInputs = (long)MERCHANTS * (1 + TERMINALS_PER_MERCHANT);
        for (long sequence = from; sequence <= to; sequence++)
        {
            final int length;
            if (sequence <= merchantInputs)
            {
                final long merchantId = 1 + (sequence - 1) / (1 + TERMINALS_PER_MERCHANT);
                final int slot = (int)((sequence - 1) % (1 + TERMINALS_PER_MERCHANT));
                length = 0 == slot ?
                    encoder.registerMerchant(buffer, 0, merchantId, 1 + (int)(merchantId % 10), 200, 100, 30,
                        merchantId % 3 != 0) :
                    encoder.registerTerminal(buffer, 0, EngineFixture.terminalId(merchantId, slot - 1), merchantId);
            }
            else if (sequence <= merchantInputs + 2L * consumers)
            {
                final long consumerId = 1 + (sequence - merchantInputs - 1) / 2;
                length = (sequence - merchantInputs) % 2 == 1 ?
                    encoder.registerConsumer(buffer, 0, consumerId, 1 + (consumerId % MERCHANTS)) :
                    encoder.topUp(buffer, 0, consumerId, consumerId, TOP_UP_FEN);
            }
            else
            {
                final SplittableRandom random = new SplittableRandom(sequence);
                final long merchantId = 1 + random.nextInt(MERCHANTS);
                length = encoder.pay(buffer, 0, merchantId,
                    EngineFixture.terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT)), sequence,
                    1 + random.nextInt(consumers), random.nextLong(100, 20_001));
            }
            writer.append(sequence, EngineFixture.timestampMs(sequence), CommandCatalog.SCHEMA_VERSION, buffer, 0,
                length);
            if ((sequence & 0xFFF) == 0)
            {
                writer.endOfBatch();
            }
        }
        writer.endOfBatch();
    }
}
