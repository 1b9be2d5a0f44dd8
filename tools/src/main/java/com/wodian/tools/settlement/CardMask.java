package com.wodian.tools.settlement;

/**
 * How a consumer appears in the settlement files from format 8 on (docs/settlement.md, "Card numbers"): a consumer's
 * id is its card number (ISO 8583 DE2, the PAN), and the files go to merchants, their accountants and the bank's
 * pickup folder, none of whom may hold whole card numbers (PCI DSS 3.3/3.4; security review B6). A card number
 * (13 digits or more) keeps its first six and last four digits, as a till slip prints it
 * ({@code 622202******2233}), so an accountant can match a row to the slip; a shorter id (no card number: a wallet or
 * test id) keeps only its last four. Every hidden digit is a {@code *}, so the length is the id's.
 * <p>
 * Not a reference: two cards of one issuer range with the same last four mask alike. Whoever needs the whole id
 * (the operator, for a dispute) reads it from the journal by the row's {@code sequence}
 * ({@code wodian journal dump}), inside the data directory's access control.
 */
public final class CardMask
{
    /** Shortest card number (ISO/IEC 7812: 13 to 19 digits) whose first six are shown. */
    static final int CARD_NUMBER_MIN_DIGITS = 13;
    private static final int FIRST_DIGITS_SHOWN = 6;
    private static final int LAST_DIGITS_SHOWN = 4;

    private CardMask()
    {
    }

    /** @return the consumer id as the settlement files show it. */
    public static String of(final long consumerId)
    {
        final String id = Long.toString(consumerId);
        final int sign = consumerId < 0 ? 1 : 0;
        final int digits = id.length() - sign;
        if (digits <= LAST_DIGITS_SHOWN)
        {
            return id; // no card number is this short: nothing to hide, and an id 0 ("none") stays 0
        }
        final int shownFirst = digits >= CARD_NUMBER_MIN_DIGITS ? FIRST_DIGITS_SHOWN : 0;
        final StringBuilder masked = new StringBuilder(id.length()).append(id, 0, sign + shownFirst);
        for (int i = sign + shownFirst; i < id.length() - LAST_DIGITS_SHOWN; i++)
        {
            masked.append('*');
        }
        return masked.append(id, id.length() - LAST_DIGITS_SHOWN, id.length()).toString();
    }
}
