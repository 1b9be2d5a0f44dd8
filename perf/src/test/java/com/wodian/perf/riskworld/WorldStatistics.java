package com.wodian.perf.riskworld;

import com.wodian.protocol.sbe.AccountEventDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the tests measure of a world, gathered in one pass over its commands: a digest of every byte (timestamps,
 * labels and messages), decisions per kind and variant, payments per look-alike, and per abuse group the accounts
 * it used and its busiest hour.
 */
final class WorldStatistics
{
    final MessageDigest digest;
    final Map<String, Long> decisionsByKindAndVariant = new HashMap<>();
    final Map<LookAlike, Long> decisionsByLookAlike = new EnumMap<>(LookAlike.class);
    final Map<Integer, Group> groups = new HashMap<>();
    final Map<Long, Trade> tradeByMerchant = new HashMap<>();
    final Map<Trade, long[]> legitimateAmountsByTrade = new EnumMap<>(Trade.class);
    long commands;
    /** Commands of the warm-up before the week (left out of every count and digest below but the whole one). */
    long warmUpCommands;
    long legitimatePayments;
    long abusePayments;
    long lastTimestampMs = Long.MIN_VALUE;
    boolean timeWentBackwards;
    /** Every command but the account events: must stay what the generator gave before it had them. */
    final StreamDigest otherCommands = new StreamDigest();
    final List<SeenAccountEvent> accountEvents = new ArrayList<>();
    /** Per (group, consumer): the input time of the group's first decision on that consumer's account. */
    final Map<Integer, Map<Long, Long>> firstDecisionMs = new HashMap<>();
    /** Consumers registered by an abuse group (the registration carries the group). */
    final Set<Long> groupRegisteredConsumers = new HashSet<>();
    private final AccountEventDecoder accountEvent = new AccountEventDecoder();
    private final com.wodian.protocol.sbe.RegisterConsumerDecoder registerConsumer =
        new com.wodian.protocol.sbe.RegisterConsumerDecoder();

    /** An account event as the stream shows it. */
    record SeenAccountEvent(long timestampMs, long consumerId, int kind, Actor actor, Variant variant,
        LookAlike lookAlike, int groupId)
    {
    }
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PayDecoder pay = new PayDecoder();
    private final PaymentTryDecoder paymentTry = new PaymentTryDecoder();
    private final RedeemPointsDecoder redeem = new RedeemPointsDecoder();
    private final byte[] bytes = new byte[1_024];
    private String digestHex;

    /** One abuse group as the commands show it. */
    static final class Group
    {
        Actor actor;
        Variant variant;
        final Set<Long> consumers = new HashSet<>();
        /** Decisions per (consumer, clock hour). */
        final Map<Long, Map<Long, Integer>> decisionsPerConsumerHour = new HashMap<>();
        /** Decisions per (consumer, day). */
        final Map<Long, Map<Long, Integer>> decisionsPerConsumerDay = new HashMap<>();
        long decisions;

        /** The mean over the group's accounts of each account's busiest hour. */
        double busiestHourPerAccount()
        {
            return meanOfMaxima(decisionsPerConsumerHour);
        }

        /** The mean over the group's accounts of each account's busiest day. */
        double busiestDayPerAccount()
        {
            return meanOfMaxima(decisionsPerConsumerDay);
        }

        private static double meanOfMaxima(final Map<Long, Map<Long, Integer>> counts)
        {
            return counts.values().stream()
                .mapToInt(perSlot -> perSlot.values().stream().mapToInt(Integer::intValue).max().orElse(0))
                .average().orElse(0);
        }
    }

    WorldStatistics(final RiskWorld world)
    {
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        for (final MerchantInfo merchant : world.merchants())
        {
            tradeByMerchant.put(merchant.merchantId(), merchant.trade());
        }
    }

    void accept(final LabelledCommands command)
    {
        if (digestHex != null)
        {
            throw new IllegalStateException("digest already finished");
        }
        commands++;
        final int length = command.length();
        command.buffer().getBytes(command.offset(), bytes, 0, length);
        digest.update(bytes, 0, length);
        digest.update(longBytes(command.timestampMs()));
        digest.update(new byte[] {(byte)command.actor().ordinal(), (byte)command.variant().ordinal(),
            (byte)command.lookAlike().ordinal()});
        digest.update(longBytes(((long)command.groupId() << 32) | command.voucherSlot()));
        timeWentBackwards |= command.timestampMs() < lastTimestampMs;
        lastTimestampMs = command.timestampMs();
        if (command.warmUp())
        {
            // The warm-up before the week (WarmUpTest reads it): in the digest of every byte, in nothing else.
            warmUpCommands++;
            return;
        }
        if (command.templateId() == RiskWorldTemplates.ACCOUNT_EVENT)
        {
            accountEvent.wrapAndApplyHeader(command.buffer(), command.offset(), header);
            accountEvents.add(new SeenAccountEvent(command.timestampMs(), accountEvent.consumerId(),
                accountEvent.kindRaw(), command.actor(), command.variant(), command.lookAlike(), command.groupId()));
        }
        else if (command.timestampMs() >= SimulatedClock.WEEK_START_MS)
        {
            otherCommands.accept(command);
        }
        if (command.templateId() == com.wodian.protocol.sbe.RegisterConsumerDecoder.TEMPLATE_ID
            && command.actor().isAbuse())
        {
            groupRegisteredConsumers.add(
                registerConsumer.wrapAndApplyHeader(command.buffer(), command.offset(), header).consumerId());
        }
        if (command.isDecision())
        {
            acceptDecision(command);
        }
    }

    private void acceptDecision(final LabelledCommands command)
    {
        decisionsByKindAndVariant.merge(command.actor() + "/" + command.variant(), 1L, Long::sum);
        decisionsByLookAlike.merge(command.lookAlike(), 1L, Long::sum);
        final long consumerId = consumerOf(command);
        final boolean payment = command.templateId() == RiskWorldTemplates.PAY
            || command.templateId() == RiskWorldTemplates.TRY;
        if (!command.actor().isAbuse())
        {
            if (payment)
            {
                legitimatePayments++;
                recordLegitimateAmount(command);
            }
            return;
        }
        abusePayments += payment ? 1 : 0;
        if (consumerId > 0)
        {
            firstDecisionMs.computeIfAbsent(command.groupId(), id -> new HashMap<>())
                .putIfAbsent(consumerId, command.timestampMs());
        }
        final Group group = groups.computeIfAbsent(command.groupId(), id -> new Group());
        group.actor = command.actor();
        group.variant = command.variant();
        group.decisions++;
        if (consumerId > 0)
        {
            group.consumers.add(consumerId);
            group.decisionsPerConsumerHour.computeIfAbsent(consumerId, id -> new HashMap<>())
                .merge(command.timestampMs() / SimulatedClock.HOUR_MS, 1, Integer::sum);
            group.decisionsPerConsumerDay.computeIfAbsent(consumerId, id -> new HashMap<>())
                .merge(command.timestampMs() / SimulatedClock.DAY_MS, 1, Integer::sum);
        }
    }

    private void recordLegitimateAmount(final LabelledCommands command)
    {
        if (command.templateId() != RiskWorldTemplates.PAY || command.lookAlike() != LookAlike.NONE)
        {
            return;
        }
        pay.wrapAndApplyHeader(command.buffer(), command.offset(), header);
        final long[] sums = legitimateAmountsByTrade.computeIfAbsent(tradeByMerchant.get(pay.merchantId()),
            trade -> new long[2]);
        sums[0] += pay.amountFen();
        sums[1]++;
    }

    private long consumerOf(final LabelledCommands command)
    {
        final int template = command.templateId();
        if (template == RiskWorldTemplates.PAY)
        {
            return pay.wrapAndApplyHeader(command.buffer(), command.offset(), header).consumerId();
        }
        if (template == RiskWorldTemplates.TRY)
        {
            return paymentTry.wrapAndApplyHeader(command.buffer(), command.offset(), header).consumerId();
        }
        if (template == RiskWorldTemplates.REDEEM_POINTS)
        {
            return redeem.wrapAndApplyHeader(command.buffer(), command.offset(), header).consumerId();
        }
        // A refund names the payment, not the consumer.
        return 0;
    }

    long meanLegitimateTicketFen(final Trade trade)
    {
        final long[] sums = legitimateAmountsByTrade.get(trade);
        return sums == null || sums[1] == 0 ? 0 : sums[0] / sums[1];
    }

    private static byte[] longBytes(final long value)
    {
        final byte[] out = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            out[i] = (byte)(value >>> (8 * i));
        }
        return out;
    }

    /** The digest of everything accepted; finishes the digest, so call it after the last command. */
    String digestHex()
    {
        if (digestHex == null)
        {
            final StringBuilder hex = new StringBuilder();
            for (final byte b : digest.digest())
            {
                hex.append(String.format("%02x", b));
            }
            digestHex = hex.toString();
        }
        return digestHex;
    }
}
