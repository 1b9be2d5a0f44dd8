package com.wodian.net.cluster.transport;

/**
 * Decides, once a peer's hello names a valid group, sender and destination, whether that peer may take part, by the
 * incarnation of its data directory the hello names ({@code PeerIncarnations}: a member whose directory was restored
 * or copied is refused until it has been removed and added back). Called on the transport's thread, rarely (once per
 * accepted connection).
 */
@FunctionalInterface
public interface PeerCheck
{
    /**
     * @param incarnationHigh with {@code incarnationLow}: the incarnation the hello names; 0, 0: unknown.
     * @return null to admit the connection, else why it is refused (one sentence with the way out, for the log).
     */
    String refusal(int peerId, long incarnationHigh, long incarnationLow);
}
