package com.wodian.perf.riskworld;

/**
 * The four things the platform's account service reports about an account (docs/risk-threats.md section 10), in
 * the order and with the wire values of the schema's {@code AccountEventKind}.
 */
enum AccountEventType
{
    /** The password or payment PIN was reset. */
    CREDENTIAL_RESET(1),
    /** A phone or device not seen before was bound to the account. */
    DEVICE_BOUND(2),
    /** The account's phone number changed (a SIM swap looks the same). */
    PHONE_REBOUND(3),
    /** A log-in from a network or region never seen for the account. */
    NEW_NETWORK_LOGIN(4);

    private final int wireValue;

    AccountEventType(final int wireValue)
    {
        this.wireValue = wireValue;
    }

    int wireValue()
    {
        return wireValue;
    }
}
