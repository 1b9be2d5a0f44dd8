package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The engine limits an offline command replays with: they must be the ones the server ran with, or its snapshots
 * (whose shape includes the limits) are skipped and the replay can refuse or forget keys differently from the live
 * run. {@code --keys-max} as given to {@code wodian server}.
 */
final class EngineLimitsOptions
{
    @Option(names = "--limits", defaultValue = "default",
        description = "engine limits the server ran with: default or small (default: ${DEFAULT-VALUE})")
    String limits;

    @Option(names = "--keys-max",
        description = "idempotency keys, when the server was started with --keys-max (the same value)")
    Integer keysMax;

    /** The limits, or a usage error naming {@code command}. */
    EngineConfig engineConfig(final Object command)
    {
        final EngineConfig config = DurabilitySupport.limits(limits, command);
        if (null != keysMax)
        {
            if (keysMax <= 0)
            {
                throw new CommandLine.ParameterException(new CommandLine(command), "--keys-max must be positive");
            }
            config.keysMax(keysMax);
        }
        return config;
    }
}
