package com.wodian.engine;

import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.AccountEventKind;
import com.wodian.protocol.sbe.ResultCode;

/**
 * AccountEvent (schema 13): what the platform's account service saw happen to a consumer's account (a credential
 * reset, a device bound, the phone number changed, a log-in from a new network), at the input's time. Validates the
 * consumer and the kind, records the event in the consumer's risk profile ({@code RiskFeatures.accountEvent}: the time
 * of the last event of each kind, which the scoring model's features 80-86 read; docs/risk.md "Account events") and
 * returns the result code, which {@link CommandAdapter} acknowledges. It moves no money and decides nothing by itself.
 */
final class AccountEventRules
{
    private final CommandContext context;
    private final ConsumerBook consumers;
    private final RiskControl risk;

    AccountEventRules(final CommandContext context, final EngineBooks books, final RiskControl risk)
    {
        this.context = context;
        this.consumers = books.consumers;
        this.risk = risk;
    }

    /** A kind the schema defines; the catalog already refuses any other value, here checked again as every input. */
    static boolean validKind(final short kind)
    {
        return kind >= AccountEventKind.CREDENTIAL_RESET.value() && kind <= AccountEventKind.NEW_NETWORK_LOGIN.value();
    }

    /**
     * Validate, then record. A consumer id that is not positive is {@code INVALID_ID}, one never registered
     * {@code UNKNOWN_CONSUMER}, a kind the schema does not define {@code MALFORMED_MESSAGE} (as every enum field the
     * catalog checks). A blocked consumer's events are recorded like any other's: they are facts about the account.
     */
    ResultCode accountEvent(final long consumerId, final short kind)
    {
        final ResultCode code;
        if (consumerId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (!validKind(kind))
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        else
        {
            final int index = consumers.indexOf(consumerId);
            if (index < 0)
            {
                code = ResultCode.UNKNOWN_CONSUMER;
            }
            else
            {
                risk.features.accountEvent(index, kind, context.nowMs);
                code = ResultCode.OK;
            }
        }
        return code;
    }
}
