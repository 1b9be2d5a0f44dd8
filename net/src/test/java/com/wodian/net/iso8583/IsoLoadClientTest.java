package com.wodian.net.iso8583;

import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator's ISO client: Pay commands out as signed 0200s, 0210s back as codes, in order. */
class IsoLoadClientTest
{
    @TempDir
    Path dir;

    @Test
    void paysGoOutAsPurchasesAndComeBackInOrder() throws Exception
    {
        final Path keysFile = dir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        store.issueKey(101, 11, new SecureRandom());
        store.save(keysFile);
        final ConcurrentLinkedQueue<long[]> replies = new ConcurrentLinkedQueue<>();
        final EngineIsoHarness harness = new EngineIsoHarness(keysFile);
        try
        {
            harness.merchant(11);
            harness.terminal(101, 11);
            harness.consumer(5, 10_000);
            harness.start();
            try (IsoLoadClient client = new IsoLoadClient("127.0.0.1", harness.agent.port(), store))
            {
                final CommandEncoder encoder = new CommandEncoder();
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
                for (int i = 0; i < 200; i++)
                {
                    // 111 purchases of 90 fen fit in 10,000 fen; the rest are declined for funds (51).
                    final int length = encoder.pay(buffer, 0, 11, 101, i + 1, 5, 90);
                    final long correlationId = client.send(buffer, 0, length,
                        (id, reply, offset, replyLength) -> replies.add(new long[]{ id,
                            reply.getShort(offset + 8, java.nio.ByteOrder.LITTLE_ENDIAN) }));
                    assertEquals(i + 1, correlationId);
                }
                client.flush();
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (replies.size() < 200 && System.nanoTime() < deadlineNs)
                {
                    Thread.sleep(10);
                }
            }
        }
        finally
        {
            harness.close();
        }
        assertEquals(200, replies.size());
        long expectedId = 1;
        int approved = 0;
        for (final long[] reply : replies)
        {
            assertEquals(expectedId++, reply[0]);
            assertTrue(reply[1] == 0 || reply[1] == 51, "code " + reply[1]);
            approved += reply[1] == 0 ? 1 : 0;
        }
        assertEquals(111, approved);
        assertEquals(10_000 - 111 * 90, IsoGatewayEngineTest.balance(harness.engine, 5)[0]);
    }
}
