package com.wodian.perf.riskworld;

/**
 * Legitimate behaviour put into a world on purpose because it resembles an abuse kind (docs/risk-threats.md says
 * which). NONE for ordinary legitimate commands and for abuse.
 */
public enum LookAlike
{
    NONE,
    /** A phone, a coat or a salon package bought by someone who usually buys coffee; often right after a top-up. */
    BIG_TICKET,
    /** Several shops of one mall within an hour or two. */
    MALL_TRIP,
    /** A household paying one after another at the same till. */
    FAMILY_IN_A_ROW,
    /** Office workers crowding into the restaurants and cafes near work at noon: many first-time pairs. */
    LUNCH_RUSH,
    /** An office buyer paying several times in a row at one shop (budget or invoice limits). */
    BULK_BUYER,
    /** A day or two spent in another city: new area, new merchants, odd amounts. */
    TRAVELLER,
    /** Points redeemed and the voucher spent at once, at the same shop that earned them. */
    QUICK_REDEEMER,
    /** A purchase returned within days (refund). */
    RETURNS,
    /** A new shop's opening day: dozens of new accounts recruited by it, all buying at once with welcome points. */
    GRAND_OPENING,
    /** A salon's regulars: a few accounts paying large sums again and again at one shop. */
    SALON_REGULAR,
    /** Shoppers at a 24-hour store in the small hours. */
    NIGHT_OWL,
    /**
     * An old account that paid nothing in the weeks before the week and shops again in it (woken by a promotion, a
     * voucher, a move): an aged account's first payments in months, as a bought or dormant abuse account's are.
     * Tags the week's commands of such a consumer that carry no other look-alike (section 10.9).
     */
    DORMANT_WAKER
}
