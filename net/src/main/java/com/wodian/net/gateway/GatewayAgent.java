package com.wodian.net.gateway;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;

import java.io.IOException;

/**
 * A protocol gateway plugged into the server beside the native protocol (for example an ISO 8583 front end): it
 * runs on the thread that owns the input ring's single producer (the receiver in DEDICATED mode, the network thread
 * in COMPACT mode), turns its own protocol into SBE messages and publishes them through its
 * {@link GatewayContext}, in process, into the same ring as native clients.
 *
 * <p>Threads:
 * <ul>
 *     <li>{@link #onStart()}, {@link #doWork()}, {@link #onClose()} and
 *     {@link GatewayContext.SelectionHandler} callbacks run on the receiving thread, called by the receiver after its
 *     own work in each duty cycle. They must never block: the thread also serves every native client.</li>
 *     <li>{@link #onReply} and {@link #onSessionClosed} run on the thread that sends replies (the sender in
 *     DEDICATED mode, which is another thread; the network thread in COMPACT mode). An implementation that writes its
 *     sockets on the receiving thread hands replies over through its own queue.</li>
 * </ul>
 * A gateway's session ids come from {@link GatewayContext#sessionId(long)}, so that the sender can tell them from
 * native sessions and route their replies here.
 */
public interface GatewayAgent extends Agent
{
    /** One duty cycle on the receiving thread: never blocks; returns the work done (0 lets the thread idle). */
    @Override
    int doWork() throws IOException;

    /**
     * A reply to an input this gateway published for {@code sessionId}, in the order of that session's inputs.
     * The buffer is reused after the call returns: copy what is needed.
     */
    void onReply(long sessionId, long correlationId, DirectBuffer buffer, int offset, int length);

    /**
     * The last output of a session this gateway closed with {@link GatewayContext#publishClose}: every reply to
     * its earlier inputs has been handed over. {@code length} is 0, or an ErrorReply to send before closing.
     */
    void onSessionClosed(long sessionId, DirectBuffer buffer, int offset, int length);

    /**
     * True when the gateway must be called again soon without waiting for a socket event (it holds input while the
     * ring is full): the receiving thread then polls rather than sleeping in its selector.
     */
    default boolean mustPoll()
    {
        return false;
    }

    /**
     * Called about once a second on the metrics thread, never the network thread (the server's {@code FileReloads}):
     * re-read the gateway's files if they changed, and hand what was read to the gateway's own thread. Default:
     * nothing.
     */
    default void reloadFilesIfChanged(final long nowMs)
    {
    }
}
