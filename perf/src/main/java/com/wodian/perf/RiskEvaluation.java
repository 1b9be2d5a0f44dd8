package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.perf.workload.RiskWorkload;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskEventsReplyDecoder;
import com.wodian.protocol.sbe.RiskMode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Runs a {@link RiskWorkload} through an engine with the risk rules on and scores the decisions against the labels:
 * per abuse kind a confusion matrix over the commands risk evaluated (payments, refunds of confirmed payments,
 * redemptions that passed the points checks), and how many abuse episodes were intercepted (at least one command
 * declined or flagged). A legitimate command counts as a false positive of an abuse kind when a rule aimed at that
 * kind hit it. The engine sees only the commands; the labels stay here.
 */
public final class RiskEvaluation implements ReplySink
{
    /** Which abuse kind each rule (by id) is aimed at, to attribute false positives. */
    private static final RiskWorkload.Kind[] KIND_OF_RULE = {
        null,
        RiskWorkload.Kind.SPREE,                  // 1 consumer velocity
        RiskWorkload.Kind.TERMINAL_ATTACK,        // 2 terminal velocity
        RiskWorkload.Kind.TAKEOVER_LARGE,         // 3 amount anomaly
        RiskWorkload.Kind.TAKEOVER_LARGE,         // 4 daily limit
        RiskWorkload.Kind.NEW_ACCOUNT_CASHOUT,    // 5 new consumer large amount
        RiskWorkload.Kind.BRUSHING,               // 6 pair burst
        RiskWorkload.Kind.REFUND_CYCLING,         // 7 refund cycle
        RiskWorkload.Kind.CIRCULAR_FLOW,          // 8 circular flow
        RiskWorkload.Kind.CIRCULAR_FLOW,          // 9 volume spike
        RiskWorkload.Kind.SPREE,                  // 10 distinct merchants / terminals
        RiskWorkload.Kind.BRUSHING,               // 11 redemption
        RiskWorkload.Kind.TERMINAL_ATTACK,        // 12 terminal failures
        null,                                     // 13 blocked party
    };
    private static final int RULES = 13;

    private final RiskWorkload workload;
    private final RiskMode mode;
    private final Engine engine;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[2048]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RiskEventsReplyDecoder eventsReply = new RiskEventsReplyDecoder();
    private long sequence;
    private long nowMs = RiskWorkload.START_MS - 2 * RiskWorkload.HOUR_MS;
    private long seenEventId;

    // Results, indexed by Kind ordinal.
    final long[] truePositives = new long[RiskWorkload.Kind.values().length];
    final long[] falseNegatives = new long[RiskWorkload.Kind.values().length];
    final long[] falsePositives = new long[RiskWorkload.Kind.values().length];
    final long[] notEvaluated = new long[RiskWorkload.Kind.values().length];
    long legitEvaluated;
    long declinedByRisk;
    long legitHit;
    long legitPayments;
    long legitPaymentsHit;
    final long[] legitHitsByRule = new long[RULES + 1];
    final long[] abuseHitsByRule = new long[RULES + 1];
    private final boolean[] episodeCaught;
    private final RiskWorkload.Kind[] episodeKind;
    private final boolean[] ruleHit = new boolean[RULES + 1];
    private boolean anyHit;

    public RiskEvaluation(final RiskWorkload workload, final RiskMode mode)
    {
        this.workload = workload;
        this.mode = mode;
        final int keys = workload.events.size() + 10_000;
        final EngineConfig config = new EngineConfig()
            .consumersMax((int)workload.lastConsumerId() + 16)
            .merchantsMax(workload.merchantCount + 16)
            .terminalsMax(workload.merchantCount * RiskWorkload.TERMINALS_PER_MERCHANT + 16)
            .holdsMax(1_024)
            .keysMax(keys)
            .vouchersMax(keys)
            .consumptionPairsMax(keys)
            .pointsLedgerEntriesMax(1 << 20)
            .riskPairsMax(1 << 20);
        engine = new Engine(config);
        int episodes = 0;
        for (final RiskWorkload.Event event : workload.events)
        {
            episodes = Math.max(episodes, event.episode());
        }
        episodeCaught = new boolean[episodes + 1];
        episodeKind = new RiskWorkload.Kind[episodes + 1];
    }

    @Override
    public void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        reply.putBytes(0, buffer, offset, length);
    }

    private ResultCode apply(final int length)
    {
        engine.onCommand(++sequence, nowMs, command, 0, length, this);
        return ResultCode.get(reply.getShort(MessageHeaderDecoder.ENCODED_LENGTH, java.nio.ByteOrder.LITTLE_ENDIAN)
            & 0xFFFF);
    }

    private void require(final ResultCode code, final String what)
    {
        if (code != ResultCode.OK)
        {
            throw new IllegalStateException(what + ": " + code);
        }
    }

    /** Registers the town and switches the rules on (tuned defaults, in the chosen mode). */
    private void setUp()
    {
        for (int m = 0; m < workload.merchantCount; m++)
        {
            final long merchantId = m + 1;
            require(apply(encoder.registerMerchant(command, 0, merchantId, workload.pointsPerYuan[m], 300, 200, 0,
                workload.allianceMember[m])), "merchant");
            require(apply(encoder.setMerchantRules(command, 0, merchantId, workload.pointsPerYuan[m], 300, 200, 0,
                workload.allianceMember[m], DistributionMode.VOUCHER, 300, 500, 30 * RiskWorkload.DAY_MS)), "rules");
            for (int t = 0; t < RiskWorkload.TERMINALS_PER_MERCHANT; t++)
            {
                require(apply(encoder.registerTerminal(command, 0, RiskWorkload.terminalId(merchantId, t),
                    merchantId)), "terminal");
            }
        }
        for (int c = 0; c < workload.consumerCount; c++)
        {
            require(apply(encoder.registerConsumer(command, 0, c + 1, workload.homeMerchant[c])), "consumer");
        }
        if (mode != RiskMode.OFF)
        {
            for (int rule = 1; rule <= Engine.RISK_RULES_CONFIGURABLE; rule++)
            {
                final long[] defaults = Engine.riskRuleDefaults(rule);
                require(apply(encoder.setRiskRule(command, 0, 0, rule, mode, RiskAction.get((short)defaults[0]),
                    defaults[1], defaults[2], defaults[3])), "risk rule " + rule);
            }
        }
    }

    public RiskEvaluation run()
    {
        setUp();
        for (final RiskWorkload.Event event : workload.events)
        {
            nowMs = Math.max(nowMs, event.timeMs());
            final ResultCode code;
            switch (event.op())
            {
                case REGISTER_CONSUMER:
                    require(apply(encoder.registerConsumer(command, 0, event.consumerId(), event.merchantId())),
                        "new consumer");
                    continue;
                case TOP_UP:
                    require(apply(encoder.topUp(command, 0, event.consumerId(), event.secondaryId(),
                        event.amountFen())), "top-up");
                    continue;
                case PAY:
                    code = apply(encoder.pay(command, 0, event.merchantId(), event.terminalId(), event.paymentId(),
                        event.consumerId(), event.amountFen()));
                    score(event, code, true);
                    break;
                case REFUND:
                    code = apply(encoder.refund(command, 0, event.merchantId(), event.terminalId(),
                        event.paymentId(), event.secondaryId(), event.amountFen()));
                    score(event, code,
                        code != ResultCode.PAYMENT_NOT_CONFIRMED && code != ResultCode.PAYMENT_NOT_FOUND);
                    break;
                case REDEEM:
                    code = apply(encoder.redeemPoints(command, 0, event.consumerId(), event.merchantId(),
                        event.secondaryId()));
                    score(event, code, code == ResultCode.OK || isRisk(code));
                    break;
                default:
                    throw new IllegalStateException("op " + event.op());
            }
        }
        engine.verifyInvariants();
        return this;
    }

    private static boolean isRisk(final ResultCode code)
    {
        return code.value() >= 700 && code.value() <= 749;
    }

    /** Reads the risk events raised by the last command (decisions only; shadow hits when running in shadow). */
    private void collectHits()
    {
        java.util.Arrays.fill(ruleHit, false);
        anyHit = false;
        while (seenEventId < engine.lastRiskEventId())
        {
            final int length = encoder.riskEventsQuery(command, 0, seenEventId);
            engine.onQuery(command, 0, length, this);
            header.wrap(reply, 0);
            eventsReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            for (final RiskEventsReplyDecoder.EventsDecoder event : eventsReply.events())
            {
                seenEventId = event.eventId();
                final int rule = event.ruleId();
                if (rule >= 1 && rule < RULES)
                {
                    ruleHit[rule] = true;
                    anyHit = true;
                }
            }
        }
    }

    private void score(final RiskWorkload.Event event, final ResultCode code, final boolean evaluated)
    {
        declinedByRisk += isRisk(code) ? 1 : 0;
        collectHits();
        final RiskWorkload.Kind kind = event.kind();
        if (!evaluated)
        {
            notEvaluated[kind.ordinal()]++;
            return;
        }
        if (kind == RiskWorkload.Kind.LEGIT)
        {
            legitEvaluated++;
            if (event.op() == RiskWorkload.Op.PAY)
            {
                legitPayments++;
                legitPaymentsHit += anyHit ? 1 : 0;
            }
            if (anyHit)
            {
                legitHit++;
                final boolean[] counted = new boolean[RiskWorkload.Kind.values().length];
                for (int rule = 1; rule < RULES; rule++)
                {
                    if (ruleHit[rule])
                    {
                        legitHitsByRule[rule]++;
                        if (!counted[KIND_OF_RULE[rule].ordinal()])
                        {
                            counted[KIND_OF_RULE[rule].ordinal()] = true;
                            falsePositives[KIND_OF_RULE[rule].ordinal()]++;
                        }
                    }
                }
            }
            return;
        }
        episodeKind[event.episode()] = kind;
        if (anyHit)
        {
            truePositives[kind.ordinal()]++;
            episodeCaught[event.episode()] = true;
            for (int rule = 1; rule < RULES; rule++)
            {
                abuseHitsByRule[rule] += ruleHit[rule] ? 1 : 0;
            }
        }
        else
        {
            falseNegatives[kind.ordinal()]++;
        }
    }

    private static String percent(final long numerator, final long denominator)
    {
        return denominator == 0 ? "   n/a" : String.format(Locale.ROOT, "%6.2f%%", 100.0 * numerator / denominator);
    }

    public void print(final PrintStream out)
    {
        out.println("risk-eval " + workload + " mode=" + mode);
        out.println("unit: commands risk evaluated (payments; refunds of confirmed payments; redemptions past the " +
            "points checks). positive = declined or flagged by a risk rule.");
        out.printf(Locale.ROOT, "%-20s %7s %7s %7s %8s %9s %9s %9s %9s   %s%n", "kind", "TP", "FN", "FP", "TN",
            "precision", "recall", "FPR", "accuracy", "episodes caught");
        long allTp = 0;
        long allFn = 0;
        for (final RiskWorkload.Kind kind : RiskWorkload.Kind.values())
        {
            if (kind == RiskWorkload.Kind.LEGIT)
            {
                continue;
            }
            final int k = kind.ordinal();
            final long tp = truePositives[k];
            final long fn = falseNegatives[k];
            final long fp = falsePositives[k];
            final long tn = legitEvaluated - fp;
            allTp += tp;
            allFn += fn;
            int episodes = 0;
            int caught = 0;
            for (int e = 1; e < episodeKind.length; e++)
            {
                if (episodeKind[e] == kind)
                {
                    episodes++;
                    caught += episodeCaught[e] ? 1 : 0;
                }
            }
            out.printf(Locale.ROOT, "%-20s %7d %7d %7d %8d %9s %9s %9s %9s   %d/%d %s%n", kind, tp, fn, fp, tn,
                percent(tp, tp + fp), percent(tp, tp + fn), percent(fp, fp + tn),
                percent(tp + tn, tp + tn + fp + fn), caught, episodes, percent(caught, episodes).trim());
        }
        final long fpAll = legitHit;
        final long tnAll = legitEvaluated - legitHit;
        out.printf(Locale.ROOT, "%-20s %7d %7d %7d %8d %9s %9s %9s %9s%n", "ALL", allTp, allFn, fpAll, tnAll,
            percent(allTp, allTp + fpAll), percent(allTp, allTp + allFn), percent(fpAll, fpAll + tnAll),
            percent(allTp + tnAll, allTp + tnAll + fpAll + allFn));
        out.printf(Locale.ROOT, "legitimate payments: %d, declined or flagged: %d (FPR %s)%n", legitPayments,
            legitPaymentsHit, percent(legitPaymentsHit, legitPayments).trim());
        int episodes = 0;
        int caught = 0;
        for (int e = 1; e < episodeKind.length; e++)
        {
            if (episodeKind[e] != null)
            {
                episodes++;
                caught += episodeCaught[e] ? 1 : 0;
            }
        }
        out.printf(Locale.ROOT, "abuse episodes intercepted: %d/%d (%s)%n", caught, episodes,
            percent(caught, episodes).trim());
        out.printf(Locale.ROOT, "commands declined by risk: %d%n", declinedByRisk);
        final StringBuilder rules = new StringBuilder("hits by rule (abuse/legit):");
        for (int rule = 1; rule < RULES; rule++)
        {
            rules.append(' ').append(rule).append('=').append(abuseHitsByRule[rule]).append('/')
                .append(legitHitsByRule[rule]);
        }
        out.println(rules);
        final StringBuilder skipped = new StringBuilder("not evaluated by risk (refused earlier):");
        for (final RiskWorkload.Kind kind : RiskWorkload.Kind.values())
        {
            skipped.append(' ').append(kind).append('=').append(notEvaluated[kind.ordinal()]);
        }
        out.println(skipped);
        out.printf(Locale.ROOT, "engine state hash %016x after %d inputs%n", engine.stateHash(), sequence);
    }

    public Engine engine()
    {
        return engine;
    }

    /** {@code RiskEvaluation [seed [consumers [days [off|shadow|enforce]]]]}; `wodian risk-eval` is the CLI form. */
    public static void main(final String[] args)
    {
        final long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        final int consumers = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        final int days = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        final RiskMode mode = args.length > 3 ? RiskMode.valueOf(args[3].toUpperCase(Locale.ROOT)) : RiskMode.ENFORCE;
        new RiskEvaluation(new RiskWorkload(seed, consumers, days), mode).run().print(System.out);
    }
}
