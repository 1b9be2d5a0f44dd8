package com.wodian.perf.riskmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model file an operator hands `wodian pos risk-model`: a file written by {@link TreeModel#write} reads back as
 * it was, and a damaged one is an IOException naming the file (and the line where there is one), never another
 * exception and never a model quietly missing its decline score.
 */
class TreeModelFileTest
{
    @TempDir
    Path dir;

    @Test
    void theCaptureTagChangesWithEveryScoreThatChangesTheWorldsButNotWithTheVersion()
    {
        final TreeModel model = new TreeModel(17, -850, -3267, new int[] {69, 36, 70},
            new long[] {128, 3, 32}, new int[] {-4102, 5570, -2487, 11010});
        final TreeModel otherVersion = new TreeModel(18, -850, -3267, new int[] {69, 36, 70},
            new long[] {128, 3, 32}, new int[] {-4102, 5570, -2487, 11010});
        final TreeModel otherFlag = new TreeModel(17, -850, -3000, new int[] {69, 36, 70},
            new long[] {128, 3, 32}, new int[] {-4102, 5570, -2487, 11010});
        final TreeModel otherDecline = new TreeModel(17, -900, -3267, new int[] {69, 36, 70},
            new long[] {128, 3, 32}, new int[] {-4102, 5570, -2487, 11010});
        final TreeModel otherThreshold = new TreeModel(17, -850, -3267, new int[] {69, 36, 70},
            new long[] {129, 3, 32}, new int[] {-4102, 5570, -2487, 11010});
        assertEquals(model.captureTag(), otherVersion.captureTag());
        for (final TreeModel other : List.of(otherFlag, otherDecline, otherThreshold))
        {
            assertTrue(!model.captureTag().equals(other.captureTag()), other.flagScore + " " + other.declineScore);
        }
    }

    @Test
    void aWrittenModelReadsBackAndEveryMutationIsAnIoExceptionOrAValidModel() throws IOException
    {
        final TreeModel model = new TreeModel(17, -850, -3267, new int[] {69, 36, 70, 255, 0, 0},
            new long[] {128, 3, 32, 0, 0, 0}, new int[] {-4102, 5570, -2487, 11010, 0, 0, 0, 0});
        final Path file = dir.resolve("model.txt");
        model.write(file);
        final TreeModel back = TreeModel.read(file);
        assertEquals(model.treeCount(), back.treeCount());
        assertEquals(Files.readString(file), writeAndRead(back));

        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        final SplittableRandom random = new SplittableRandom(5);
        final String[] tokens = {"", "x", "-1", "256", "99999999999999999999", "declineScore", "tree", "1e3", "é"};
        int refused = 0;
        for (int i = 0; i < 3_000; i++)
        {
            final List<String> mutated = new ArrayList<>(lines);
            final int at = 1 + random.nextInt(mutated.size() - 1);
            switch (random.nextInt(4))
            {
                case 0 -> mutated.remove(at);
                case 1 -> mutated.add(at, mutated.get(at));
                case 2 ->
                {
                    final String[] parts = mutated.get(at).split(" ");
                    parts[random.nextInt(parts.length)] = tokens[random.nextInt(tokens.length)];
                    mutated.set(at, String.join(" ", parts));
                }
                default -> mutated.set(at, mutated.get(at) + " " + tokens[random.nextInt(tokens.length)]);
            }
            final Path damaged = dir.resolve("damaged.txt");
            Files.write(damaged, mutated, StandardCharsets.UTF_8);
            try
            {
                TreeModel.read(damaged);
            }
            catch (final IOException ex)
            {
                refused++;
                assertTrue(ex.getMessage().startsWith(damaged.toString()), ex.getMessage());
            }
        }
        assertTrue(refused > 1_000, "mutations refused: " + refused);
    }

    @Test
    void aMissingDeclineScoreIsRefusedNotLoadedAsANeverDecliningModel() throws IOException
    {
        final Path file = dir.resolve("no-decline.txt");
        Files.writeString(file, "wodian-risk-model 1\nversion 3\nflagScore -10\ntree 1 5 2 6 3 7 1 2 3 4\n");
        final IOException refused = assertThrows(IOException.class, () -> TreeModel.read(file));
        assertTrue(refused.getMessage().endsWith("no declineScore line"), refused.getMessage());
        Files.writeString(file, "wodian-risk-model 1\nversion 3\ndeclineScore\nflagScore -10\n");
        assertTrue(assertThrows(IOException.class, () -> TreeModel.read(file)).getMessage()
            .contains(":3: declineScore needs one number"));
    }

    private String writeAndRead(final TreeModel model) throws IOException
    {
        final Path again = dir.resolve("again.txt");
        model.write(again);
        return Files.readString(again);
    }
}
