package com.wodian.net.cluster.transport;

/**
 * What one {@link ReplicationTransport} counted; written and read by its one thread (the replication stage), which
 * publishes them (docs/observability.md). The meaning of each is on the transport's getter of the same name.
 */
final class TransportCounters
{
    long bytesSent;
    long bytesReceived;
    long messagesSent;
    long messagesReceived;
    long messagesDropped;
    long reconnects;
    long malformedFrames;
    long handshakesRejected;
    long votesRefused;
    long connectionsRefused;
    /** Connections without a hello closed to make room for a newcomer when every slot was taken. */
    long connectionsEvicted;
    /** Hellos refused because the peer's connection was live (received bytes within the quiet time). */
    long helloRefusedLive;
    /** Hellos refused because the peer decides under other engine limits. */
    long engineLimitsRefused;
}
