package com.wodian.tools;

import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wodian pos risk-model-clear --slot S}: unloads the model of a slot with SetRiskModel CLEAR (journaled): the
 * way to take a SECOND model out without turning rule 14, and so the active model, off (docs/risk.md "The second
 * deciding model").
 */
@Command(name = "risk-model-clear", description = "Unload the model of a slot: SetRiskModel CLEAR, journaled " +
    "(the way to take a SECOND model out without turning rule 14, and so the ACTIVE one, off).")
final class RiskModelClearCommand extends PosCommand.Sub
{
    @Option(names = "--slot", required = true, description = "ACTIVE, CHALLENGER or SECOND")
    RiskModelSlot slot;

    @Override
    int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
    {
        return encoder.setRiskModel(buffer, 0, slot, RiskModelOp.CLEAR, 0, 0, 0, 0);
    }
}
