package com.wodian.net.server;

import com.wodian.net.gateway.GatewayAgent;
import com.wodian.net.tls.TlsContext;

import java.util.Arrays;
import java.util.Objects;

/**
 * The files a running server re-reads when they change, so that credentials and certificates can be rotated without a
 * restart: the credential file ({@link SessionGate}), each endpoint's TLS key material ({@link TlsContext}) and the
 * gateways' files (the ISO 8583 terminal keys).
 * Checked on the metrics thread ({@link MetricsAgent}), about once a second each: a file's modification time is a
 * system call, and a reload reads, parses and builds key material (tens of milliseconds); on the network thread,
 * which in the default SHARED layout is also the journal's and the engine's, either would stall every request in
 * flight (concurrency review F6, 2026-12-05). Each reloaded object is published whole through a volatile field.
 */
final class FileReloads
{
    private final SessionGate gate;
    private final TlsContext[] contexts;
    private GatewayAgent[] gateways = new GatewayAgent[0];

    /**
     * @param gate     the session gate whose credential file is watched.
     * @param contexts the TLS endpoints whose files are watched; nulls (clear-text endpoints) are skipped.
     */
    FileReloads(final SessionGate gate, final TlsContext... contexts)
    {
        this.gate = gate;
        this.contexts = Arrays.stream(contexts).filter(Objects::nonNull).toArray(TlsContext[]::new);
    }

    /**
     * The earliest end ({@code notAfter}) of the certificates the endpoints serve, epoch ms; {@link Long#MAX_VALUE}
     * when none presents one. Reloads change it.
     */
    long certificateExpiryMs()
    {
        long earliestMs = Long.MAX_VALUE;
        for (final TlsContext context : contexts)
        {
            earliestMs = Math.min(earliestMs, context.certificateNotAfterMs());
        }
        return earliestMs;
    }

    /** Before the metrics thread starts: the gateways whose files are watched too (the ISO 8583 key file). */
    FileReloads gateways(final GatewayAgent[] gateways)
    {
        this.gateways = gateways.clone();
        return this;
    }

    /** Reloads what changed; each file is looked at no more than once per its own check interval. */
    void reloadIfChanged(final long nowMs)
    {
        gate.reloadIfChanged(nowMs);
        for (final GatewayAgent gateway : gateways)
        {
            gateway.reloadFilesIfChanged(nowMs);
        }
        for (final TlsContext context : contexts)
        {
            context.reloadIfChanged(nowMs);
        }
    }
}
