package com.wodian.net.cluster;

import com.wodian.journal.consensus.storage.AtomicFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which member of which replica group a data directory belongs to, in {@code <data>/node-identity}, recorded at the
 * directory's first start as a member. A later start as another node or in another group is refused: the directory's
 * term store holds the votes of the node that wrote it, and a node voting with another's votes (a unit file naming the
 * wrong --node-id, a directory copied from another node to skip the catch-up) can let two primaries be elected in one
 * term. A directory restored from this node's own backup is not caught here (its votes are stale, not foreign): a
 * restored member must re-join instead (docs/replication.md).
 */
public final class NodeIdentityFile
{
    /** The file's name in a data directory. */
    public static final String FILE_NAME = "node-identity";

    private NodeIdentityFile()
    {
    }

    /**
     * Records the identity when the directory has none yet (its first start as a member, or a directory written
     * before this file existed), else checks it.
     *
     * @return true when it was recorded now.
     * @throws IOException naming both identities when they differ, or the file when it is not ours.
     */
    public static boolean recordOrCheck(final Path dataDir, final String groupName, final int nodeId)
        throws IOException
    {
        final Path file = dataDir.resolve(FILE_NAME);
        final String identity = "group=" + groupName + "\nnode=" + nodeId + "\n";
        if (!Files.exists(file))
        {
            Files.createDirectories(dataDir);
            AtomicFile.replace(file, ByteBuffer.wrap(identity.getBytes(StandardCharsets.UTF_8)));
            return true;
        }
        final String recorded = Files.readString(file, StandardCharsets.UTF_8);
        if (!recorded.equals(identity))
        {
            throw new IOException("data directory " + dataDir + " belongs to " + describe(recorded) + " (" + file +
                "); this start is node " + nodeId + " of group " + groupName + ". Start it with its own --node-id " +
                "and group, or, to make it another node, remove that node from the group, wipe the directory (all " +
                "but credentials) and start with --join (docs/replication.md)");
        }
        return false;
    }

    private static String describe(final String recorded)
    {
        String group = "?";
        String node = "?";
        for (final String line : recorded.split("\n"))
        {
            if (line.startsWith("group="))
            {
                group = line.substring("group=".length());
            }
            else if (line.startsWith("node="))
            {
                node = line.substring("node=".length());
            }
        }
        return "node " + node + " of group " + group;
    }
}
