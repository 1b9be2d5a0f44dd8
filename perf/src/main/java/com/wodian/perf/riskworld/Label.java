package com.wodian.perf.riskworld;

/** The ground truth attached to every planned command. */
record Label(Actor actor, Variant variant, LookAlike lookAlike, int groupId)
{
    static final Label LEGITIMATE = new Label(Actor.LEGITIMATE, Variant.NONE, LookAlike.NONE, 0);

    static Label legitimate(final LookAlike lookAlike)
    {
        return new Label(Actor.LEGITIMATE, Variant.NONE, lookAlike, 0);
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
