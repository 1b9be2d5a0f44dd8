package com.wodian.net.iso8583;

import com.wodian.protocol.sbe.ResultCode;

import java.nio.charset.StandardCharsets;

/**
 * DE39 for every Wodian result code (docs/iso8583.md, "Response codes"): the one table the gateway answers from.
 * A code not listed answers {@link #SYSTEM_MALFUNCTION}, so a result code added later is never reported as approved.
 */
public final class IsoResponseCodes
{
    public static final byte[] APPROVED = ascii("00");
    public static final byte[] INVALID_MERCHANT = ascii("03");
    public static final byte[] DO_NOT_HONOUR = ascii("05");
    public static final byte[] INVALID_TRANSACTION = ascii("12");
    public static final byte[] INVALID_AMOUNT = ascii("13");
    public static final byte[] INVALID_CARD = ascii("14");
    public static final byte[] NO_ORIGINAL = ascii("25");
    public static final byte[] FORMAT_ERROR = ascii("30");
    public static final byte[] INSUFFICIENT_FUNDS = ascii("51");
    public static final byte[] NOT_PERMITTED_TO_TERMINAL = ascii("58");
    public static final byte[] RESTRICTED_CARD = ascii("62");
    public static final byte[] SECURITY_VIOLATION = ascii("63");
    public static final byte[] SWITCH_INOPERATIVE = ascii("91");
    public static final byte[] DUPLICATE_TRANSMISSION = ascii("94");
    public static final byte[] SYSTEM_MALFUNCTION = ascii("96");

    private static final int CODE_LIMIT = 1000;
    private static final byte[][] BY_RESULT_CODE = new byte[CODE_LIMIT][];

    static
    {
        map(APPROVED, ResultCode.OK, ResultCode.OK_EMPTY_ROLLBACK);
        map(FORMAT_ERROR, ResultCode.UNKNOWN_MESSAGE_TYPE, ResultCode.MALFORMED_MESSAGE, ResultCode.UNSUPPORTED_SCHEMA,
            ResultCode.FRAME_TOO_LARGE);
        map(INVALID_AMOUNT, ResultCode.AMOUNT_OUT_OF_RANGE, ResultCode.REFUND_EXCEEDS_PAID,
            ResultCode.VOUCHER_EXCEEDS_AMOUNT);
        map(INVALID_TRANSACTION, ResultCode.TTL_OUT_OF_RANGE, ResultCode.INVALID_ID, ResultCode.ALREADY_CONFIRMED,
            ResultCode.ALREADY_CANCELLED, ResultCode.HOLD_EXPIRED, ResultCode.TRY_AFTER_CANCEL,
            ResultCode.PAYMENT_WAS_REJECTED, ResultCode.PAYMENT_NOT_CONFIRMED, ResultCode.NOT_TWO_PHASE);
        map(INVALID_CARD, ResultCode.UNKNOWN_CONSUMER, ResultCode.CONSUMER_MISMATCH);
        map(INVALID_MERCHANT, ResultCode.UNKNOWN_MERCHANT, ResultCode.MERCHANT_BLOCKED, ResultCode.MERCHANT_MISMATCH);
        map(NOT_PERMITTED_TO_TERMINAL, ResultCode.UNKNOWN_TERMINAL, ResultCode.TERMINAL_NOT_OF_MERCHANT,
            ResultCode.TERMINAL_NOT_OF_PAYMENT, ResultCode.TERMINAL_BLOCKED, ResultCode.TERMINAL_MISMATCH,
            ResultCode.NOT_PERMITTED_FOR_ROLE, ResultCode.ADMIN_ROLE_REQUIRED);
        map(RESTRICTED_CARD, ResultCode.CONSUMER_BLOCKED);
        map(INSUFFICIENT_FUNDS, ResultCode.INSUFFICIENT_FUNDS, ResultCode.BALANCE_LIMIT_EXCEEDED);
        map(NO_ORIGINAL, ResultCode.PAYMENT_NOT_FOUND);
        map(DUPLICATE_TRANSMISSION, ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT, ResultCode.EXISTS_WITH_DIFFERENT_CONSUMER,
            ResultCode.EXISTS_WITH_DIFFERENT_TERMINAL, ResultCode.EXISTS_WITH_DIFFERENT_TTL,
            ResultCode.EXISTS_WITH_DIFFERENT_KIND, ResultCode.EXISTS_WITH_DIFFERENT_PAYMENT,
            ResultCode.EXISTS_WITH_DIFFERENT_VOUCHER, ResultCode.EXISTS_WITH_DIFFERENT_MERCHANT);
        map(DO_NOT_HONOUR, ResultCode.RISK_CONSUMER_VELOCITY, ResultCode.RISK_TERMINAL_VELOCITY,
            ResultCode.RISK_AMOUNT_ANOMALY, ResultCode.RISK_DAILY_LIMIT, ResultCode.RISK_NEW_CONSUMER_LARGE,
            ResultCode.RISK_PAIR_BURST, ResultCode.RISK_REFUND_CYCLE, ResultCode.RISK_CIRCULAR_FLOW,
            ResultCode.RISK_VOLUME_SPIKE, ResultCode.RISK_DISTINCT_PARTIES, ResultCode.RISK_REDEMPTION,
            ResultCode.RISK_TERMINAL_FAILURES);
        // Only a purchase reversal's Refund meets these: the refusal is recorded under the reversal's key, so every
        // repeat gets it again. 96 would make the terminal retry for ever; 05 tells it to stop (POS review finding 3).
        map(DO_NOT_HONOUR, ResultCode.INSUFFICIENT_SETTLEMENT, ResultCode.INSUFFICIENT_POOL,
            ResultCode.INSUFFICIENT_ALLIANCE_EARNINGS);
        map(SWITCH_INOPERATIVE, ResultCode.NOT_PRIMARY, ResultCode.PRIMARY_LOST, ResultCode.SERVER_BUSY);
        // Risk declines added later (714..749) are declines too: "do not honour" rather than a malfunction.
        for (int code = 714; code < 750; code++)
        {
            BY_RESULT_CODE[code] = DO_NOT_HONOUR;
        }
    }

    private IsoResponseCodes()
    {
    }

    /** DE39 (two ASCII bytes) for a numeric result code. */
    public static byte[] forResultCode(final int resultCode)
    {
        final byte[] de39 = resultCode >= 0 && resultCode < CODE_LIMIT ? BY_RESULT_CODE[resultCode] : null;
        return null == de39 ? SYSTEM_MALFUNCTION : de39;
    }

    private static void map(final byte[] de39, final ResultCode... codes)
    {
        for (final ResultCode code : codes)
        {
            BY_RESULT_CODE[code.value()] = de39;
        }
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
