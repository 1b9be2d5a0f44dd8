package com.wodian.engine;

import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.VoucherState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the compiler cannot refuse, the books refuse when it runs (docs/engine.md, "Architecture rules under test"): a
 * {@code null} passed for the ledger's key, a second taker of the consumer book's key, a consumer book's key used on
 * another consumer book, and a risk-block or pair-line word outside its block. An engine's ledger takes its consumer
 * book's key when it is built.
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

    /**
     * The risk block's and the pair line's writers reach only their own words: a word just outside either block (the
     * money line's last word, the pair line's first, the next record's id) is refused, and writing every word of both
     * blocks of a consumer leaves its money line and its neighbours' records as they were.
     */
    @Test
    void theRiskBlockAndPairLineWritersCannotReachTheMoneyLine()
    {
        final ConsumerBook consumers = new ConsumerBook(4, false);
        final ConsumerBook.MoneyKey key = consumers.takeMoneyKey();
        final int[] indexes = {consumers.add(1, -1), consumers.add(2, 0), consumers.add(3, 1)};
        for (final int consumer : indexes)
        {
            consumers.add(key, consumer, ConsumerBook.WALLET_FEN, 100 + consumer);
            consumers.add(key, consumer, ConsumerBook.POINTS, 7);
        }
        final int middle = indexes[1];
        for (final int outside : new int[]{-1, ConsumerBook.RISK_LONGS, ConsumerBook.STRIDE})
        {
            assertThrows(IndexOutOfBoundsException.class, () -> consumers.setRiskWord(middle, outside, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> consumers.riskWord(middle, outside));
        }
        for (final int outside : new int[]{-1, ConsumerBook.PAIR_SLOTS})
        {
            assertThrows(IndexOutOfBoundsException.class, () -> consumers.setPairSlot(middle, outside, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> consumers.pairSlot(middle, outside));
        }
        final long[][] moneyBefore = moneyLines(consumers, indexes);
        final long hashBefore = consumers.hash(3);
        for (int word = 0; word < ConsumerBook.RISK_LONGS; word++)
        {
            consumers.setRiskWord(middle, word, -1);
        }
        for (int slot = 0; slot < ConsumerBook.PAIR_SLOTS; slot++)
        {
            consumers.setPairSlot(middle, slot, -1);
        }
        assertEquals(java.util.Arrays.deepToString(moneyBefore),
            java.util.Arrays.deepToString(moneyLines(consumers, indexes)), "the money lines");
        assertEquals(-1, consumers.riskWord(middle, ConsumerBook.RISK_LONGS - 1));
        assertEquals(0, consumers.riskWord(indexes[0], ConsumerBook.RISK_LONGS - 1), "the record before");
        assertEquals(0, consumers.pairSlot(indexes[2], 0), "the record after");
        org.junit.jupiter.api.Assertions.assertNotEquals(hashBefore, consumers.hash(3), "the risk block is state");
    }

    /** The money line (longs 0..7) of each consumer, through the public reader. */
    private static long[][] moneyLines(final ConsumerBook consumers, final int[] indexes)
    {
        final long[][] lines = new long[indexes.length][ConsumerBook.RISK_OFFSET];
        for (int i = 0; i < indexes.length; i++)
        {
            for (int field = 0; field < ConsumerBook.RISK_OFFSET; field++)
            {
                lines[i][field] = consumers.get(indexes[i], field);
            }
        }
        return lines;
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
