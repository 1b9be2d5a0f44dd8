package com.wodian.perf.riskworld;

/**
 * Where merchants and consumers are: district codes (China's six-digit administrative division codes) of the three
 * cities the article names. People shop in their home and work districts, rarely in the rest of their city, and in
 * another city only when they travel.
 */
final class Areas
{
    static final int[] CODES = {
        310101, 310104, 310105, 310106, 310112, 310115, // Shanghai: Huangpu, Xuhui, Changning, Jing'an, Minhang, Pudong
        440303, 440304, 440305, 440306, // Shenzhen: Luohu, Futian, Nanshan, Bao'an
        460105, 460108 // Haikou: Xiuying, Meilan
    };
    private static final int[] CITY = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
    /** Relative number of merchants and residents per area. */
    static final int[] WEIGHTS = {9, 10, 7, 9, 8, 12, 6, 9, 8, 6, 5, 4};

    private Areas()
    {
    }

    static int count()
    {
        return CODES.length;
    }

    static int city(final int area)
    {
        return CITY[area];
    }

    /** An area of the same city as the given one (possibly itself). */
    static int sameCity(final Rng rng, final int area)
    {
        for (int attempt = 0; attempt < 16; attempt++)
        {
            final int candidate = rng.weighted(WEIGHTS);
            if (CITY[candidate] == CITY[area])
            {
                return candidate;
            }
        }
        return area;
    }

    /** An area of another city. */
    static int otherCity(final Rng rng, final int area)
    {
        for (int attempt = 0; attempt < 64; attempt++)
        {
            final int candidate = rng.weighted(WEIGHTS);
            if (CITY[candidate] != CITY[area])
            {
                return candidate;
            }
        }
        return CITY[area] == 0 ? 7 : 0;
    }
}
