package com.wodian.engine;

import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * The engine's whole state as one thing: the snapshot (written and read as a stream of primitives, in one fixed
 * order) and the state hash over the same parts, so the two never disagree about what the state is.
 */
final class EngineState
{
    private final EngineConfig config;
    private final CommandContext context;
    private final EngineBooks books;
    private final Ledger ledger;
    private final PoolDistribution distribution;
    private final RiskControl risk;
    private final EngineSettings settings;
    private final MerchantKeyQuota keyQuota;
    private final BalanceProbeGuard probes;

    EngineState(final EngineConfig config, final CommandContext context, final EngineBooks books, final Ledger ledger,
        final PoolDistribution distribution, final RiskControl risk, final EngineSettings settings,
        final MerchantKeyQuota keyQuota, final BalanceProbeGuard probes)
    {
        this.probes = probes;
        this.settings = settings;
        this.keyQuota = keyQuota;
        this.config = config;
        this.context = context;
        this.books = books;
        this.ledger = ledger;
        this.distribution = distribution;
        this.risk = risk;
    }

    /**
     * Writes the whole state as a stream of primitives. It is meant for a replica that is not serving (a standby or an
     * off-line replay of the journal), so the serving engine never stalls for it; the caller records the journal
     * sequence ({@link Engine#lastSequence()}) and state hash next to it and frames the stream with a checksum.
     */
    void write(final SnapshotWriter writer)
    {
        writer.writeLong(Engine.SNAPSHOT_MAGIC);
        writer.writeLong(Engine.SNAPSHOT_FORMAT_VERSION);
        final long[] shape = snapshotShape();
        writer.writeLongs(shape, shape.length);
        writer.writeLong(context.sequence);
        writer.writeLong(context.nowMs);
        ledger.writeTotalsTo(writer);
        books.consumers.writeTo(writer);
        books.merchants.writeTo(writer);
        books.terminals.writeTo(writer);
        books.records.writeTo(writer);
        books.holds.writeTo(writer);
        books.vouchers.writeTo(writer);
        books.consumption.writeTo(writer);
        books.pointsLedger.writeTo(writer);
        distribution.writeTo(writer);
        risk.writeTo(writer, books.consumers.count(), books.merchants.count(),
            books.terminals.count());
        settings.writeTo(writer);
        keyQuota.writeTo(writer);
        probes.writeTo(writer);
        risk.sameSets.writeTo(writer);
        risk.features.accountEvents.writeTo(writer);
        risk.models.writeSecondTo(writer);
        writer.writeLong(stateHash());
    }

    /**
     * Replaces this engine's state with a snapshot written by an engine of the same limits, and checks that the
     * restored state hashes to what the writer recorded. Call on a fresh engine before any input.
     */
    void read(final SnapshotReader reader)
    {
        final long magic = reader.readLong();
        final long format = magic == Engine.SNAPSHOT_MAGIC ? reader.readLong() : -1;
        final String formatProblem = Engine.snapshotFormatProblem(magic, format);
        if (formatProblem != null)
        {
            throw new IllegalStateException(formatProblem);
        }
        final long[] expected = snapshotShape();
        final long[] shape = new long[expected.length];
        if (reader.readLongs(shape) != expected.length || !java.util.Arrays.equals(expected, shape))
        {
            throw new IllegalStateException("snapshot taken with other limits " + java.util.Arrays.toString(shape) +
                " than this engine's " + java.util.Arrays.toString(expected));
        }
        context.sequence = reader.readLong();
        context.nowMs = reader.readLong();
        ledger.readTotalsFrom(reader);
        // The consumer book's hash and its id map's rebuild (a million random inserts), 40% of the load's CPU
        // (2026-12-05), run on a second thread while this one reads the other books and sums the key table's hash:
        // the consumer rows' hashed longs are final once read (the books after write only their pair lines, which are
        // not hashed, and look no consumer up), and the side is joined before the hash is completed.
        final Runnable rebuildConsumerIdMap = books.consumers.readFromLeavingIdMap(reader);
        final long consumersSeed = hashSeed();
        final long[] consumersHash = new long[1];
        final SideTask consumersSide = SideTask.start(() ->
        {
            consumersHash[0] = books.consumers.hash(consumersSeed);
            rebuildConsumerIdMap.run();
        }, "wodian-snapshot-consumers");
        final long recordsSum;
        try
        {
            readBooksAfterConsumers(reader, format);
            recordsSum = books.records.hashSum();
        }
        finally
        {
            consumersSide.join();
        }
        final long restoredHash = StateHash.finish(StateHash.fold(
            hashAfterConsumers(consumersHash[0], recordsSum), context.sequence));
        final long writtenHash = reader.readLong();
        if (writtenHash != restoredHash)
        {
            throw new IllegalStateException("restored state hash " + restoredHash + " != written " + writtenHash);
        }
    }

    /** The books the snapshot holds after the consumers, in the order {@link #write} wrote them. */
    private void readBooksAfterConsumers(final SnapshotReader reader, final long format)
    {
        books.merchants.readFrom(reader);
        books.terminals.readFrom(reader);
        books.records.readFrom(reader);
        books.holds.readFrom(reader);
        books.vouchers.readFrom(reader);
        books.consumption.readFrom(reader);
        books.pointsLedger.readFrom(reader);
        distribution.readFrom(reader);
        risk.readFrom(reader, books.consumers.count(), books.merchants.count(),
            books.terminals.count());
        settings.readFrom(reader, format);
        keyQuota.readFrom(reader);
        if (format >= EngineSettings.FORMAT_WITH_BALANCE_PROBE_LIMIT)
        {
            probes.readFrom(reader);
        }
        if (format >= EngineSettings.FORMAT_WITH_HOME_SAME_SET_LIMIT)
        {
            risk.sameSets.readFrom(reader);
        }
        if (format >= Engine.FORMAT_WITH_ACCOUNT_EVENTS)
        {
            risk.features.accountEvents.readFrom(reader);
        }
        if (format >= Engine.FORMAT_WITH_SECOND_MODEL)
        {
            risk.models.readSecondFrom(reader);
        }
    }

    /** The limits that size the state: a snapshot only fits an engine with the same ones. */
    private long[] snapshotShape()
    {
        return new long[]{config.consumersMax, config.merchantsMax, config.terminalsMax, config.holdsMax,
            config.keysMax, config.keyRetentionMs, config.vouchersMax, config.consumptionPairsMax,
            config.pointsLedgerEntriesMax, config.riskPairsMax, config.riskEventsMax, config.riskOverridesMax};
    }

    /**
     * A 64-bit hash over all state. Equal hashes after the same inputs are the determinism check between a live
     * run, a replay and a standby. Costs a pass over all state: an operator query, not a per-command call.
     */
    long stateHash()
    {
        return StateHash.finish(StateHash.fold(stateHashIgnoringSequence(), context.sequence));
    }

    /**
     * The state hash without the last sequence: equal before and after an input that changed nothing, such as the
     * repeat of an idempotent command at the same time.
     */
    long stateHashIgnoringSequence()
    {
        final long consumersHash = books.consumers.hash(hashSeed());
        return hashAfterConsumers(consumersHash, books.records.hashSum());
    }

    /** The hash's start: the time and the ledger's totals. */
    private long hashSeed()
    {
        return ledger.hashTotals(StateHash.fold(0x5741444941L, context.nowMs));
    }

    /**
     * The hash from the consumer book's on, in the fixed order, the key table's seed-free part given
     * ({@link RecordTable#hashSum}: a snapshot load computes it before the books hashed ahead of it).
     */
    private long hashAfterConsumers(final long consumersHash, final long recordsSum)
    {
        long hash = books.merchants.hash(consumersHash);
        hash = books.terminals.hash(hash);
        // VOUCHER_LAYOUT_HASH: slots and the ended ring too; off (the default), the hash of older builds.
        hash = settings.voucherLayoutHashed() ? books.vouchers.hashWithLayout(hash) : books.vouchers.hash(hash);
        hash = books.consumption.hash(hash);
        hash = books.pointsLedger.hash(hash);
        hash = distribution.hash(hash);
        hash = risk.hash(hash, books.consumers.count(), books.merchants.count(), books.terminals.count());
        // Both leave the hash as it was while every setting is at its default and the quota never counted a key.
        // The probe table is empty (and hashes as nothing) unless BALANCE_PROBE_LIMIT was ever on.
        hash = probes.hash(keyQuota.hash(settings.hash(hash)));
        // Nothing until HOME_SAME_SET_LIMIT was first set non-zero (no older journal does: schema 12 on).
        hash = risk.sameSets.hash(hash);
        // Nothing until a consumer had an AccountEvent (schema 13 on).
        hash = risk.features.accountEvents.hash(hash);
        return books.records.hashWithSum(hash, recordsSum);
    }
}
