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
     */
    void stepGrowth()
    {
        records.step();
        consumers.step();
        merchants.step();
        terminals.step();
        consumption.step();
        pointsLedger.step();
        holds.step();
        vouchers.stepAll();
    }
}
