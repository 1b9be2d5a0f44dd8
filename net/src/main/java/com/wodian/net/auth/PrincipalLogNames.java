package com.wodian.net.auth;

import com.wodian.protocol.sbe.SessionRole;

/**
 * How an identity appears in log lines (docs/security.md, "Rate limits and logging"). A consumer's id is the card
 * number (ISO 8583 DE2, the PAN), and logs go to places a card number must not: it is masked to its last four
 * digits, as on a receipt. Terminal, admin and node ids are not secrets and appear whole.
 */
public final class PrincipalLogNames
{
    private static final int VISIBLE_DIGITS = 4;

    private PrincipalLogNames()
    {
    }

    /** The id as a log line shows it: masked ({@code ****1234}) for a consumer, whole for any other role. */
    public static String id(final int roleRaw, final long principalId)
    {
        if (roleRaw != SessionRole.CONSUMER.value())
        {
            return Long.toString(principalId);
        }
        final String digits = Long.toString(principalId);
        return digits.length() <= VISIBLE_DIGITS ? "****" :
            "****" + digits.substring(digits.length() - VISIBLE_DIGITS);
    }
}
