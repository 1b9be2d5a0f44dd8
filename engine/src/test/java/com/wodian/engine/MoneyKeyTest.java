package com.wodian.engine;

import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.VoucherState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the compiler cannot refuse, the books refuse when it runs (docs/engine.md, "Architecture rules under test"): a
 * {@code null} passed for the ledger's key, a second taker of the consumer book's key, and a consumer book's key used
 * on another consumer book. An engine's ledger takes its consumer book's key when it is built.
 */
final class MoneyKeyTest
{
    @Test
    void theBooksRefuseANullKeyAndChangeNothing()
    {
        final MerchantBook merchants = new MerchantBook(4, false);
        final int merchant = merchants.add(7);
        assertThrows(IllegalStateException.class, () -> merchants.add(null, merchant, MerchantBook.POOL_FEN, 1));
        assertThrows(IllegalStateException.class, () -> merchants.set(null, merchant, MerchantBook.POOL_FEN, 1));
        assertEquals(0, merchants.get(merchant, MerchantBook.POOL_FEN));
        final VoucherBook vouchers = new VoucherBook(4, false);
        assertThrows(IllegalStateException.class, () -> vouchers.issue(null, 0, 0, 500, 1_000));
        assertEquals(0, vouchers.count());
        final int slot = vouchers.issue(TestLedgerKey.KEY, 0, 0, 500, 1_000);
        assertThrows(IllegalStateException.class, () -> vouchers.end(null, slot, VoucherState.REDEEMED));
        assertThrows(IllegalStateException.class, () -> vouchers.reserve(null, slot));
        assertEquals(VoucherState.ISSUED.value(), vouchers.state(slot));
        final PointsLedger points = new PointsLedger(4, false);
        assertThrows(IllegalStateException.class, () -> points.append(null, 0, 1, 1, 1, 1, 1, 1, -1));
        assertEquals(false, points.isAvailable(0));
    }

    @Test
    void theConsumerBookHandsItsKeyOutOnceAndTakesOnlyItsOwn()
    {
        final ConsumerBook consumers = new ConsumerBook(4, false);
        final int consumer = consumers.add(9, -1);
        final ConsumerBook.MoneyKey key = consumers.takeMoneyKey();
        assertThrows(IllegalStateException.class, consumers::takeMoneyKey, "a second taker");
        final ConsumerBook.MoneyKey otherKey = new ConsumerBook(4, false).takeMoneyKey();
        assertThrows(IllegalStateException.class, () -> consumers.add(otherKey, consumer, ConsumerBook.WALLET_FEN, 5));
        assertThrows(IllegalStateException.class, () -> consumers.add(null, consumer, ConsumerBook.WALLET_FEN, 5));
        assertThrows(IllegalStateException.class, () -> consumers.addVouchersActive(otherKey, consumer, 1));
        assertEquals(0, consumers.get(consumer, ConsumerBook.WALLET_FEN));
        assertEquals(0, consumers.vouchersActiveCount(consumer));
        consumers.add(key, consumer, ConsumerBook.WALLET_FEN, 5);
        assertEquals(5, consumers.get(consumer, ConsumerBook.WALLET_FEN));
    }

    @Test
    void anEnginesLedgerHoldsItsConsumerBooksKey() throws ReflectiveOperationException
    {
        final java.lang.reflect.Field field = Engine.class.getDeclaredField("books");
        field.setAccessible(true);
        final EngineBooks books = (EngineBooks)field.get(new Engine(new EngineConfig()));
        assertThrows(IllegalStateException.class, books.consumers::takeMoneyKey, "taken by the ledger");
    }
}
