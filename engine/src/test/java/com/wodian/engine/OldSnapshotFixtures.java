package com.wodian.engine;

import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Engine snapshots of the older formats this build still reads, kept as test data (like the golden journal) so that
 * main code needs no writer of an old format (architecture review 8): each is the state {@link #scenario} reaches,
 * written by the build whose current format it was, as the snapshot stream's longs (little-endian, gzip) under
 * {@code src/test/resources/snapshots/}.
 *
 * <p>Recording: {@code main} writes the scenario's snapshot in this build's current format
 * ({@link Engine#SNAPSHOT_FORMAT_VERSION}); run it before a format bump to keep the outgoing format as a fixture.
 * Formats 14 and 15 were written on 2026-12-05 by the format-16 build (main de9c778 with the settlement decoders of
 * the same day, no engine state change) through the old-format writer it still had ({@code EngineState.write(writer,
 * 14 | 15)}), deleted since; format 16 by {@code main} on that build, before the bump to 17; format 17 by
 * {@code main} on main 000d433 (2026-12-05), before the bump to 18; format 18 by {@code main} on main 8308529
 * (2026-12-06), before the bump to 19; format 19 by {@code main} on main e621f173 (2026-12-06; the engine module as on
 * main 2efbf146), before the bump to 20; format 20 by {@code main} on main 7161f2e2 (2026-12-06), before the bump
 * to 21; format 21 by {@code main} on main a31c678f (2026-12-07), before the bump to 22.
 */
final class OldSnapshotFixtures
{
    /** Formats with a committed fixture: every readable format below the current one. */
    static final long[] FORMATS = {14, 15, 16, 17, 18, 19, 20, 21};

    private static final long M1 = 1;
    private static final long M2 = 2;
    private static final long T11 = 11;
    private static final long C1 = 1001;
    private static final long C2 = 1002;
    private static final long DAY_MS = 86_400_000L;

    private OldSnapshotFixtures()
    {
    }

    static String resource(final long format)
    {
        return "/snapshots/engine-format-" + format + ".longs.gz";
    }

    /**
     * A small state that touches every book a snapshot carries: parties, rules with vouchers, payments, a live hold,
     * a redeemed and a live voucher, a refund, a withdrawal, a finished distribution, the settings a format holds
     * (from 15 REFUND_SHORTFALL_FROM_SETTLEMENT on; 16's settings stay at their defaults, so one scenario serves all).
     */
    static EngineDriver scenario(final long format)
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        ok(d.merchant(M1, 10, 500, 300, 100, true));
        ok(d.merchant(M2, 0, 0, 0, 0, true));
        ok(d.rules(M1, 10, 500, 300, 100, true, DistributionMode.VOUCHER, 100, 500, DAY_MS));
        ok(d.terminal(T11, M1));
        ok(d.consumer(C1, M2));
        ok(d.consumer(C2, 0));
        ok(d.topUp(C1, 1, 100_000));
        ok(d.topUp(C2, 2, 100_000));
        ok(d.setting(EngineSetting.MERCHANT_KEYS_MAX, 1_000));
        ok(d.setting(EngineSetting.PAYMENT_TERMINAL_BINDING, 1));
        d.advanceMs(1_000);
        ok(d.pay(M1, T11, 1, C1, 10_000));
        ok(d.pay(M1, T11, 2, C2, 20_000));
        ok(d.redeem(C2, M1, 1));
        final long voucher = d.voucherIdOfLastReply();
        ok(d.redeem(C2, M1, 2));
        d.advanceMs(1_000);
        ok(d.payWithVoucher(M1, T11, 3, C2, 3_000, voucher));
        ok(d.tryPay(M1, T11, 4, C1, 5_000, 1_000));
        ok(d.refund(M1, T11, 1, 100, 2_000));
        ok(d.withdraw(M1, 1, 1_000));
        ok(d.distribute(M1, 1, 200));
        for (int i = 0; i < 4; i++)
        {
            d.advanceMs(100);
            ok(d.tick());
        }
        if (format >= 15)
        {
            ok(d.setting(EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 1));
        }
        if (format >= Engine.FORMAT_WITH_ACCOUNT_EVENTS)
        {
            ok(d.accountEvent(C1, com.wodian.protocol.sbe.AccountEventKind.PHONE_REBOUND));
        }
        if (format >= Engine.FORMAT_WITH_SECOND_MODEL)
        {
            loadSecondModel(d);
        }
        return d;
    }

    /** A one-tree model in the SECOND slot (snapshot format 22 on): its trees, scores and counters in the snapshot. */
    private static void loadSecondModel(final EngineDriver d)
    {
        final com.wodian.protocol.sbe.RiskModelSlot second = com.wodian.protocol.sbe.RiskModelSlot.SECOND;
        ok(d.apply(d.encoder.setRiskModel(d.command, 0, second, com.wodian.protocol.sbe.RiskModelOp.BEGIN, 53, 1,
            900, Integer.MAX_VALUE)));
        ok(d.apply(d.encoder.setRiskModelTrees(d.command, 0, second, 53, 0, 1, new int[]{1, 2, 3},
            new long[]{100, 0, 1}, new int[]{-100, 200, 300, 1_000})));
        ok(d.apply(d.encoder.setRiskModel(d.command, 0, second, com.wodian.protocol.sbe.RiskModelOp.COMMIT, 53, 0, 0,
            0)));
    }

    private static void ok(final ResultCode code)
    {
        if (code != ResultCode.OK)
        {
            throw new IllegalStateException("scenario step refused: " + code);
        }
    }

    /** The committed fixture of {@code format}, ready to read. */
    static MemorySnapshot read(final long format) throws IOException
    {
        try (InputStream in = OldSnapshotFixtures.class.getResourceAsStream(resource(format)))
        {
            if (in == null)
            {
                throw new IOException("missing test resource " + resource(format));
            }
            final ByteBuffer bytes;
            try (GZIPInputStream unzipped = new GZIPInputStream(in))
            {
                bytes = ByteBuffer.wrap(unzipped.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            }
            final long[] values = new long[bytes.remaining() / Long.BYTES];
            bytes.asLongBuffer().get(values);
            return MemorySnapshot.of(values, values.length);
        }
    }

    static void write(final MemorySnapshot snapshot, final Path file) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(snapshot.size() * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(snapshot.values(), 0, snapshot.size());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file)))
        {
            out.write(bytes.array());
        }
    }

    /** Writes the scenario's snapshot in the current format into directory {@code args[0]}. */
    public static void main(final String[] args) throws IOException
    {
        final long format = Engine.SNAPSHOT_FORMAT_VERSION;
        final MemorySnapshot snapshot = new MemorySnapshot();
        scenario(format).engine.writeSnapshot(snapshot);
        final Path file = Path.of(args[0]).resolve(resource(format).substring("/snapshots/".length()));
        write(snapshot, file);
        System.out.println("wrote " + file + ": format " + format + ", " + snapshot.size() + " longs");
    }
}
