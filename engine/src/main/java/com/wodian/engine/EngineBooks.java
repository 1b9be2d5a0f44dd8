package com.wodian.engine;

import com.wodian.engine.table.ConsumerBook;

/**
 * The engine's tables, each sized from the configuration (they grow with use, or are reserved whole at start): parties,
 * remembered keys, live holds, vouchers, spend pairs and the points ledger. Rules read them; money in them moves only
 * through the {@link Ledger}.
 */
final class EngineBooks
{
    final ConsumerBook consumers;
    final MerchantBook merchants;
    final TerminalBook terminals;
    final RecordTable records;
    final ExpiryQueue holds;
    final VoucherBook vouchers;
    final ConsumptionBook consumption;
    final PointsLedger pointsLedger;

    /** While no book moves, {@link #stepGrowth} looks at every this-th input (a power of two). */
    static final int LOOK_EVERY = 64;
    /** Whether some book had something left to move at the last {@link #stepGrowth} that stepped; true at first. */
    private boolean moving = true;
    /** Inputs that found no book moving (counts on; its low bits pick every {@link #LOOK_EVERY}-th). */
    private int inputsWhileNoneMoved;

    EngineBooks(final EngineConfig config)
    {
        final boolean reserve = config.reserveTables;
        consumers = new ConsumerBook(config.consumersMax, reserve);
        merchants = new MerchantBook(config.merchantsMax, reserve);
        terminals = new TerminalBook(config.terminalsMax, reserve);
        records = new RecordTable(config.keysMax, config.keyRetentionMs, reserve);
        holds = new ExpiryQueue(records, config.holdsMax, config.keysMax, reserve);
        vouchers = new VoucherBook(config.vouchersMax, reserve);
        consumption = new ConsumptionBook(config.consumptionPairsMax, config.merchantsMax, consumers, reserve);
        pointsLedger = new PointsLedger(config.pointsLedgerEntriesMax, reserve);
    }

    /**
     * Grows the tables that gain at most one row per input (remembered keys and their FIFO, spend pairs) to hold
     * {@code inputs} more inputs, capped at their limits: see {@link Engine#reserveForInputs}.
     */
    void reserveForInputs(final int inputs)
    {
        records.reserveFor(inputs);
        consumption.reserveFor(inputs);
    }

    /**
     * One bounded step of moving the tables that grew to their larger arrays (see {@link ArrayPreparer}); called once
     * per command, before the command, so that moving is driven by the inputs alone and no rule sees it happen.
     *
     * <p>While a book was still moving at the last step, every input steps every book. Otherwise (nearly always: a
     * growth moves for a few thousand inputs after each doubling) every {@link #LOOK_EVERY}-th input does: its steps
     * find whether a growth began since, and if one did every input steps again. So a growth waits at most
     * {@link #LOOK_EVERY} - 1 inputs for its first step here (each book also steps on its own inserts), and the inputs
     * between growths skip the eight books' "still moving?" (session 52, a staged Pay on warm lines: 2-3% more Pays
     * per CPU-second; looking every 8th input instead gained nothing measurable: docs/history/engine-sessions.md).
     * Where rows sit, never what they hold: replies and the state hash do not depend on when a step is taken.
     */
    void stepGrowth()
    {
        if (moving || (++inputsWhileNoneMoved & (LOOK_EVERY - 1)) == 0)
        {
            moving = stepEach();
        }
    }

    /** One step of every book. @return true while some book has something left to move. */
    private boolean stepEach()
    {
        boolean left = records.step();
        left |= consumers.step();
        left |= merchants.step();
        left |= terminals.step();
        left |= consumption.step();
        left |= pointsLedger.step();
        left |= holds.step();
        left |= vouchers.stepAll();
        return left;
    }
}
