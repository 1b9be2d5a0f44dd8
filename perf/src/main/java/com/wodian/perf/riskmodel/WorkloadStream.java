package com.wodian.perf.riskmodel;

import com.wodian.perf.workload.RiskWorkload;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.DistributionMode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Our own older generator ({@link RiskWorkload}) as a {@link LabelledStream}: plumbing and a second opinion only, it
 * is not the independent evaluation (its abuse has no careful variants; every episode reads as blatant).
 */
public final class WorkloadStream implements LabelledStream
{
    private final RiskWorkload workload;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
    private final List<Runnable> setup = new ArrayList<>();
    private int setupIndex = -1;
    private int eventIndex = -1;
    private int length;
    private long timeMs;
    private int kind;
    private long group;

    public WorkloadStream(final RiskWorkload workload)
    {
        this.workload = workload;
        for (int m = 0; m < workload.merchantCount; m++)
        {
            final long merchantId = m + 1;
            final int index = m;
            setup.add(() -> length = encoder.registerMerchant(command, 0, merchantId, workload.pointsPerYuan[index],
                300, 200, 0, workload.allianceMember[index]));
            setup.add(() -> length = encoder.setMerchantRules(command, 0, merchantId, workload.pointsPerYuan[index],
                300, 200, 0, workload.allianceMember[index], DistributionMode.VOUCHER, 300, 500,
                30 * RiskWorkload.DAY_MS));
            for (int t = 0; t < RiskWorkload.TERMINALS_PER_MERCHANT; t++)
            {
                final long terminalId = RiskWorkload.terminalId(merchantId, t);
                setup.add(() -> length = encoder.registerTerminal(command, 0, terminalId, merchantId));
            }
        }
        for (int c = 0; c < workload.consumerCount; c++)
        {
            final long consumerId = c + 1;
            final long home = workload.homeMerchant[c];
            setup.add(() -> length = encoder.registerConsumer(command, 0, consumerId, home));
        }
    }

    @Override
    public boolean next()
    {
        kind = 0;
        group = 0;
        if (setupIndex + 1 < setup.size())
        {
            setup.get(++setupIndex).run();
            timeMs = RiskWorkload.START_MS - 2 * RiskWorkload.HOUR_MS;
            return true;
        }
        if (++eventIndex >= workload.events.size())
        {
            return false;
        }
        final RiskWorkload.Event event = workload.events.get(eventIndex);
        timeMs = Math.max(timeMs, event.timeMs());
        kind = event.kind().ordinal();
        group = kind == 0 ? 0 : event.episode();
        switch (event.op())
        {
            case REGISTER_CONSUMER -> length = encoder.registerConsumer(command, 0, event.consumerId(),
                event.merchantId());
            case TOP_UP -> length = encoder.topUp(command, 0, event.consumerId(), event.secondaryId(),
                event.amountFen());
            case PAY -> length = encoder.pay(command, 0, event.merchantId(), event.terminalId(), event.paymentId(),
                event.consumerId(), event.amountFen());
            case REFUND -> length = encoder.refund(command, 0, event.merchantId(), event.terminalId(),
                event.paymentId(), event.secondaryId(), event.amountFen());
            case REDEEM -> length = encoder.redeemPoints(command, 0, event.consumerId(), event.merchantId(),
                event.secondaryId());
            default -> throw new IllegalStateException("op " + event.op());
        }
        return true;
    }

    @Override
    public long timestampMs()
    {
        return timeMs;
    }

    @Override
    public DirectBuffer buffer()
    {
        return command;
    }

    @Override
    public int offset()
    {
        return 0;
    }

    @Override
    public int length()
    {
        return length;
    }

    @Override
    public int kind()
    {
        return kind;
    }

    @Override
    public int variant()
    {
        return kind == 0 ? 0 : BLATANT;
    }

    @Override
    public long group()
    {
        return group;
    }

    @Override
    public String[] kindNames()
    {
        final RiskWorkload.Kind[] kinds = RiskWorkload.Kind.values();
        final String[] names = new String[kinds.length];
        for (int k = 0; k < kinds.length; k++)
        {
            names[k] = kinds[k].name();
        }
        return names;
    }

    @Override
    public int tradeOf(final long merchantId)
    {
        return 0;
    }

    @Override
    public int consumersMax()
    {
        return (int)workload.lastConsumerId() + 16;
    }

    @Override
    public int merchantsMax()
    {
        return workload.merchantCount + 16;
    }

    @Override
    public int terminalsMax()
    {
        return workload.merchantCount * RiskWorkload.TERMINALS_PER_MERCHANT + 16;
    }

    @Override
    public int keysMax()
    {
        return workload.events.size() + 10_000;
    }
}
