package com.wodian.perf.riskworld;

import org.agrona.DirectBuffer;

/**
 * A cursor over a world's commands in input-time order, each with its ground truth. {@link #next()} moves to the
 * next command; the accessors describe the current one and are valid until the next call. The message is an SBE
 * message with its header, ready for {@code Engine.onCommand} or a client frame.
 *
 * <p>Voucher ids are chosen by the engine. A RedeemPoints command fills voucher slot {@link #voucherSlot()} (1, 2,
 * 3, ... in stream order) and a Pay that spends a voucher names the slot in the same accessor; its encoded
 * {@code voucherId} is the slot number, which is the engine's id when every redemption before it succeeded.
 * {@link RiskWorldFeeder} replaces it with the id the engine really gave (or 0 when that redemption was refused).
 */
public interface LabelledCommands
{
    boolean next();

    long timestampMs();

    int templateId();

    DirectBuffer buffer();

    int offset();

    int length();

    Actor actor();

    Variant variant();

    LookAlike lookAlike();

    /** The abuse group (1..), or 0 for legitimate commands. */
    int groupId();

    /** The voucher slot this RedeemPoints fills or this Pay spends; 0 for none. */
    int voucherSlot();

    /**
     * Whether the current command belongs to the warm-up before the week (docs/risk-threats.md section 10.9):
     * ordinary payments that make the engine's profiles what a server's are on a Monday. They are fed like every
     * command, but they are not the evaluated week: an evaluation leaves them out of its figures (and counts their
     * declines apart), a trainer out of its rows.
     */
    default boolean warmUp()
    {
        return false;
    }

    /** Whether the current command is one risk control decides on: Pay, PaymentTry, Refund or RedeemPoints. */
    default boolean isDecision()
    {
        final int template = templateId();
        return template == RiskWorldTemplates.PAY || template == RiskWorldTemplates.TRY
            || template == RiskWorldTemplates.REFUND || template == RiskWorldTemplates.REDEEM_POINTS;
    }
}
