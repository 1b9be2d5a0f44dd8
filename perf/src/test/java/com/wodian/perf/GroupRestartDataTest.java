package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restart probes' data ({@link GroupRestartData}) is a workload the product accepts: applied to an engine with
 * the default limits (those of a server started without limit options, as the probes start it), every registration,
 * top-up and tail input is answered OK, and the tail holds each kind of its mix. Until session 50 the top-ups were
 * over the default amount limit and every tail Pay was refused for funds, so each restart figure timed a refusal.
 */
class GroupRestartDataTest
{
    private static final int CONSUMERS = 2_000;
    private static final int TAIL_INPUTS = 40 * GroupRestartData.BLOCK;

    @Test
    void everyInputOfTheDataIsAcceptedWithTheDefaultLimits()
    {
        final Engine engine = new Engine(new EngineConfig());
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final Map<String, Integer> refused = new TreeMap<>();
        final Map<Integer, Integer> tailTemplates = new TreeMap<>();
        final ResultCode[] code = new ResultCode[1];
        final long inputs = 10_000L * 3 + 2L * CONSUMERS + TAIL_INPUTS;
        for (long sequence = 1; sequence <= inputs; sequence++)
        {
            final int length = GroupRestartData.encode(sequence, CONSUMERS, encoder, buffer);
            code[0] = null;
            engine.onCommand(sequence, EngineFixture.timestampMs(sequence), buffer, 0, length,
                (reply, offset, replyLength) -> code[0] = ReplyCodes.resultCodeOf(reply, offset, replyLength));
            final int templateId = header.wrap(buffer, 0).templateId();
            if (ResultCode.OK != code[0])
            {
                refused.merge("template " + templateId + ": " + code[0], 1, Integer::sum);
            }
            if (sequence > inputs - TAIL_INPUTS)
            {
                tailTemplates.merge(templateId, 1, Integer::sum);
            }
        }
        engine.verifyInvariants();

        assertTrue(refused.isEmpty(), "inputs not answered OK, by template and code: " + refused);
        // Pay, Try, Confirm, Cancel, Refund: the retries are Pays (the same bytes again).
        assertEquals(5, tailTemplates.size(), "the tail's templates and their counts: " + tailTemplates);
    }
}
