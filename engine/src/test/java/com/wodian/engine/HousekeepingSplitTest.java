package com.wodian.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The split application for offline readers (Engine.housekeepBeforeInput, then applyAfterHousekeeping): an input
 * housekept and never applied must not let the next input pass, or its command would be skipped silently
 * (concurrency review 12 of 2026-12-05).
 */
final class HousekeepingSplitTest
{
    @Test
    void anInputHousekeptButNotAppliedStopsTheNext()
    {
        final Engine engine = new Engine(EngineConfig.small());
        engine.housekeepBeforeInput(1, 1_000);
        assertThrows(IllegalStateException.class, () -> engine.housekeepBeforeInput(2, 1_000));
    }
}
