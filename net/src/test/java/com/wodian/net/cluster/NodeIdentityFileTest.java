package com.wodian.net.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    /**
     * A backup restored, or the directory copied: the identity file is another inode than the one it records, so the
     * start is refused with the way back (remove, wipe, --join, add); the original still starts.
     */
    @Test
    void aCopyOfTheDirectoryIsRefusedAndTheOriginalStillStarts(@TempDir final Path root) throws IOException
    {
        final Path original = root.resolve("n1");
        assertTrue(NodeIdentityFile.recordOrCheck(original, "wodian", 1));
        final Path restored = Files.createDirectories(root.resolve("n1-restored"));
        Files.copy(original.resolve(NodeIdentityFile.FILE_NAME), restored.resolve(NodeIdentityFile.FILE_NAME),
            StandardCopyOption.COPY_ATTRIBUTES);

        final IOException copy =
            assertThrows(IOException.class, () -> NodeIdentityFile.recordOrCheck(restored, "wodian", 1));
        assertTrue(copy.getMessage().contains("is a copy") && copy.getMessage().contains("group remove --node 1") &&
            copy.getMessage().contains("--join"), copy.getMessage());
        assertFalse(NodeIdentityFile.recordOrCheck(original, "wodian", 1));
        assertEquals(NodeIdentityFile.incarnation(original), NodeIdentityFile.incarnation(restored),
            "a copy names the original's incarnation: the inode check is what catches it at home");
    }

    /**
     * Each directory draws its own incarnation, joined only for a --join start on an empty directory (one that holds
     * a membership file was a member: --join does not make it new); one written by the previous version gets an
     * incarnation at its next start.
     */
    @Test
    void incarnationsDifferPerDirectoryAndAnOldFileGetsOne(@TempDir final Path root) throws IOException
    {
        assertTrue(NodeIdentityFile.recordOrCheck(root.resolve("a"), "wodian", 0));
        assertTrue(NodeIdentityFile.recordOrCheck(root.resolve("b"), "wodian", 0, true));
        final NodeIdentityFile.Incarnation a = NodeIdentityFile.incarnation(root.resolve("a"));
        final NodeIdentityFile.Incarnation b = NodeIdentityFile.incarnation(root.resolve("b"));
        assertNotEquals(0, a.high() | a.low());
        assertNotEquals(a, b);
        assertFalse(a.joinedEmpty());
        assertTrue(b.joinedEmpty());
        final Path member = Files.createDirectories(root.resolve("member"));
        Files.writeString(member.resolve("membership"), "its configurations");
        assertTrue(NodeIdentityFile.recordOrCheck(member, "wodian", 0, true));
        assertFalse(NodeIdentityFile.incarnation(member).joinedEmpty(), "not empty: --join is ignored");

        final Path old = Files.createDirectories(root.resolve("old"));
        Files.writeString(old.resolve(NodeIdentityFile.FILE_NAME), "group=wodian\nnode=2\n", StandardCharsets.UTF_8);
        assertEquals(new NodeIdentityFile.Incarnation(0, 0, false), NodeIdentityFile.incarnation(old));
        assertTrue(NodeIdentityFile.recordOrCheck(old, "wodian", 2), "the incarnation is recorded now");
        final NodeIdentityFile.Incarnation upgraded = NodeIdentityFile.incarnation(old);
        assertNotEquals(0, upgraded.high() | upgraded.low());
        assertFalse(NodeIdentityFile.recordOrCheck(old, "wodian", 2));
        assertEquals(upgraded, NodeIdentityFile.incarnation(old));
        assertEquals(0, Files.list(old).filter(path -> path.toString().endsWith(".tmp")).count());
    }
}
