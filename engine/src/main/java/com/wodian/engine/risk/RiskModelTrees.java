package com.wodian.engine.risk;

/** Static rules over a model's tree arrays (markers, stages) and the ranking of its reasons ({@code reasons}). */
final class RiskModelTrees
{
    private RiskModelTrees()
    {
    }

    static boolean isExitMarker(final int[] features, final int tree)
    {
        return features[tree * 3] == RiskModel.EXIT_MARKER;
    }

    static boolean isMarker(final int[] features, final int tree)
    {
        return features[tree * 3] == RiskModel.EXIT_MARKER || features[tree * 3] == RiskModel.SAMPLE_MARKER;
    }

    static int firstGroupTree(final int[] features, final int treeCount)
    {
        for (int tree = 0; tree < treeCount; tree++)
        {
            for (int node = tree * 3; node < tree * 3 + 3 && !isMarker(features, tree); node++)
            {
                if (RiskFeatures.isGroupFeature(features[node]))
                {
                    return tree;
                }
            }
        }
        return treeCount;
    }

    /**
     * The node of {@code tree} that carries the shadow sample's period ({@link RiskModel#SAMPLE_MARKER} at node 0 of
     * a marker of its own, or at node 1 of the exit marker), or -1.
     */
    static int periodNode(final int[] features, final int tree)
    {
        final int node = tree * 3;
        if (features[node] == RiskModel.SAMPLE_MARKER)
        {
            return node;
        }
        return features[node] == RiskModel.EXIT_MARKER && features[node + 1] == RiskModel.SAMPLE_MARKER ? node + 1 : -1;
    }

    /** At most one exit marker, none after the first group tree; at most one period of a shadow sample. */
    static boolean markersValid(final int[] features, final int stagedTrees)
    {
        final int groupTree = firstGroupTree(features, stagedTrees);
        int markers = 0;
        int sampleMarkers = 0;
        for (int tree = 0; tree < stagedTrees; tree++)
        {
            sampleMarkers += periodNode(features, tree) >= 0 ? 1 : 0;
            if (isExitMarker(features, tree))
            {
                markers++;
                if (tree > groupTree)
                {
                    return false;
                }
            }
        }
        return markers <= 1 && sampleMarkers <= 1;
    }

    /**
     * The three features of the highest positive scores, packed one id per byte (largest first,
     * {@link RiskModel#NO_REASON} for none); the winners' scores are cleared in {@code scores}.
     */
    static long topThree(final long[] scores)
    {
        long packed = 0;
        for (int rank = 0; rank < 3; rank++)
        {
            int best = RiskModel.NO_REASON;
            long bestScore = 0;
            for (int feature = 0; feature < RiskFeatures.COUNT; feature++)
            {
                if (scores[feature] > bestScore)
                {
                    bestScore = scores[feature];
                    best = feature;
                }
            }
            if (best != RiskModel.NO_REASON)
            {
                scores[best] = 0;
            }
            packed |= (long)best << (rank * 8);
        }
        return packed;
    }
}
