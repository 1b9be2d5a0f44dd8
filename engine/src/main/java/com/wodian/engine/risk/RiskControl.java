package com.wodian.engine.risk;

import com.wodian.engine.table.ConsumerBook;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskDecision;

/**
 * Real-time risk control inside the engine: behaviour profiles of consumers, terminals, merchants and
 * consumer–merchant pairs, and the rules evaluated against them on every Try, Pay, Refund and points redemption.
 * Every evaluation and update is O(1) over a few primitive rows, allocates nothing and depends only on the inputs
 * and their timestamps, so a replay or a standby reaches the same decisions.
 *
 * <p>The engine calls {@link #begin} with the command's identity, then a {@code check*} method that returns the
 * first enforced declining rule's result code (or OK), recording an event for every rule that hit; after a payment or
 * refund succeeds it calls the matching {@code record*} method, which updates the profiles. While every rule is OFF
 * for a merchant nothing is evaluated nor profiled there (the cost of risk control is then one check).
 */
public final class RiskControl
{
    private static final int DECISION_DECLINED = RiskDecision.DECLINED.value();
    private static final int DECISION_FLAGGED = RiskDecision.FLAGGED.value();
    private static final int DECISION_SHADOW_DECLINE = RiskDecision.SHADOW_DECLINE.value();
    private static final int DECISION_SHADOW_FLAG = RiskDecision.SHADOW_FLAG.value();

    public final RiskRules rules;
    final ConsumerRiskBook consumers;
    final TerminalRiskBook terminals;
    public final MerchantRiskBook merchants;
    final PairRiskBook pairs;
    public final RiskEventLog events;
    public final RiskFeatures features;
    public final RiskModels models = new RiskModels();
    /** Tools that train models: compute the features of every evaluated command even with no model loaded. */
    private boolean captureFeatures;
    /** Sequence of the command whose features are in {@code features.values} (-1: none yet). */
    private long featuresSequence = -1;
    /** Platform-wide counters: (ruleId - 1) * 3 + DECLINED / FLAGGED / SHADOW. */
    final long[] stats = new long[RiskRules.RULE_COUNT * 3];

    // The command being evaluated (set by begin): what a risk event records about it.
    private long sequence;
    private long nowMs;
    private int template;
    private long merchantId;
    private long consumerId;
    private long terminalId;
    private long referenceId;
    private long amountFen;
    private ResultCode decline;
    private int merchantIndex;
    private int consumerIndex;
    /** The rule settings in force at the command's merchant ({@link RiskRules#settingsFor}), set by each check. */
    private long[] settings;
    /** The home-same-set sets and counters (HOME_SAME_SET_LIMIT; snapshot format 20 on, after the probe table). */
    public final HomeSameSets sameSets;
    /** HOME_SAME_SET_LIMIT: a dormant payer whose home-same-set count reaches it is declined; 0: off. */
    private long sameSetLimit;

    /**
     * @param limits          the sizes of the risk books (the engine's configured limits)
     * @param consumerRecords the consumers' records, whose risk blocks this package lays out and keeps
     */
    public RiskControl(final RiskLimits limits, final ConsumerBook consumerRecords)
    {
        rules = new RiskRules(limits.merchantsMax(), limits.riskOverridesMax());
        consumers = new ConsumerRiskBook(consumerRecords);
        terminals = new TerminalRiskBook(limits.terminalsMax());
        merchants = new MerchantRiskBook(limits.merchantsMax());
        pairs = new PairRiskBook(limits.riskPairsMax());
        events = new RiskEventLog(limits.riskEventsMax());
        features = new RiskFeatures(limits, consumers, terminals, merchants, pairs);
        sameSets = new HomeSameSets(limits.riskPairsMax(), limits.consumersMax());
    }

    /**
     * HOME_SAME_SET_LIMIT set by SetEngineSetting: a non-zero limit also starts the learning of the sets (a journaled
     * point every node shares; it goes on when the limit is 0 again, so turning it back on finds the sets current).
     */
    public void homeSameSetLimit(final long limit)
    {
        sameSetLimit = limit;
        if (limit > 0)
        {
            sameSets.start();
        }
    }

    /** HOME_SAME_SET_LIMIT read from a snapshot (whether learning started is in the risk section's own flag). */
    public void homeSameSetLimitRestored(final long limit)
    {
        sameSetLimit = limit;
    }

    public void captureFeatures(final boolean on)
    {
        captureFeatures = on;
    }

    /** Copies the last computed features into {@code into}; returns the sequence of their command (-1: none). */
    public long lastFeatures(final long[] into)
    {
        System.arraycopy(features.values, 0, into, 0, Math.min(into.length, RiskFeatures.COUNT));
        return featuresSequence;
    }

    public void merchantRegistered(final int merchantIndex, final int trade, final int areaCode, final long nowMs)
    {
        rules.merchantRegistered(merchantIndex);
        merchants.ensure(merchantIndex + 1);
        features.merchantProfiles.ensure(merchantIndex + 1);
        features.homeCohorts.ensure(merchantIndex + 1);
        features.merchantProfiles.registered(merchantIndex, trade, areaCode, nowMs);
    }

    /** Makes room for the new terminal's risk line (its risk and profile rows; they start at zero). */
    public void terminalRegistered(final int terminalIndex)
    {
        terminals.ensure(terminalIndex + 1);
    }

    public void recordTopUp(final int consumerIndex, final long amountFen, final long nowMs)
    {
        features.consumerProfiles.recordTopUp(consumerIndex, amountFen, nowMs);
    }

    /** Wallet before the payment, its voucher's value (0: none), a sale here ever settled (88): the engine's books. */
    public void paymentContext(final long walletFen, final long voucherFen, final boolean paidHereBefore)
    {
        features.paymentContext(walletFen, voucherFen, paidHereBefore);
    }

    public void consumerRegistered(final int consumerIndex, final long nowMs)
    {
        features.consumerRegistered(consumerIndex, nowMs);
    }

    private boolean modelsOn()
    {
        return captureFeatures || ((models.active.loaded() || models.second.loaded()) && on(RiskRules.MODEL)) ||
            (models.challenger.loaded() && on(RiskRules.CHALLENGER));
    }

    /** Scores the features just computed with the active, the second and the challenger model; records their hits. */
    private void scoreModels()
    {
        featuresSequence = sequence;
        final boolean active = models.active.loaded() && on(RiskRules.MODEL);
        final boolean second = models.second.loaded() && on(RiskRules.MODEL);
        final boolean challenger = models.challenger.loaded() && on(RiskRules.CHALLENGER);
        if ((active && models.active.narrow()) || (second && models.second.narrow()) ||
            (challenger && models.challenger.narrow()))
        {
            models.clampFeatures(features.values);
        }
        // Rule 14: the active model's decline, else the second model's, else the active flag (one event; docs/risk.md).
        final int secondScore = second ? models.score(models.second, features.values) : 0;
        final boolean secondReached = second && secondScore >= models.second.declineScore();
        final boolean activeReached = active && scoreWith(RiskRules.MODEL, models.active, secondReached);
        if (secondReached && !activeReached)
        {
            recordSecond(secondScore);
        }
        if (challenger)
        {
            if (RiskModels.inShadowSample(models.challenger.shadowSamplePeriod(), sequence))
            {
                scoreWith(RiskRules.CHALLENGER, models.challenger, false);
            }
            else if (groupSourceChallenger)
            {
                // Outside the sample only what decides is computed: the individual score behind the group features.
                final RiskModel model = models.challenger;
                suspicious = models.scoreIndividual(model, features.values) >= model.flagScore();
            }
        }
    }

    /** Did the group source model score the command being evaluated at or above its flag score? */
    private boolean suspicious;

    /**
     * Engine setting RISK_GROUP_SOURCE (state of EngineSettings, which sets this on every change and snapshot load):
     * whether the challenger's individual score, instead of the active model's, says which payments were suspicious
     * for the group features 53-56. A strong model in the challenger slot then fills them, and every tree of the
     * active model may read them (its own individual score no longer feeds them).
     */
    private boolean groupSourceChallenger;

    public void groupSourceChallenger(final boolean on)
    {
        groupSourceChallenger = on;
    }

    /** The rule whose model's individual score fills the group features (RISK_GROUP_SOURCE). */
    private int groupSourceRule()
    {
        return groupSourceChallenger ? RiskRules.CHALLENGER : RiskRules.MODEL;
    }

    /** Is the group source model loaded and on at the command's merchant (so that its suspicion is learnt)? */
    private boolean groupSourceScores()
    {
        final RiskModel source = groupSourceChallenger ? models.challenger : models.active;
        return source.loaded() && on(groupSourceRule());
    }

    /** Scores and records a hit (not a flag {@code flagSuperseded} by a second-model decline); true: declines. */
    private boolean scoreWith(final int ruleId, final RiskModel model, final boolean flagSuperseded)
    {
        final long[] x = features.values;
        final int score = models.score(model, x);
        final boolean flags = model.individualScore() >= model.flagScore();
        if (ruleId == groupSourceRule())
        {
            suspicious = flags;
        }
        if ((flags && !flagSuperseded) || score >= model.declineScore())
        {
            final boolean declines = score >= model.declineScore() &&
                setting(ruleId, RiskRules.ACTION) == RiskRules.ACTION_DECLINE;
            final long mode = ruleId == RiskRules.CHALLENGER ? RiskRules.MODE_SHADOW : setting(ruleId, RiskRules.MODE);
            record(ruleId, score, mode, declines, model.version(), model.reasons(x));
        }
        return score >= model.declineScore();
    }

    /**
     * The second model's decline (docs/risk.md, "The second deciding model"), when the active model did not reach its
     * own score: rule 14's one event for the command, with the second model's version, score and reasons.
     */
    private void recordSecond(final int score)
    {
        final RiskModel model = models.second;
        record(RiskRules.MODEL, score, setting(RiskRules.MODEL, RiskRules.MODE),
            setting(RiskRules.MODEL, RiskRules.ACTION) == RiskRules.ACTION_DECLINE, model.version(),
            model.reasons(features.values));
    }

    /**
     * Batch prefetch (the engine's {@code BatchPrefetcher}, for a Try or Pay while this merchant's rules are on): loads
     * the risk lines a scored payment of these parties reads and that are not in the consumer record: the terminal's
     * risk and profile rows, the merchant's risk row (the lines a payment reads) and its profile row (every line of
     * each, {@link #touchSpan}), the consumer-terminal word of the seen-pairs set and, once HOME_SAME_SET_LIMIT started
     * learning, the consumer's same-set word ({@link HomeSameSets#touchWord}: its counters' addresses need it, so the
     * apply's {@link #touchLines} can load them at once). Changes nothing; returns a value folded from the loads, for
     * the caller to keep so that the JIT cannot drop them. Parties not (or no longer) in a table load nothing.
     */
    public long touchPayment(final int consumerIndex, final int merchantIndex, final int terminalIndex)
    {
        long folded = touchMerchantRows(merchantIndex) + touchTerminalRows(terminalIndex);
        return folded + features.seenPairs.touch(consumerIndex, terminalIndex) + sameSets.touchWord(consumerIndex);
    }

    /**
     * Batch prefetch of a RegisterConsumer (h14, agreed with h13r): loads the line of the home merchant's risk row that
     * {@link #consumerRegistered} updates (its recruiting clock, for the registered-together feature); a random line of
     * the merchants' risk rows that the apply otherwise waited for (7.7% of a full replay's apply thread, whose inputs
     * are a third registrations). Changes nothing.
     */
    public long touchRegistration(final int homeMerchantIndex)
    {
        final int at = homeMerchantIndex * MerchantRiskBook.STRIDE + MerchantRiskBook.PERIODS_SEEN;
        return homeMerchantIndex >= 0 && at < merchants.rows.length ? merchants.rows[at] : 0;
    }

    /**
     * Loads every cache line of {@code rows[first..last]}: a long every 64 bytes from the first, and the last (a row
     * whose length is not a multiple of 64 bytes straddles a line boundary at some indexes: loading only its first
     * long left the rest to miss later, one after another). 0 when the span is past the array's end.
     */
    private static long touchSpan(final long[] rows, final int first, final int last)
    {
        if (first < 0 || last >= rows.length)
        {
            return 0;
        }
        long folded = rows[last];
        for (int i = first; i < last; i += 8)
        {
            folded += rows[i];
        }
        return folded;
    }

    /** The merchant's risk row (clock, sales, average: what a payment reads) and its whole profile row. */
    private long touchMerchantRows(final int merchantIndex)
    {
        final int risk = merchantIndex * MerchantRiskBook.STRIDE;
        final int profile = merchantIndex * MerchantProfileBook.STRIDE;
        return touchSpan(merchants.rows, risk, risk + MerchantRiskBook.PERIODS_SEEN) +
            touchSpan(features.merchantProfiles.rows, profile, profile + MerchantProfileBook.STRIDE - 1);
    }

    /** The terminal's risk line: its risk and profile rows (one line when the array is aligned, else two). */
    private long touchTerminalRows(final int terminalIndex)
    {
        final int line = TerminalRiskBook.line(terminalIndex);
        return touchSpan(terminals.rows, line, line + TerminalRiskBook.LINE_LONGS - 1);
    }

    /**
     * Of another shop's profile row (the consumer's home or last shop), the longs a payment reads there: its trade
     * and area (the first) and, for the home shop, its second shares (SHARES_2); the rest of the row is not loaded.
     */
    private long touchOtherShop(final int merchantIndex, final boolean home)
    {
        final long[] rows = features.merchantProfiles.rows;
        final int base = merchantIndex * MerchantProfileBook.STRIDE;
        if (merchantIndex < 0 || base + MerchantProfileBook.STRIDE > rows.length)
        {
            return 0;
        }
        return rows[base] + (home ? rows[base + MerchantProfileBook.SHARES_2] : 0);
    }

    /** Loads folded by {@link #touchLines}, kept in a field so that the JIT cannot drop them. */
    private long touched;

    /**
     * Loads every line the payment about to be checked will read or, once approved, update, before any of them is used:
     * for the rules the consumer's risk row, the terminal's and the merchant's risk rows and, when {@code pair}, the
     * consumer–merchant pair's set (not for the refund-cycle rule alone: it reads the pair only for a consumer with
     * refunds); for the profiles (read by the features when a model scores, updated by every approved payment while
     * rules are on: {@link RiskFeatures#recordPayment}) the consumer's profile row, the terminal's and the merchant's
     * profile rows, the seen-pairs word, the home shop's trade-and-area and shares longs and the home-cohort,
     * home-route and dormant-pairs words (the last: the reverse pair feature 75 reads); once HOME_SAME_SET_LIMIT
     * started learning, the consumer's same-set word and its two counters ({@link HomeSameSets#touch}); when a model
     * scores also the last shop's trade-and-area long and, for a consumer that had an account event, its line of the
     * account-event times. Every line of a row that straddles lines is loaded ({@link #touchSpan}), of another shop's
     * row only the longs read. Read where the rules and the features need them, each miss waited for the ones before it
     * (the code between them is longer than the core's window); loaded together here they overlap, the first load of
     * each chain first (the same-set word: its counters are hashed from it; the consumer's profile row: its last shop
     * names the route word and that shop's row), the second ones last, the seen-pairs word untested. Changes nothing.
     */
    private long touchLines(final int consumerIndex, final int merchantIndex, final int terminalIndex,
        final int homeMerchantIndex, final boolean pair, final boolean scoring)
    {
        long folded = sameSets.touchWord(consumerIndex) + features.consumerProfiles.touch(consumerIndex) +
            consumers.touch(consumerIndex) + features.seenPairs.touch(consumerIndex, terminalIndex);
        folded += touchMerchantRows(merchantIndex) + touchTerminalRows(terminalIndex);
        if (pair)
        {
            folded += pairs.touch(consumerIndex, merchantIndex);
        }
        if (homeMerchantIndex >= 0)
        {
            folded += touchOtherShop(homeMerchantIndex, true) +
                features.homeCohorts.touch(homeMerchantIndex, merchantIndex) +
                features.dormantPairs.touch(homeMerchantIndex, merchantIndex);
        }
        final int last = (int)features.consumerProfiles.lastMerchant(consumerIndex);
        if (homeMerchantIndex >= 0)
        {
            folded += features.homeRoutes.touch(homeMerchantIndex, last, merchantIndex) +
                sameSets.touch(consumerIndex, homeMerchantIndex, merchantIndex);
        }
        if (scoring)
        {
            folded += touchOtherShop(last, false) + features.touchAccountEvents(consumerIndex);
        }
        return folded;
    }

    public boolean isActive(final int merchantIndex)
    {
        return !rules.allOff(merchantIndex) || sameSetLimit > 0;
    }

    public void begin(final long sequence, final long nowMs, final int template, final long merchantId,
        final long consumerId, final long terminalId, final long referenceId, final long amountFen)
    {
        this.sequence = sequence;
        this.nowMs = nowMs;
        this.template = template;
        this.merchantId = merchantId;
        this.consumerId = consumerId;
        this.terminalId = terminalId;
        this.referenceId = referenceId;
        this.amountFen = amountFen;
        this.decline = ResultCode.OK;
    }

    private boolean on(final int ruleId)
    {
        return settings[RiskRules.at(ruleId, RiskRules.MODE)] != RiskRules.MODE_OFF;
    }

    /** A field of the rule's setting in force at the command's merchant (mode, action, thresholds). */
    private long setting(final int ruleId, final int field)
    {
        return settings[RiskRules.at(ruleId, field)];
    }

    /** A rule hit: record it as its mode and action say, and remember the first enforced decline. */
    private void hit(final int ruleId, final long observed)
    {
        record(ruleId, observed, setting(ruleId, RiskRules.MODE),
            setting(ruleId, RiskRules.ACTION) == RiskRules.ACTION_DECLINE, 0, RiskEventLog.NO_REASONS);
    }

    private void record(final int ruleId, final long observed, final long mode, final boolean declines,
        final long modelVersion, final long reasons)
    {
        final int decision;
        final int kind;
        if (mode == RiskRules.MODE_SHADOW)
        {
            decision = declines ? DECISION_SHADOW_DECLINE : DECISION_SHADOW_FLAG;
            kind = MerchantRiskBook.SHADOW;
        }
        else
        {
            decision = declines ? DECISION_DECLINED : DECISION_FLAGGED;
            kind = declines ? MerchantRiskBook.DECLINED : MerchantRiskBook.FLAGGED;
            if (declines && decline == ResultCode.OK)
            {
                decline = RiskRules.code(ruleId);
            }
            if (consumerIndex >= 0 && RiskRules.judgesConsumer(ruleId))
            {
                consumers.recordStrike(consumerIndex);
            }
        }
        stats[(ruleId - 1) * 3 + kind]++;
        if (merchantIndex >= 0)
        {
            merchants.count(merchantIndex, ruleId, kind);
        }
        events.append(sequence, nowMs, ruleId, decision, template, merchantId, consumerId, terminalId, referenceId,
            amountFen, observed, modelVersion, reasons);
    }

    /** A payment refused by a block (SetBlocked): logged and counted as the BLOCKED_PARTY rule. */
    public void recordBlocked(final int merchantIndex, final int consumerIndex, final int terminalIndex)
    {
        this.merchantIndex = merchantIndex;
        this.consumerIndex = -1;
        stats[(RiskRules.BLOCKED_PARTY - 1) * 3 + MerchantRiskBook.DECLINED]++;
        merchants.count(merchantIndex, RiskRules.BLOCKED_PARTY, MerchantRiskBook.DECLINED);
        events.append(sequence, nowMs, RiskRules.BLOCKED_PARTY, DECISION_DECLINED, template, merchantId, consumerId,
            terminalId, referenceId, amountFen, 0, 0, RiskEventLog.NO_REASONS);
    }

    /**
     * Evaluates a Try or Pay that passed validation and the blocks.
     *
     * @return OK, or the code of the first enforced rule whose action is to decline.
     */
    public ResultCode checkPayment(final int consumerIndex, final int merchantIndex, final int terminalIndex,
        final int homeMerchantIndex, final long amountFen)
    {
        this.consumerIndex = consumerIndex;
        this.merchantIndex = merchantIndex;
        this.settings = rules.settingsFor(merchantIndex);
        final boolean scoring = modelsOn();
        final boolean small = amountFen <= setting(RiskRules.PAIR_BURST, RiskRules.THRESHOLD_1);
        final boolean pairRead = (scoring && (captureFeatures || models.pairFeaturesUsed())) ||
            (small && on(RiskRules.PAIR_BURST));
        touched += touchLines(consumerIndex, merchantIndex, terminalIndex, homeMerchantIndex, pairRead, scoring);
        consumers.advance(consumerIndex, nowMs);
        terminals.advance(terminalIndex, nowMs);
        merchants.advance(merchantIndex, nowMs);
        // The pair table is a cache miss: look the pair up only when a pair rule can hit, or a loaded model tests a
        // pair feature. A consumer with fewer refunds than the limit in the same window cannot have a pair at the
        // limit.
        final boolean pairNeeded = pairRead || (on(RiskRules.REFUND_CYCLE) &&
            consumers.refunds24h(consumerIndex) >= setting(RiskRules.REFUND_CYCLE, RiskRules.THRESHOLD_1));
        final int pair = pairNeeded ? pairs.find(consumerIndex, merchantIndex) : -1;
        if (pair >= 0)
        {
            pairs.advance(pair, nowMs);
        }

        velocityRules(terminalIndex);
        amountRules(amountFen);
        pairRules(small, pair);
        merchantRules(homeMerchantIndex, amountFen);
        partyRules(terminalIndex);
        homeSameSetRule(homeMerchantIndex);
        if (scoring)
        {
            features.forPayment(nowMs, consumerIndex, merchantIndex, terminalIndex, homeMerchantIndex, pair, amountFen);
            suspicious = false;
            scoreModels();
            if (groupSourceScores())
            {
                features.recordSuspicion(consumerIndex, merchantIndex, terminalIndex, homeMerchantIndex, suspicious);
            }
        }
        consumers.recordAttempt(consumerIndex);
        terminals.recordAttempt(terminalIndex);
        return decline;
    }

    /**
     * HOME_SAME_SET_LIMIT (docs/risk.md "Rules", home-same-set limit): a dormant payer (account age and start points as
     * features 18 and 74 read them, {@link DormantPairs#dormant}) whose home-same-set count reaches the limit is
     * declined with RISK_HOME_SAME_SET, unless a rule above already declined; then the payment is learnt whatever the
     * outcome. Nothing before learning started, and nothing for a consumer without a home shop.
     */
    private void homeSameSetRule(final int homeMerchantIndex)
    {
        if (!sameSets.started() || homeMerchantIndex < 0)
        {
            return;
        }
        if (sameSetLimit > 0 && decline == ResultCode.OK &&
            DormantPairs.dormant(features.consumerProfiles.ageHours(consumerIndex, nowMs),
                features.consumerProfiles.startPointsLog16(consumerIndex)) &&
            sameSets.count(consumerIndex, homeMerchantIndex, merchantIndex) >= sameSetLimit)
        {
            decline = ResultCode.RISK_HOME_SAME_SET;
        }
        sameSets.learn(consumerIndex, homeMerchantIndex, merchantIndex);
    }

    /** Rules 1 and 2: attempts per minute and hour by the consumer, per minute on the terminal. */
    private void velocityRules(final int terminalIndex)
    {
        if (on(RiskRules.CONSUMER_VELOCITY))
        {
            final long perMinute = consumers.minuteCount(consumerIndex) + 1;
            final long perHour = consumers.hourCount(consumerIndex) + 1;
            if (perMinute > setting(RiskRules.CONSUMER_VELOCITY, RiskRules.THRESHOLD_1))
            {
                hit(RiskRules.CONSUMER_VELOCITY, perMinute);
            }
            else if (perHour > setting(RiskRules.CONSUMER_VELOCITY, RiskRules.THRESHOLD_2))
            {
                hit(RiskRules.CONSUMER_VELOCITY, perHour);
            }
        }
        if (on(RiskRules.TERMINAL_VELOCITY))
        {
            final long perMinute = terminals.minuteCount(terminalIndex) + 1;
            if (perMinute > setting(RiskRules.TERMINAL_VELOCITY, RiskRules.THRESHOLD_1))
            {
                hit(RiskRules.TERMINAL_VELOCITY, perMinute);
            }
        }
    }

    /** Rules 3, 4 and 5: the amount against the consumer's own amounts, its day and its history. */
    private void amountRules(final long amountFen)
    {
        if (on(RiskRules.AMOUNT_ANOMALY) &&
            consumers.history(consumerIndex) >= setting(RiskRules.AMOUNT_ANOMALY, RiskRules.THRESHOLD_2) &&
            amountFen >= setting(RiskRules.AMOUNT_ANOMALY, RiskRules.THRESHOLD_3))
        {
            // Deviation in units of the moving mean absolute deviation (x100), floored at a quarter of the mean so
            // that a consumer who always pays the same amount is not flagged for a slightly different one.
            final long mean = consumers.meanFenTimes4(consumerIndex);
            final long deviation = Math.max(Math.max(consumers.deviationFenTimes4(consumerIndex), mean / 4), 4);
            final long score = (amountFen * 4 - mean) * 100 / deviation;
            if (score > setting(RiskRules.AMOUNT_ANOMALY, RiskRules.THRESHOLD_1))
            {
                hit(RiskRules.AMOUNT_ANOMALY, score);
            }
        }
        if (on(RiskRules.DAILY_LIMIT))
        {
            final long daySum = consumers.daySumFen(consumerIndex) + amountFen;
            if (daySum > setting(RiskRules.DAILY_LIMIT, RiskRules.THRESHOLD_1))
            {
                hit(RiskRules.DAILY_LIMIT, daySum);
            }
        }
        if (on(RiskRules.NEW_CONSUMER_LARGE) &&
            consumers.history(consumerIndex) < setting(RiskRules.NEW_CONSUMER_LARGE, RiskRules.THRESHOLD_1) &&
            amountFen > setting(RiskRules.NEW_CONSUMER_LARGE, RiskRules.THRESHOLD_2))
        {
            hit(RiskRules.NEW_CONSUMER_LARGE, amountFen);
        }
    }

    /** Rules 6 and 7: small-payment bursts and refunds on the consumer-merchant pair ({@code pair} -1: none). */
    private void pairRules(final boolean small, final int pair)
    {
        if (small && on(RiskRules.PAIR_BURST))
        {
            final long smallPayments = pairs.smallPayments(pair) + 1;
            if (smallPayments > setting(RiskRules.PAIR_BURST, RiskRules.THRESHOLD_2))
            {
                hit(RiskRules.PAIR_BURST, smallPayments);
            }
        }
        if (on(RiskRules.REFUND_CYCLE))
        {
            final long refunds = pairs.refunds(pair);
            final long limit = setting(RiskRules.REFUND_CYCLE, RiskRules.THRESHOLD_1);
            if (limit > 0 && refunds >= limit)
            {
                hit(RiskRules.REFUND_CYCLE, refunds);
            }
        }
    }

    /** Rules 8 and 9: the merchant's sales to its own recruits and its volume against its hourly average. */
    private void merchantRules(final int homeMerchantIndex, final long amountFen)
    {
        if (on(RiskRules.CIRCULAR_FLOW) && homeMerchantIndex == merchantIndex)
        {
            final long own = merchants.hourOwnSales(merchantIndex) + amountFen;
            final long all = merchants.hourSales(merchantIndex) + amountFen;
            final long shareBps = own * 10_000 / all;
            if (own >= setting(RiskRules.CIRCULAR_FLOW, RiskRules.THRESHOLD_2) &&
                shareBps > setting(RiskRules.CIRCULAR_FLOW, RiskRules.THRESHOLD_1))
            {
                hit(RiskRules.CIRCULAR_FLOW, shareBps);
            }
        }
        if (on(RiskRules.VOLUME_SPIKE) && merchants.periodsSeen(merchantIndex) >= MerchantRiskBook.WARM_UP_PERIODS)
        {
            final long hour = merchants.hourSales(merchantIndex) + amountFen;
            final long average = Math.max(1, merchants.hourlyAverage(merchantIndex));
            final long ratio = hour * 100 / average;
            if (hour >= setting(RiskRules.VOLUME_SPIKE, RiskRules.THRESHOLD_2) &&
                ratio > setting(RiskRules.VOLUME_SPIKE, RiskRules.THRESHOLD_1))
            {
                hit(RiskRules.VOLUME_SPIKE, ratio);
            }
        }
    }

    /** Rules 10 and 12: distinct merchants and terminals of the consumer, refusals on the terminal. */
    private void partyRules(final int terminalIndex)
    {
        if (on(RiskRules.DISTINCT_PARTIES))
        {
            final long distinctMerchants = consumers.distinctMerchantsWith(consumerIndex, merchantIndex);
            final long distinctTerminals = consumers.distinctTerminalsWith(consumerIndex, terminalIndex);
            if (distinctMerchants > setting(RiskRules.DISTINCT_PARTIES, RiskRules.THRESHOLD_1))
            {
                hit(RiskRules.DISTINCT_PARTIES, distinctMerchants);
            }
            else if (distinctTerminals > setting(RiskRules.DISTINCT_PARTIES, RiskRules.THRESHOLD_2))
            {
                hit(RiskRules.DISTINCT_PARTIES, distinctTerminals);
            }
        }
        if (on(RiskRules.TERMINAL_FAILURES))
        {
            final long failures = terminals.minuteFailures(terminalIndex);
            final long limit = setting(RiskRules.TERMINAL_FAILURES, RiskRules.THRESHOLD_1);
            if (limit > 0 && failures >= limit)
            {
                hit(RiskRules.TERMINAL_FAILURES, failures);
            }
        }
    }

    /** A Try or Pay was approved (held or settled): the profiles learn it. */
    public void recordPayment(final int consumerIndex, final int merchantIndex, final int terminalIndex,
        final int homeMerchantIndex, final long amountFen)
    {
        features.recordPayment(nowMs, consumerIndex, merchantIndex, terminalIndex, homeMerchantIndex, amountFen);
        consumers.recordPayment(consumerIndex, merchantIndex, terminalIndex, amountFen);
        merchants.recordSale(merchantIndex, amountFen, homeMerchantIndex == merchantIndex);
        if (amountFen <= rules.get(merchantIndex, RiskRules.PAIR_BURST, RiskRules.THRESHOLD_1))
        {
            final int pair = pairs.findOrAdd(consumerIndex, merchantIndex);
            pairs.advance(pair, nowMs);
            pairs.recordSmallPayment(pair);
        }
    }

    /**
     * A Try or Pay recorded under its key was refused for a reason other than risk (funds, voucher, block): counts
     * against the terminal. Risk declines do not, or one fraudster declined at a shop would close its terminal.
     */
    public void recordRefusal(final int terminalIndex)
    {
        terminals.advance(terminalIndex, nowMs);
        terminals.recordFailure(terminalIndex);
    }

    public ResultCode checkRefund(final int consumerIndex, final int merchantIndex)
    {
        this.consumerIndex = consumerIndex;
        this.merchantIndex = merchantIndex;
        this.settings = rules.settingsFor(merchantIndex);
        consumers.advance(consumerIndex, nowMs);
        if (on(RiskRules.REFUND_CYCLE))
        {
            final int pair = pairs.find(consumerIndex, merchantIndex);
            if (pair >= 0)
            {
                pairs.advance(pair, nowMs);
            }
            final long refunds = pairs.refunds(pair);
            final long limit = setting(RiskRules.REFUND_CYCLE, RiskRules.THRESHOLD_1);
            if (limit > 0 && refunds >= limit)
            {
                hit(RiskRules.REFUND_CYCLE, refunds);
            }
        }
        return decline;
    }

    public void recordRefund(final int consumerIndex, final int merchantIndex)
    {
        consumers.recordRefund(consumerIndex);
        final int pair = pairs.findOrAdd(consumerIndex, merchantIndex);
        pairs.advance(pair, nowMs);
        pairs.recordRefund(pair);
    }

    public ResultCode checkRedemption(final int consumerIndex, final int merchantIndex, final int homeMerchantIndex)
    {
        this.consumerIndex = consumerIndex;
        this.merchantIndex = merchantIndex;
        this.settings = rules.settingsFor(merchantIndex);
        consumers.advance(consumerIndex, nowMs);
        if (on(RiskRules.REDEMPTION))
        {
            final long strikes = consumers.strikes24h(consumerIndex);
            final long payments = consumers.payments24h(consumerIndex);
            final long refunds = consumers.refunds24h(consumerIndex);
            final long strikeLimit = setting(RiskRules.REDEMPTION, RiskRules.THRESHOLD_1);
            if (strikeLimit > 0 && strikes >= strikeLimit)
            {
                hit(RiskRules.REDEMPTION, strikes);
            }
            else if (payments >= setting(RiskRules.REDEMPTION, RiskRules.THRESHOLD_3) && payments > 0 &&
                refunds * 10_000 >= setting(RiskRules.REDEMPTION, RiskRules.THRESHOLD_2) * payments)
            {
                hit(RiskRules.REDEMPTION, refunds * 10_000 / payments);
            }
        }
        if (modelsOn())
        {
            features.forRedemption(nowMs, consumerIndex, merchantIndex, homeMerchantIndex);
            scoreModels();
        }
        if (decline == ResultCode.OK)
        {
            features.consumerProfiles.recordRedemption(consumerIndex, nowMs);
        }
        return decline;
    }

    public long counter(final int ruleId, final int kind)
    {
        return stats[(ruleId - 1) * 3 + kind];
    }

    /** Declines and flags so far (shadow hits excluded). */
    public long decisions()
    {
        long sum = 0;
        for (int rule = 1; rule <= RiskRules.RULE_COUNT; rule++)
        {
            sum += counter(rule, MerchantRiskBook.DECLINED) + counter(rule, MerchantRiskBook.FLAGGED);
        }
        return sum;
    }

    public void writeTo(final SnapshotWriter writer, final int consumerCount, final int merchantCount,
        final int terminalCount)
    {
        rules.writeTo(writer);
        // The consumers' risk blocks are written and read with their records (ConsumerBook).
        terminals.writeTo(writer, terminalCount);
        merchants.writeTo(writer, merchantCount);
        pairs.writeTo(writer);
        events.writeTo(writer);
        writer.writeLongs(stats, stats.length);
        features.writeTo(writer, consumerCount, merchantCount, terminalCount);
        models.writeTo(writer);
    }

    public void readFrom(final SnapshotReader reader, final int consumerCount, final int merchantCount,
        final int terminalCount)
    {
        rules.readFrom(reader);
        terminals.readFrom(reader, terminalCount);
        merchants.readFrom(reader, merchantCount);
        pairs.readFrom(reader);
        events.readFrom(reader);
        reader.readLongs(stats);
        features.readFrom(reader, consumerCount, merchantCount, terminalCount);
        models.readFrom(reader);
    }

    public long hash(final long seed, final int consumerCount, final int merchantCount, final int terminalCount)
    {
        long hash = rules.hash(seed);
        // The consumers' risk blocks are folded with the rest of their records by ConsumerBook (hash version 2).
        hash = terminals.hash(hash, terminalCount);
        hash = merchants.hash(hash, merchantCount);
        hash = pairs.hash(hash);
        hash = events.hash(hash);
        hash = StateHash.foldRows(hash, stats, 1, stats.length);
        hash = features.hash(hash, consumerCount, merchantCount, terminalCount);
        return models.hash(hash);
    }
}
