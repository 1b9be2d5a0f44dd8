package com.wodian.tools;

import com.wodian.perf.loadgen.LoadGenerator;
import com.wodian.protocol.CommandEncoder;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The commands {@code wodian loadgen} sends, drawn by the weights of a mix such as
 * {@code pay=90,try-confirm=8,refund=2}: Pay; a Try followed two commands later by its Confirm (try-confirm) or its
 * Cancel (try-cancel); a full or partial Refund of a recent Pay; a BalanceQuery of a consumer; a PaymentStatusQuery
 * of a recent payment. Weights are per operation: a try-confirm is two commands on the wire.
 *
 * <p>Connection {@code c} plays the terminals {@code k} with {@code k % connections == c} and the consumers
 * {@code i} with {@code i % connections == c}; each consumer always pays at the same one of its connection's
 * terminals, so the engine's consumer-merchant pair book grows no larger than the consumer count, and a Try and its
 * Confirm, a Pay and its Refund travel on one connection, in order. Payment and refund ids are {@code idBase} plus
 * the schedule index, unique within a run; runs against the same server use different bases.
 *
 * <p>State is kept per connection ({@link Lane}), touched only by the sender thread that owns the connection.
 * Allocation-free per command.
 */
final class LoadgenWorkload implements LoadGenerator.CommandGenerator
{
    static final String[] OPERATION_NAMES = {"pay", "try-confirm", "try-cancel", "refund", "balance", "payment-status"};
    static final int PAY = 0;
    static final int TRY_CONFIRM = 1;
    static final int TRY_CANCEL = 2;
    static final int REFUND = 3;
    static final int BALANCE = 4;
    static final int PAYMENT_STATUS = 5;

    static final long AMOUNT_FEN_MIN = 100;
    static final long AMOUNT_FEN_MAX = 10_000;
    static final long TTL_MS = 60_000;
    /** Commands of its connection between a Try and its Confirm or Cancel. */
    static final int FOLLOW_UP_DISTANCE = 2;
    private static final int RECENT_PAYMENTS = 64;
    private static final int FOLLOW_UPS_MAX = 64;

    private final DemoPopulation population;
    private final int[] cumulativeWeights;
    private final long idBase;
    private final Lane[] lanes;

    /**
     * @param weights per operation of {@link #OPERATION_NAMES}, from {@link #parseMix}.
     */
    LoadgenWorkload(
        final DemoPopulation population,
        final int[] weights,
        final int connectionCount,
        final long idBase,
        final long seed)
    {
        if (population.terminalCount() < connectionCount || population.consumerCount() < connectionCount)
        {
            throw new IllegalArgumentException("need at least one terminal and one consumer per connection: " +
                population.terminalCount() + " terminals, " + population.consumerCount() + " consumers, " +
                connectionCount + " connections");
        }
        this.population = population;
        this.idBase = idBase;
        this.cumulativeWeights = new int[weights.length];
        int sum = 0;
        for (int i = 0; i < weights.length; i++)
        {
            sum += weights[i];
            cumulativeWeights[i] = sum;
        }
        if (sum <= 0)
        {
            throw new IllegalArgumentException("the mix has no weight");
        }
        this.lanes = new Lane[connectionCount];
        for (int c = 0; c < connectionCount; c++)
        {
            lanes[c] = new Lane(new SplittableRandom(seed * 31 + c));
        }
        for (int k = 0; k < population.terminalCount(); k++)
        {
            lanes[k % connectionCount].terminalIndexes.add(k);
        }
        for (final Lane lane : lanes)
        {
            lane.consumerCount = 0;
        }
        for (int i = 0; i < population.consumerCount(); i++)
        {
            lanes[i % connectionCount].consumerCount++;
        }
    }

    /**
     * Parses {@code pay=90,try-confirm=8,refund=2}: non-negative integer weights by operation name; unnamed
     * operations weigh 0.
     */
    static int[] parseMix(final String mix)
    {
        final int[] weights = new int[OPERATION_NAMES.length];
        for (final String part : mix.split(","))
        {
            final String trimmed = part.trim();
            if (trimmed.isEmpty())
            {
                continue;
            }
            final int equals = trimmed.indexOf('=');
            final String name = equals < 0 ? trimmed : trimmed.substring(0, equals).trim();
            final int operation = operationIndex(name);
            final int weight;
            try
            {
                weight = equals < 0 ? 1 : Integer.parseInt(trimmed.substring(equals + 1).trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("mix weight of " + name + " is not a number: " + trimmed);
            }
            if (weight < 0)
            {
                throw new IllegalArgumentException("mix weight of " + name + " is negative: " + weight);
            }
            weights[operation] += weight;
        }
        int sum = 0;
        for (final int weight : weights)
        {
            sum += weight;
        }
        if (sum == 0)
        {
            throw new IllegalArgumentException("the mix has no weight: " + mix);
        }
        return weights;
    }

    private static int operationIndex(final String name)
    {
        for (int i = 0; i < OPERATION_NAMES.length; i++)
        {
            if (OPERATION_NAMES[i].equals(name.toLowerCase(Locale.ROOT)))
            {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown operation in mix: " + name + " (known: " +
            String.join(", ", OPERATION_NAMES) + ")");
    }

    /** "pay=90,try-confirm=8,refund=2" for weights. */
    static String describeMix(final int[] weights)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < weights.length; i++)
        {
            if (weights[i] != 0)
            {
                text.append(text.length() == 0 ? "" : ",").append(OPERATION_NAMES[i]).append('=').append(weights[i]);
            }
        }
        return text.toString();
    }

    @Override
    public int encode(final long index, final int connectionIndex, final MutableDirectBuffer buffer, final int offset)
    {
        final Lane lane = lanes[connectionIndex];
        final CommandEncoder encoder = lane.encoder;
        final long step = lane.step++;
        if (lane.followUpCount > 0 && lane.followUpDueSteps[lane.followUpHead] <= step)
        {
            final int slot = lane.followUpHead;
            lane.followUpHead = (slot + 1) & (FOLLOW_UPS_MAX - 1);
            lane.followUpCount--;
            return lane.followUpConfirms[slot] ?
                encoder.confirm(buffer, offset, lane.followUpMerchantIds[slot], lane.followUpTerminalIds[slot],
                    lane.followUpPaymentIds[slot]) :
                encoder.cancel(buffer, offset, lane.followUpMerchantIds[slot], lane.followUpTerminalIds[slot],
                    lane.followUpPaymentIds[slot]);
        }

        int operation = draw(lane.random);
        if ((operation == REFUND || operation == PAYMENT_STATUS) && lane.recentCount == 0)
        {
            operation = PAY;
        }
        if ((operation == TRY_CONFIRM || operation == TRY_CANCEL) && lane.followUpCount == FOLLOW_UPS_MAX)
        {
            operation = PAY;
        }

        final int consumerSlot = lane.random.nextInt(lane.consumerCount);
        final int consumerIndex = consumerSlot * lanes.length + connectionIndex;
        final long consumerId = population.consumerId(consumerIndex);
        final int terminalIndex = lane.terminalIndexes.getInt(consumerSlot % lane.terminalIndexes.size());
        final long merchantId = population.merchantIdOfTerminal(terminalIndex);
        final long terminalId = population.terminalId(terminalIndex);
        final long id = idBase + index;
        switch (operation)
        {
            case PAY:
            {
                final long amountFen = AMOUNT_FEN_MIN + lane.random.nextLong(AMOUNT_FEN_MAX - AMOUNT_FEN_MIN + 1);
                lane.remember(merchantId, terminalId, id, amountFen);
                return encoder.pay(buffer, offset, merchantId, terminalId, id, consumerId, amountFen);
            }
            case TRY_CONFIRM:
            case TRY_CANCEL:
            {
                final long amountFen = AMOUNT_FEN_MIN + lane.random.nextLong(AMOUNT_FEN_MAX - AMOUNT_FEN_MIN + 1);
                lane.followUp(step + FOLLOW_UP_DISTANCE, operation == TRY_CONFIRM, merchantId, terminalId, id);
                return encoder.tryPayment(buffer, offset, merchantId, terminalId, id, consumerId, amountFen, TTL_MS);
            }
            case REFUND:
            {
                // Each remembered Pay is refunded at most once: taking it out of the ring forgets it.
                final int slot = lane.takeRecent();
                final long amountFen = (lane.random.nextInt(2) == 0) ?
                    lane.recentAmountFen[slot] : Math.max(1, lane.recentAmountFen[slot] / 2);
                return encoder.refund(buffer, offset, lane.recentMerchantIds[slot], lane.recentTerminalIds[slot],
                    lane.recentPaymentIds[slot], id, amountFen);
            }
            case BALANCE:
                return encoder.balanceQuery(buffer, offset, consumerId);
            default:
            {
                final int slot = (lane.recentHead - 1) & (RECENT_PAYMENTS - 1);
                return encoder.paymentStatusQuery(buffer, offset, lane.recentMerchantIds[slot],
                    lane.recentPaymentIds[slot]);
            }
        }
    }

    private int draw(final SplittableRandom random)
    {
        final int ticket = random.nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
        for (int i = 0; i < cumulativeWeights.length; i++)
        {
            if (ticket < cumulativeWeights[i])
            {
                return i;
            }
        }
        return PAY;
    }

    /** One connection's generator state. */
    private static final class Lane
    {
        final SplittableRandom random;
        final CommandEncoder encoder = new CommandEncoder();
        final IntArrayList terminalIndexes = new IntArrayList();
        int consumerCount;
        long step;

        // Recent Pays, newest at recentHead - 1: refunds and status queries pick from here.
        final long[] recentMerchantIds = new long[RECENT_PAYMENTS];
        final long[] recentTerminalIds = new long[RECENT_PAYMENTS];
        final long[] recentPaymentIds = new long[RECENT_PAYMENTS];
        final long[] recentAmountFen = new long[RECENT_PAYMENTS];
        int recentHead;
        int recentCount;

        // Confirms and Cancels waiting for their step, a FIFO ring.
        final long[] followUpDueSteps = new long[FOLLOW_UPS_MAX];
        final boolean[] followUpConfirms = new boolean[FOLLOW_UPS_MAX];
        final long[] followUpMerchantIds = new long[FOLLOW_UPS_MAX];
        final long[] followUpTerminalIds = new long[FOLLOW_UPS_MAX];
        final long[] followUpPaymentIds = new long[FOLLOW_UPS_MAX];
        int followUpHead;
        int followUpCount;

        Lane(final SplittableRandom random)
        {
            this.random = random;
        }

        void remember(final long merchantId, final long terminalId, final long paymentId, final long amountFen)
        {
            final int slot = recentHead;
            recentMerchantIds[slot] = merchantId;
            recentTerminalIds[slot] = terminalId;
            recentPaymentIds[slot] = paymentId;
            recentAmountFen[slot] = amountFen;
            recentHead = (slot + 1) & (RECENT_PAYMENTS - 1);
            recentCount = Math.min(RECENT_PAYMENTS, recentCount + 1);
        }

        /** The oldest remembered Pay, removed from the ring. */
        int takeRecent()
        {
            final int slot = (recentHead - recentCount) & (RECENT_PAYMENTS - 1);
            recentCount--;
            return slot;
        }

        void followUp(
            final long dueStep, final boolean confirm, final long merchantId, final long terminalId,
            final long paymentId)
        {
            final int slot = (followUpHead + followUpCount) & (FOLLOW_UPS_MAX - 1);
            followUpDueSteps[slot] = dueStep;
            followUpConfirms[slot] = confirm;
            followUpMerchantIds[slot] = merchantId;
            followUpTerminalIds[slot] = terminalId;
            followUpPaymentIds[slot] = paymentId;
            followUpCount++;
        }
    }
}
