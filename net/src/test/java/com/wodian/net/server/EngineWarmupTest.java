package com.wodian.net.server;

import com.wodian.engine.ReplySink;
import com.wodian.net.client.WodianClient;
import com.wodian.net.testing.LogCapture;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JIT warm-up runs on a throwaway engine: the served state is the same as without it. */
class EngineWarmupTest
{
    /**
     * The served state is the same with and without the warm-up; and the engine's warm-up runs before recovery
     * replays the journal's tail, not after it: run after it, its throwaway engine's branches (tables growing, a full
     * key table, other reply sinks) threw away the C2 code the tail had just compiled (docs/history/engine-sessions.md,
     * "The serving warm-up before the tail"). Its 2,000 warm-up inputs include holds that expire and the two Pays
     * of colliding keys (EngineWarmup.expiringTries, collidingPays): none of it reaches the served engine either.
     */
    @Test
    void warmUpLeavesTheServedStateAlone(@TempDir final Path warmDir, @TempDir final Path coldDir) throws Exception
    {
        final long coldHash = stateHashAfterSetUp(coldDir, 0);
        try (LogCapture capture = LogCapture.of("com.wodian.net.server"))
        {
            assertEquals(coldHash, stateHashAfterSetUp(warmDir, 2_000));
            final List<String> lines = capture.lines();
            final int warmUp = indexOf(lines, "inputs on a throwaway engine");
            final int recovered = indexOf(lines, "recovered: ");
            assertTrue(warmUp >= 0 && recovered >= 0, "both lines logged: " + lines);
            assertTrue(warmUp < recovered, "the engine's warm-up before recovery: " + lines);
        }
    }

    /**
     * The warm-up's payments include refusals for funds, besides the accepted ones: a restart's tail or live traffic
     * whose first refusal for funds came after C2 had compiled the command path from a warm-up without one trapped in
     * it and ran that path in the interpreter until it was compiled again (EngineWarmup.refusedPay).
     */
    @Test
    void warmUpPaymentsAreAcceptedAndRefusedForFunds()
    {
        final int inputs = 4_000;
        final Map<ResultCode, Integer> codes = new EnumMap<>(ResultCode.class);
        final ReplySink tally = (buffer, offset, length) ->
        {
            final ResultCode code = ReplyCodes.resultCodeOf(buffer, offset, length);
            if (null != code)
            {
                codes.merge(code, 1, Integer::sum);
            }
        };
        EngineWarmup.runOn(inputs, new ReplySink[] {tally});
        // One refused Pay per REFUSED_PAY_EVERY inputs; some of them find the small key table full of keys too young
        // to forget and are refused for that first (LIMIT_KEYS), as other inputs of the mix are.
        final int refusals = inputs / EngineWarmup.REFUSED_PAY_EVERY / 2;
        assertTrue(codes.getOrDefault(ResultCode.INSUFFICIENT_FUNDS, 0) >= refusals,
            "at least " + refusals + " refused for funds: " + codes);
        assertTrue(codes.getOrDefault(ResultCode.OK, 0) >= inputs / 2, "most accepted: " + codes);
    }

    /**
     * The warm-up's Tries are cancelled too, and a confirmed Try is not always the newest hold: held Tries beside one
     * Try in {@value EngineWarmup#HELD_TRIES_EVERY}, cancelled later (EngineWarmup.heldTries). Without them a
     * restart's mixed tail trapped in the hold queue and the Cancel's path and ran the command path in the
     * interpreter until C2 had compiled it again.
     */
    @Test
    void warmUpTriesAreConfirmedAndCancelled()
    {
        final int inputs = 4_000;
        final Map<String, Integer> replies = paymentRepliesOf(inputs, null);
        // HELD_TRIES Cancels per HELD_TRIES_EVERY inputs; at least half accepted: the small key table is full of keys
        // too young to forget for part of the run, and a held Try refused for that (LIMIT_KEYS) leaves its Cancel
        // nothing to cancel.
        final int cancels = inputs / EngineWarmup.HELD_TRIES_EVERY * EngineWarmup.HELD_TRIES / 2;
        assertTrue(replies.getOrDefault(PaymentCancelDecoder.TEMPLATE_ID + " OK", 0) >= cancels,
            "at least " + cancels + " Cancels accepted, replies by command template and code: " + replies);
        assertTrue(replies.getOrDefault(PaymentConfirmDecoder.TEMPLATE_ID + " OK", 0) >=
            inputs / 8 / 2, "Confirms accepted, replies by command template and code: " + replies);
    }

    /**
     * Some of the warm-up's holds expire: Tries with a short ttl that the inputs' housekeeping expires, a Confirm of
     * one of them long after refused HOLD_EXPIRED (EngineWarmup.expiringTries). Without them no warm-up hold ever
     * expired, and a restart's first live input, which expires the holds the journal's tail left, trapped there.
     */
    @Test
    void warmUpHoldsExpire()
    {
        final int inputs = 4_000;
        final Map<String, Integer> replies = paymentRepliesOf(inputs, null);
        final int lateConfirms = inputs / EngineWarmup.EXPIRING_TRIES_EVERY / 2;
        assertTrue(replies.getOrDefault(PaymentConfirmDecoder.TEMPLATE_ID + " HOLD_EXPIRED", 0) >= lateConfirms,
            "at least " + lateConfirms + " Confirms refused for an expired hold, replies by command template and code: "
            + replies);
    }

    /**
     * The warm-up's two colliding payment ids have the same 32-bit hash in the engine's record index (read from the
     * engine's own hash function), and both Pays are accepted in the warm-up, so the second one's lookup meets the
     * first one's slot (EngineWarmup.collidingPays). Fails when the engine's key hash changes: then the search for a
     * new pair (EngineWarmup.COLLIDING_PAYMENT_IDS) has to be run again.
     */
    @Test
    void warmUpPaysTwoKeysOfOneIndexHash() throws Exception
    {
        final Method hashOf = Class.forName("com.wodian.engine.RecordTable")
            .getDeclaredMethod("hashOf", int.class, long.class, long.class);
        hashOf.setAccessible(true);
        final Field paymentNamespace = Class.forName("com.wodian.engine.RecordFields$Payment")
            .getDeclaredField("NAMESPACE");
        paymentNamespace.setAccessible(true);
        final int namespace = paymentNamespace.getInt(null);
        final long[] ids = EngineWarmup.COLLIDING_PAYMENT_IDS;
        assertEquals(2, ids.length);
        assertTrue(ids[0] != ids[1], "two payment ids");
        assertEquals(hashOf.invoke(null, namespace, EngineWarmup.MERCHANT_ID, ids[0]),
            hashOf.invoke(null, namespace, EngineWarmup.MERCHANT_ID, ids[1]), "one 32-bit index hash");

        // 4,000 inputs: in the first ~1,000 the small key table is full of the set-up's keys, too young to forget,
        // and every new key is refused (LIMIT_KEYS).
        final Map<String, Integer> replies = paymentRepliesOf(4_000, ids);
        assertTrue(replies.getOrDefault(PayDecoder.TEMPLATE_ID + " OK " + ids[0], 0) >= 1 &&
            replies.getOrDefault(PayDecoder.TEMPLATE_ID + " OK " + ids[1], 0) >= 1, "both paid: " + replies);
    }

    /**
     * The warm-up's payment replies counted by "command template, code" (or "command template, code, payment id" for
     * the ids given).
     */
    private static Map<String, Integer> paymentRepliesOf(final int inputs, final long[] byPaymentIds)
    {
        final Map<String, Integer> replies = new TreeMap<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final PaymentReplyDecoder reply = new PaymentReplyDecoder();
        final ReplySink tally = (buffer, offset, length) ->
        {
            header.wrap(buffer, offset);
            if (header.templateId() == PaymentReplyDecoder.TEMPLATE_ID)
            {
                reply.wrapAndApplyHeader(buffer, offset, header);
                final String key = reply.commandTemplateId() + " " + reply.code();
                replies.merge(key, 1, Integer::sum);
                if (null != byPaymentIds && LongStream.of(byPaymentIds).anyMatch(id -> id == reply.paymentId()))
                {
                    replies.merge(key + " " + reply.paymentId(), 1, Integer::sum);
                }
            }
        };
        EngineWarmup.runOn(inputs, new ReplySink[] {tally});
        return replies;
    }

    private static int indexOf(final List<String> lines, final String part)
    {
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).contains(part))
            {
                return i;
            }
        }
        return -1;
    }

    private static long stateHashAfterSetUp(final Path dataDir, final int warmupInputs) throws Exception
    {
        // One fixed clock for both runs: the state holds timestamps, and a fixed clock also means no Tick.
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).warmupInputs(warmupInputs)
            .epochClock(() -> 1_700_000_000_000L);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            assertEquals(0, server.recoveredInputCount(), "a fresh data directory");
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            final var reply = requests.stateHash();
            assertEquals(4, reply.lastSequence(), "only the set-up was journaled and applied");
            return reply.stateHash();
        }
    }
}
