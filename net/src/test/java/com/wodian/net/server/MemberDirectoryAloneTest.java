package com.wodian.net.server;

import com.wodian.net.cluster.NodeIdentityFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ops review 1: a replica group member's data directory started without a group (a unit file that lost its
 * --node-id/--peers) served alone and took payments the group never had; started as the member again it rejoined
 * with them. Such a start is refused, naming the member; without the identity file the directory starts alone.
 */
class MemberDirectoryAloneTest
{
    @TempDir
    Path dataDir;

    @Test
    void aMembersDirectoryIsNotStartedWithoutItsGroup() throws Exception
    {
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)))
        {
            assertEquals(0, server.recoveredInputCount()); // a journal, as a member's directory has
        }
        NodeIdentityFile.recordOrCheck(dataDir, "wodian", 1);

        final IOException refused = assertThrows(IOException.class,
            () -> WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)).close());
        assertTrue(refused.getMessage().contains("belongs to node 1 of group wodian") &&
            refused.getMessage().contains("names no replica group"), refused.getMessage());

        Files.delete(dataDir.resolve(NodeIdentityFile.FILE_NAME)); // (the way out after removing the node)
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)))
        {
            assertEquals(0, server.recoveredInputCount(), "alone once the identity file is gone; the refused start " +
                "let its lock go");
        }
    }
}
