package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.MerchantInfo;
import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.WorldParameter;
import com.wodian.perf.riskworld.WorldParameters;
import com.wodian.protocol.sbe.AdjustPointsDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.RegisterConsumerDecoder;
import com.wodian.protocol.sbe.TopUpDecoder;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a labelled world's commands as plain CSV for offline analysis of candidate risk features (docs/risk.md):
 * one line per registration, top-up, points adjustment, payment and redemption, with the generator's labels, and a
 * second file of merchants (trade, area, registration time). Only the world's public API is used; analyse TRAINING
 * seeds only.
 *
 * <p>Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp tools/target/wodian.jar
 * com.wodian.perf.riskmodel.RiskWorldDump SEED TRAINING|HELD_OUT DIR [KNOB,KNOB...]}: writes
 * {@code DIR/commands-SEED.csv} and {@code DIR/merchants-SEED.csv}; the knobs named (WorldParameter names) are drawn
 * from the HELD_OUT range.
 */
public final class RiskWorldDump
{
    private RiskWorldDump()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final long seed = Long.parseLong(args[0]);
        final RiskWorld world = RiskWorld.generate(knobs(seed, ParameterRange.valueOf(args[1]),
            args.length > 3 ? args[3] : ""));
        final Path dir = Path.of(args[2]);
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("merchants-" + seed + ".csv")))
        {
            out.write("merchant,trade,area,alliance,registeredMs,terminals\n");
            for (final MerchantInfo m : world.merchants())
            {
                out.write(m.merchantId() + "," + m.wireTrade().value() + "," + m.areaCode() + ","
                    + (m.allianceMember() ? 1 : 0) + "," + m.registeredAtMs() + "," + m.terminalIds().length + "\n");
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("commands-" + seed + ".csv")))
        {
            out.write("ts,tpl,consumer,merchant,terminal,amount,voucher,actor,variant,group,lookalike\n");
            write(world.cursor(), out);
        }
    }

    /**
     * The world's knobs, with those named in {@code heldOutKnobs} (comma-separated {@link WorldParameter} names, may
     * be empty) drawn from the HELD_OUT range: a TRAINING world shaped like the held-out one in those knobs only.
     */
    static WorldParameters knobs(final long seed, final ParameterRange range, final String heldOutKnobs)
    {
        final WorldParameters drawn = WorldParameters.draw(seed, range);
        if (heldOutKnobs.isEmpty())
        {
            return drawn;
        }
        final String[] names = heldOutKnobs.split(",");
        final WorldParameter[] knobs = new WorldParameter[names.length];
        for (int i = 0; i < names.length; i++)
        {
            knobs[i] = WorldParameter.valueOf(names[i].trim());
        }
        return drawn.withKnobsFrom(ParameterRange.HELD_OUT, knobs);
    }

    /** One CSV line per command of interest; the columns a command has not are 0. */
    static void write(final LabelledCommands commands, final Writer out)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final RegisterConsumerDecoder register = new RegisterConsumerDecoder();
        final AdjustPointsDecoder adjust = new AdjustPointsDecoder();
        final TopUpDecoder topUp = new TopUpDecoder();
        final PayDecoder pay = new PayDecoder();
        final PaymentTryDecoder paymentTry = new PaymentTryDecoder();
        final RedeemPointsDecoder redeem = new RedeemPointsDecoder();
        final StringBuilder line = new StringBuilder(128);
        try
        {
            while (commands.next())
            {
                if (commands.warmUp())
                {
                    continue;   // the warm-up before the week (session 56): the dump is the labelled week's
                }
                header.wrap(commands.buffer(), commands.offset());
                final int body = commands.offset() + MessageHeaderDecoder.ENCODED_LENGTH;
                final int block = header.blockLength();
                final int version = header.version();
                line.setLength(0);
                final int tpl = header.templateId();
                switch (tpl)
                {
                    case RegisterConsumerDecoder.TEMPLATE_ID -> columns(line, register.wrap(commands.buffer(), body,
                        block, version).consumerId(), register.homeMerchantId(), 0, 0, 0);
                    case AdjustPointsDecoder.TEMPLATE_ID -> columns(line, adjust.wrap(commands.buffer(), body,
                        block, version).consumerId(), 0, 0, adjust.deltaPoints(), 0);
                    case TopUpDecoder.TEMPLATE_ID -> columns(line, topUp.wrap(commands.buffer(), body, block,
                        version).consumerId(), 0, 0, topUp.amountFen(), 0);
                    case PayDecoder.TEMPLATE_ID -> columns(line, pay.wrap(commands.buffer(), body, block,
                        version).consumerId(), pay.merchantId(), pay.terminalId(), pay.amountFen(), pay.voucherId());
                    case PaymentTryDecoder.TEMPLATE_ID -> columns(line, paymentTry.wrap(commands.buffer(), body,
                        block, version).consumerId(), paymentTry.merchantId(), paymentTry.terminalId(),
                        paymentTry.amountFen(), paymentTry.voucherId());
                    case RedeemPointsDecoder.TEMPLATE_ID -> columns(line, redeem.wrap(commands.buffer(), body,
                        block, version).consumerId(), redeem.merchantId(), 0, 0, 0);
                    default -> line.append('-');
                }
                if (line.charAt(0) != '-')
                {
                    out.write(commands.timestampMs() + "," + tpl + "," + line + "," + commands.actor().ordinal()
                        + "," + commands.variant().ordinal() + "," + commands.groupId() + ","
                        + commands.lookAlike().ordinal() + "\n");
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static void columns(final StringBuilder line, final long consumer, final long merchant,
        final long terminal, final long amount, final long voucher)
    {
        line.append(consumer).append(',').append(merchant).append(',').append(terminal).append(',').append(amount)
            .append(',').append(voucher);
    }
}
