package com.wodian.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The older snapshot formats this build reads (Engine.OLDEST_READABLE_SNAPSHOT_FORMAT up), from committed fixtures
 * written by the builds of those formats (OldSnapshotFixtures): each loads (its recorded state hash checked by the
 * load), is the state this build reaches from the same inputs, and goes on deciding as that state does.
 */
class OldSnapshotFormatsTest
{
    @Test
    void everyReadableOlderFormatHasAFixture()
    {
        assertEquals(Engine.OLDEST_READABLE_SNAPSHOT_FORMAT, OldSnapshotFixtures.FORMATS[0]);
        assertEquals(Engine.SNAPSHOT_FORMAT_VERSION - 1,
            OldSnapshotFixtures.FORMATS[OldSnapshotFixtures.FORMATS.length - 1]);
        assertNotNull(Engine.snapshotFormatProblem(Engine.SNAPSHOT_MAGIC, Engine.OLDEST_READABLE_SNAPSHOT_FORMAT - 1));
    }

    @Test
    void eachOlderFormatLoadsToTheStateTheSameInputsReachAndGoesOnAlike() throws IOException
    {
        for (final long format : OldSnapshotFixtures.FORMATS)
        {
            final MemorySnapshot fixture = OldSnapshotFixtures.read(format);
            assertEquals(Engine.SNAPSHOT_MAGIC, fixture.values()[0]);
            assertEquals(format, fixture.values()[1], "the fixture's format");
            assertNull(Engine.snapshotFormatProblem(Engine.SNAPSHOT_MAGIC, format));
            final EngineDriver loaded = new EngineDriver(EngineConfig.small());
            loaded.engine.readSnapshot(fixture);
            final EngineDriver live = OldSnapshotFixtures.scenario(format);
            assertEquals(live.engine.stateHash(), loaded.engine.stateHash(), "format " + format);
            loaded.engine.verifyInvariants();

            loaded.nowMs = live.nowMs;
            loaded.sequence = live.sequence;
            for (final EngineDriver d : new EngineDriver[] {live, loaded})
            {
                d.advanceMs(2_000);  // the hold lapses
                d.pay(1, 11, 5, 1002, 4_000);
                d.refund(1, 11, 2, 101, 20_000);
            }
            assertEquals(live.engine.stateHash(), loaded.engine.stateHash(), "format " + format + ", then inputs");

            final MemorySnapshot current = new MemorySnapshot();
            loaded.engine.writeSnapshot(current);
            assertEquals(Engine.SNAPSHOT_FORMAT_VERSION, current.values()[1]);
            final Engine again = new Engine(EngineConfig.small());
            again.readSnapshot(current);
            assertEquals(loaded.engine.stateHash(), again.stateHash(), "format " + format + " written as current");
        }
    }
}
