package com.wodian.perf.riskworld;

/** The ground truth attached to every planned command. */
record Label(Actor actor, Variant variant, LookAlike lookAlike, int groupId)
{
    static final Label LEGITIMATE = new Label(Actor.LEGITIMATE, Variant.NONE, LookAlike.NONE, 0);
    private static final Label[] LEGITIMATE_BY_LOOK_ALIKE = new Label[LookAlike.values().length];

    static
    {
        for (final LookAlike lookAlike : LookAlike.values())
        {
            LEGITIMATE_BY_LOOK_ALIKE[lookAlike.ordinal()] = lookAlike == LookAlike.NONE ? LEGITIMATE
                : new Label(Actor.LEGITIMATE, Variant.NONE, lookAlike, 0);
        }
    }

    static Label legitimate(final LookAlike lookAlike)
    {
        return LEGITIMATE_BY_LOOK_ALIKE[lookAlike.ordinal()];
    }

    static Label abuse(final Actor actor, final Variant variant, final int groupId)
    {
        return new Label(actor, variant, LookAlike.NONE, groupId);
    }

    boolean careful()
    {
        return variant == Variant.CAREFUL;
    }
}
