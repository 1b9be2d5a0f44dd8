package com.wodian.perf.riskworld;

/**
 * The seven merchant trades of a world, with what an acquirer knows about each: an MCC-like category code, the
 * typical ticket, opening hours and busy hours, how many tills a shop has, how often sales are returned, and how
 * often an ordinary consumer shops there.
 */
public enum Trade
{
    CONVENIENCE(5499, 1_800, 0.70, 7 * 60, 23 * 60, new int[] {8 * 60, 12 * 60 + 15, 19 * 60}, 1, 2, 20, 2_000, 2_600),
    SUPERMARKET(5411, 8_500, 0.80, 8 * 60, 22 * 60, new int[] {11 * 60, 18 * 60 + 30}, 2, 6, 50, 1_000, 1_500),
    RESTAURANT(5812, 12_000, 0.70, 10 * 60 + 30, 21 * 60 + 30, new int[] {12 * 60 + 10, 18 * 60 + 40}, 1, 3, 30,
        2_200, 2_200),
    CAFE_TEA(5814, 2_800, 0.40, 7 * 60, 21 * 60, new int[] {8 * 60 + 30, 15 * 60}, 1, 2, 30, 1_800, 2_000),
    APPAREL(5651, 38_000, 0.80, 10 * 60, 22 * 60, new int[] {15 * 60, 20 * 60}, 1, 2, 500, 1_300, 800),
    ELECTRONICS(5732, 150_000, 1.10, 10 * 60, 21 * 60, new int[] {15 * 60, 19 * 60 + 30}, 1, 3, 300, 700, 200),
    BEAUTY(7230, 26_000, 0.90, 10 * 60, 21 * 60, new int[] {14 * 60, 19 * 60}, 1, 1, 100, 1_000, 700);

    private final int mcc;
    private final long medianTicketFen;
    private final double ticketSigma;
    private final int openMinute;
    private final int closeMinute;
    private final int[] peakMinutes;
    private final int terminalsLow;
    private final int terminalsHigh;
    private final int refundBps;
    private final int merchantShareBps;
    private final int visitWeight;

    Trade(
        final int mcc,
        final long medianTicketFen,
        final double ticketSigma,
        final int openMinute,
        final int closeMinute,
        final int[] peakMinutes,
        final int terminalsLow,
        final int terminalsHigh,
        final int refundBps,
        final int merchantShareBps,
        final int visitWeight)
    {
        this.mcc = mcc;
        this.medianTicketFen = medianTicketFen;
        this.ticketSigma = ticketSigma;
        this.openMinute = openMinute;
        this.closeMinute = closeMinute;
        this.peakMinutes = peakMinutes;
        this.terminalsLow = terminalsLow;
        this.terminalsHigh = terminalsHigh;
        this.refundBps = refundBps;
        this.merchantShareBps = merchantShareBps;
        this.visitWeight = visitWeight;
    }

    /** The merchant category code (ISO 18245) this trade stands for. */
    public int mcc()
    {
        return mcc;
    }

    public long medianTicketFen()
    {
        return medianTicketFen;
    }

    double ticketSigma()
    {
        return ticketSigma;
    }

    public int openMinute()
    {
        return openMinute;
    }

    public int closeMinute()
    {
        return closeMinute;
    }

    int terminalsLow()
    {
        return terminalsLow;
    }

    int terminalsHigh()
    {
        return terminalsHigh;
    }

    int refundBps()
    {
        return refundBps;
    }

    int merchantShareBps()
    {
        return merchantShareBps;
    }

    int visitWeight()
    {
        return visitWeight;
    }

    /** A minute of the day when a customer of this trade pays: busy hours half the time, else any opening minute. */
    int sampleMinute(final Rng rng)
    {
        if (rng.nextInt(2) == 0)
        {
            final int peak = peakMinutes[rng.nextInt(peakMinutes.length)];
            final int minute = (int)StrictMath.round(peak + 45 * rng.gaussian());
            return Math.max(openMinute, Math.min(closeMinute - 1, minute));
        }
        return rng.between(openMinute, closeMinute - 1);
    }

    static int[] merchantShares()
    {
        final Trade[] trades = values();
        final int[] weights = new int[trades.length];
        for (int i = 0; i < trades.length; i++)
        {
            weights[i] = trades[i].merchantShareBps;
        }
        return weights;
    }
}
