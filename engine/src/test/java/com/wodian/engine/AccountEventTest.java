package com.wodian.engine;

import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.AccountEventDecoder;
import com.wodian.protocol.sbe.AccountEventEncoder;
import com.wodian.protocol.sbe.AccountEventKind;
import com.wodian.protocol.sbe.AckDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AccountEvent (schema 13; docs/protocol.md, docs/risk.md "Account events"): the account service's events are
 * answered with an Ack naming the consumer and a precise code, and a stream mixing them with payments is decided
 * alike by a twin engine and by an engine restored from a snapshot taken in the middle.
 */
class AccountEventTest
{
    private static final long CONSUMER = 1001;
    private final EngineDriver d = new EngineDriver(EngineConfig.small());
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    @Test
    void eachEventIsAnsweredWithItsCodeAndTheConsumer()
    {
        assertEquals(ResultCode.OK, d.merchant(1, 10, 0, 0, 0, false));
        assertEquals(ResultCode.OK, d.consumer(CONSUMER, 1));
        for (final AccountEventKind kind : new AccountEventKind[]{AccountEventKind.CREDENTIAL_RESET,
            AccountEventKind.DEVICE_BOUND, AccountEventKind.PHONE_REBOUND, AccountEventKind.NEW_NETWORK_LOGIN})
        {
            assertAck(d.accountEvent(CONSUMER, kind), ResultCode.OK, CONSUMER);
        }
        assertAck(d.accountEvent(CONSUMER, AccountEventKind.DEVICE_BOUND), ResultCode.OK, CONSUMER);   // a repeat
        assertAck(d.accountEvent(4_040, AccountEventKind.DEVICE_BOUND), ResultCode.UNKNOWN_CONSUMER, 4_040);
        assertAck(d.accountEvent(0, AccountEventKind.DEVICE_BOUND), ResultCode.INVALID_ID, 0);
        assertAck(d.accountEvent(-7, AccountEventKind.DEVICE_BOUND), ResultCode.INVALID_ID, -7);
        // A blocked consumer's events are facts about the account all the same.
        assertEquals(ResultCode.OK, d.block(PartyType.CONSUMER, CONSUMER, true));
        assertAck(d.accountEvent(CONSUMER, AccountEventKind.CREDENTIAL_RESET), ResultCode.OK, CONSUMER);
    }

    /** An undefined kind is malformed; the journal is input too, so the engine's catalog check refuses it as well. */
    @Test
    void aKindTheSchemaDoesNotDefineIsMalformed()
    {
        assertEquals(ResultCode.OK, d.merchant(1, 10, 0, 0, 0, false));
        assertEquals(ResultCode.OK, d.consumer(CONSUMER, 1));
        for (final int kind : new int[]{0, 5, 254, 255})
        {
            final int length = d.encoder.accountEvent(d.command, 0, CONSUMER, AccountEventKind.CREDENTIAL_RESET);
            d.command.putByte(CommandEncoder.HEADER_LENGTH + AccountEventEncoder.kindEncodingOffset(), (byte)kind);
            assertEquals(ResultCode.MALFORMED_MESSAGE, d.apply(length), "kind " + kind);
        }
        // The rule's own check, behind the catalog's: the kinds 1 to 4 and nothing else.
        final EngineConfig config = EngineConfig.small();
        final EngineBooks books = new EngineBooks(config);
        final AccountEventRules rules = new AccountEventRules(new CommandContext(), books,
            new com.wodian.engine.risk.RiskControl(new com.wodian.engine.risk.RiskLimits(config.consumersMax,
                config.merchantsMax, config.terminalsMax, config.riskPairsMax, config.riskEventsMax,
                config.riskOverridesMax), books.consumers));
        for (int kind = -1; kind <= 256; kind++)
        {
            assertEquals(kind >= 1 && kind <= 4, AccountEventRules.validKind((short)kind), "kind " + kind);
        }
        assertEquals(ResultCode.MALFORMED_MESSAGE, rules.accountEvent(CONSUMER, (short)5));
        assertEquals(ResultCode.MALFORMED_MESSAGE, rules.accountEvent(CONSUMER, (short)0));
    }

    /** A sender of schema 12 cannot know the message (CommandCatalog's since version): 102, as for any newer one. */
    @Test
    void aSenderOfAnOlderSchemaIsRefused()
    {
        assertEquals(ResultCode.OK, d.merchant(1, 10, 0, 0, 0, false));
        assertEquals(ResultCode.OK, d.consumer(CONSUMER, 1));
        final int length = d.encoder.accountEvent(d.command, 0, CONSUMER, AccountEventKind.PHONE_REBOUND);
        // AccountEvent came with schema version 13: a sender of version 12 cannot have sent it.
        d.command.putShort(6, (short)12, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.UNSUPPORTED_SCHEMA, d.apply(length));
    }

    /**
     * The ledger property test's random workload with every risk rule on, an account event for a random consumer
     * (unknown ones included) in about one input of eight: the twin answers byte for byte alike, an engine restored
     * from a snapshot taken halfway continues exactly like the live one, and the state hashes agree at the end.
     */
    @Test
    void twinAndRestoredEnginesDecideAlikeOnAStreamWithAccountEvents()
    {
        final SplittableRandom random = new SplittableRandom(4_913);
        final EngineDriver live = new EngineDriver(EngineSettingsPropertyTest.config());
        final EngineDriver twin = new EngineDriver(EngineSettingsPropertyTest.config());
        LedgerPropertyTest.setUp(live, twin, new ArrayList<>());
        final AccountEventKind[] kinds = {AccountEventKind.CREDENTIAL_RESET, AccountEventKind.DEVICE_BOUND,
            AccountEventKind.PHONE_REBOUND, AccountEventKind.NEW_NETWORK_LOGIN};
        final EnumMap<ResultCode, Integer> eventCodes = new EnumMap<>(ResultCode.class);
        final int commands = 6_000;
        EngineDriver restored = null;
        for (int i = 0; i < commands; i++)
        {
            if (i == commands / 2)
            {
                restored = live.restoredFromSnapshot(EngineSettingsPropertyTest.config());
                assertEquals(live.engine.stateHash(), restored.engine.stateHash());
            }
            live.advanceMs(random.nextInt(8) == 0 ? random.nextInt(600_000) : random.nextInt(3));
            final boolean event = random.nextInt(8) == 0;
            final int length = event ?
                live.encoder.accountEvent(live.command, 0, random.nextInt(40) == 0 ?
                    LedgerPropertyTest.UNKNOWN_CONSUMER : 1 + random.nextInt(LedgerPropertyTest.CONSUMERS),
                    kinds[random.nextInt(kinds.length)]) :
                LedgerPropertyTest.randomCommand(random, live, i / 200);
            final ResultCode code = live.apply(length);
            if (event)
            {
                eventCodes.merge(code, 1, Integer::sum);
            }
            live.applyLastInputTo(length, twin, restored);
        }
        live.engine.verifyInvariants();
        assertEquals(live.engine.stateHash(), twin.engine.stateHash());
        assertEquals(live.engine.stateHash(), restored.engine.stateHash());
        assertTrue(eventCodes.getOrDefault(ResultCode.OK, 0) > 500, eventCodes::toString);
        assertTrue(eventCodes.getOrDefault(ResultCode.UNKNOWN_CONSUMER, 0) > 0, eventCodes::toString);
    }

    private void assertAck(final ResultCode code, final ResultCode expected, final long id)
    {
        assertEquals(expected, code);
        assertEquals(AckDecoder.TEMPLATE_ID, header.wrap(d.reply, 0).templateId());
        final AckDecoder ack = new AckDecoder().wrapAndApplyHeader(d.reply, 0, header);
        assertEquals(AccountEventDecoder.TEMPLATE_ID, ack.commandTemplateId());
        assertEquals(id, ack.id());
    }
}
