package com.wodian.net.iso8583;

import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Turns ISO 8583 requests into the engine's commands and the engine's replies into ISO responses
 * (docs/iso8583.md). Pure translation, no I/O: the gateway agent owns sockets and the ring. Allocates nothing.
 * <pre>
 *   0800 sign-on/off/echo      answered here, nothing journaled
 *   0200 purchase              Pay
 *   0100 pre-authorisation     PaymentTry (ttl: the gateway's pre-authorisation ttl)
 *   0220 completion            PaymentConfirm of the original named by DE90
 *   0400 / 0420 reversal       PaymentCancel of the original (an empty rollback when it is unknown); when the
 *                              original was a purchase the engine says NOT_TWO_PHASE and a full Refund follows
 * </pre>
 * A request that fails its MAC, names an unknown terminal or a terminal of another merchant is answered here and
 * never reaches the ring; the MAC is checked before anything that depends on the key file (an unknown terminal gets
 * the same 63 as a wrong MAC), so that unauthenticated requests cannot list terminal ids or their merchants.
 */
final class IsoTranslator
{
    static final int ACTION_PUBLISH = 1;
    static final int ACTION_RESPOND = 2;
    static final int ACTION_CLOSE = 3;

    static final int DE_PAN = 2;
    static final int DE_PROCESSING_CODE = 3;
    /** DE3's first two digits (the transaction type) that {@link #isPurchase} accepts. */
    static final long TRANSACTION_TYPE_GOODS_AND_SERVICES = 0;
    static final long TRANSACTION_TYPE_PRE_AUTHORISATION = 3;
    static final int DE_AMOUNT = 4;
    static final int DE_TRANSMISSION_TIME = 7;
    static final int DE_STAN = 11;
    static final int DE_LOCAL_TIME = 12;
    static final int DE_LOCAL_DATE = 13;
    static final int DE_RRN = 37;
    static final int DE_RESPONSE_CODE = 39;
    static final int DE_TERMINAL = 41;
    static final int DE_MERCHANT = 42;
    static final int DE_CURRENCY = 49;
    static final int DE_MAC = 64;
    static final int DE_NETWORK_CODE = 70;
    static final int DE_ORIGINAL = 90;
    static final int DE_MAC_SECONDARY = 128;

    /**
     * How much older than its terminal's newest DE7 a request may be and still authenticate its connection: requests
     * of one terminal over several connections or a switch arrive a little out of order; a replay of a recording, or
     * a retransmission after a timeout, is older.
     */
    static final long REPLAY_SLACK_MS = 60_000;
    private static final long STAN_RANGE = 1_000_000L;
    private static final long DATE_AND_STAN_RANGE = 10_000_000_000L;

    private final IsoMessageDecoder decoder = new IsoMessageDecoder();
    private final IsoMessageEncoder encoder = new IsoMessageEncoder();
    private final CommandEncoder commandEncoder = new CommandEncoder();
    private final long preAuthTtlMs;
    private final long transmissionTimeWindowMs;
    private final byte[] macScratch = new byte[RetailMac.MAC_LENGTH];
    /** Checks the MAC of a request from a terminal not in the key file: a random key no terminal has. */
    private final RetailMac unknownTerminalMac = new RetailMac(randomKey());
    private final IsoCommandBudget budget;
    /** Turns DE2 into the consumer id before anything is published (security review B6); null: DE2 as sent. */
    private final PanTokenizer panTokenizer;
    private Long2ObjectHashMap<IsoKeyStore.TerminalKey> keys;
    private int commandLength;
    /** The DE7 of the request {@link #freshnessProblem} last passed, as epoch ms. */
    private long transmittedAtMs;

    /** A translator without a command budget (tests of the translation alone). */
    IsoTranslator(final Long2ObjectHashMap<IsoKeyStore.TerminalKey> keys, final long preAuthTtlMs,
        final long transmissionTimeWindowMs)
    {
        this(keys, preAuthTtlMs, transmissionTimeWindowMs, IsoCommandBudget.NONE, null);
    }

    /**
     * @param transmissionTimeWindowMs how far a financial request's DE7 may lie from its receive time, either way
     *                                 ({@link IsoGatewayConfig#transmissionTimeWindowMs()}).
     * @param budget                   the command budget per terminal key, taken by every fresh MAC-valid financial
     *                                 request.
     * @param panTokenizer             turns the card number (DE2) into the consumer id the engine and the journal see;
     *                                 null: DE2 is the consumer id as sent.
     */
    IsoTranslator(final Long2ObjectHashMap<IsoKeyStore.TerminalKey> keys, final long preAuthTtlMs,
        final long transmissionTimeWindowMs, final IsoCommandBudget budget, final PanTokenizer panTokenizer)
    {
        this.panTokenizer = panTokenizer;
        this.keys = keys;
        this.preAuthTtlMs = preAuthTtlMs;
        this.transmissionTimeWindowMs = transmissionTimeWindowMs;
        this.budget = budget;
    }

    /**
     * Replaces the terminal keys (after the key file changed); exchanges in flight keep the MAC they started with, and
     * terminals keep what is left of their command budget.
     */
    void keys(final Long2ObjectHashMap<IsoKeyStore.TerminalKey> keys)
    {
        IsoCommandBudget.carryOver(this.keys, keys);
        this.keys = keys;
    }

    /**
     * @param exchange holds the request ({@link IsoExchange#requestBuffer}, {@link IsoExchange#requestLength}).
     * @param command  where a command to publish is encoded, at offset 0.
     * @param certifiedTerminalId the terminal the connection's client certificate names, or 0 for none: a request
     *                 whose DE41 names another terminal is refused with 63 (security violation).
     * @param receivedAtMs when the gateway took the request off its socket (epoch ms, the gateway thread's clock):
     *                 a financial request whose DE7 lies further from it than the window is refused with a signed 63.
     * @return {@link #ACTION_PUBLISH} with the command's length in the exchange's state (see
     * {@link #commandLength()}), {@link #ACTION_RESPOND} with the response packed, or {@link #ACTION_CLOSE} when
     * the bytes are not even a request (no MTI, or a response MTI): the connection is ended.
     */
    int onRequest(final IsoExchange exchange, final MutableDirectBuffer command, final long certifiedTerminalId,
        final long receivedAtMs)
    {
        final boolean wellFormed = decoder.wrap(exchange.requestBuffer, 0, exchange.requestLength);
        final int mti = decoder.mti();
        if (mti < 0 || !isRequestClass(mti))
        {
            return ACTION_CLOSE;
        }
        exchange.responseMti = mti - mti % 10 + 10;
        exchange.echo = wellFormed;
        if (!wellFormed)
        {
            return respond(exchange, IsoResponseCodes.FORMAT_ERROR);
        }
        final long terminalId = decoder.decimalChars(DE_TERMINAL);
        final long merchantId = decoder.decimalChars(DE_MERCHANT);
        if (terminalId <= 0 || merchantId <= 0)
        {
            return respond(exchange, IsoResponseCodes.FORMAT_ERROR);
        }
        exchange.terminalId = terminalId;
        exchange.merchantId = merchantId;
        if (0 != certifiedTerminalId && terminalId != certifiedTerminalId)
        {
            return respond(exchange, IsoResponseCodes.SECURITY_VIOLATION);
        }
        if (mti == 800 && !decoder.has(DE_MAC) && !decoder.has(DE_MAC_SECONDARY))
        {
            // An unsigned 0800 is answered alike for every DE41 and DE42, known or not: it does nothing, and an
            // answer that depended on the key file would list the terminals and their merchants (review item 9).
            return onNetworkManagement(exchange);
        }
        // The MAC first, with a per-process random key for an unknown terminal (the same work, the same 63), so that
        // nothing before a valid MAC tells whether a terminal id exists or which merchant it belongs to.
        final IsoKeyStore.TerminalKey key = keys.get(terminalId);
        if (!macVerified(null == key ? unknownTerminalMac : key.mac()) || null == key)
        {
            return respond(exchange, IsoResponseCodes.SECURITY_VIOLATION);
        }
        exchange.mac = key.mac();
        if (key.merchantId() != merchantId)
        {
            // The terminal proved its key: it may learn that its DE42 is wrong.
            return respond(exchange, IsoResponseCodes.INVALID_MERCHANT);
        }
        final byte[] staleOrMalformed = freshnessProblem(receivedAtMs);
        if (null != staleOrMalformed)
        {
            // Signed (the terminal proved its key) but not a sign of life: a recorded message sent again must not
            // authenticate a connection, or replayed bytes would hold slots no newcomer can take (security review
            // 2026-12-05 A1).
            return respond(exchange, staleOrMalformed);
        }
        // A recording replayed inside the window is answered (the engine gives its first outcome) but is no sign
        // that this connection is the terminal's: it would count toward the terminal's connection cap and close the
        // terminal's own oldest connection (security review 2026-12-05 A1, fix item 3).
        exchange.authenticated = transmittedAtMs >= key.newestTransmittedAtMs - REPLAY_SLACK_MS;
        key.newestTransmittedAtMs = Math.max(key.newestTransmittedAtMs, transmittedAtMs);
        if (mti == 800)
        {
            return onNetworkManagement(exchange);
        }
        if (!budget.tryTake(key, receivedAtMs))
        {
            // Beyond the terminal key's command budget (security review 2026-12-05 B12): SERVER_BUSY's 91, signed,
            // before the engine and the journal; the terminal retries with the same DE7 and STAN within the window.
            return respond(exchange, IsoResponseCodes.SWITCH_INOPERATIVE);
        }
        return onFinancial(exchange, mti - mti % 10, command, receivedAtMs);
    }

    /**
     * Null when the request's DE7 and DE11 are there and DE7 lies within the window of the receive time; else the
     * response code: 30 for a missing STAN or time or a DE7 that is no real date and time, 63 for one outside the
     * window. Every MAC-valid request is checked, sign-on and echo test included.
     */
    private byte[] freshnessProblem(final long receivedAtMs)
    {
        final long stan = decoder.numeric(DE_STAN);
        final long transmissionTime = decoder.numeric(DE_TRANSMISSION_TIME);
        if (stan < 0 || transmissionTime < 0)
        {
            return IsoResponseCodes.FORMAT_ERROR;
        }
        final long transmittedAtMs = TransmissionTime.epochMs(transmissionTime, receivedAtMs);
        if (TransmissionTime.NOT_A_TIME == transmittedAtMs)
        {
            return IsoResponseCodes.FORMAT_ERROR;
        }
        if (Math.abs(transmittedAtMs - receivedAtMs) > transmissionTimeWindowMs)
        {
            // A MAC-valid message from outside the window is a replay or comes from a terminal whose clock is wrong;
            // the paymentId repeats every year and the engine may have forgotten the key, so it must not reach it.
            return IsoResponseCodes.SECURITY_VIOLATION;
        }
        this.transmittedAtMs = transmittedAtMs;
        return null;
    }

    private static byte[] randomKey()
    {
        final byte[] key = new byte[16];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    /** Length of the command {@link #onRequest} or {@link #onReply} last encoded. */
    int commandLength()
    {
        return commandLength;
    }

    /**
     * The engine's reply to the exchange's command: either a follow-up command (a purchase reversal's Refund) or
     * the response.
     *
     * @param replyAmountFen a PaymentReply's amountFen (for a Confirm: the hold it captured), else 0.
     */
    int onReply(final IsoExchange exchange, final int templateId, final int resultCode, final long replyAmountFen,
        final MutableDirectBuffer command)
    {
        if (exchange.step == IsoExchange.STEP_CONFIRM && templateId == PaymentReplyDecoder.TEMPLATE_ID &&
            resultCode == ResultCode.OK.value())
        {
            // The engine captures the whole hold whatever the 0220's DE4 says (no partial completion): the 0230's
            // DE4 says what was captured, so the terminal's receipt matches the consumer's charge (review item 14).
            exchange.capturedAmountFen = replyAmountFen;
        }
        if (exchange.step == IsoExchange.STEP_REVERSAL_CANCEL && templateId == PaymentReplyDecoder.TEMPLATE_ID &&
            resultCode == ResultCode.NOT_TWO_PHASE.value())
        {
            exchange.step = IsoExchange.STEP_REVERSAL_REFUND;
            // One full reversal per purchase: the refund's key is the purchase's own key.
            commandLength = commandEncoder.refund(command, 0, exchange.merchantId, exchange.terminalId,
                exchange.paymentId, exchange.paymentId, exchange.amountFen);
            return ACTION_PUBLISH;
        }
        if ((exchange.step == IsoExchange.STEP_PAY || exchange.step == IsoExchange.STEP_TRY) &&
            resultCode == ResultCode.UNKNOWN_CONSUMER.value())
        {
            // Checked before the key and not recorded: the same signed bytes replayed inside the freshness window once
            // the card exists would charge for a sale the terminal was told was declined (security review 2026-12-05,
            // A1's in-window replays). A Cancel records an empty rollback of the key: any later Pay or Try of it is
            // refused (404, DE39 12). The terminal still gets its 14.
            exchange.step = IsoExchange.STEP_FENCE;
            commandLength = commandEncoder.cancel(command, 0, exchange.merchantId, exchange.terminalId,
                exchange.paymentId);
            return ACTION_PUBLISH;
        }
        if (exchange.step == IsoExchange.STEP_FENCE)
        {
            // Whatever the Cancel's answer (a full key table refuses it: then the key stays open, as before).
            return respond(exchange, IsoResponseCodes.INVALID_CARD);
        }
        final boolean reversal = exchange.step == IsoExchange.STEP_REVERSAL_CANCEL ||
            exchange.step == IsoExchange.STEP_REVERSAL_REFUND;
        return respond(exchange, reversal && nothingLeftToReverse(resultCode) ? IsoResponseCodes.APPROVED :
            IsoResponseCodes.forResultCode(resultCode));
    }

    /** A PaymentReply's amountFen; 0 for any other reply or one too short to hold it. */
    static long paymentAmountFenOf(final DirectBuffer reply, final int offset, final int length)
    {
        final int amountOffset = MessageHeaderDecoder.ENCODED_LENGTH + PaymentReplyDecoder.amountFenEncodingOffset();
        if (length < amountOffset + Long.BYTES ||
            com.wodian.protocol.CommandCatalog.templateId(reply, offset) != PaymentReplyDecoder.TEMPLATE_ID)
        {
            return 0;
        }
        return reply.getLong(offset + amountOffset, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A reversal whose original took no money (declined, or a hold already expired or released) has nothing to undo:
     * approved, as the terminal needs to close its reversal.
     */
    private static boolean nothingLeftToReverse(final int resultCode)
    {
        return resultCode == ResultCode.PAYMENT_WAS_REJECTED.value() ||
            resultCode == ResultCode.PAYMENT_NOT_CONFIRMED.value() || resultCode == ResultCode.HOLD_EXPIRED.value();
    }

    private int onNetworkManagement(final IsoExchange exchange)
    {
        final long code = decoder.numeric(DE_NETWORK_CODE);
        if (code == 1 || code == 2 || code == 301)
        {
            return respond(exchange, IsoResponseCodes.APPROVED);
        }
        return respond(exchange, code < 0 ? IsoResponseCodes.FORMAT_ERROR : IsoResponseCodes.INVALID_TRANSACTION);
    }

    private int onFinancial(
        final IsoExchange exchange, final int baseMti, final MutableDirectBuffer command, final long receivedAtMs)
    {
        // DE7 and DE11 were checked by freshnessProblem.
        final long stan = decoder.numeric(DE_STAN);
        final long transmissionTime = decoder.numeric(DE_TRANSMISSION_TIME);
        if (!decoder.has(DE_PROCESSING_CODE))
        {
            return respond(exchange, IsoResponseCodes.FORMAT_ERROR);
        }
        final long amountFen = decoder.numeric(DE_AMOUNT);
        switch (baseMti)
        {
            case 200:
            case 100:
            {
                final long pan = decoder.numeric(DE_PAN);
                if (amountFen < 0 || pan < 0)
                {
                    return respond(exchange, IsoResponseCodes.FORMAT_ERROR);
                }
                // Here, on the gateway's thread and before the ring: the journal, the engine, snapshots, settlement
                // files and replies never see the whole card number (docs/security.md, "Card numbers at rest").
                final long consumerId = null == panTokenizer ? pan : panTokenizer.token(pan);
                final long transactionType = decoder.numericPart(DE_PROCESSING_CODE, 0, 2);
                if (!isPurchase(baseMti, transactionType))
                {
                    return respond(exchange, transactionType < 0 ?
                        IsoResponseCodes.FORMAT_ERROR : IsoResponseCodes.INVALID_TRANSACTION);
                }
                exchange.paymentId = paymentId(exchange.terminalId, transmissionTime, stan);
                exchange.amountFen = amountFen;
                exchange.step = baseMti == 200 ? IsoExchange.STEP_PAY : IsoExchange.STEP_TRY;
                commandLength = baseMti == 200 ?
                    commandEncoder.pay(command, 0, exchange.merchantId, exchange.terminalId, exchange.paymentId,
                        consumerId, amountFen) :
                    commandEncoder.tryPayment(command, 0, exchange.merchantId, exchange.terminalId, exchange.paymentId,
                        consumerId, amountFen, preAuthTtlMs);
                return ACTION_PUBLISH;
            }
            case 220:
            case 400:
            case 420:
                return onReferenceToOriginal(exchange, baseMti, amountFen, command, receivedAtMs);
            default:
                return respond(exchange, IsoResponseCodes.INVALID_TRANSACTION);
        }
    }

    /**
     * DE3's transaction type (its first two digits) on a 0200 or 0100: 00, goods and services, or on a 0100 also 03,
     * which some terminals send for a pre-authorisation. Anything else (20 refund, 01 cash, 30 balance inquiry, ...)
     * is not a purchase, and taking it as one would charge the consumer for a refund: it is refused (DE39 12) before
     * the engine. Refunds over ISO 8583 are reversals of the whole original (0400/0420).
     */
    static boolean isPurchase(final int baseMti, final long transactionType)
    {
        return transactionType == TRANSACTION_TYPE_GOODS_AND_SERVICES ||
            (baseMti == 100 && transactionType == TRANSACTION_TYPE_PRE_AUTHORISATION);
    }

    private int onReferenceToOriginal(final IsoExchange exchange, final int baseMti, final long amountFen,
        final MutableDirectBuffer command, final long receivedAtMs)
    {
        final long originalMti = decoder.numericPart(DE_ORIGINAL, 0, 4);
        final long originalStan = decoder.numericPart(DE_ORIGINAL, 4, 6);
        final long originalTime = decoder.numericPart(DE_ORIGINAL, 10, 10);
        if (originalMti < 0 || originalStan < 0 || originalTime < 0 || (baseMti != 220 && amountFen < 0) ||
            TransmissionTime.NOT_A_TIME == TransmissionTime.epochMs(originalTime, receivedAtMs))
        {
            return respond(exchange, IsoResponseCodes.FORMAT_ERROR);
        }
        final long originalBase = originalMti - originalMti % 10;
        final boolean completion = baseMti == 220;
        if (completion ? originalBase != 100 : originalBase != 100 && originalBase != 200)
        {
            // Only a pre-authorisation can be completed; only a purchase or a pre-authorisation reversed.
            return respond(exchange, IsoResponseCodes.INVALID_TRANSACTION);
        }
        exchange.paymentId = paymentId(exchange.terminalId, originalTime, originalStan);
        exchange.amountFen = Math.max(0, amountFen);
        exchange.step = completion ? IsoExchange.STEP_CONFIRM : IsoExchange.STEP_REVERSAL_CANCEL;
        commandLength = completion ?
            commandEncoder.confirm(command, 0, exchange.merchantId, exchange.terminalId, exchange.paymentId) :
            commandEncoder.cancel(command, 0, exchange.merchantId, exchange.terminalId, exchange.paymentId);
        return ACTION_PUBLISH;
    }

    /**
     * The idempotency key of a purchase or pre-authorisation (docs/iso8583.md, "Ids"): terminal, then the month and
     * day of its transmission time (DE7), then its STAN (DE11). A retransmission carries the same three.
     */
    static long paymentId(final long terminalId, final long transmissionTime, final long stan)
    {
        final long monthDay = transmissionTime / STAN_RANGE;
        return terminalId * DATE_AND_STAN_RANGE + monthDay * STAN_RANGE + stan;
    }

    /**
     * The MAC is the last element: DE128 when the message has a secondary bitmap, else DE64, over every byte before
     * it (MTI, bitmaps and elements as packed).
     */
    private boolean macVerified(final RetailMac mac)
    {
        final boolean secondary = (decoder.buffer().getByte(decoder.offset() + Iso87Layout.MTI_LENGTH) & 0x80) != 0;
        final int macField = secondary ? DE_MAC_SECONDARY : DE_MAC;
        if (!decoder.has(macField) || (secondary && decoder.has(DE_MAC)))
        {
            return false;
        }
        final int macOffset = decoder.dataOffset(macField);
        final int macInputLength = macOffset - decoder.offset();
        if (macInputLength + RetailMac.MAC_LENGTH != decoder.length())
        {
            return false;
        }
        return mac.verify(decoder.buffer(), decoder.offset(), macInputLength, decoder.buffer(), macOffset);
    }

    private int respond(final IsoExchange exchange, final byte[] de39)
    {
        exchange.de39 = de39;
        exchange.responseLength = packResponse(exchange);
        exchange.state = IsoExchange.STATE_READY;
        return ACTION_RESPOND;
    }

    /** Packs the response into the exchange: echoed elements, DE39, and a MAC when the request was authenticated. */
    private int packResponse(final IsoExchange exchange)
    {
        final boolean echo = exchange.echo && decoder.wrap(exchange.requestBuffer, 0, exchange.requestLength);
        final boolean secondary = echo && decoder.has(DE_NETWORK_CODE);
        encoder.wrap(exchange.responseBuffer, 0, exchange.responseMti, secondary);
        if (echo)
        {
            encoder.copy(DE_PROCESSING_CODE, decoder);
            if (exchange.capturedAmountFen >= 0)
            {
                encoder.numeric(DE_AMOUNT, exchange.capturedAmountFen);
            }
            else
            {
                encoder.copy(DE_AMOUNT, decoder);
            }
            encoder.copy(DE_TRANSMISSION_TIME, decoder).copy(DE_STAN, decoder).copy(DE_LOCAL_TIME, decoder)
                .copy(DE_LOCAL_DATE, decoder).copy(DE_RRN, decoder);
        }
        encoder.chars(DE_RESPONSE_CODE, exchange.de39);
        if (echo)
        {
            encoder.copy(DE_TERMINAL, decoder).copy(DE_MERCHANT, decoder).copy(DE_CURRENCY, decoder)
                .copy(DE_NETWORK_CODE, decoder);
        }
        if (null != exchange.mac)
        {
            // The MAC covers the bitmap with the MAC's own bit set: append a placeholder, then fill it in.
            java.util.Arrays.fill(macScratch, (byte)0);
            encoder.binary(secondary ? DE_MAC_SECONDARY : DE_MAC, macScratch, 0);
            final int macInputLength = encoder.length() - RetailMac.MAC_LENGTH;
            exchange.mac.compute(exchange.responseBuffer, 0, macInputLength, macScratch, 0);
            exchange.responseBuffer.putBytes(macInputLength, macScratch);
        }
        return encoder.length();
    }

    /** Request and advice classes have an even third MTI digit (0100, 0120, 0200, 0220, 0400, 0420, 0800...). */
    private static boolean isRequestClass(final int mti)
    {
        return (mti / 10) % 2 == 0;
    }
}
