package com.wodian.net.cluster.transport;

/**
 * Decides, once a peer's hello names a valid group, sender and destination, whether that peer may vote, by the
 * incarnation of its data directory the hello names ({@code PeerIncarnations}: a member whose directory was restored
 * or copied has its votes refused until it has been removed and added back). Called on the transport's thread, at
 * each accepted hello and each vote received (rare: elections).
 */
@FunctionalInterface
public interface PeerCheck
{
    /**
     * @param incarnationHigh with {@code incarnationLow}: the incarnation the hello names; 0, 0: unknown.
     * @param joinedEmpty     the hello says the incarnation was drawn by a {@code --join} start on an empty
     *                        directory.
     * @return null to admit the peer's votes, else why they are refused (one sentence with the way out, for the log);
     * its other messages are delivered either way.
     */
    String refusal(int peerId, long incarnationHigh, long incarnationLow, boolean joinedEmpty);
}
