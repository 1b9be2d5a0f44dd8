package com.wodian.perf.riskworld;

/** Who is behind a command: a legitimate party, or one of the six abuse kinds of docs/risk-threats.md. */
public enum Actor
{
    LEGITIMATE,
    POINTS_BRUSHING,
    CIRCULAR_FLOW,
    CASH_OUT,
    COLLUSIVE_TERMINAL,
    ACCOUNT_TAKEOVER,
    VOUCHER_FARMING;

    public boolean isAbuse()
    {
        return this != LEGITIMATE;
    }

    static Actor[] abuseKinds()
    {
        return new Actor[] {POINTS_BRUSHING, CIRCULAR_FLOW, CASH_OUT, COLLUSIVE_TERMINAL, ACCOUNT_TAKEOVER,
            VOUCHER_FARMING};
    }
}
