package com.wodian.net.cluster;

import com.wodian.journal.consensus.storage.MembershipFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Which member of which replica group a data directory belongs to, in {@code <data>/node-identity}, recorded at the
 * directory's first start as a member: group name, node id, a random 128-bit incarnation, whether that start was a
 * {@code --join} on an empty directory ({@code joined}), and the inode number of the file itself.
 *
 * <p>A later start as another node or in another group is refused: the directory's term store holds the votes of the
 * node that wrote it, and a node voting with another's votes (a unit file naming the wrong --node-id, a directory
 * copied from another node to skip the catch-up) can let two primaries be elected in one term.
 *
 * <p>A start of a <em>copy</em> of the directory is refused too: a backup restored, or a directory copied (tar, rsync,
 * cp, a move to another file system) gets new inodes, so the file's inode no longer matches the one it records. A
 * restored member has forgotten votes it cast and entries it acknowledged since the copy; it must come back as a new
 * server (remove, wipe, {@code --join}, add). The incarnation is what the peers check ({@code PeerIncarnations}): a
 * directory that lost its identity file (wiped, or the file deleted) draws a new one, and its peers refuse its votes
 * while its id is a member. Not caught by either: a block-level image restored in place (same inodes, same
 * incarnation); docs/replication.md.
 */
public final class NodeIdentityFile
{
    /** The file's name in a data directory. */
    public static final String FILE_NAME = "node-identity";
    /** Inode number recorded when the file system does not tell it: not checked. */
    private static final long INODE_UNKNOWN = -1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeIdentityFile()
    {
    }

    /**
     * A start without a replica group (no {@code --node-id}/{@code --peers}) of a member's directory is refused (ops
     * review 1): it would serve alone, append entries the group never had, and a later start as the member would
     * rejoin with them (diverged, possibly as the primary).
     *
     * @throws IOException naming the member the directory belongs to and the ways out.
     */
    public static void requireNotAMember(final Path dataDir) throws IOException
    {
        final Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file))
        {
            throw new IOException("data directory " + dataDir + " belongs to " +
                describe(Files.readString(file, StandardCharsets.UTF_8)) + " (" + file + "); this start names no " +
                "replica group (no --node-id/--peers): alone it would take payments the group never had, and " +
                "the member started again would rejoin with them. Start it with its own --node-id and --peers; to " +
                "read its ledger use the offline tools (journal dump, settlement); to run it alone for good, remove " +
                "the node from the group first, then move " + FILE_NAME + " out of the directory " +
                "(docs/replication.md, \"A data directory belongs to one node\")");
        }
    }

    /** Which member a directory belongs to, as its identity file records it. */
    public record Owner(String groupName, int nodeId)
    {
    }

    /**
     * @return the group and node the directory belongs to, null when it has no identity file (not a member's).
     * @throws IOException when the file cannot be read or names no node.
     */
    public static Owner owner(final Path dataDir) throws IOException
    {
        final Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file))
        {
            return null;
        }
        final String recorded = Files.readString(file, StandardCharsets.UTF_8);
        final String group = field(recorded, "group=");
        final String node = field(recorded, "node=");
        try
        {
            return new Owner(null == group ? "" : group, Integer.parseInt(null == node ? "" : node));
        }
        catch (final NumberFormatException ex)
        {
            throw new IOException(file + " names no node: " + describe(recorded), ex);
        }
    }

    /**
     * {@code wodian group recover}: the directory becomes node {@code nodeId} of a new group, {@code groupName}, under
     * a new incarnation (its inode recorded afresh: a restored copy is taken as the original from now on). Peers of
     * the old group are refused at the hello (another group name) and cannot bring their old state back.
     */
    public static void recordNewGroup(final Path dataDir, final String groupName, final int nodeId) throws IOException
    {
        write(dataDir.resolve(FILE_NAME), "group=" + groupName + "\nnode=" + nodeId + "\n", false);
    }

    /** A directory's incarnation as its hellos name it; 0, 0: none recorded. */
    public record Incarnation(long high, long low, boolean joinedEmpty)
    {
    }

    /** As {@link #recordOrCheck(Path, String, int, boolean)} for a start without {@code --join}. */
    public static boolean recordOrCheck(final Path dataDir, final String groupName, final int nodeId)
        throws IOException
    {
        return recordOrCheck(dataDir, groupName, nodeId, false);
    }

    /**
     * Records the identity when the directory has none yet (its first start as a member), or when the file lacks the
     * incarnation (written by an earlier version); else checks it.
     *
     * @param joining the start has {@code --join}: with no {@code membership} file beside, the new incarnation is
     *                recorded as joined (its peers take it even while the id is still a voter for them: it votes
     *                only once added back).
     * @return true when it was recorded now.
     * @throws IOException naming both identities when they differ, saying the directory is a copy when the inode
     *                     differs, or naming the file when it is not ours.
     */
    public static boolean recordOrCheck(final Path dataDir, final String groupName, final int nodeId,
        final boolean joining) throws IOException
    {
        final boolean joinedEmpty = joining && !Files.exists(dataDir.resolve(MembershipFile.FILE_NAME));
        final Path file = dataDir.resolve(FILE_NAME);
        final String identity = "group=" + groupName + "\nnode=" + nodeId + "\n";
        if (!Files.exists(file))
        {
            Files.createDirectories(dataDir);
            write(file, identity, joinedEmpty);
            return true;
        }
        final String recorded = Files.readString(file, StandardCharsets.UTF_8);
        if (!recorded.startsWith(identity))
        {
            throw new IOException("data directory " + dataDir + " belongs to " + describe(recorded) + " (" + file +
                "); this start is node " + nodeId + " of group " + groupName + ". Start it with its own --node-id " +
                "and group, or, to make it another node, remove that node from the group, wipe the directory (all " +
                "but credentials) and start with --join (docs/replication.md)");
        }
        final String incarnation = field(recorded, "incarnation=");
        final String inode = field(recorded, "inode=");
        if (null == incarnation || null == inode)
        {
            write(file, identity, joinedEmpty); // written before incarnations existed: taken as the original
            return true;
        }
        final long actualInode = inodeOf(file);
        if (actualInode != INODE_UNKNOWN && !inode.equals(String.valueOf(INODE_UNKNOWN)) &&
            !inode.equals(String.valueOf(actualInode)))
        {
            throw new IOException("data directory " + dataDir + " is a copy: " + file + " was written as inode " +
                inode + " and is now inode " + actualInode + " (restored from a backup, copied, or moved to another " +
                "file system). A restored member has forgotten votes it cast and entries it acknowledged since the " +
                "copy, and taking part with it can let two primaries overwrite acknowledged payments. Bring node " +
                nodeId + " back as a new server: wodian group remove --node " + nodeId + ", wipe this directory (all " +
                "but credentials), start it with --join, then wodian group add --node " + nodeId +
                " (docs/replication.md, \"A data directory belongs to one node\")");
        }
        return false;
    }

    /**
     * @return the directory's incarnation; 0, 0 when it has none recorded (not a member yet, or a file of an earlier
     * version).
     */
    public static Incarnation incarnation(final Path dataDir) throws IOException
    {
        final Path file = dataDir.resolve(FILE_NAME);
        final String recorded = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        final String incarnation = field(recorded, "incarnation=");
        if (null == incarnation || incarnation.length() != 32)
        {
            return new Incarnation(0, 0, false);
        }
        try
        {
            return new Incarnation(Long.parseUnsignedLong(incarnation.substring(0, 16), 16),
                Long.parseUnsignedLong(incarnation.substring(16), 16), "true".equals(field(recorded, "joined=")));
        }
        catch (final NumberFormatException ex)
        {
            throw new IOException(file + ": incarnation is not 32 hex digits: " + incarnation, ex);
        }
    }

    /**
     * Writes identity, a new incarnation and the file's own inode number: the temporary file is created first, its
     * inode read and written into it, and the rename keeps the inode. Durable before returning.
     */
    private static void write(final Path file, final String identity, final boolean joinedEmpty) throws IOException
    {
        final Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE))
        {
            final String content = identity + "incarnation=" + String.format("%016x%016x", RANDOM.nextLong(),
                RANDOM.nextLong() | 1) + "\njoined=" + joinedEmpty + "\ninode=" + inodeOf(temporary) + "\n";
            final ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ))
        {
            directory.force(true);
        }
    }

    private static long inodeOf(final Path file) throws IOException
    {
        try
        {
            return ((Number)Files.getAttribute(file, "unix:ino")).longValue();
        }
        catch (final UnsupportedOperationException | IllegalArgumentException ex)
        {
            return INODE_UNKNOWN; // no "unix" attribute view here: the copy check is off
        }
    }

    private static String field(final String recorded, final String prefix)
    {
        for (final String line : recorded.split("\n"))
        {
            if (line.startsWith(prefix))
            {
                return line.substring(prefix.length());
            }
        }
        return null;
    }

    private static String describe(final String recorded)
    {
        final String group = field(recorded, "group=");
        final String node = field(recorded, "node=");
        return "node " + (null == node ? "?" : node) + " of group " + (null == group ? "?" : group);
    }
}
