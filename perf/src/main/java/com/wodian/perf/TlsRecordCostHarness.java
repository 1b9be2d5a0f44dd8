package com.wodian.perf;

import com.wodian.net.tls.CertificateIssuer;
import com.wodian.net.tls.TlsContext;
import com.wodian.net.tls.TlsSettings;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one TLS record costs inside the JSSE engine, without sockets (issue 19): a client and a server engine in one
 * thread exchange a request record (64 bytes of plaintext, a Pay frame's size) and a reply record (64 bytes times
 * {@code --coalesce}, the replies a server sender writes in one duty cycle) after a completed handshake. For each
 * variant it prints the bytes allocated and the nanoseconds spent per wrap and per unwrap (thread allocation
 * counter and {@code nanoTime} around each call; averages over the measured rounds).
 *
 * <p>Variants: TLS 1.3 and 1.2; AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305; heap and direct buffers; the JDK's
 * SunJSSE and, when {@code bctls} is on the class path, Bouncy Castle's BCJSSE.
 *
 * <pre>java -cp perf.jar:... com.wodian.perf.TlsRecordCostHarness [--rounds 50000] [--coalesce 1]</pre>
 */
public final class TlsRecordCostHarness
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final int REQUEST_LENGTH = 64;
    private static final int HANDSHAKE_STEPS_MAX = 200;
    private static final String BC_JSSE = "org.bouncycastle.jsse.provider.BouncyCastleJsseProvider";
    private static final String BC_PROVIDER = "org.bouncycastle.jce.provider.BouncyCastleProvider";

    private record Variant(String provider, String protocol, String suite, boolean direct)
    {
        String label()
        {
            return (null == provider ? "SunJSSE" : provider) + " " + protocol + " " + suite + " " +
                (direct ? "direct" : "heap");
        }
    }

    /** Per direction: bytes allocated and nanoseconds, summed over the measured calls. */
    private static final class Tally
    {
        long allocatedBytes;
        long elapsedNs;
        long calls;
    }

    private TlsRecordCostHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int rounds = 50_000;
        int coalesce = 1;
        for (int i = 0; i < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--coalesce" -> coalesce = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final Path dir = Files.createTempDirectory("wodian-tls-cost");
        try
        {
            measure(dir, rounds, coalesce);
        }
        finally
        {
            try (java.util.stream.Stream<Path> files = Files.walk(dir))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
            }
        }
    }

    private static void measure(final Path dir, final int rounds, final int coalesce) throws Exception
    {
        final CertificateIssuer ca = CertificateIssuer.newAuthority("cost CA", 2);
        final Path caFile = dir.resolve("ca.pem");
        ca.writeAuthority(caFile, dir.resolve("ca.key"));
        ca.issue("wodian-server", List.of("localhost"), Instant.now().minus(Duration.ofHours(1)),
            Instant.now().plus(Duration.ofDays(1)), dir.resolve("server.pem"), dir.resolve("server.key"));
        final TlsSettings serverSettings =
            TlsSettings.withCertificate(dir.resolve("server.pem"), dir.resolve("server.key")).trust(caFile);
        final TlsSettings clientSettings = TlsSettings.client().trust(caFile);

        final List<String> providers = new ArrayList<>();
        providers.add(null);
        if (registerBouncyCastle())
        {
            providers.add("BCJSSE");
        }
        System.out.printf("JDK %s, %d measured rounds, request %d B, reply %d B (%d coalesced)%n",
            System.getProperty("java.version"), rounds, REQUEST_LENGTH, REQUEST_LENGTH * coalesce, coalesce);
        System.out.printf("%-70s %12s %12s %12s %12s%n", "variant", "wrap B", "unwrap B", "wrap ns", "unwrap ns");
        // Two passes, the first unprinted: every variant's code paths are compiled before any is measured.
        for (int pass = 0; pass < 2; pass++)
        {
            for (final String provider : providers)
            {
                final TlsContext server = TlsContext.load(serverSettings, provider);
                final TlsContext client = TlsContext.load(clientSettings, provider);
                for (final Variant variant : variants(provider))
                {
                    run(variant, server, client, rounds, coalesce, 1 == pass);
                }
            }
        }
    }

    private static List<Variant> variants(final String provider)
    {
        final String[][] suites = {
            {"TLSv1.3", "TLS_AES_128_GCM_SHA256"},
            {"TLSv1.3", "TLS_AES_256_GCM_SHA384"},
            {"TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"},
            {"TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
            {"TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
            {"TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
        };
        final List<Variant> variants = new ArrayList<>();
        for (final String[] suite : suites)
        {
            for (final boolean direct : new boolean[] {true, false})
            {
                variants.add(new Variant(provider, suite[0], suite[1], direct));
            }
        }
        return variants;
    }

    private static boolean registerBouncyCastle()
    {
        try
        {
            Security.addProvider((Provider)Class.forName(BC_PROVIDER).getConstructor().newInstance());
            Security.addProvider((Provider)Class.forName(BC_JSSE).getConstructor().newInstance());
            return true;
        }
        catch (final ReflectiveOperationException | LinkageError ex)
        {
            System.out.println("Bouncy Castle JSSE (bctls) not on the class path: SunJSSE only");
            return false;
        }
    }

    private static void run(
        final Variant variant, final TlsContext serverContext, final TlsContext clientContext, final int rounds,
        final int coalesce,
        final boolean print) throws SSLException
    {
        final SSLEngine client = clientContext.newClientEngine("localhost", 443);
        final SSLEngine server = serverContext.newServerEngine();
        for (final SSLEngine engine : new SSLEngine[] {client, server})
        {
            engine.setEnabledProtocols(new String[] {variant.protocol()});
            engine.setEnabledCipherSuites(new String[] {variant.suite()});
        }
        final int packetLength = Math.max(client.getSession().getPacketBufferSize(), 17 * 1024 + 512);
        final ByteBuffer toServer = allocate(packetLength, variant.direct());
        final ByteBuffer toClient = allocate(packetLength, variant.direct());
        final ByteBuffer serverApp = allocate(packetLength, variant.direct());
        final ByteBuffer clientApp = allocate(packetLength, variant.direct());
        try
        {
            handshake(client, server, toServer, toClient, clientApp, serverApp);
        }
        catch (final SSLException | RuntimeException ex)
        {
            if (print)
            {
                System.out.printf("%-70s not negotiated: %s%n", variant.label(), ex.getMessage());
            }
            return;
        }
        final ByteBuffer request = allocate(REQUEST_LENGTH, variant.direct());
        final ByteBuffer reply = allocate(REQUEST_LENGTH * coalesce, variant.direct());
        final Tally wrap = new Tally();
        final Tally unwrap = new Tally();
        final Tally ignored = new Tally();
        for (int round = 0; round < rounds * 2; round++)
        {
            final boolean measured = round >= rounds;
            exchange(client, server, request, toServer, serverApp, measured ? wrap : ignored,
                measured ? unwrap : ignored);
            exchange(server, client, reply, toClient, clientApp, measured ? wrap : ignored,
                measured ? unwrap : ignored);
        }
        if (!print)
        {
            return;
        }
        System.out.printf("%-70s %12d %12d %12d %12d%n", variant.label(), wrap.allocatedBytes / wrap.calls,
            unwrap.allocatedBytes / unwrap.calls, wrap.elapsedNs / wrap.calls, unwrap.elapsedNs / unwrap.calls);
    }

    /** One record from {@code from} to {@code to}: wrap {@code plain}, unwrap it into {@code app}. */
    private static void exchange(
        final SSLEngine from,
        final SSLEngine to,
        final ByteBuffer plain,
        final ByteBuffer net,
        final ByteBuffer app,
        final Tally wrap,
        final Tally unwrap) throws SSLException
    {
        plain.clear();
        plain.putLong(0, wrap.calls);
        final long beforeBytes = THREADS.getCurrentThreadAllocatedBytes();
        final long beforeNs = System.nanoTime();
        final SSLEngineResult wrapped = from.wrap(plain, net);
        final long wrappedNs = System.nanoTime();
        final long wrappedBytes = THREADS.getCurrentThreadAllocatedBytes();
        net.flip();
        final SSLEngineResult unwrapped = to.unwrap(net, app);
        final long unwrappedNs = System.nanoTime();
        final long unwrappedBytes = THREADS.getCurrentThreadAllocatedBytes();
        net.compact();
        if (SSLEngineResult.Status.OK != wrapped.getStatus() || SSLEngineResult.Status.OK != unwrapped.getStatus() ||
            app.position() != plain.capacity())
        {
            throw new IllegalStateException("record not carried: " + wrapped + " / " + unwrapped);
        }
        app.clear();
        wrap.allocatedBytes += wrappedBytes - beforeBytes;
        wrap.elapsedNs += wrappedNs - beforeNs;
        wrap.calls++;
        unwrap.allocatedBytes += unwrappedBytes - wrappedBytes;
        unwrap.elapsedNs += unwrappedNs - wrappedNs;
        unwrap.calls++;
    }

    private static void handshake(
        final SSLEngine client,
        final SSLEngine server,
        final ByteBuffer toServer,
        final ByteBuffer toClient,
        final ByteBuffer clientApp,
        final ByteBuffer serverApp) throws SSLException
    {
        client.beginHandshake();
        server.beginHandshake();
        final ByteBuffer empty = ByteBuffer.allocate(0);
        for (int step = 0; step < HANDSHAKE_STEPS_MAX; step++)
        {
            final boolean clientDone = step(client, empty, toServer, toClient, clientApp);
            final boolean serverDone = step(server, empty, toClient, toServer, serverApp);
            if (clientDone && serverDone && 0 == toServer.position() && 0 == toClient.position())
            {
                clientApp.clear();
                serverApp.clear();
                return;
            }
        }
        throw new IllegalStateException("handshake did not complete");
    }

    /** One handshake step of {@code engine}: true when it has nothing more to do. */
    private static boolean step(
        final SSLEngine engine, final ByteBuffer empty, final ByteBuffer out, final ByteBuffer in,
        final ByteBuffer app) throws SSLException
    {
        switch (engine.getHandshakeStatus())
        {
            case NEED_TASK ->
            {
                Runnable task;
                while (null != (task = engine.getDelegatedTask()))
                {
                    task.run();
                }
                return false;
            }
            case NEED_WRAP ->
            {
                engine.wrap(empty, out);
                return false;
            }
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN ->
            {
                in.flip();
                engine.unwrap(in, app);
                in.compact();
                return false;
            }
            default ->
            {
                if (in.position() > 0)
                {
                    // A session ticket or other post-handshake record still to read.
                    in.flip();
                    engine.unwrap(in, app);
                    in.compact();
                    return false;
                }
                return true;
            }
        }
    }

    private static ByteBuffer allocate(final int length, final boolean direct)
    {
        return direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
    }
}
