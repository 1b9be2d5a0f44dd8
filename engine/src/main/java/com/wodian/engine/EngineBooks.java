package com.wodian.engine;

/**
 * The engine's tables, each sized from the configuration: parties, remembered keys, live holds, vouchers, spend pairs
 * and the points ledger. Rules read them; money in them moves only through the {@link Ledger}.
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
        consumers = new ConsumerBook(config.consumersMax);
        merchants = new MerchantBook(config.merchantsMax);
        terminals = new TerminalBook(config.terminalsMax);
        records = new RecordTable(config.keysMax, config.keyRetentionMs);
        holds = new ExpiryQueue(records, config.holdsMax, config.keysMax);
        vouchers = new VoucherBook(config.vouchersMax);
        consumption = new ConsumptionBook(config.consumptionPairsMax, config.merchantsMax);
        pointsLedger = new PointsLedger(config.pointsLedgerEntriesMax);
    }
}
