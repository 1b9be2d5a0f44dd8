package com.wodian.engine;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The voucher book's layout in the state hash (det-review C3), versioned by the engine setting VOUCHER_LAYOUT_HASH:
 * at 0 (the default, and every journal before it) the hash is the one of older builds, which sees neither which slot
 * holds which voucher nor the ended ring's order; at 1 it sees both.
 */
class VoucherLayoutHashTest
{
    private static final long SEED = 7;

    /** Two books from the same issues whose vouchers ended in the other order: the same rows, another ring. */
    @Test
    void booksDifferingOnlyInLayoutHashAlikeUnderTheOldHashAndApartUnderTheNew()
    {
        final VoucherBook x = new VoucherBook(2, false);
        final VoucherBook y = new VoucherBook(2, false);
        for (final VoucherBook book : new VoucherBook[] {x, y})
        {
            book.issue(TestLedgerKey.KEY, 0, 0, 500, 1_000);
            book.issue(TestLedgerKey.KEY, 0, 0, 500, 1_000);
        }
        x.end(TestLedgerKey.KEY, 0, VoucherState.REDEEMED);
        x.end(TestLedgerKey.KEY, 1, VoucherState.REDEEMED);
        y.end(TestLedgerKey.KEY, 1, VoucherState.REDEEMED);
        y.end(TestLedgerKey.KEY, 0, VoucherState.REDEEMED);
        assertEquals(x.hash(SEED), y.hash(SEED), "the old hash: the ended ring's order is not seen");
        assertNotEquals(x.hashWithLayout(SEED), y.hashWithLayout(SEED), "the ended ring's order");

        // Slots are reused oldest ended first: x puts vouchers 3 and 4 in slots 0 and 1, y in slots 1 and 0.
        for (final VoucherBook book : new VoucherBook[] {x, y})
        {
            book.issue(TestLedgerKey.KEY, 0, 0, 500, 1_000);
            book.issue(TestLedgerKey.KEY, 0, 0, 500, 1_000);
        }
        assertEquals(0, x.slotOf(3));
        assertEquals(1, y.slotOf(3));
        assertEquals(x.hash(SEED), y.hash(SEED), "the old hash: live vouchers in swapped slots are not seen");
        assertNotEquals(x.hashWithLayout(SEED), y.hashWithLayout(SEED), "live vouchers in swapped slots");
    }

    @Test
    void theSettingKeepsTodaysHashAtItsDefaultAndSurvivesASnapshot()
    {
        final EngineDriver d = OldSnapshotFixtures.scenario(Engine.SNAPSHOT_FORMAT_VERSION);
        final long hash = d.engine.stateHashIgnoringSequence();
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.VOUCHER_LAYOUT_HASH, 2));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.VOUCHER_LAYOUT_HASH, 0));
        assertEquals(hash, d.engine.stateHashIgnoringSequence(), "at 0: the hash of builds before the setting");
        assertEquals(ResultCode.OK, d.setting(EngineSetting.VOUCHER_LAYOUT_HASH, 1));
        assertNotEquals(hash, d.engine.stateHashIgnoringSequence());

        final MemorySnapshot snapshot = new MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final Engine restored = new Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(d.engine.stateHash(), restored.stateHash(), "the setting and the layout come back");
        assertEquals(ResultCode.OK, d.setting(EngineSetting.VOUCHER_LAYOUT_HASH, 0));
        assertEquals(hash, d.engine.stateHashIgnoringSequence(), "off again: the old hash");
    }
}
