package com.wodian.perf.riskmodel;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * Runs a {@link LabelledStream} through an in-process engine as the pipeline would (next sequence, the command's
 * input time) and records every risk decision with its label: the features the engine computed, whether risk
 * declined it. The hand-written rules run in the given mode at their tuned defaults; a model, if given, is loaded
 * with SetRiskModel commands (the journaled path) and enforced as rule 14; a group source model, if given, is loaded
 * into the challenger slot (rule 15 in shadow) and fills the group features (engine setting RISK_GROUP_SOURCE 1);
 * further engine settings, if given ({@link #settings}), are sent with SetEngineSetting after those, before the
 * first command of the stream. Features are captured on every run.
 */
public final class ModelRun implements ReplySink
{
    private final LabelledStream stream;
    private final RiskMode rulesMode;
    private final TreeModel model;
    /** The challenger whose individual score fills the group features; null: none (the active model fills them). */
    private TreeModel groupSource;
    /** The second deciding model (the SECOND slot, enforced with rule 14); null: none. */
    private TreeModel second;
    /** Engine settings sent after the rules and models, in this order. */
    private List<Setting> settings = List.of();
    private final Engine engine;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[2048]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PayDecoder payDecoder = new PayDecoder();
    private final PaymentTryDecoder tryDecoder = new PaymentTryDecoder();
    private final RedeemPointsDecoder redeemDecoder = new RedeemPointsDecoder();
    private final long[] x = new long[Engine.riskFeatureNames().length];
    private long sequence;
    private long nowMs;
    private int replyLength;

    public final RiskDataset decisions = new RiskDataset(Engine.riskFeatureNames().length);
    /** Per decision: declined by risk. */
    public boolean[] declined = new boolean[1024];
    /** Per decision: abuse group, 0 for legitimate. */
    public long[] groups = new long[1024];
    /** Per decision: the legitimate look-alike it belongs to (0: none, or a world that does not say). */
    public int[] lookAlikes = new int[1024];
    /** Payments (Pay, Try) of a world's warm-up before its week: not decisions of the figures, counted apart. */
    public long warmUpPayments;
    /** Of those, declined by risk (codes 700-749). */
    public long warmUpPaymentsDeclined;
    /**
     * Every {@link #warmUpRows}-th risk decision of the warm-up, labelled legitimate (the warm-up has no abuse): rows a
     * trainer may add as honest negatives ({@code risk-train --warm-up-rows}); empty unless asked for.
     */
    public final RiskDataset warmUpDecisions = new RiskDataset(Engine.riskFeatureNames().length);
    /** Keep every n-th risk decision of the warm-up in {@link #warmUpDecisions}; 0: none. */
    private int warmUpRowEvery;
    /** Risk decisions of the warm-up so far (the ones kept and the others). */
    private long warmUpRiskDecisions;

    public ModelRun(final LabelledStream stream, final RiskMode rulesMode, final TreeModel model)
    {
        this(stream, rulesMode, model, stream.consumersMax(), stream.merchantsMax(), stream.terminalsMax(),
            stream.keysMax());
    }

    /** For worlds fed by their own feeder ({@link RiskWorldRun}): no stream, the capacities given. */
    ModelRun(final LabelledStream stream, final RiskMode rulesMode, final TreeModel model, final int consumersMax,
        final int merchantsMax, final int terminalsMax, final int keys)
    {
        this.stream = stream;
        this.rulesMode = rulesMode;
        this.model = model;
        engine = new Engine(new EngineConfig()
            .consumersMax(consumersMax)
            .merchantsMax(merchantsMax)
            .terminalsMax(terminalsMax)
            .holdsMax(65_536)
            .keysMax(keys)
            .vouchersMax(Math.max(1_024, keys / 4))
            .consumptionPairsMax(keys)
            .pointsLedgerEntriesMax(1 << 20)
            .riskPairsMax(1 << 20));
        engine.captureRiskFeatures(true);
    }

    @Override
    public void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        reply.putBytes(0, buffer, offset, length);
        replyLength = length;
    }

    /** Sets the group source model (null: none); before the run starts. */
    public ModelRun groupSource(final TreeModel source)
    {
        groupSource = source;
        return this;
    }

    /** Sets the second deciding model (null: none); before the run starts. */
    public ModelRun second(final TreeModel model)
    {
        second = model;
        return this;
    }

    /**
     * Keeps every {@code every}-th risk decision of the warm-up (in feeding order) in {@link #warmUpDecisions}, as a
     * legitimate row; 0 (the default) keeps none. Before the run starts.
     */
    public ModelRun warmUpRows(final int every)
    {
        if (every < 0)
        {
            throw new IllegalArgumentException("warm-up rows: every n-th with n >= 0, got " + every);
        }
        warmUpRowEvery = every;
        return this;
    }

    /** Sets the engine settings sent after the rules and models (empty: none); before the run starts. */
    public ModelRun settings(final List<Setting> settings)
    {
        this.settings = List.copyOf(settings);
        return this;
    }

    Engine engine()
    {
        return engine;
    }

    private ResultCode apply(final DirectBuffer buffer, final int offset, final int length)
    {
        sequence = engine.lastSequence() + 1;
        engine.onCommand(sequence, nowMs, buffer, offset, length, this);
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

    /** Switches the rules on and loads the model, at input time {@code atMs}. */
    void configure(final long atMs)
    {
        nowMs = atMs;
        if (rulesMode != RiskMode.OFF)
        {
            for (int rule = 1; rule <= Engine.RISK_RULES_CONFIGURABLE; rule++)
            {
                final long[] defaults = Engine.riskRuleDefaults(rule);
                require(apply(command, 0, encoder.setRiskRule(command, 0, 0, rule, rulesMode,
                    RiskAction.get((short)defaults[0]), defaults[1], defaults[2], defaults[3])), "rule " + rule);
            }
        }
        if (model != null)
        {
            model.encode(encoder, command, RiskModelSlot.ACTIVE, (buffer, length) ->
                require(apply(buffer, 0, length), "SetRiskModel"));
            require(apply(command, 0, encoder.setRiskRule(command, 0, 0, Engine.RISK_RULE_MODEL, RiskMode.ENFORCE,
                RiskAction.DECLINE, 0, 0, 0)), "model rule");
        }
        if (second != null)
        {
            second.encode(encoder, command, RiskModelSlot.SECOND, (buffer, length) ->
                require(apply(buffer, 0, length), "SetRiskModel (second)"));
            require(apply(command, 0, encoder.setRiskRule(command, 0, 0, Engine.RISK_RULE_MODEL, RiskMode.ENFORCE,
                RiskAction.DECLINE, 0, 0, 0)), "model rule (second)");
        }
        if (groupSource != null)
        {
            groupSource.encode(encoder, command, RiskModelSlot.CHALLENGER, (buffer, length) ->
                require(apply(buffer, 0, length), "SetRiskModel (challenger)"));
            require(apply(command, 0, encoder.setRiskRule(command, 0, 0, Engine.RISK_RULE_CHALLENGER, RiskMode.SHADOW,
                RiskAction.DECLINE, 0, 0, 0)), "challenger rule");
            require(apply(command, 0, encoder.setEngineSetting(command, 0, EngineSetting.RISK_GROUP_SOURCE, 1)),
                "group source");
        }
        for (final Setting setting : settings)
        {
            require(apply(command, 0, encoder.setEngineSetting(command, 0, setting.setting(), setting.value())),
                "engine setting " + setting);
        }
    }

    public ModelRun run()
    {
        while (stream.next())
        {
            if (sequence == 0)
            {
                configure(stream.timestampMs());
            }
            nowMs = Math.max(nowMs, stream.timestampMs());
            final ResultCode code = apply(stream.buffer(), stream.offset(), stream.length());
            stream.onReply(reply, 0, replyLength);
            afterCommand(stream.buffer(), stream.offset(), code, stream.kind(), stream.variant(), stream.group(),
                stream::tradeOf);
        }
        engine.verifyInvariants();
        return this;
    }

    void nowMs(final long ms)
    {
        nowMs = ms;
    }

    /** After the engine applied a command: a risk decision (features computed for it) is recorded with its labels. */
    void afterCommand(final DirectBuffer buffer, final int offset, final ResultCode code, final int kind,
        final int variant, final long group, final java.util.function.LongToIntFunction tradeOf)
    {
        afterCommand(buffer, offset, code, kind, variant, group, 0, tradeOf);
    }

    /** As above, with the decision's legitimate look-alike (0: none). */
    void afterCommand(final DirectBuffer buffer, final int offset, final ResultCode code, final int kind,
        final int variant, final long group, final int lookAlike, final java.util.function.LongToIntFunction tradeOf)
    {
        final int row = decisions.size;
        if (!recorded(decisions, buffer, offset, kind, variant, lookAlike, tradeOf))
        {
            return;
        }
        if (row == declined.length)
        {
            declined = java.util.Arrays.copyOf(declined, row * 2);
            groups = java.util.Arrays.copyOf(groups, row * 2);
            lookAlikes = java.util.Arrays.copyOf(lookAlikes, row * 2);
        }
        declined[row] = code.value() >= 700 && code.value() <= 749;
        groups[row] = group;
        lookAlikes[row] = lookAlike;
    }

    /**
     * Adds the command just applied to {@code into} as a row with these labels when risk decided on it (features were
     * computed for it: a Pay, a Try or a redemption); false, adding nothing, otherwise.
     */
    private boolean recorded(final RiskDataset into, final DirectBuffer buffer, final int offset, final int kind,
        final int variant, final int lookAlike, final java.util.function.LongToIntFunction tradeOf)
    {
        if (engine.lastRiskFeatures(x) != engine.lastSequence())
        {
            return false;
        }
        header.wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final long merchantId;
        final boolean payment;
        switch (header.templateId())
        {
            case PayDecoder.TEMPLATE_ID -> {
                merchantId = payDecoder.wrap(buffer, body, header.blockLength(), header.version()).merchantId();
                payment = true;
            }
            case PaymentTryDecoder.TEMPLATE_ID -> {
                merchantId = tryDecoder.wrap(buffer, body, header.blockLength(), header.version()).merchantId();
                payment = true;
            }
            case RedeemPointsDecoder.TEMPLATE_ID -> {
                merchantId = redeemDecoder.wrap(buffer, body, header.blockLength(), header.version()).merchantId();
                payment = false;
            }
            default -> {
                return false;
            }
        }
        into.add(x, kind != 0, kind, variant, payment, tradeOf.applyAsInt(merchantId), lookAlike);
        return true;
    }

    /**
     * Counts a command of the warm-up before a world's week (com.wodian.perf.riskworld.LabelledCommands#warmUp): a
     * payment, and whether risk declined it. It adds no decision: the figures are the week's. With {@link #warmUpRows}
     * set, every n-th risk decision of the warm-up becomes a legitimate row of {@link #warmUpDecisions} (its look-alike
     * kept; the warm-up has no abuse, docs/risk-threats.md section 10.9).
     */
    void afterWarmUpCommand(final DirectBuffer buffer, final int offset, final ResultCode code, final int lookAlike,
        final java.util.function.LongToIntFunction tradeOf)
    {
        header.wrap(buffer, offset);
        countWarmUpPayment(header.templateId(), code);
        if (warmUpRowEvery > 0 && engine.lastRiskFeatures(x) == engine.lastSequence() &&
            warmUpRiskDecisions++ % warmUpRowEvery == 0)
        {
            recorded(warmUpDecisions, buffer, offset, 0, 0, lookAlike, tradeOf);
        }
    }

    private void countWarmUpPayment(final int templateId, final ResultCode code)
    {
        if (templateId == PayDecoder.TEMPLATE_ID || templateId == PaymentTryDecoder.TEMPLATE_ID)
        {
            warmUpPayments++;
            if (code.value() >= 700 && code.value() <= 749)
            {
                warmUpPaymentsDeclined++;
            }
        }
    }

    public long stateHash()
    {
        return engine.stateHash();
    }

    /**
     * One engine setting for a run, as an operator sends it: SetEngineSetting, the journaled path (so a setting
     * that starts learning at its first command, as some risk settings do, starts before the world does).
     *
     * @param setting the setting
     * @param value   its value; the engine refuses one out of range (the run then fails with the result code)
     */
    public record Setting(EngineSetting setting, long value)
    {
        /**
         * Parses {@code NAME=VALUE}, NAME an {@link EngineSetting} name.
         *
         * @throws IllegalArgumentException on another form, an unknown name or a value that is not a number
         */
        public static Setting parse(final String spec)
        {
            final int equals = spec.indexOf('=');
            if (equals <= 0)
            {
                throw new IllegalArgumentException("engine setting '" + spec + "': NAME=VALUE expected");
            }
            final String name = spec.substring(0, equals).trim();
            final EngineSetting setting;
            try
            {
                setting = EngineSetting.valueOf(name);
            }
            catch (final IllegalArgumentException unknown)
            {
                throw new IllegalArgumentException("engine setting '" + name + "' unknown (" + java.util.Arrays
                    .stream(EngineSetting.values()).filter(known -> known != EngineSetting.NULL_VAL)
                    .map(Enum::name).collect(java.util.stream.Collectors.joining(", ")) + ")", unknown);
            }
            if (setting == EngineSetting.NULL_VAL)
            {
                throw new IllegalArgumentException("engine setting '" + name + "' unknown");
            }
            try
            {
                return new Setting(setting, Long.parseLong(spec.substring(equals + 1).trim()));
            }
            catch (final NumberFormatException notANumber)
            {
                throw new IllegalArgumentException("engine setting '" + spec + "': the value is not a number",
                    notANumber);
            }
        }

        @Override
        public String toString()
        {
            return setting.name() + "=" + value;
        }
    }
}
