package com.wodian.net.cluster.stage;

import com.wodian.journal.consensus.Membership;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The configuration line of a node's log: a node that joined empty names no configuration until it learned the
 * group's (operator review 2, C10: it named its --peers bootstrap, voters 0,1,2,3, in a group of voters 0,1,3).
 */
class ConfigurationLineTest
{
    @Test
    void aJoinerNamesNoConfigurationUntilItLearnedTheGroups()
    {
        final long bootstrap = Membership.allVoters(4);
        assertEquals("node 3: joining (may not vote until added): the group's configuration will follow from the " +
            "primary", ClusterControlHandler.configurationLine(3, bootstrap, false, false));
        assertEquals("node 3: configuration voters 0,1 learners 3 (joining: may not vote until added)",
            ClusterControlHandler.configurationLine(3, Membership.of(0b0011, 0b1000), false, true));
        assertEquals("node 3: configuration voters 0,1,3 learners -",
            ClusterControlHandler.configurationLine(3, Membership.of(0b1011, 0), true, true));
    }
}
