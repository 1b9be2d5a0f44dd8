package com.wodian.net.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data directory belongs to one node of one group: recorded at its first start as a member, checked at every
 * later one; another node id or group name is refused, naming both.
 */
class NodeIdentityFileTest
{
    @Test
    void theFirstStartRecordsAndAnotherNodeOrGroupIsRefused(@TempDir final Path dataDir) throws IOException
    {
        assertTrue(NodeIdentityFile.recordOrCheck(dataDir, "wodian", 1));
        assertFalse(NodeIdentityFile.recordOrCheck(dataDir, "wodian", 1), "the same node starts again");

        final IOException otherNode =
            assertThrows(IOException.class, () -> NodeIdentityFile.recordOrCheck(dataDir, "wodian", 2));
        assertTrue(otherNode.getMessage().contains("belongs to node 1 of group wodian") &&
            otherNode.getMessage().contains("this start is node 2 of group wodian"), otherNode.getMessage());

        final IOException otherGroup =
            assertThrows(IOException.class, () -> NodeIdentityFile.recordOrCheck(dataDir, "other", 1));
        assertTrue(otherGroup.getMessage().contains("this start is node 1 of group other"), otherGroup.getMessage());
    }
}
