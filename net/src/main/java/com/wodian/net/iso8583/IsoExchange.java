package com.wodian.net.iso8583;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One ISO request on its way through the gateway, from the frame that brought it to the response frame, held in a
 * fixed slot of its connection and reused. Filled by {@link IsoTranslator}; the connection keeps its slots in request
 * order so that responses leave in that order.
 */
final class IsoExchange
{
    static final byte STATE_FREE = 0;
    /** A command is in the input ring; its reply has not come back yet. */
    static final byte STATE_WAITING = 1;
    /** {@link #response} holds the packed response. */
    static final byte STATE_READY = 2;

    static final byte STEP_NONE = 0;
    static final byte STEP_PAY = 1;
    static final byte STEP_TRY = 2;
    static final byte STEP_CONFIRM = 3;
    /** Reversal, first command: Cancel (a pre-authorisation, or an empty rollback when the original is unknown). */
    static final byte STEP_REVERSAL_CANCEL = 4;
    /** Reversal of a purchase: the Cancel said NOT_TWO_PHASE, so a full Refund follows. */
    static final byte STEP_REVERSAL_REFUND = 5;
    /**
     * A purchase or pre-authorisation the engine refused without recording it (an unknown card): a Cancel of its key
     * records an empty rollback, so that the same request replayed later cannot charge (docs/iso8583.md, "Replays").
     */
    static final byte STEP_FENCE = 6;

    /** TPDU: 1 byte id, 2 bytes destination, 2 bytes source; echoed with destination and source swapped. */
    static final int TPDU_LENGTH = 5;

    byte state;
    byte step;
    long correlationId;
    final byte[] tpdu = new byte[TPDU_LENGTH];
    final byte[] request;
    final UnsafeBuffer requestBuffer;
    int requestLength;

    /** True when the request decoded well enough to echo its elements in the response. */
    boolean echo;
    int responseMti;
    byte[] de39;
    /** The terminal's MAC engine when the response is to be signed; null for an unsigned response. */
    RetailMac mac;
    /**
     * True when the request's MAC verified and its DE7 is within the freshness window: the only requests that
     * authenticate a connection. A signed refusal for freshness has {@link #mac} but is not authenticated.
     */
    boolean authenticated;
    long terminalId;
    long merchantId;
    /** The payment the command acts on: the request's own key, or the original's for completions and reversals. */
    long paymentId;
    long amountFen;
    /** A completion's captured amount (the engine's reply), answered in DE4 instead of the request's; -1: echo DE4. */
    long capturedAmountFen = -1;

    final byte[] response;
    final UnsafeBuffer responseBuffer;
    int responseLength;

    IsoExchange(final int requestLengthMax, final int responseLengthMax)
    {
        request = new byte[requestLengthMax];
        requestBuffer = new UnsafeBuffer(request);
        response = new byte[responseLengthMax];
        responseBuffer = new UnsafeBuffer(response);
    }

    void reset()
    {
        state = STATE_FREE;
        step = STEP_NONE;
        correlationId = 0;
        requestLength = 0;
        echo = false;
        responseMti = 0;
        de39 = null;
        mac = null;
        authenticated = false;
        terminalId = 0;
        merchantId = 0;
        paymentId = 0;
        amountFen = 0;
        capturedAmountFen = -1;
        responseLength = 0;
    }
}
