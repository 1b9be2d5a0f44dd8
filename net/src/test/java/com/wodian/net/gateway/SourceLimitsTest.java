package com.wodian.net.gateway;

import com.wodian.net.server.GatewayConfig;
import org.junit.jupiter.api.Test;

import static com.wodian.net.gateway.SourceLimits.Admission.ADMITTED;
import static com.wodian.net.gateway.SourceLimits.Admission.HANDSHAKE_RATE;
import static com.wodian.net.gateway.SourceLimits.Admission.TOO_MANY_UNAUTHENTICATED;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Per-source limits before authentication (security review item 6; docs/security.md): the cap on one address's
 * unauthenticated connections, freed by {@link SourceLimits#release}, and the TLS handshake bucket, on an explicit
 * clock.
 */
class SourceLimitsTest
{
    private static final long NOW_MS = 1_000_000;

    @Test
    void oneAddressHoldsAtMostTheCapOfUnauthenticatedConnections()
    {
        final SourceLimits limits = new SourceLimits(3, 0, 0, 10);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(ADMITTED, limits.tryAdmit("10.0.0.1", false, NOW_MS));
        }
        assertEquals(TOO_MANY_UNAUTHENTICATED, limits.tryAdmit("10.0.0.1", false, NOW_MS));
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.2", false, NOW_MS), "another address is not affected");
        limits.release("10.0.0.1");
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.1", false, NOW_MS), "a released connection frees its place");
        assertEquals(1, limits.refusedCount());
    }

    /**
     * Security review 2026-12-05 B8: the ISO port caps unauthenticated connections per address at 64 by default, as
     * the POS port does (it had none: one address churning connections took every slot); each port counts its own.
     */
    @Test
    void theIsoPortCapsUnauthenticatedConnectionsPerAddressByDefault()
    {
        final GatewayConfig config = new GatewayConfig();
        final SourceLimits iso = config.newIsoSourceLimits();
        final SourceLimits pos = config.newSourceLimits();
        assertEquals(64, GatewayConfig.Configuration.ISO_UNAUTHENTICATED_PER_ADDRESS_MAX_DEFAULT);
        for (int i = 0; i < GatewayConfig.Configuration.ISO_UNAUTHENTICATED_PER_ADDRESS_MAX_DEFAULT; i++)
        {
            assertEquals(ADMITTED, iso.tryAdmit("10.0.0.1", false, NOW_MS), "connection " + i);
        }
        assertEquals(TOO_MANY_UNAUTHENTICATED, iso.tryAdmit("10.0.0.1", false, NOW_MS));
        for (int i = 0; i < GatewayConfig.Configuration.UNAUTHENTICATED_PER_ADDRESS_MAX_DEFAULT; i++)
        {
            assertEquals(ADMITTED, pos.tryAdmit("10.0.0.1", false, NOW_MS), "the POS port counts its own");
        }
        assertEquals(TOO_MANY_UNAUTHENTICATED, pos.tryAdmit("10.0.0.1", false, NOW_MS));
    }

    @Test
    void tlsHandshakesPerAddressFollowTheBucket()
    {
        final SourceLimits limits = new SourceLimits(0, 10, 2, 10);
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.1", true, NOW_MS));
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.1", true, NOW_MS));
        assertEquals(HANDSHAKE_RATE, limits.tryAdmit("10.0.0.1", true, NOW_MS), "burst of 2 spent");
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.1", false, NOW_MS), "clear text takes no token");
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.2", true, NOW_MS), "another address has its own bucket");
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.1", true, NOW_MS + 100), "10/s: one token after 100 ms");
        assertEquals(HANDSHAKE_RATE, limits.tryAdmit("10.0.0.1", true, NOW_MS + 100));
    }

    @Test
    void aFullBucketTableDropsRefilledBucketsAndOtherwiseFailsClosed()
    {
        final SourceLimits limits = new SourceLimits(0, 1, 5, 2);
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.1", true, NOW_MS));
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.2", true, NOW_MS));
        assertEquals(HANDSHAKE_RATE, limits.tryAdmit("10.0.0.3", true, NOW_MS), "full of live buckets: closed");
        assertEquals(ADMITTED, limits.tryAdmit("10.0.0.3", true, NOW_MS + 1_000),
            "a second later both buckets are full again and are dropped");
    }
}
