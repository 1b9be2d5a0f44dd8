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
 * 4) and {@code perf/scripts/cold-restart-probe.sh} (a server restart in a fresh JVM): appends inputs to a data
 * directory's journal with the workload of {@link RecoveryHarness} (merchants, terminals, consumers registered and
 * topped up), then a mixed payment tail, and stores a commit mark.
 * <pre>
 *   java -cp tools/target/wodian.jar com.wodian.perf.GroupRestartData append DATA_DIR TO_SEQUENCE CONSUMERS
 *   java -cp tools/target/wodian.jar com.wodian.perf.GroupRestartData mark DATA_DIR INDEX
 * </pre>
 * {@code append} continues the journal from its last sequence up to {@code TO_SEQUENCE}. A journal written this way
 * has no term history: its entries read as term 0, as a journal from before replication does, which every node of a
 * group accepts as its common committed prefix.
 *
 * <p>The tail is what a server with the default limits accepts, in a mix like the product's (the demo's, README "The
 * demo"): in every {@value #BLOCK} inputs 12 Pays, 3 Tries, 2 Confirms and 1 Cancel of the previous block's Tries, a
 * half Refund of one of its Pays and a retry (the same bytes) of another; the first block, with no block before it,
 * is all Pays and Tries. Until 2026-12-07 (main 42116b2e and before) the tail was Pays alone, and every one was
 * refused for funds: the top-ups of 10^9 fen were over the default amount limit (10^8), so every wallet was empty
 * (docs/history/engine-sessions.md, "Session 50, replay").
 */
public final class GroupRestartData
{
    private static final int MERCHANTS = 10_000;
    private static final int TERMINALS_PER_MERCHANT = 2;
    /** The default amount limit ({@code EngineConfig.amountFenMax}): the most one top-up may carry. */
    static final long TOP_UP_FEN = 100_000_000L;
    /** The mix's period in the tail, in inputs. */
    static final int BLOCK = 20;
    private static final int PAYS = 12;
    private static final int TRIES = 3;
    private static final long TRY_TTL_MS = 60_000;
    private static final long MERCHANT_INPUTS = (long)MERCHANTS * (1 + TERMINALS_PER_MERCHANT);

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

    private static void append(final JournalWriter writer, final long from, final long to, final int consumers)
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        for (long sequence = from; sequence <= to; sequence++)
        {
            final int length = encode(sequence, consumers, encoder, buffer);
            writer.append(sequence, EngineFixture.timestampMs(sequence), CommandCatalog.SCHEMA_VERSION, buffer, 0,
                length);
            if ((sequence & 0xFFF) == 0)
            {
                writer.endOfBatch();
            }
        }
        writer.endOfBatch();
    }

    /**
     * Encodes input {@code sequence} into {@code buffer} and returns its length. Sequence i is the same input whatever
     * run writes it: the registrations and top-ups first, then the tail, each of its inputs drawn from its own
     * sequence (a Confirm, Cancel, Refund or retry from the sequence of the input it names).
     */
    static int encode(final long sequence, final int consumers, final CommandEncoder encoder,
        final UnsafeBuffer buffer)
    {
        if (sequence <= MERCHANT_INPUTS)
        {
            final long merchantId = 1 + (sequence - 1) / (1 + TERMINALS_PER_MERCHANT);
            final int slot = (int)((sequence - 1) % (1 + TERMINALS_PER_MERCHANT));
            return 0 == slot ?
                encoder.registerMerchant(buffer, 0, merchantId, 1 + (int)(merchantId % 10), 200, 100, 30,
                    merchantId % 3 != 0) :
                encoder.registerTerminal(buffer, 0, EngineFixture.terminalId(merchantId, slot - 1), merchantId);
        }
        if (sequence <= MERCHANT_INPUTS + 2L * consumers)
        {
            final long consumerId = 1 + (sequence - MERCHANT_INPUTS - 1) / 2;
            return (sequence - MERCHANT_INPUTS) % 2 == 1 ?
                encoder.registerConsumer(buffer, 0, consumerId, 1 + (consumerId % MERCHANTS)) :
                encoder.topUp(buffer, 0, consumerId, consumerId, TOP_UP_FEN);
        }
        final long tailIndex = sequence - MERCHANT_INPUTS - 2L * consumers - 1;
        final int slot = (int)(tailIndex % BLOCK);
        if (slot < PAYS + TRIES || tailIndex < BLOCK)
        {
            // The first block has no block before it to name: Pays where the others confirm, cancel, refund, retry.
            return payOrTry(sequence, consumers, slot < PAYS || slot >= PAYS + TRIES, encoder, buffer);
        }
        return tailReference(sequence, slot, sequence - slot - BLOCK, consumers, encoder, buffer);
    }

    /** Slots 15-19: the previous block's Tries confirmed (two) and cancelled (one), a Pay refunded, a Pay retried. */
    private static int tailReference(final long sequence, final int slot, final long previousBlock,
        final int consumers, final CommandEncoder encoder, final UnsafeBuffer buffer)
    {
        switch (slot - PAYS - TRIES)
        {
            case 0, 1, 2 ->
            {
                final long trySequence = previousBlock + PAYS + (slot - PAYS - TRIES);
                final SplittableRandom random = new SplittableRandom(trySequence);
                final long merchantId = 1 + random.nextInt(MERCHANTS);
                final long terminalId = EngineFixture.terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT));
                return slot - PAYS - TRIES < 2 ? encoder.confirm(buffer, 0, merchantId, terminalId, trySequence) :
                    encoder.cancel(buffer, 0, merchantId, terminalId, trySequence);
            }
            case 3 ->
            {
                final SplittableRandom random = new SplittableRandom(previousBlock);
                final long merchantId = 1 + random.nextInt(MERCHANTS);
                final long terminalId = EngineFixture.terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT));
                random.nextInt(consumers);
                final long amountFen = random.nextLong(100, 20_001);
                return encoder.refund(buffer, 0, merchantId, terminalId, previousBlock, sequence, amountFen / 2);
            }
            default ->
            {
                return payOrTry(previousBlock + 1, consumers, true, encoder, buffer);
            }
        }
    }

    /** A Pay (or a Try) drawn from its own sequence, which is also its payment id. */
    private static int payOrTry(final long sequence, final int consumers, final boolean pay,
        final CommandEncoder encoder, final UnsafeBuffer buffer)
    {
        final SplittableRandom random = new SplittableRandom(sequence);
        final long merchantId = 1 + random.nextInt(MERCHANTS);
        final long terminalId = EngineFixture.terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT));
        final long consumerId = 1 + random.nextInt(consumers);
        final long amountFen = random.nextLong(100, 20_001);
        return pay ? encoder.pay(buffer, 0, merchantId, terminalId, sequence, consumerId, amountFen) :
            encoder.tryPayment(buffer, 0, merchantId, terminalId, sequence, consumerId, amountFen, TRY_TTL_MS);
    }
}
