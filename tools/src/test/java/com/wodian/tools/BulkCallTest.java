package com.wodian.tools;

import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrency review 14: the bulk tool's requests whose client fails before their replies are reported as of unknown
 * outcome at once, not waited for until the whole timeout ends in "not every reply arrived".
 */
class BulkCallTest
{
    private static final int TIMEOUT_MS = 30_000;

    /**
     * A "server" that takes the connection, reads the first bytes of the requests, never answers and closes: every
     * request sent is unanswered when the client fails (no logon without credentials, no reconnect by default).
     */
    @Test
    void requestsLeftUnansweredByAFailedClientAreReportedAsOfUnknownOutcome() throws Exception
    {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Thread server = new Thread(() ->
            {
                try (Socket connection = listener.accept())
                {
                    connection.setSoTimeout(TIMEOUT_MS);
                    connection.getInputStream().read(); // the first request has arrived
                }
                catch (final java.io.IOException ex)
                {
                    // the client sees the end either way
                }
            }, "bulk-call-test-server");
            server.start();
            try (WodianClient client = WodianClient.connect(new ClientConfig().node("127.0.0.1",
                listener.getLocalPort()).connectTimeoutMs(TIMEOUT_MS).replyTimeoutMs(TIMEOUT_MS)))
            {
                final UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> BulkCall.run(
                    client, 100, (index, encoder, buffer, offset) -> encoder.pay(buffer, offset, 1, 10, index + 1, 100,
                    5), (buffer, offset, length) -> { }, TIMEOUT_MS, new AtomicReference<>()));
                assertTrue(failure.getMessage().contains("outcome unknown"), failure.getMessage());
            }
            server.join(TIMEOUT_MS);
        }
    }
}
