package com.wodian.journal.consensus.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.CRC32C;

import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.MembershipHistory;
import com.wodian.journal.consensus.PeerIncarnations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A group node's state files (term and vote, term history, commit mark, configurations, peer incarnations), read at
 * every start, under seeded mutations: bit flips, truncation at every length, extension, and values replaced with
 * huge, negative or random ones under a recomputed checksum (a well-formed file of bad values). Opening must give the
 * stored value back, or refuse with an {@link IllegalStateException} or {@link UncheckedIOException} naming the file;
 * never another exception, an out-of-memory or a hang. A flip or cut that passes the checksum is astronomically
 * unlikely; the recomputed-checksum cases are what the value checks answer.
 */
class StateFileMutationTest
{
    private static final int MUTATIONS = 600;
    private static final long[] BAD_VALUES = {-1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, 1L << 40, 0};

    @TempDir
    Path dir;

    @Test
    void termStore()
    {
        final Path file = dir.resolve("term-store");
        new FileTermStore(file).store(7, 2);
        mutate(file, path ->
        {
            final FileTermStore store = new FileTermStore(path);
            return store.currentTerm() + "/" + store.votedFor();
        }, 1);
    }

    @Test
    void termHistory()
    {
        final Path file = dir.resolve("term-history");
        final TermHistory history = new TermHistory(file);
        history.beginTerm(1, 1);
        history.beginTerm(3, 40);
        history.beginTerm(4, 41);
        mutate(file, path ->
        {
            final TermHistory opened = new TermHistory(path);
            return opened.size() + "/" + opened.termAt(1) + "/" + opened.termAt(40) + "/" + opened.lastTerm();
        }, 2);
    }

    @Test
    void commitMark()
    {
        final Path file = dir.resolve("commit-mark");
        new CommitMark(file).store(1234);
        mutate(file, path -> String.valueOf(new CommitMark(path).index()), 3);
    }

    @Test
    void membership()
    {
        final Path file = dir.resolve("membership");
        final MembershipHistory history = MembershipFile.open(file, 1, Membership.allVoters(3), false);
        history.append(10, Membership.without(Membership.allVoters(3), 2));
        history.append(20, Membership.withLearner(Membership.without(Membership.allVoters(3), 2), 2));
        mutate(file, path ->
        {
            final MembershipHistory opened = MembershipFile.open(path, 1, Membership.allVoters(3), false);
            return opened.bootstrap() + "/" + opened.latest() + "/" + opened.latestIndex() + "/" + opened.at(15) +
                "/" + opened.mayVote();
        }, 4);
    }

    @Test
    void peerIncarnations()
    {
        final Path file = dir.resolve(PeerIncarnationsFile.FILE_NAME);
        PeerIncarnationsFile.open(file, 3).admit(2, 11, 12, false, Membership.allVoters(3));
        mutate(file, path ->
        {
            final PeerIncarnations opened = PeerIncarnationsFile.open(path, 3);
            return opened.highOf(2) + "/" + opened.lowOf(2) + "/" + opened.highOf(0);
        }, 5);
    }

    /** Checksums that match values no node writes (a file from elsewhere, a tool's bug) are refused all the same. */
    @Test
    void wellFormedFilesOfValuesNoNodeWritesAreRefused()
    {
        final Path termFile = dir.resolve("term-store");
        new FileTermStore(termFile).store(7, 2);
        final byte[] term = read(termFile);
        assertRefused(termFile, withLong(term, 8, -1), FileTermStore::new);
        assertRefused(termFile, withInt(term, 16, 1_000), FileTermStore::new);
        assertRefused(termFile, withInt(term, 16, -2), FileTermStore::new);

        final Path membershipFile = dir.resolve("membership");
        final MembershipHistory history = MembershipFile.open(membershipFile, 1, Membership.allVoters(3), false);
        history.append(10, Membership.without(Membership.allVoters(3), 2));
        history.append(20, Membership.withLearner(Membership.without(Membership.allVoters(3), 2), 2));
        final byte[] membership = read(membershipFile);
        final Function<Path, Object> openMembership =
            path -> MembershipFile.open(path, 1, Membership.allVoters(3), false);
        assertRefused(membershipFile, withInt(membership, 20, 7), openMembership);
        assertRefused(membershipFile, withLong(membership, 24 + 16, 5), openMembership); // index 20 -> 5, below 10
        assertRefused(membershipFile, withLong(membership, 24, 0), openMembership);

        final Path markFile = dir.resolve("commit-mark");
        new CommitMark(markFile).store(9);
        assertRefused(markFile, withLong(read(markFile), 8, -9), CommitMark::new);
    }

    private static void assertRefused(final Path file, final byte[] bytes, final Function<Path, Object> open)
    {
        write(file, bytes);
        final IllegalStateException refused =
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> open.apply(file));
        assertTrue(refused.getMessage().contains(file.toString()), refused.getMessage());
    }

    private static byte[] withLong(final byte[] valid, final int offset, final long value)
    {
        final byte[] bytes = valid.clone();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, value);
        return rechecksummed(bytes);
    }

    private static byte[] withInt(final byte[] valid, final int offset, final int value)
    {
        final byte[] bytes = valid.clone();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return rechecksummed(bytes);
    }

    private static byte[] rechecksummed(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int)crc.getValue());
        return bytes;
    }

    /**
     * @param open opens the file at the given path and describes what it read.
     */
    private void mutate(final Path original, final Function<Path, String> open, final long seed)
    {
        final byte[] valid = read(original);
        final String expected = open.apply(original);
        final Path file = dir.resolve("mutated-" + original.getFileName());
        final Random random = new Random(seed);
        int refused = 0;
        int wellFormedBadValues = 0;
        for (int round = 0; round < MUTATIONS + valid.length; round++)
        {
            final boolean recomputedChecksum = round % 3 == 2;
            final byte[] bytes = round < valid.length ? Arrays.copyOf(valid, round) : mutated(valid, random,
                recomputedChecksum);
            write(file, bytes);
            try
            {
                final String value = open.apply(file);
                if (!value.equals(expected))
                {
                    assertTrue(recomputedChecksum && round >= valid.length,
                        "round " + round + ": a damaged file read as " + value + " instead of " + expected);
                    wellFormedBadValues++;
                }
            }
            catch (final IllegalStateException | UncheckedIOException ex)
            {
                assertTrue(String.valueOf(ex.getMessage()).contains(file.getFileName().toString()),
                    "round " + round + ": the refusal does not name the file: " + ex.getMessage());
                refused++;
            }
            catch (final RuntimeException | OutOfMemoryError ex)
            {
                fail("round " + round + " (" + bytes.length + " bytes): " + ex, ex);
            }
        }
        assertTrue(refused > MUTATIONS / 2, "only " + refused + " refused");
        assertEquals(expected, open.apply(original), "the original still reads");
        System.out.println(original.getFileName() + ": " + refused + " mutations refused, " + wellFormedBadValues +
            " well-formed files of other values read");
    }

    private static byte[] mutated(final byte[] valid, final Random random, final boolean recomputedChecksum)
    {
        byte[] bytes = valid.clone();
        if (recomputedChecksum)
        {
            // A field (every file is 8-byte fields after its header words) set to a bad value, checksum redone.
            final int offset = 4 * random.nextInt((bytes.length - 4) / 4);
            final long value = random.nextBoolean() ? BAD_VALUES[random.nextInt(BAD_VALUES.length)] : random.nextLong();
            final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (offset + 8 <= bytes.length - 4 && random.nextBoolean())
            {
                buffer.putLong(offset, value);
            }
            else
            {
                buffer.putInt(offset, (int)value);
            }
            return rechecksummed(bytes);
        }
        switch (random.nextInt(3))
        {
            case 0 ->
            {
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--)
                {
                    bytes[random.nextInt(bytes.length)] ^= (byte)(1 << random.nextInt(8));
                }
            }
            case 1 ->
            {
                bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(64));
                for (int i = valid.length; i < bytes.length; i++)
                {
                    bytes[i] = (byte)random.nextInt(256);
                }
            }
            default -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        return bytes;
    }

    private static byte[] read(final Path file)
    {
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void write(final Path file, final byte[] bytes)
    {
        try
        {
            Files.write(file, bytes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
