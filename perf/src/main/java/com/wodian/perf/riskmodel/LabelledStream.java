package com.wodian.perf.riskmodel;

import org.agrona.DirectBuffer;

/**
 * A labelled world as the evaluation sees it: encoded commands (SBE, header included) in time order, each with the
 * generator's label. The engine gets only the bytes; the labels stay with the evaluation.
 */
public interface LabelledStream
{
    /** Advances to the next command; false at the end. */
    boolean next();

    long timestampMs();

    DirectBuffer buffer();

    int offset();

    int length();

    /** 0 for legitimate, else an abuse kind 1..{@link #kindCount()}. */
    int kind();

    /** 0 none, {@link #BLATANT} or {@link #CAREFUL}. */
    int variant();

    /** Abuse group (campaign) id, 0 for legitimate. */
    long group();

    /** Name of each kind by id, 0 being legitimate. */
    String[] kindNames();

    /** The MerchantTrade value of the merchant a command names (0 when unknown). */
    int tradeOf(long merchantId);

    /** Capacity the engine needs: consumers, merchants, terminals, keyed commands. */
    int consumersMax();

    int merchantsMax();

    int terminalsMax();

    int keysMax();

    /** The engine's reply to the current command (a stream may map ids from replies, e.g. voucher ids). */
    default void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
    }

    int BLATANT = 1;
    int CAREFUL = 2;
}
