package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.Actor;
import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.LookAlike;
import com.wodian.perf.riskworld.MerchantInfo;
import com.wodian.perf.riskworld.Variant;
import com.wodian.protocol.CommandEncoder;
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

    WithMerchantContext(final LabelledCommands commands, final List<MerchantInfo> merchants)
    {
        this.commands = commands;
        for (final MerchantInfo merchant : merchants)
        {
            this.merchants.put(merchant.merchantId(), merchant);
        }
    }

    @Override
    public boolean next()
    {
        if (!commands.next())
        {
            return false;
        }
        useRewritten = false;
        header.wrap(commands.buffer(), commands.offset());
        if (header.templateId() == RegisterMerchantDecoder.TEMPLATE_ID && header.version() < 4)
        {
            register.wrap(commands.buffer(), commands.offset() + MessageHeaderDecoder.ENCODED_LENGTH,
                header.blockLength(), header.version());
            final MerchantInfo merchant = merchants.get(register.merchantId());
            if (merchant != null)
            {
                rewrittenLength = encoder.registerMerchant(rewritten, 0, register.merchantId(), register.pointsPerYuan(),
                    register.poolRateBps(), register.allianceShareBps(), register.platformFeeBps(),
                    register.allianceMember() == com.wodian.protocol.sbe.BooleanType.TRUE,
                    MerchantTrades.ofMcc(merchant.mcc()), merchant.areaCode());
                useRewritten = true;
            }
        }
        return true;
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
    public int voucherSlot()
    {
        return commands.voucherSlot();
    }
}
