package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.Actor;
import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.LookAlike;
import com.wodian.perf.riskworld.MerchantInfo;
import com.wodian.perf.riskworld.Variant;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.AccountEventDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.RegisterMerchantDecoder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * A world's commands with what the acquirer knows at registration: a RegisterMerchant sent without trade and area
 * (schema version 3) is re-encoded with the merchant's trade (from its MCC) and area code. Everything else passes
 * through unchanged, labels included.
 */
final class WithMerchantContext implements LabelledCommands
{
    private final LabelledCommands commands;
    private final Long2ObjectHashMap<MerchantInfo> merchants = new Long2ObjectHashMap<>();
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer rewritten = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RegisterMerchantDecoder register = new RegisterMerchantDecoder();
    private boolean useRewritten;
    private int rewrittenLength;
    private final long slowSeed;
    private final boolean slow;
    private final long keepFromPermille;
    private final long keepSpanPermille;
    private long index;

    WithMerchantContext(final LabelledCommands commands, final List<MerchantInfo> merchants)
    {
        this(commands, merchants, false, 0);
    }

    /** "riskworld-slow": each careful ring keeps 25% to 100% of its payments. */
    static final int SLOW_KEEP_FROM_PERMILLE = 250;
    static final int SLOW_KEEP_TO_PERMILLE = 1000;
    /** "riskworld-slower": each careful ring keeps 15% to 65% of its payments. */
    static final int SLOWER_KEEP_FROM_PERMILLE = 150;
    static final int SLOWER_KEEP_TO_PERMILLE = 650;

    WithMerchantContext(final LabelledCommands commands, final List<MerchantInfo> merchants, final boolean slow,
        final long slowSeed)
    {
        this(commands, merchants, slow ? SLOW_KEEP_FROM_PERMILLE : 1000, SLOW_KEEP_TO_PERMILLE, slowSeed);
    }

    /**
     * Leaves out part of the careful rings' payments (see {@link #leftOut()}) when {@code keepFromPermille} is below
     * 1000: each ring keeps a share drawn per ring from {@code keepFromPermille} to {@code keepToPermille}, seeded by
     * {@code slowSeed}, so that training worlds also hold careful rings that pay less often than the training range's.
     * The draw for a payment depends on its place among the world's commands other than account events.
     */
    WithMerchantContext(final LabelledCommands commands, final List<MerchantInfo> merchants,
        final int keepFromPermille, final int keepToPermille, final long slowSeed)
    {
        this.commands = commands;
        this.slow = keepFromPermille < 1000;
        this.keepFromPermille = keepFromPermille;
        this.keepSpanPermille = Math.max(1, keepToPermille - keepFromPermille + 1);
        this.slowSeed = slowSeed;
        for (final MerchantInfo merchant : merchants)
        {
            this.merchants.put(merchant.merchantId(), merchant);
        }
    }

    @Override
    public boolean next()
    {
        do
        {
            if (!commands.next())
            {
                return false;
            }
            // Account events (issue 13) come from a random stream of their own, merged by time, so the world's other
            // commands are as before; not counting them keeps the same careful payments left out as before, and a
            // slowed world is the one earlier models were trained on with the events added.
            // The warm-up's payments before the week (session 56) likewise: the same careful payments are left out.
            if (commands.templateId() != AccountEventDecoder.TEMPLATE_ID && !commands.warmUp())
            {
                index++;
            }
        }
        while (slow && leftOut());
        useRewritten = false;
        header.wrap(commands.buffer(), commands.offset());
        if (header.templateId() == RegisterMerchantDecoder.TEMPLATE_ID && header.version() < 4)
        {
            register.wrap(commands.buffer(), commands.offset() + MessageHeaderDecoder.ENCODED_LENGTH,
                header.blockLength(), header.version());
            final MerchantInfo merchant = merchants.get(register.merchantId());
            if (merchant != null)
            {
                rewrittenLength = encoder.registerMerchant(rewritten, 0, register.merchantId(),
                    register.pointsPerYuan(), register.poolRateBps(), register.allianceShareBps(),
                    register.platformFeeBps(),
                    register.allianceMember() == com.wodian.protocol.sbe.BooleanType.TRUE,
                    MerchantTrades.ofMcc(merchant.mcc()), merchant.areaCode());
                useRewritten = true;
            }
        }
        return true;
    }

    /**
     * A payment (Pay or Try) of a careful brushing, circular-flow or collusive-till group is kept with a probability
     * drawn per group from the keep range (riskworld-slow 25% to 100%: the same group then pays 1 to 4 times less
     * often; riskworld-slower 15% to 65%: 1.5 to 6.7 times less often), with the same accounts,
     * shops and amounts. The labels and every other command pass unchanged (a Confirm of a left-out Try is refused
     * by the engine as unknown, and is no decision).
     */
    private boolean leftOut()
    {
        final int template = commands.templateId();
        if (commands.variant() != Variant.CAREFUL ||
            (template != com.wodian.perf.riskworld.RiskWorldTemplates.PAY &&
            template != com.wodian.perf.riskworld.RiskWorldTemplates.TRY))
        {
            return false;
        }
        final Actor actor = commands.actor();
        if (actor != Actor.POINTS_BRUSHING && actor != Actor.CIRCULAR_FLOW && actor != Actor.COLLUSIVE_TERMINAL)
        {
            return false;
        }
        final long group = com.wodian.engine.table.StateHash.fmix(slowSeed * 0x9E3779B97F4A7C15L + commands.groupId());
        final long keepPermille = keepFromPermille + Long.remainderUnsigned(group, keepSpanPermille);
        final long draw =
            Long.remainderUnsigned(com.wodian.engine.table.StateHash.fmix(group ^ index * 0xC2B2AE3D27D4EB4FL), 1000);
        return draw >= keepPermille;
    }

    @Override
    public long timestampMs()
    {
        return commands.timestampMs();
    }

    @Override
    public int templateId()
    {
        return commands.templateId();
    }

    @Override
    public DirectBuffer buffer()
    {
        return useRewritten ? rewritten : commands.buffer();
    }

    @Override
    public int offset()
    {
        return useRewritten ? 0 : commands.offset();
    }

    @Override
    public int length()
    {
        return useRewritten ? rewrittenLength : commands.length();
    }

    @Override
    public Actor actor()
    {
        return commands.actor();
    }

    @Override
    public Variant variant()
    {
        return commands.variant();
    }

    @Override
    public LookAlike lookAlike()
    {
        return commands.lookAlike();
    }

    @Override
    public int groupId()
    {
        return commands.groupId();
    }

    @Override
    public boolean warmUp()
    {
        return commands.warmUp();
    }

    @Override
    public int voucherSlot()
    {
        return commands.voucherSlot();
    }
}
