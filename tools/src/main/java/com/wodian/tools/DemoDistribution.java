package com.wodian.tools;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.DistributionState;
import com.wodian.protocol.sbe.DistributionStatusReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's one pool distribution, as its status reported it when DONE: the whole pool of one merchant, to the
 * consumers who spent there, pro rata to that spend. The engine runs it in slices of 16 consumer entries, one slice
 * before each input; queries are not inputs, so between status queries the demo sends Ticks (journaled inputs that
 * change nothing but engine time) until the status says DONE, or gives up after {@link #TIMEOUT_MS}.
 */
record DemoDistribution(
    long merchantId, DistributionMode mode, long amountFen, long paidFen, long recipients, long consumptionFen)
{
    static final long DISTRIBUTION_ID = 1;
    /** Inputs sent between two status queries while the distribution runs (each input advances it one slice). */
    static final int INPUTS_PER_POLL = 16;
    static final long TIMEOUT_MS = 60_000;

    /**
     * Distributes {@code merchantId}'s whole pool and runs it to the end. Returns what its status reported, or null
     * after adding a failure (refused, stuck, or not DONE in time); a distribution that paid less than its amount is
     * returned and also added to the failures.
     */
    static DemoDistribution run(
        final WodianClient admin, final long merchantId, final PrintStream out, final List<String> failures)
        throws IOException, TimeoutException
    {
        final DistributionMode mode = DemoPopulation.distributionMode(merchantId);
        final long startNs = System.nanoTime();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final CommandEncoder encoder = new CommandEncoder();
        final byte[] ack = admin.call(buffer, 0,
            encoder.distributePool(buffer, 0, merchantId, DISTRIBUTION_ID, 0), DemoCommand.CALL_TIMEOUT_MS);
        final ResultCode ackCode = ReplyCodes.resultCodeOf(new UnsafeBuffer(ack), 0, ack.length);
        if (ackCode != ResultCode.OK)
        {
            failures.add("distribution: DistributePool of merchant " + merchantId + " refused: " +
                MessageText.describe(new UnsafeBuffer(ack), 0, ack.length));
            return null;
        }
        final DistributionStatusReplyDecoder status = new DistributionStatusReplyDecoder();
        final long inputs = tickUntilDone(admin, merchantId, startNs, status, failures);
        if (inputs < 0)
        {
            return null;
        }
        final DemoDistribution distribution = new DemoDistribution(merchantId, mode, status.amountFen(),
            status.paidFen(), status.recipients(), status.consumptionFen());
        out.printf("distribution: merchant %d's whole pool, %d fen, to the %d consumers who spent %d fen there, pro " +
            "rata (largest remainder), paid as %s: %d fen paid, state DONE after %d Tick inputs (slices of up to " +
            "16 consumers) in %d ms%n", merchantId, distribution.amountFen, distribution.recipients,
            distribution.consumptionFen, distribution.paidAs(), distribution.paidFen, inputs,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        if (distribution.paidFen != distribution.amountFen || distribution.recipients == 0)
        {
            failures.add("distribution: paid " + distribution.paidFen + " fen to " + distribution.recipients +
                " consumers, amount " + distribution.amountFen + " fen");
        }
        return distribution;
    }

    /** How the shares were paid, in the demo's words. */
    String paidAs()
    {
        return mode == DistributionMode.WALLET_REBATE ? "wallet rebates" : "vouchers";
    }

    /**
     * Queries the distribution's status and sends Ticks between queries until it is DONE; leaves the last status in
     * {@code status} and returns the Ticks sent, or -1 after adding a failure (refused, another state, or not DONE
     * within {@link #TIMEOUT_MS} of {@code startNs}).
     */
    private static long tickUntilDone(
        final WodianClient admin, final long merchantId, final long startNs,
        final DistributionStatusReplyDecoder status, final List<String> failures)
        throws IOException, TimeoutException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final CommandEncoder encoder = new CommandEncoder();
        final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        for (long inputs = 0; ; inputs += INPUTS_PER_POLL)
        {
            final byte[] reply = admin.call(buffer, 0,
                encoder.distributionStatusQuery(buffer, 0, merchantId, DISTRIBUTION_ID), DemoCommand.CALL_TIMEOUT_MS);
            final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
            if (header.templateId() != DistributionStatusReplyDecoder.TEMPLATE_ID)
            {
                failures.add("distribution: status query answered with " +
                    MessageText.describe(replyBuffer, 0, reply.length));
                return -1;
            }
            status.wrap(replyBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            if (status.state() == DistributionState.DONE)
            {
                return inputs;
            }
            final String problem = status.state() != DistributionState.RUNNING ? "" :
                System.nanoTime() > deadlineNs ? "not DONE within " + TIMEOUT_MS + " ms (" + inputs +
                " inputs sent): " : null;
            if (problem != null)
            {
                failures.add("distribution: " + problem + MessageText.describe(replyBuffer, 0, reply.length));
                return -1;
            }
            final AtomicReference<String> firstRefusal = new AtomicReference<>();
            final long refused = BulkCall.run(admin, INPUTS_PER_POLL,
                (index, tickEncoder, tickBuffer, offset) -> tickEncoder.tick(tickBuffer, offset),
                (replyBytes, offset, length) -> {}, DemoCommand.CALL_TIMEOUT_MS, firstRefusal);
            if (refused != 0)
            {
                failures.add("distribution: Tick refused: " + firstRefusal.get());
                return -1;
            }
        }
    }
}
