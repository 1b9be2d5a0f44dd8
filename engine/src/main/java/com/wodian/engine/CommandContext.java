package com.wodian.engine;

/**
 * Where the engine is in its input: the sequence of the input being applied (the last applied one between inputs)
 * and engine time, the largest input timestamp seen. Written only by {@link Engine} when an input arrives and by
 * snapshot restore; read by the rules and the ledger, so that no method needs a clock.
 */
final class CommandContext
{
    long sequence;
    long nowMs;
}
