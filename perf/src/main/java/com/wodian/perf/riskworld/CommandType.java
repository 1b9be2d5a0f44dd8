package com.wodian.perf.riskworld;

/** The commands a world issues (a subset of the wire protocol's requests). */
enum CommandType
{
    REGISTER_MERCHANT,
    SET_MERCHANT_RULES,
    REGISTER_TERMINAL,
    REGISTER_CONSUMER,
    TOP_UP,
    ADJUST_POINTS,
    PAY,
    TRY,
    CONFIRM,
    REFUND,
    REDEEM_POINTS,
    WITHDRAW,
    ACCOUNT_EVENT
}
