package com.wodian.engine;

import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.risk.RiskFeatures;
import com.wodian.engine.risk.RiskLimits;
import com.wodian.engine.risk.RiskRules;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import org.agrona.DirectBuffer;

/**
 * The business logic: a single-threaded, deterministic state machine. Input is an SBE-encoded command with the
 * sequence number and timestamp the sequencer gave it; output is one encoded reply per input, through a
 * {@link ReplySink}. It reads no clock, no random source, no file and no socket, and allocates nothing after
 * construction, so replaying the same inputs gives the same state, bit for bit ({@link #stateHash()}).
 *
 * <p>This class is the face: it keeps the input sequence and time, does the per-input housekeeping (expiries, a
 * slice of a running distribution) and delegates. {@link CommandAdapter} decodes and dispatches to the rules of each
 * domain ({@link PaymentRules}, {@link FundsRules}, {@link RewardsRules}, {@link RegistryRules},
 * {@link RiskSettingsRules}); the {@link Ledger} is the only writer of money; {@link ReplyPublisher} encodes the
 * replies, {@link EngineQueries} answers queries, {@link EngineState} writes, reads and hashes the state.
 *
 * <p>Rules are in docs/rules.md; result codes in docs/result-codes.md. Broken invariants are bugs and
 * throw {@link IllegalStateException}; every business refusal is a result code.
 */
public final class Engine
{
    /** First value of every engine snapshot stream ("WODIANSN"), then {@link #SNAPSHOT_FORMAT_VERSION}. */
    public static final long SNAPSHOT_MAGIC = 0x574F4449414E534EL;
    /**
     * 8: state hash version 2 ({@link StateHash#VERSION}); the stream itself is laid out as in 7. 9: the risk section
     * ends with the home-route table (HomeRoutes, feature 72). 10: then the home-cohort counts (HomeCohorts,
     * feature 73). 11: then the dormant-account pairs (DormantPairs, feature 75). 12: each merchant profile row has one
     * more word (its new customers' wallet share, feature 77). 13: the layout of 12, but bits 57..60 of each consumer
     * profile row's registration word hold the least reciprocal count of its payments (feature 78), which a format-12
     * snapshot lacks. 14: the stream ends (before the state hash) with the engine settings and the key quota's cursor
     * (EngineSettings, MerchantKeyQuota); merchant rows and key records may carry the quota's counts and marks.
     * 15: the engine settings end with REFUND_SHORTFALL_FROM_SETTLEMENT. 16: then VOUCHER_EXPIRY_SATURATES and
     * REFUND_REISSUES_VOUCHER. 17: then VOUCHER_LAYOUT_HASH. 18: then RISK_GROUP_SOURCE. 19: then BALANCE_PROBE_LIMIT,
     * and the stream ends (before the state hash) with the balance-probe table (BalanceProbeGuard). 20: then
     * HOME_SAME_SET_LIMIT, and the stream ends with the home-same-set state after the probe table (HomeSameSets).
     * 21: then the account-event times (AccountEvent, schema 13; the risk package's AccountEventBook), and bit 61 of
     * a consumer profile row's registration word marks a consumer that has them. 22: then the second deciding risk
     * model (the SECOND slot, payload schema 15; docs/risk.md "The second deciding model").
     */
    public static final long SNAPSHOT_FORMAT_VERSION = 22;
    /** The first snapshot format with the account-event times (see {@link #SNAPSHOT_FORMAT_VERSION}). */
    static final long FORMAT_WITH_ACCOUNT_EVENTS = 21;
    /** The first snapshot format with the second deciding model (see {@link #SNAPSHOT_FORMAT_VERSION}). */
    static final long FORMAT_WITH_SECOND_MODEL = 22;
    /**
     * The oldest format this engine still reads: 14 is 15 without REFUND_SHORTFALL_FROM_SETTLEMENT, 15 is 16 without
     * VOUCHER_EXPIRY_SATURATES and REFUND_REISSUES_VOUCHER, 16 is 17 without VOUCHER_LAYOUT_HASH, 17 is 18 without
     * RISK_GROUP_SOURCE, 18 is 19 without BALANCE_PROBE_LIMIT and its table, 19 is 20 without HOME_SAME_SET_LIMIT
     * and its state, 20 is 21 without the account-event times and 21 is 22 without the second deciding model (each
     * read as 0 or empty, its default, which hashes as the older format did), so a node whose
     * journal starts after a format-14 snapshot (snapshot installed, or pruned) starts on this build (ops-review
     * finding 3). Only the current format is written:
     * the older ones are read in tests from committed fixtures (engine/src/test/resources/snapshots,
     * OldSnapshotFixtures).
     */
    public static final long OLDEST_READABLE_SNAPSHOT_FORMAT = 14;

    private final EngineConfig config;
    private final CommandContext context = new CommandContext();
    private final EngineBooks books;
    private final RiskControl risk;
    private final Ledger ledger;
    private final PoolDistribution distribution;
    private final PaymentRules payments;
    private final RewardsRules rewards;
    private final EngineState state;
    private final CommandAdapter adapter;
    private final BatchPrefetcher prefetcher;
    private final MerchantKeyQuota keyQuota;
    private final EngineQueries queries;
    /**
     * The input {@link #housekeepBeforeInput} prepared and {@link #applyAfterHousekeeping} has not applied; 0: none.
     */
    private long housekeptSequence;

    public Engine(final EngineConfig config)
    {
        this.config = config;
        this.books = new EngineBooks(config);
        this.risk = new RiskControl(new RiskLimits(config.consumersMax, config.merchantsMax, config.terminalsMax,
            config.riskPairsMax, config.riskEventsMax, config.riskOverridesMax), books.consumers);
        if (config.reserveTables)
        {
            risk.features.accountEvents.reserve();
        }
        final BalanceProbeGuard probes = new BalanceProbeGuard(config.riskPairsMax, config.reserveTables);
        final EngineSettings settings = new EngineSettings(config.keysMax, risk, probes);
        this.ledger = new Ledger(config, context, books, settings);
        this.distribution = new PoolDistribution(books, ledger, settings);
        this.keyQuota = new MerchantKeyQuota(settings, books);
        this.state = new EngineState(config, context, books, ledger, distribution, risk, settings, keyQuota, probes);
        final ReplyPublisher replies = new ReplyPublisher(books.records);
        this.prefetcher = new BatchPrefetcher(books, risk);
        this.payments = new PaymentRules(config, context, books, risk, ledger, prefetcher, settings, keyQuota,
            probes);
        this.rewards = new RewardsRules(config, context, books, distribution, risk, ledger, keyQuota, settings);
        this.queries = new EngineQueries(context, state, books, risk, replies);
        this.adapter = new CommandAdapter(payments, new FundsRules(config, context, books, risk, ledger),
            rewards, new RegistryRules(context, books, risk), new RiskSettingsRules(books, risk),
            new AccountEventRules(context, books, risk), queries, replies, settings);
    }

    public EngineConfig config()
    {
        return config;
    }

    /**
     * Applies one journaled input. Sequences are contiguous from 1; time never goes backwards (an earlier timestamp
     * is treated as the current engine time).
     */
    public void onCommand(
        final long sequence,
        final long timestampMs,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final ReplySink sink)
    {
        beginInput(sequence, timestampMs);
        apply(buffer, offset, length, sink);
    }

    /**
     * Offline readers that account for each command apart from the housekeeping before it (the settlement files,
     * docs/settlement.md): the first half of {@link #onCommand}, which takes the input's sequence and time and runs
     * the per-input housekeeping (hold and voucher expiries, a slice of a running distribution). Follow it with
     * {@link #applyAfterHousekeeping} for the same input before anything else; queries in between see the state the
     * command will start from. The two together change the state exactly as {@link #onCommand} does.
     */
    public void housekeepBeforeInput(final long sequence, final long timestampMs)
    {
        beginInput(sequence, timestampMs);
        housekeptSequence = sequence;
    }

    /**
     * The second half of {@link #onCommand}: applies the input whose housekeeping {@link #housekeepBeforeInput} ran.
     */
    public void applyAfterHousekeeping(final DirectBuffer buffer, final int offset, final int length,
        final ReplySink sink)
    {
        if (housekeptSequence != context.sequence)
        {
            throw new IllegalStateException("no housekeeping for input " + context.sequence + " before its command");
        }
        housekeptSequence = 0;
        apply(buffer, offset, length, sink);
    }

    private void apply(final DirectBuffer buffer, final int offset, final int length, final ReplySink sink)
    {
        // This input's entry in the prefetched batch, if it is the batch's next one: the parties found there, and
        // whether the prefetch's catalog check of these very bytes stands for the apply's (then the header the check
        // read is the message switch's too: one read of it per input here instead of two).
        final int batchEntry = prefetcher.take(buffer, offset);
        if (prefetcher.checked(batchEntry, buffer, offset, length))
        {
            adapter.onCheckedCommand(buffer, offset, length, prefetcher.checkedHeader(batchEntry), batchEntry, sink);
        }
        else
        {
            adapter.onCommand(buffer, offset, length, batchEntry, sink);
        }
    }

    private void beginInput(final long sequence, final long timestampMs)
    {
        if (housekeptSequence != 0)
        {
            // housekeepBeforeInput without applyAfterHousekeeping: that input's command would be skipped silently.
            throw new IllegalStateException(
                "input " + housekeptSequence + " was housekept but its command not applied");
        }
        if (sequence != context.sequence + 1)
        {
            throw new IllegalStateException("sequence gap: expected " + (context.sequence + 1) + " got " + sequence);
        }
        context.sequence = sequence;
        if (timestampMs > context.nowMs)
        {
            context.nowMs = timestampMs;
        }
        books.stepGrowth();
        payments.expireDueHolds();
        keyQuota.age(context.nowMs);
        rewards.expireDueVouchers();
        if (distribution.isRunning())
        {
            distribution.step(config.distributionSliceEntries, context.nowMs);
        }
    }

    /**
     * Grows, now, the tables that gain at most one row per input (remembered keys with their finished-key FIFO, and
     * spend pairs) to hold {@code inputs} more inputs, capped at their limits: for a replay whose length is known
     * before it starts, on a heap already touched (recovery's tail after a snapshot load, and the demo's offline replay
     * of its short journal; a full replay grows the key table alone, {@link #reserveKeysForInputs}; all only in a JVM
     * run with -XX:+AlwaysPreTouch: EngineRecovery.growAheadPays; on a heap not touched yet the grown arrays would be
     * first-touched at once, on the critical path). They then grow once,
     * here, in one copy each, instead of by doublings while the inputs apply (each doubling a copy of the table in
     * steps, a larger array zeroed beside it, and lookups in two arrays while it moves: measured, a quarter of the
     * apply of a restart's 1 M-input tail; docs/history/durability-sessions.md, section 7). The heap then holds what
     * the state will hold after those inputs at most, never more than the limits. Changes where rows sit, never what
     * they hold: replies and the state hash are those of an engine that grew by doublings (a snapshot's key index may
     * be laid out at its larger length).
     */
    public void reserveForInputs(final long inputs)
    {
        books.reserveForInputs((int)Math.min(Integer.MAX_VALUE, Math.max(0, inputs)));
    }

    /**
     * As {@link #reserveForInputs}, for the key table (remembered keys and their finished-key FIFO) alone: for a full
     * replay of a whole journal (EngineRecovery, no snapshot), whose length bounds its keys closely (one per keyed
     * input) but not its spend pairs (one per Pay that makes a new pair at most), which are left to grow by doublings.
     */
    public void reserveKeysForInputs(final long inputs)
    {
        books.records.reserveFor((int)Math.min(Integer.MAX_VALUE, Math.max(0, inputs)));
    }

    /**
     * As {@link #reserveKeysForInputs}, for the consumer book (rows and id map): room for {@code consumers} more
     * consumers, capped at {@code consumersMax}. For a full replay (EngineRecovery, no snapshot): a journal registers
     * at most one consumer per input, so its length bounds them, though loosely (a long journal of few consumers
     * reserves up to the limit); the caller chooses the count. Replies and the state hash are those of growth by
     * doublings.
     */
    public void reserveConsumersFor(final long consumers)
    {
        books.consumers.reserveFor((int)Math.min(Integer.MAX_VALUE, Math.max(0, consumers)));
    }

    /** Inputs one prefetch batch holds ({@link #prefetchInput}); apply longer batches in chunks of at most this. */
    public static final int PREFETCH_BATCH_MAX = BatchPrefetcher.CAPACITY;

    /**
     * Adds an input to the batch the next {@link #prefetchBatch} prefetches: decodes its ids, reads no state. Call it
     * for the inputs of a batch in order, then {@link #prefetchBatch}, then apply them with {@link #onCommand}.
     *
     * @return false when the batch already holds {@link #PREFETCH_BATCH_MAX} inputs (this one is not prefetched)
     */
    public boolean prefetchInput(final DirectBuffer buffer, final int offset, final int length)
    {
        return prefetcher.add(buffer, offset, length);
    }

    /**
     * Tells the engine that the inputs it is about to get lie in {@code buffer} (a replay's batch buffer): its decoders
     * are wrapped on it now, off the command path. Only a matter of speed: an SBE flyweight's {@code wrap} stores a
     * buffer that differs from the one it holds, and in a JVM that already ran an engine the JIT has compiled that
     * branch as never taken, so a new engine whose decoders take it on its first inputs deoptimizes the whole inlined
     * command path, which then runs interpreted and recompiles while the replay goes on. Replies and state do not
     * depend on it. Call it before the first of those inputs, on the thread that applies them (or before that thread
     * starts).
     */
    public void expectInputsIn(final DirectBuffer buffer)
    {
        adapter.wrapDecodersOn(buffer);
        prefetcher.wrapDecodersOn(buffer);
    }

    /**
     * The prefetch phase of a batch: loads, stage by stage across the inputs added since the last call, the cache
     * lines their hot-path commands will need, and empties the batch. It changes nothing, so the replies and the
     * state hash are those of applying the inputs alone. Returns a value folded from the loads: keep it (add it to a
     * field) so that the JIT cannot drop the loads.
     */
    public long prefetchBatch()
    {
        return prefetcher.run();
    }

    /**
     * Answers a query from the current state. Queries are not journaled and change nothing; a command passed here
     * is refused with {@code UNKNOWN_MESSAGE_TYPE}.
     */
    public void onQuery(final DirectBuffer buffer, final int offset, final int length, final ReplySink sink)
    {
        adapter.onQuery(buffer, offset, length, sink);
    }

    /**
     * Offline readers (the settlement files): the home merchant of a registered consumer, the one its alliance shares
     * go to (docs/rules.md), as the engine accepted it; 0 for an unknown consumer or one without a home merchant.
     * Reads state only; not a protocol query.
     */
    public long homeMerchantIdOf(final long consumerId)
    {
        return queries.homeMerchantIdOf(consumerId);
    }

    /**
     * Tools that train scoring models: compute the risk features of every evaluated payment and redemption even
     * while no model is loaded (the decisions do not change). Not journaled: set it the same way before a replay.
     */
    public void captureRiskFeatures(final boolean on)
    {
        risk.captureFeatures(on);
    }

    /** Copies the features of the last scored command into {@code into}; returns its sequence (-1: none). */
    public long lastRiskFeatures(final long[] into)
    {
        return risk.lastFeatures(into);
    }

    /** Names of the risk features by id (docs/risk.md). */
    public static String[] riskFeatureNames()
    {
        return RiskFeatures.NAMES.clone();
    }

    /** Hand-written risk rules, ids 1..this (docs/risk.md); the scoring models are rules 14 and 15. */
    public static final int RISK_RULES_CONFIGURABLE = RiskRules.HAND_RULES_MAX;
    /** The rule under which the active scoring model decides (mode and action set with SetRiskRule). */
    public static final int RISK_RULE_MODEL = RiskRules.MODEL;
    /** The rule under which the challenger model's shadow hits are recorded. */
    public static final int RISK_RULE_CHALLENGER = RiskRules.CHALLENGER;

    /** A risk rule's tuned defaults: action (RiskAction value), threshold1, threshold2, threshold3. */
    public static long[] riskRuleDefaults(final int ruleId)
    {
        return RiskRules.defaults(ruleId);
    }

    /** Risk declines and flags so far, all rules (shadow hits excluded): for tools that label outcomes. */
    public long riskDecisions()
    {
        return risk.decisions();
    }

    /** Id of the newest risk event (0 before the first). */
    public long lastRiskEventId()
    {
        return risk.events.lastId();
    }

    // ------------------------------------------------------------------------------------------------ state

    /**
     * Writes the whole state as a stream of primitives. It is meant for a replica that is not serving (a standby or an
     * off-line replay of the journal), so the serving engine never stalls for it; the caller records the journal
     * sequence ({@link #lastSequence()}) and state hash next to it and frames the stream with a checksum.
     */
    public void writeSnapshot(final SnapshotWriter writer)
    {
        state.write(writer);
    }

    /**
     * Replaces this engine's state with a snapshot written by an engine of the same limits, and checks that the
     * restored state hashes to what the writer recorded. Call on a fresh engine before any input.
     *
     * @throws IllegalStateException when the stream is of another format ({@link #snapshotFormatProblem}), was taken
     *                               with other limits, or restores to another state hash.
     */
    public void readSnapshot(final SnapshotReader reader)
    {
        state.read(reader);
    }

    /**
     * Whether this version of the engine can read a snapshot stream that starts with these two values (the stream's
     * first two longs: {@link #SNAPSHOT_MAGIC}, then its format). Tools and recovery ask before loading, so that a
     * snapshot of another format is reported as such, not as a state-hash mismatch: the header's state hash of an
     * older format is of other table layouts or another state-hash version and cannot be compared.
     *
     * @param magic   the stream's first long.
     * @param version the stream's second long, its format.
     * @return null when this engine reads the stream, else one sentence saying why not and what recovery does.
     */
    public static String snapshotFormatProblem(final long magic, final long version)
    {
        if (magic != SNAPSHOT_MAGIC)
        {
            return "not an engine snapshot (the payload does not start with the engine's magic)";
        }
        if (version >= OLDEST_READABLE_SNAPSHOT_FORMAT && version <= SNAPSHOT_FORMAT_VERSION)
        {
            return null;
        }
        return "engine snapshot format " + version + ", not readable by this version, which reads format " +
            SNAPSHOT_FORMAT_VERSION + " (and " + OLDEST_READABLE_SNAPSHOT_FORMAT +
            (OLDEST_READABLE_SNAPSHOT_FORMAT + 1 < SNAPSHOT_FORMAT_VERSION ? "-" + (SNAPSHOT_FORMAT_VERSION - 1) : "") +
            ")" +
            (version < SNAPSHOT_FORMAT_VERSION ?
            " (format " + version + " is older: other table layouts or an older state-hash version)" :
            " (format " + version + " was written by a newer version)") +
            "; recovery skips it and falls back to an older snapshot or the journal alone";
    }

    /** Sequence of the last applied journaled input (0 before the first). */
    public long lastSequence()
    {
        return context.sequence;
    }

    /** Engine time: the largest input timestamp seen so far. */
    public long nowMs()
    {
        return context.nowMs;
    }

    /**
     * A 64-bit hash over all state. Equal hashes after the same inputs are the determinism check between a live
     * run, a replay and a standby. Costs a pass over all state: an operator query, not a per-command call.
     */
    public long stateHash()
    {
        return state.stateHash();
    }

    /**
     * The state hash without the last sequence: equal before and after an input that changed nothing, such as the
     * repeat of an idempotent command at the same time.
     */
    public long stateHashIgnoringSequence()
    {
        return state.stateHashIgnoringSequence();
    }

    public long totalTopUpsFen()
    {
        return ledger.totalTopUpsFen();
    }

    public long totalWithdrawnFen()
    {
        return ledger.totalWithdrawnFen();
    }

    public long platformFeesFen()
    {
        return ledger.platformFeesFen();
    }

    /**
     * Offline readers (the settlement files): the pool part of a sale that its refunds reverse while the refunded
     * total goes from {@code refundedBeforeFen} to {@code refundedAfterFen}, by the ledger's rule (the sale's part in
     * proportion to the cumulative refunded amount, rounded toward zero), from the payment's record; 0 for an unknown
     * payment. What the pool gave back is less by the shortfall a refund took from the merchant's settlement instead
     * (engine setting REFUND_SHORTFALL_FROM_SETTLEMENT).
     */
    public long refundedPoolPartFen(final long merchantId, final long paymentId, final long refundedBeforeFen,
        final long refundedAfterFen)
    {
        return refundedPartFen(merchantId, paymentId, RecordFields.Payment.POOL_FEN, refundedBeforeFen,
            refundedAfterFen);
    }

    /** As {@link #refundedPoolPartFen}, for the sale's alliance share (what the home merchant gives back). */
    public long refundedAlliancePartFen(final long merchantId, final long paymentId, final long refundedBeforeFen,
        final long refundedAfterFen)
    {
        return refundedPartFen(merchantId, paymentId, RecordFields.Payment.ALLIANCE_FEN, refundedBeforeFen,
            refundedAfterFen);
    }

    private long refundedPartFen(final long merchantId, final long paymentId, final int partField,
        final long refundedBeforeFen, final long refundedAfterFen)
    {
        final int payment = books.records.find(RecordFields.Payment.NAMESPACE, merchantId, paymentId);
        final long paidFen = payment < 0 ? 0 : books.records.get(payment, RecordFields.Payment.AMOUNT_FEN);
        return paidFen == 0 ? 0 : Ledger.proportionDelta(books.records.get(payment, partField), refundedBeforeFen,
            refundedAfterFen, paidFen);
    }

    /** True while a pool distribution is being paid out (every input then advances it by one slice). */
    public boolean isDistributionRunning()
    {
        return distribution.isRunning();
    }

    /** The id of the last voucher issued (0 before the first); ids are assigned in sequence. */
    public long lastVoucherId()
    {
        return books.vouchers.lastId();
    }

    /** Sum of all live holds. */
    public long totalHeldFen()
    {
        return ledger.totalHeldFen();
    }

    public int consumerCount()
    {
        return books.consumers.count();
    }

    public int merchantCount()
    {
        return books.merchants.count();
    }

    /**
     * Offline readers (the settlement's balance roll): the id of the merchant at {@code index} (0 until
     * {@link #merchantCount()}, in registration order), to read every merchant's statement.
     */
    public long merchantIdAt(final int index)
    {
        if (index < 0 || index >= books.merchants.count())
        {
            throw new IndexOutOfBoundsException("merchant index " + index + " of " + books.merchants.count());
        }
        return books.merchants.get(index, MerchantBook.ID);
    }

    public int liveHoldCount()
    {
        return books.holds.size();
    }

    public int rememberedKeyCount()
    {
        return books.records.size();
    }

    /**
     * Keys the key table has room for now (at most {@code keysMax}): how far it has grown, by doublings as keys are
     * remembered or at once by a reserve ({@link #reserveForInputs}, {@link #reserveKeysForInputs}). Layout, not
     * state: for footprint figures and the tests of recovery's reserve.
     */
    public int keyRowsHeld()
    {
        return books.records.rowsHeld();
    }

    /** As {@link #keyRowsHeld} for the consumers (at most {@code consumersMax}). */
    public int consumerRowsHeld()
    {
        return books.consumers.rowsHeld();
    }

    /** As {@link #keyRowsHeld} for the spend pairs (at most {@code consumptionPairsMax}). */
    public int spendPairRowsHeld()
    {
        return books.consumption.rowsHeld();
    }

    /**
     * Checks the conservation law and the balance invariants over the whole state (a full pass: for tests, the demo
     * and operators). Throws {@link IllegalStateException} naming the first broken invariant.
     */
    public void verifyInvariants()
    {
        ledger.verifyInvariants(true);
        keyQuota.verify();
    }

    /**
     * As {@link #verifyInvariants()} but without the pass over remembered keys: a pass over parties only, cheap
     * enough to run after every command in tests.
     */
    public void verifyBalances()
    {
        ledger.verifyInvariants(false);
    }
}
