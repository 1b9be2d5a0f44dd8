package com.wodian.engine;

import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The journal is an input too: whatever bytes reach the engine, it answers with a code and its state stays sound.
 */
class MalformedInputTest
{
    @Test
    void undecodableMessagesGetAnErrorCode()
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        final UnsafeBuffer bytes = d.command;
        bytes.setMemory(0, 64, (byte)0);
        assertEquals(ResultCode.MALFORMED_MESSAGE, d.apply(4));
        final int length = d.encoder.pay(bytes, 0, 1, 11, 1, 100, 10);
        assertEquals(ResultCode.MALFORMED_MESSAGE, d.apply(length - 1), "truncated body");
        bytes.putShort(2, (short)99);
        assertEquals(ResultCode.UNKNOWN_MESSAGE_TYPE, d.apply(length));
        d.encoder.pay(bytes, 0, 1, 11, 1, 100, 10);
        bytes.putShort(4, (short)1);
        assertEquals(ResultCode.UNSUPPORTED_SCHEMA, d.apply(length));
        d.encoder.pay(bytes, 0, 1, 11, 1, 100, 10);
        bytes.putShort(0, (short)3);
        assertEquals(ResultCode.MALFORMED_MESSAGE, d.apply(length), "block shorter than the fields");
        assertEquals(ResultCode.FRAME_TOO_LARGE, d.apply(300));
        final int query = d.encoder.balanceQuery(bytes, 0, 1);
        final int command = d.encoder.tick(bytes, 0);
        assertEquals(ResultCode.UNKNOWN_MESSAGE_TYPE, d.query(command), "commands are not queries");
        assertTrue(query > 0);
        d.engine.verifyInvariants();
    }

    @Test
    void randomAndMutatedBytesNeverBreakTheEngine()
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        d.merchant(1, 10, 500, 200, 100, true);
        d.terminal(11, 1);
        d.consumer(100, 1);
        d.consumer(101, 0);
        d.topUp(100, 1, 1_000_000);
        d.topUp(101, 2, 1_000_000);
        final SplittableRandom random = new SplittableRandom(42);
        final UnsafeBuffer bytes = d.command;
        for (int i = 0; i < 200_000; i++)
        {
            int length;
            switch (random.nextInt(4))
            {
                case 0:
                    length = d.encoder.pay(bytes, 0, 1, 11, random.nextInt(50), 100 + random.nextInt(3), 10);
                    break;
                case 1:
                    length = d.encoder.tryPayment(bytes, 0, 1, 11, random.nextInt(50), 100, 10, 1_000);
                    break;
                case 2:
                    length = d.encoder.refund(bytes, 0, 1, 11, random.nextInt(50), random.nextInt(50), 5);
                    break;
                default:
                    length = 1 + random.nextInt(120);
                    for (int b = 0; b < length; b++)
                    {
                        bytes.putByte(b, (byte)random.nextInt());
                    }
                    break;
            }
            final int flips = random.nextInt(3);
            for (int f = 0; f < flips; f++)
            {
                final int at = random.nextInt(length);
                bytes.putByte(at, (byte)(bytes.getByte(at) ^ (1 << random.nextInt(8))));
            }
            if (random.nextInt(10) == 0)
            {
                length = random.nextInt(length + 1);
            }
            d.advanceMs(random.nextInt(5));
            assertNotNull(d.apply(length), "every input gets a reply with a code");
            assertEquals(1, d.replyCount, "exactly one reply per input");
        }
        d.engine.verifyInvariants();
    }
}
