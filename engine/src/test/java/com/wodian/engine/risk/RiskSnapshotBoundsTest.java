package com.wodian.engine.risk;

import com.wodian.engine.ScriptedSnapshotReader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The risk books' counts in a snapshot are refused out of range before anything loops over them: a payload whose
 * checksum holds can still come from a writer's bug or a peer's snapshot install, and an index past an array would
 * be an ArrayIndexOutOfBounds with no sentence for the operator.
 */
class RiskSnapshotBoundsTest
{
    @Test
    void aModelsTreeCountsAreRefusedOutsideTheirLimit()
    {
        for (final long trees : new long[] {RiskModel.TREES_MAX + 1L, -1, 1L << 32, Long.MIN_VALUE})
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new RiskModel().readFrom(new ScriptedSnapshotReader(7, trees)), "trees " + trees);
            assertTrue(refused.getMessage().contains("at most " + RiskModel.TREES_MAX), refused.getMessage());
            // the expected and staged counts, 8th and 9th longs of the model
            assertThrows(IllegalStateException.class,
                () -> new RiskModel().readFrom(new ScriptedSnapshotReader(7, 0, 0, 0, 0, 0, 0, trees, 0)), "expected " + trees);
            assertThrows(IllegalStateException.class,
                () -> new RiskModel().readFrom(new ScriptedSnapshotReader(7, 0, 0, 0, 0, 0, 0, 0, trees)), "staged " + trees);
        }
        assertDoesNotThrow(() -> new RiskModel().readFrom(new ScriptedSnapshotReader(7, RiskModel.TREES_MAX)));
    }

    @Test
    void theOverrideCountIsRefusedAboveItsTable()
    {
        final int overridesMax = 8;
        final RiskRules rules = new RiskRules(16, overridesMax);
        final long tooMany = 1L << 20;
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> rules.readFrom(new ScriptedSnapshotReader(0, tooMany)));
        assertTrue(refused.getMessage().contains(tooMany + " risk rule overrides"), refused.getMessage());
        assertThrows(IllegalStateException.class, () -> rules.readFrom(new ScriptedSnapshotReader(0, -1)));
        assertDoesNotThrow(() -> new RiskRules(16, overridesMax).readFrom(new ScriptedSnapshotReader(0, 0)));
    }
}
