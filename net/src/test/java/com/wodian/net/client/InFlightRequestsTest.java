package com.wodian.net.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failing every unanswered request: one listener's exception or Error must not silence the later ones. */
class InFlightRequestsTest
{
    @Test
    void everyRequestHearsEvenWhenAnEarlierListenerThrows()
    {
        final InFlightRequests inFlight = new InFlightRequests(false);
        final List<Long> heard = new ArrayList<>();
        final ReplyListener recorder = new ReplyListener()
        {
            @Override
            public void onReply(final long correlationId, final org.agrona.DirectBuffer buffer, final int offset,
                final int length)
            {
                throw new AssertionError("no reply here");
            }

            @Override
            public void onFailure(final long correlationId, final IOException cause)
            {
                heard.add(correlationId);
            }
        };
        final ReplyListener brokenByError = new ReplyListener()
        {
            @Override
            public void onReply(final long correlationId, final org.agrona.DirectBuffer buffer, final int offset,
                final int length)
            {
                throw new AssertionError("no reply here");
            }

            @Override
            public void onFailure(final long correlationId, final IOException cause)
            {
                throw new AssertionError("a listener's bug");
            }
        };
        final ReplyListener brokenByException = new ReplyListener()
        {
            @Override
            public void onReply(final long correlationId, final org.agrona.DirectBuffer buffer, final int offset,
                final int length)
            {
                throw new AssertionError("no reply here");
            }

            @Override
            public void onFailure(final long correlationId, final IOException cause)
            {
                throw new IllegalStateException("another bug");
            }
        };
        inFlight.add(1, recorder, 0);
        inFlight.add(2, brokenByError, 0);
        inFlight.add(3, brokenByException, 0);
        inFlight.add(4, recorder, 0);
        final AssertionError rethrown = assertThrows(AssertionError.class,
            () -> inFlight.failAll(new IOException("lost"), System.getLogger("test")));
        assertEquals("a listener's bug", rethrown.getMessage(), "the first Error is rethrown after the loop");
        assertEquals(List.of(1L, 4L), heard);
        assertTrue(inFlight.isEmpty());
    }
}
