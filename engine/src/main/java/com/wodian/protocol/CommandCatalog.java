package com.wodian.protocol;

import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;

/**
 * What the schema says about each inbound message, in one place: which template ids are commands (journaled,
 * change state), which are queries (answered, not journaled), and whether an encoded message is well formed
 * enough to decode. The gateway checks every frame with {@link #check} before it reaches the ring, and the engine
 * checks again, because the journal is also an input.
 */
public final class CommandCatalog
{
    /** Largest SBE message (header + body) accepted as a command or query. */
    public static final int MAX_MESSAGE_LENGTH = 256;

    /**
     * Largest reply the engine encodes (header + body + groups): the consumer statement with its 16 points entries and
     * the risk events reply with its 10 events are the longest today (under 920 bytes).
     */
    public static final int MAX_REPLY_LENGTH = 1024;

    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    public static final int SCHEMA_ID = MessageHeaderDecoder.SCHEMA_ID;
    public static final int SCHEMA_VERSION = MessageHeaderDecoder.SCHEMA_VERSION;

    /**
     * A journal entry is applied only by a build that reads its payload's schema version: a newer entry replayed or
     * replicated into an older build would be refused or read with its newer fields dropped, and the state would
     * silently differ from what the newer build acknowledged (a rollback, or an old standby in a rolling upgrade).
     *
     * @throws IllegalStateException naming the entry and both versions, when {@code payloadVersion} is newer.
     */
    public static void requireReadableEntry(final long sequence, final int payloadVersion)
    {
        if (payloadVersion > SCHEMA_VERSION)
        {
            throw newerEntry(sequence, payloadVersion);
        }
    }

    /** The refusal of an entry whose payload schema version is above this build's. */
    public static IllegalStateException newerEntry(final long sequence, final int payloadVersion)
    {
        return new IllegalStateException("journal entry " + sequence + " was written by a newer Wodian (payload " +
            "schema " + payloadVersion + "; this version reads up to " + SCHEMA_VERSION + "): run that version " +
            "or a newer one; going back past a schema change is not possible (docs/durability.md, \"Upgrades\")");
    }

    private static final int TEMPLATE_ID_LIMIT = 128;
    /** The shortest block accepted from the oldest version of each template. */
    private static final int[] BLOCK_LENGTH_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT];
    /**
     * For a template whose older versions had a shorter block: the first version with the full block, and that
     * block's length. A sender of that version or later must send the whole block, since the decoder reads the newer
     * fields whenever the header's version says they exist (it would read them from bytes past the message).
     * 0 where every version has the same block.
     */
    private static final int[] FULL_BLOCK_SINCE_VERSION_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT];
    private static final int[] FULL_BLOCK_LENGTH_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT];
    private static final byte[] KIND_BY_TEMPLATE = new byte[TEMPLATE_ID_LIMIT];
    /**
     * The schema version that introduced each template (the schema's {@code sinceVersion}, 1 when none). A sender of
     * an older version cannot know the message, and the decoders read the field types added with it (SessionRole,
     * Digest256, RiskModelSlot, RiskModelOp) as null under an older version: refused as an unsupported schema.
     */
    private static final int[] SINCE_VERSION_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT];
    private static final byte KIND_COMMAND = 1;
    private static final byte KIND_QUERY = 2;
    private static final byte KIND_SESSION = 3;

    /**
     * Access classes: who may send a template (docs/security.md). The gateway enforces them per session role; this
     * table is the one place that classifies every inbound template. A template not classified below is
     * {@link #ACCESS_ADMIN}: a new message is admin-only until someone decides otherwise.
     */
    public static final byte ACCESS_ADMIN = 0;
    /** Acts at a POS: a terminal session may send it for its own terminal and merchant (an admin session too). */
    public static final byte ACCESS_TERMINAL = 1;
    /** A query about one merchant: a terminal session of that merchant, or an admin session. */
    public static final byte ACCESS_MERCHANT_QUERY = 2;
    /** A query about one consumer: that consumer's session, or an admin session (not a terminal session). */
    public static final byte ACCESS_CONSUMER_QUERY = 3;
    /** Session layer (logon, heartbeat): handled by the gateway, never journaled, never seen by the engine. */
    public static final byte ACCESS_SESSION = 4;
    /**
     * A query about one consumer at one merchant: a terminal session naming its own merchant, the consumer's own
     * session (any merchant), or an admin session.
     */
    public static final byte ACCESS_MERCHANT_OR_CONSUMER_QUERY = 5;

    /** Marks a template without such a field in {@link #terminalIdOffset} and its siblings. */
    public static final int NO_FIELD = -1;

    /**
     * Admin rights (docs/security.md, "Admin kinds"): the one right an ADMIN session's credential must hold to send a
     * template ({@link #adminRight}); a kind of admin id holds a set of them. Reads of the system's state and totals
     * (what a read-only operator may send).
     */
    public static final int RIGHT_READ = 1;
    /** Moves money or reads a consumer's money: top-ups, withdrawals, points, pools, payments, balances. */
    public static final int RIGHT_FUNDS = 1 << 1;
    /**
     * Changes configuration: parties, blocks, merchant rules, risk rules and models, engine settings; and account
     * events (the account service's facts about an account, which move no money).
     */
    public static final int RIGHT_CONFIG = 1 << 2;
    /** Everything else (Tick, TakeSnapshot, ClusterControl, RiskEvents, any template not classified): full admins. */
    public static final int RIGHT_FULL = 1 << 3;
    /** Every right: a full admin's. */
    public static final int RIGHTS_ALL = RIGHT_READ | RIGHT_FUNDS | RIGHT_CONFIG | RIGHT_FULL;

    /**
     * The enum and boolean fields of each inbound template: body offset and the set of values the schema defines
     * (bit v set: value v is valid). A message naming any other value cannot be decoded by the engine, so the gateway
     * refuses it before the journal (docs/protocol.md section 5). Every such field is uint8 and below 64 today.
     */
    private static final int[][] ENUM_OFFSETS_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT][];
    private static final int[][] ENUM_SINCE_VERSIONS_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT][];
    /** Per template, per enum field, per header version: the values a sender of that version may name. */
    private static final long[][][] ENUM_VALID_BY_TEMPLATE = new long[TEMPLATE_ID_LIMIT][][];
    /** The enum types {@link #valid} was given: the ones the catalog checks (CommandCatalogEnumVersionTest). */
    private static final java.util.Set<Class<?>> CHECKED_ENUMS = new java.util.HashSet<>();

    private static final byte[] ACCESS_BY_TEMPLATE = new byte[TEMPLATE_ID_LIMIT];
    /** The admin right each template needs ({@link #adminRight}); {@link #RIGHT_FULL} unless classified. */
    private static final byte[] ADMIN_RIGHT_BY_TEMPLATE = new byte[TEMPLATE_ID_LIMIT];
    private static final int[] TERMINAL_ID_OFFSET_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT];
    private static final int[] MERCHANT_ID_OFFSET_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT];
    private static final int[] CONSUMER_ID_OFFSET_BY_TEMPLATE = new int[TEMPLATE_ID_LIMIT];

    static
    {
        checkHeaderLayout();
        // Versions 1-3 of RegisterMerchant had no trade nor areaCode: accept their shorter block from them.
        command(RegisterMerchantDecoder.TEMPLATE_ID, RegisterMerchantDecoder.BLOCK_LENGTH);
        olderBlock(RegisterMerchantDecoder.TEMPLATE_ID, RegisterMerchantDecoder.BLOCK_LENGTH -
            RegisterMerchantDecoder.tradeEncodingLength() - RegisterMerchantDecoder.areaCodeEncodingLength(),
            RegisterMerchantDecoder.tradeSinceVersion());
        command(RegisterConsumerDecoder.TEMPLATE_ID, RegisterConsumerDecoder.BLOCK_LENGTH);
        command(RegisterTerminalDecoder.TEMPLATE_ID, RegisterTerminalDecoder.BLOCK_LENGTH);
        command(TopUpDecoder.TEMPLATE_ID, TopUpDecoder.BLOCK_LENGTH);
        command(WithdrawDecoder.TEMPLATE_ID, WithdrawDecoder.BLOCK_LENGTH);
        // Versions 1-6 of Withdraw had no source: accept their shorter block from them (the engine then pays out the
        // settlement balance, as they did).
        olderBlock(WithdrawDecoder.TEMPLATE_ID, WithdrawDecoder.BLOCK_LENGTH - WithdrawDecoder.sourceEncodingLength(),
            WithdrawDecoder.sourceSinceVersion());
        command(SetBlockedDecoder.TEMPLATE_ID, SetBlockedDecoder.BLOCK_LENGTH);
        // Version 1 of Pay and PaymentTry had no voucherId: accept their shorter block from it (the decoder then
        // reads no voucher).
        command(PayDecoder.TEMPLATE_ID, PayDecoder.BLOCK_LENGTH);
        olderBlock(PayDecoder.TEMPLATE_ID, PayDecoder.BLOCK_LENGTH - PayDecoder.voucherIdEncodingLength(),
            PayDecoder.voucherIdSinceVersion());
        command(PaymentTryDecoder.TEMPLATE_ID, PaymentTryDecoder.BLOCK_LENGTH);
        olderBlock(PaymentTryDecoder.TEMPLATE_ID,
            PaymentTryDecoder.BLOCK_LENGTH - PaymentTryDecoder.voucherIdEncodingLength(),
            PaymentTryDecoder.voucherIdSinceVersion());
        command(PaymentConfirmDecoder.TEMPLATE_ID, PaymentConfirmDecoder.BLOCK_LENGTH);
        command(PaymentCancelDecoder.TEMPLATE_ID, PaymentCancelDecoder.BLOCK_LENGTH);
        command(RefundDecoder.TEMPLATE_ID, RefundDecoder.BLOCK_LENGTH);
        command(TickDecoder.TEMPLATE_ID, TickDecoder.BLOCK_LENGTH);
        command(TakeSnapshotDecoder.TEMPLATE_ID, TakeSnapshotDecoder.BLOCK_LENGTH);
        command(SetMerchantRulesDecoder.TEMPLATE_ID, SetMerchantRulesDecoder.BLOCK_LENGTH);
        command(RedeemPointsDecoder.TEMPLATE_ID, RedeemPointsDecoder.BLOCK_LENGTH);
        command(AdjustPointsDecoder.TEMPLATE_ID, AdjustPointsDecoder.BLOCK_LENGTH);
        command(DistributePoolDecoder.TEMPLATE_ID, DistributePoolDecoder.BLOCK_LENGTH);
        command(SetRiskRuleDecoder.TEMPLATE_ID, SetRiskRuleDecoder.BLOCK_LENGTH);
        command(SetRiskModelDecoder.TEMPLATE_ID, SetRiskModelDecoder.BLOCK_LENGTH);
        command(SetEngineSettingDecoder.TEMPLATE_ID, SetEngineSettingDecoder.BLOCK_LENGTH);
        command(AccountEventDecoder.TEMPLATE_ID, AccountEventDecoder.BLOCK_LENGTH);

        query(BalanceQueryDecoder.TEMPLATE_ID, BalanceQueryDecoder.BLOCK_LENGTH);
        query(PaymentStatusQueryDecoder.TEMPLATE_ID, PaymentStatusQueryDecoder.BLOCK_LENGTH);
        query(MerchantStatementQueryDecoder.TEMPLATE_ID, MerchantStatementQueryDecoder.BLOCK_LENGTH);
        query(StateHashQueryDecoder.TEMPLATE_ID, StateHashQueryDecoder.BLOCK_LENGTH);
        query(ConsumerStatementQueryDecoder.TEMPLATE_ID, ConsumerStatementQueryDecoder.BLOCK_LENGTH);
        query(VoucherStatusQueryDecoder.TEMPLATE_ID, VoucherStatusQueryDecoder.BLOCK_LENGTH);
        query(DistributionStatusQueryDecoder.TEMPLATE_ID, DistributionStatusQueryDecoder.BLOCK_LENGTH);
        query(RiskRuleQueryDecoder.TEMPLATE_ID, RiskRuleQueryDecoder.BLOCK_LENGTH);
        query(RiskEventsQueryDecoder.TEMPLATE_ID, RiskEventsQueryDecoder.BLOCK_LENGTH);
        query(RiskStatsQueryDecoder.TEMPLATE_ID, RiskStatsQueryDecoder.BLOCK_LENGTH);
        query(RiskModelQueryDecoder.TEMPLATE_ID, RiskModelQueryDecoder.BLOCK_LENGTH);
        query(ConsumerVouchersQueryDecoder.TEMPLATE_ID, ConsumerVouchersQueryDecoder.BLOCK_LENGTH);
        // Replica-group operations travel as queries (never journaled); the server answers them, not the engine.
        query(ClusterStatusQueryDecoder.TEMPLATE_ID, ClusterStatusQueryDecoder.BLOCK_LENGTH);
        query(ClusterControlDecoder.TEMPLATE_ID, ClusterControlDecoder.BLOCK_LENGTH);

        enumFields(RegisterMerchantDecoder.TEMPLATE_ID,
            new int[]{RegisterMerchantDecoder.allianceMemberEncodingOffset(),
                RegisterMerchantDecoder.tradeEncodingOffset()},
            new int[]{RegisterMerchantDecoder.allianceMemberSinceVersion(),
                RegisterMerchantDecoder.tradeSinceVersion()},
            new long[][]{valid(BooleanType.values()), valid(MerchantTrade.values())});
        enumFields(SetBlockedDecoder.TEMPLATE_ID,
            new int[]{SetBlockedDecoder.partyTypeEncodingOffset(), SetBlockedDecoder.blockedEncodingOffset()},
            new int[]{SetBlockedDecoder.partyTypeSinceVersion(), SetBlockedDecoder.blockedSinceVersion()},
            new long[][]{valid(PartyType.values()), valid(BooleanType.values())});
        enumFields(SetMerchantRulesDecoder.TEMPLATE_ID,
            new int[]{SetMerchantRulesDecoder.allianceMemberEncodingOffset(),
                SetMerchantRulesDecoder.distributionModeEncodingOffset()},
            new int[]{SetMerchantRulesDecoder.allianceMemberSinceVersion(),
                SetMerchantRulesDecoder.distributionModeSinceVersion()},
            new long[][]{valid(BooleanType.values()), valid(DistributionMode.values())});
        enumFields(SetRiskRuleDecoder.TEMPLATE_ID,
            new int[]{SetRiskRuleDecoder.modeEncodingOffset(), SetRiskRuleDecoder.actionEncodingOffset()},
            new int[]{SetRiskRuleDecoder.modeSinceVersion(), SetRiskRuleDecoder.actionSinceVersion()},
            new long[][]{valid(RiskMode.values()), valid(RiskAction.values())});
        enumFields(SetRiskModelDecoder.TEMPLATE_ID,
            new int[]{SetRiskModelDecoder.slotEncodingOffset(), SetRiskModelDecoder.opEncodingOffset()},
            new int[]{SetRiskModelDecoder.slotSinceVersion(), SetRiskModelDecoder.opSinceVersion()},
            new long[][]{valid(RiskModelSlot.values()), valid(RiskModelOp.values())});
        enumFields(WithdrawDecoder.TEMPLATE_ID,
            new int[]{WithdrawDecoder.sourceEncodingOffset()},
            new int[]{WithdrawDecoder.sourceSinceVersion()},
            new long[][]{valid(WithdrawSource.values())});
        enumFields(SetEngineSettingDecoder.TEMPLATE_ID,
            new int[]{SetEngineSettingDecoder.settingEncodingOffset()},
            new int[]{SetEngineSettingDecoder.settingSinceVersion()},
            new long[][]{valid(EngineSetting.values())});
        enumFields(AccountEventDecoder.TEMPLATE_ID,
            new int[]{AccountEventDecoder.kindEncodingOffset()},
            new int[]{AccountEventDecoder.kindSinceVersion()},
            new long[][]{valid(AccountEventKind.values())});
        enumFields(RiskModelQueryDecoder.TEMPLATE_ID,
            new int[]{RiskModelQueryDecoder.slotEncodingOffset()},
            new int[]{RiskModelQueryDecoder.slotSinceVersion()},
            new long[][]{valid(RiskModelSlot.values())});

        session(LogonDecoder.TEMPLATE_ID, LogonDecoder.BLOCK_LENGTH);
        session(LogonProofDecoder.TEMPLATE_ID, LogonProofDecoder.BLOCK_LENGTH);
        session(HeartbeatDecoder.TEMPLATE_ID, HeartbeatDecoder.BLOCK_LENGTH);

        // The schema's sinceVersion of each inbound message (CommandCatalogVersionTest checks this against it).
        java.util.Arrays.fill(SINCE_VERSION_BY_TEMPLATE, 1);
        sinceVersion(2, SetMerchantRulesDecoder.TEMPLATE_ID, RedeemPointsDecoder.TEMPLATE_ID,
            AdjustPointsDecoder.TEMPLATE_ID, DistributePoolDecoder.TEMPLATE_ID,
            ConsumerStatementQueryDecoder.TEMPLATE_ID, VoucherStatusQueryDecoder.TEMPLATE_ID,
            DistributionStatusQueryDecoder.TEMPLATE_ID);
        sinceVersion(3, SetRiskRuleDecoder.TEMPLATE_ID, TakeSnapshotDecoder.TEMPLATE_ID,
            RiskRuleQueryDecoder.TEMPLATE_ID, RiskEventsQueryDecoder.TEMPLATE_ID, RiskStatsQueryDecoder.TEMPLATE_ID,
            ClusterStatusQueryDecoder.TEMPLATE_ID, ClusterControlDecoder.TEMPLATE_ID, LogonDecoder.TEMPLATE_ID,
            LogonProofDecoder.TEMPLATE_ID, HeartbeatDecoder.TEMPLATE_ID);
        sinceVersion(4, SetRiskModelDecoder.TEMPLATE_ID, RiskModelQueryDecoder.TEMPLATE_ID);
        sinceVersion(6, SetEngineSettingDecoder.TEMPLATE_ID);
        sinceVersion(7, ConsumerVouchersQueryDecoder.TEMPLATE_ID);
        sinceVersion(13, AccountEventDecoder.TEMPLATE_ID);

        // Access classes with the offsets (in the message body) of the fields the gateway compares with the
        // session's identity. Every other command and query stays ACCESS_ADMIN: register, top-up, withdraw, block,
        // rules, adjust points, distribute, Tick, state hash, voucher status.
        java.util.Arrays.fill(TERMINAL_ID_OFFSET_BY_TEMPLATE, NO_FIELD);
        java.util.Arrays.fill(MERCHANT_ID_OFFSET_BY_TEMPLATE, NO_FIELD);
        java.util.Arrays.fill(CONSUMER_ID_OFFSET_BY_TEMPLATE, NO_FIELD);
        access(PayDecoder.TEMPLATE_ID, ACCESS_TERMINAL,
            PayDecoder.terminalIdEncodingOffset(), PayDecoder.merchantIdEncodingOffset(), NO_FIELD);
        access(PaymentTryDecoder.TEMPLATE_ID, ACCESS_TERMINAL,
            PaymentTryDecoder.terminalIdEncodingOffset(), PaymentTryDecoder.merchantIdEncodingOffset(), NO_FIELD);
        access(PaymentConfirmDecoder.TEMPLATE_ID, ACCESS_TERMINAL, PaymentConfirmDecoder.terminalIdEncodingOffset(),
            PaymentConfirmDecoder.merchantIdEncodingOffset(), NO_FIELD);
        access(PaymentCancelDecoder.TEMPLATE_ID, ACCESS_TERMINAL, PaymentCancelDecoder.terminalIdEncodingOffset(),
            PaymentCancelDecoder.merchantIdEncodingOffset(), NO_FIELD);
        access(RefundDecoder.TEMPLATE_ID, ACCESS_TERMINAL,
            RefundDecoder.terminalIdEncodingOffset(), RefundDecoder.merchantIdEncodingOffset(), NO_FIELD);
        // Redeeming at the counter spends the consumer's points like Pay spends the wallet: a terminal of the
        // merchant whose voucher rule applies may do it.
        access(RedeemPointsDecoder.TEMPLATE_ID, ACCESS_TERMINAL,
            NO_FIELD, RedeemPointsDecoder.merchantIdEncodingOffset(), NO_FIELD);
        access(PaymentStatusQueryDecoder.TEMPLATE_ID, ACCESS_MERCHANT_QUERY,
            NO_FIELD, PaymentStatusQueryDecoder.merchantIdEncodingOffset(), NO_FIELD);
        access(MerchantStatementQueryDecoder.TEMPLATE_ID, ACCESS_MERCHANT_QUERY,
            NO_FIELD, MerchantStatementQueryDecoder.merchantIdEncodingOffset(), NO_FIELD);
        access(DistributionStatusQueryDecoder.TEMPLATE_ID, ACCESS_MERCHANT_QUERY,
            NO_FIELD, DistributionStatusQueryDecoder.merchantIdEncodingOffset(), NO_FIELD);
        access(BalanceQueryDecoder.TEMPLATE_ID, ACCESS_CONSUMER_QUERY,
            NO_FIELD, NO_FIELD, BalanceQueryDecoder.consumerIdEncodingOffset());
        access(ConsumerStatementQueryDecoder.TEMPLATE_ID, ACCESS_CONSUMER_QUERY,
            NO_FIELD, NO_FIELD, ConsumerStatementQueryDecoder.consumerIdEncodingOffset());
        // A consumer's vouchers: the consumer's app (all merchants), or a terminal for its own merchant's vouchers,
        // which it accepts and could try in a Pay anyway (docs/security.md).
        access(ConsumerVouchersQueryDecoder.TEMPLATE_ID, ACCESS_MERCHANT_OR_CONSUMER_QUERY, NO_FIELD,
            ConsumerVouchersQueryDecoder.merchantIdEncodingOffset(),
            ConsumerVouchersQueryDecoder.consumerIdEncodingOffset());
        // What a read-only operator (an admin id that the credential file lists as `operator`) may send: queries
        // about the system's state and totals, for status, health and reconciliation checks (security review B9). No
        // command, no ClusterControl, and no query whose reply carries a consumer's id (a card number) or balance:
        // BalanceQuery, ConsumerStatementQuery, ConsumerVouchersQuery, PaymentStatusQuery, VoucherStatusQuery and
        // RiskEventsQuery stay with full admins.
        java.util.Arrays.fill(ADMIN_RIGHT_BY_TEMPLATE, (byte)RIGHT_FULL);
        adminRight(RIGHT_READ, ClusterStatusQueryDecoder.TEMPLATE_ID, StateHashQueryDecoder.TEMPLATE_ID,
            MerchantStatementQueryDecoder.TEMPLATE_ID, DistributionStatusQueryDecoder.TEMPLATE_ID,
            RiskRuleQueryDecoder.TEMPLATE_ID, RiskStatsQueryDecoder.TEMPLATE_ID, RiskModelQueryDecoder.TEMPLATE_ID);
        // A funds admin (the money desk): moves money, an admin's payments for a terminal included, and reads the
        // consumers' money it moves. Not RiskEventsQuery (consumers' ids, for the risk officers: full admins).
        adminRight(RIGHT_FUNDS, TopUpDecoder.TEMPLATE_ID, WithdrawDecoder.TEMPLATE_ID, AdjustPointsDecoder.TEMPLATE_ID,
            DistributePoolDecoder.TEMPLATE_ID, PayDecoder.TEMPLATE_ID, PaymentTryDecoder.TEMPLATE_ID,
            PaymentConfirmDecoder.TEMPLATE_ID, PaymentCancelDecoder.TEMPLATE_ID, RefundDecoder.TEMPLATE_ID,
            RedeemPointsDecoder.TEMPLATE_ID, BalanceQueryDecoder.TEMPLATE_ID, ConsumerStatementQueryDecoder.TEMPLATE_ID,
            ConsumerVouchersQueryDecoder.TEMPLATE_ID, PaymentStatusQueryDecoder.TEMPLATE_ID,
            VoucherStatusQueryDecoder.TEMPLATE_ID);
        // A configuration admin: who exists, who is blocked, the merchants' rules, risk and engine settings; no money.
        // AccountEvent too: the platform's account service reports what happened to an account (facts for the risk
        // profile, like a registration), and should hold no right to move money or read balances.
        adminRight(RIGHT_CONFIG, RegisterMerchantDecoder.TEMPLATE_ID, RegisterConsumerDecoder.TEMPLATE_ID,
            RegisterTerminalDecoder.TEMPLATE_ID, SetBlockedDecoder.TEMPLATE_ID, SetMerchantRulesDecoder.TEMPLATE_ID,
            SetRiskRuleDecoder.TEMPLATE_ID, SetRiskModelDecoder.TEMPLATE_ID, SetEngineSettingDecoder.TEMPLATE_ID,
            AccountEventDecoder.TEMPLATE_ID);
        access(LogonDecoder.TEMPLATE_ID, ACCESS_SESSION, NO_FIELD, NO_FIELD, NO_FIELD);
        access(LogonProofDecoder.TEMPLATE_ID, ACCESS_SESSION, NO_FIELD, NO_FIELD, NO_FIELD);
        access(HeartbeatDecoder.TEMPLATE_ID, ACCESS_SESSION, NO_FIELD, NO_FIELD, NO_FIELD);
    }

    private CommandCatalog()
    {
    }

    private static void command(final int templateId, final int blockLength)
    {
        KIND_BY_TEMPLATE[templateId] = KIND_COMMAND;
        BLOCK_LENGTH_BY_TEMPLATE[templateId] = blockLength;
    }

    private static void sinceVersion(final int version, final int... templateIds)
    {
        for (final int templateId : templateIds)
        {
            SINCE_VERSION_BY_TEMPLATE[templateId] = version;
        }
    }

    /** Older versions (before {@code fullSinceVersion}) of a template may send the shorter {@code olderBlockLength}. */
    private static void olderBlock(final int templateId, final int olderBlockLength, final int fullSinceVersion)
    {
        FULL_BLOCK_LENGTH_BY_TEMPLATE[templateId] = BLOCK_LENGTH_BY_TEMPLATE[templateId];
        FULL_BLOCK_SINCE_VERSION_BY_TEMPLATE[templateId] = fullSinceVersion;
        BLOCK_LENGTH_BY_TEMPLATE[templateId] = olderBlockLength;
    }

    /** The shortest block a sender of {@code version} may send: the whole block of that version. */
    private static int minBlockLength(final int templateId, final int version)
    {
        final int fullSinceVersion = FULL_BLOCK_SINCE_VERSION_BY_TEMPLATE[templateId];
        return 0 != fullSinceVersion && version >= fullSinceVersion ?
            FULL_BLOCK_LENGTH_BY_TEMPLATE[templateId] : BLOCK_LENGTH_BY_TEMPLATE[templateId];
    }

    private static void query(final int templateId, final int blockLength)
    {
        KIND_BY_TEMPLATE[templateId] = KIND_QUERY;
        BLOCK_LENGTH_BY_TEMPLATE[templateId] = blockLength;
    }

    private static void session(final int templateId, final int blockLength)
    {
        KIND_BY_TEMPLATE[templateId] = KIND_SESSION;
        BLOCK_LENGTH_BY_TEMPLATE[templateId] = blockLength;
    }

    /**
     * The enum fields of a template: their offsets (ascending), the schema version that added each, and the values
     * each may hold.
     */
    private static void enumFields(
        final int templateId, final int[] offsets, final int[] sinceVersions, final long[][] validValues)
    {
        ENUM_OFFSETS_BY_TEMPLATE[templateId] = offsets;
        ENUM_SINCE_VERSIONS_BY_TEMPLATE[templateId] = sinceVersions;
        ENUM_VALID_BY_TEMPLATE[templateId] = validValues;
    }

    /**
     * The values an SBE enum defines, as a bit set per header version (index: the version): a value added by a later
     * version is not one a sender of an older version can mean, and that version's build refused it. Its null value
     * (255) is never one of them.
     */
    private static long[] valid(final Enum<?>[] values)
    {
        CHECKED_ENUMS.add(values[0].getDeclaringClass());
        final long[] bitsByVersion = new long[SCHEMA_VERSION + 1];
        for (final Enum<?> value : values)
        {
            if (!"NULL_VAL".equals(value.name()))
            {
                final int raw = enumValue(value);
                if (raw >= Long.SIZE)
                {
                    throw new IllegalStateException("enum value beyond the validity bit set: " + value);
                }
                for (int version = valueSinceVersion(value); version <= SCHEMA_VERSION; version++)
                {
                    bitsByVersion[version] |= 1L << raw;
                }
            }
        }
        return bitsByVersion;
    }

    /**
     * The schema version that added an enum value to an enum that existed before it (the validValue's
     * {@code sinceVersion}); 1 for every other value, whose field or message carries the version check.
     * CommandCatalogEnumVersionTest checks this against the schema: add a line here with every such value.
     */
    static int valueSinceVersion(final Enum<?> value)
    {
        if (value == EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT)
        {
            return 7;
        }
        if (value == EngineSetting.VOUCHER_EXPIRY_SATURATES || value == EngineSetting.REFUND_REISSUES_VOUCHER)
        {
            return 8;
        }
        if (value == EngineSetting.VOUCHER_LAYOUT_HASH)
        {
            return 9;
        }
        if (value == EngineSetting.RISK_GROUP_SOURCE)
        {
            return 10;
        }
        if (value == EngineSetting.BALANCE_PROBE_LIMIT)
        {
            return 11;
        }
        if (value == EngineSetting.HOME_SAME_SET_LIMIT)
        {
            return 12;
        }
        if (value == com.wodian.protocol.sbe.RiskModelSlot.SECOND)
        {
            return 15;
        }
        if (value == com.wodian.protocol.sbe.ClusterAction.ADD_MEMBER ||
            value == com.wodian.protocol.sbe.ClusterAction.REMOVE_MEMBER)
        {
            return 5; // ClusterControl's action is answered by the server, not checked here: kept for the record
        }
        return 1;
    }

    /** True for the enum types the catalog checks in inbound messages. */
    static boolean checksEnum(final Class<?> enumType)
    {
        return CHECKED_ENUMS.contains(enumType);
    }

    private static int enumValue(final Enum<?> value)
    {
        try
        {
            return ((Number)value.getClass().getMethod("value").invoke(value)).intValue();
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("not an SBE enum: " + value, ex);
        }
    }

    /**
     * True when every enum and boolean field of a well-framed message holds a value the schema defines. A field
     * beyond the block is absent, and so is a field added after the message's version, whatever bytes a longer
     * block holds there (legal SBE: the decoder of that version reads it as its null value, and a journal of the
     * build before the field replays the same way only if it is not checked).
     */
    private static boolean enumValuesDefined(
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int templateId,
        final int version)
    {
        final int[] offsets = ENUM_OFFSETS_BY_TEMPLATE[templateId];
        if (null == offsets)
        {
            return true;
        }
        final int[] sinceVersions = ENUM_SINCE_VERSIONS_BY_TEMPLATE[templateId];
        final long[][] validValues = ENUM_VALID_BY_TEMPLATE[templateId];
        for (int i = 0; i < offsets.length && offsets[i] < blockLength; i++)
        {
            if (version < sinceVersions[i])
            {
                continue;
            }
            final int value = buffer.getByte(bodyOffset + offsets[i]) & 0xFF;
            if (value >= Long.SIZE || 0 == (validValues[i][version] & (1L << value)))
            {
                return false;
            }
        }
        return true;
    }

    /** True for a {@code SessionRole} a Logon may name (TERMINAL, ADMIN, CONSUMER): not 0, not the null value. */
    public static boolean isDefinedRole(final short roleRaw)
    {
        for (final SessionRole role : SessionRole.values())
        {
            if (SessionRole.NULL_VAL != role && role.value() == roleRaw)
            {
                return true;
            }
        }
        return false;
    }

    private static void access(
        final int templateId,
        final byte accessClass,
        final int terminalIdOffset,
        final int merchantIdOffset,
        final int consumerIdOffset)
    {
        ACCESS_BY_TEMPLATE[templateId] = accessClass;
        TERMINAL_ID_OFFSET_BY_TEMPLATE[templateId] = terminalIdOffset;
        MERCHANT_ID_OFFSET_BY_TEMPLATE[templateId] = merchantIdOffset;
        CONSUMER_ID_OFFSET_BY_TEMPLATE[templateId] = consumerIdOffset;
    }

    private static void adminRight(final int right, final int... templateIds)
    {
        for (final int templateId : templateIds)
        {
            ADMIN_RIGHT_BY_TEMPLATE[templateId] = (byte)right;
        }
    }

    /**
     * True for the queries a read-only operator session may send (docs/security.md, "Sessions, roles and what each
     * may send"): those needing {@link #RIGHT_READ}; everything else needs another right ({@code
     * ADMIN_ROLE_REQUIRED}). Session messages are the gateway's and never reach this check.
     */
    public static boolean operatorMay(final int templateId)
    {
        return RIGHT_READ == adminRight(templateId);
    }

    /**
     * The admin right ({@link #RIGHT_READ}, {@link #RIGHT_FUNDS}, {@link #RIGHT_CONFIG} or {@link #RIGHT_FULL}) an
     * ADMIN session's credential must hold to send a template; {@link #RIGHT_FULL} for any template not classified, so
     * a new message needs a full admin until someone decides otherwise.
     */
    public static int adminRight(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT ? ADMIN_RIGHT_BY_TEMPLATE[templateId] : RIGHT_FULL;
    }

    /** True for session-layer messages (logon, heartbeat), which only the gateway handles. */
    public static boolean isSession(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT && KIND_BY_TEMPLATE[templateId] == KIND_SESSION;
    }

    /** The access class of an inbound template ({@link #ACCESS_ADMIN} for any template not classified). */
    public static byte accessClass(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT ? ACCESS_BY_TEMPLATE[templateId] : ACCESS_ADMIN;
    }

    /** Offset in the message body of the int64 terminalId the template acts for, or {@link #NO_FIELD}. */
    public static int terminalIdOffset(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT ?
            TERMINAL_ID_OFFSET_BY_TEMPLATE[templateId] : NO_FIELD;
    }

    /** Offset in the message body of the int64 merchantId the template acts for or asks about, or {@link #NO_FIELD}. */
    public static int merchantIdOffset(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT ?
            MERCHANT_ID_OFFSET_BY_TEMPLATE[templateId] : NO_FIELD;
    }

    /** Offset in the message body of the int64 consumerId a consumer query asks about, or {@link #NO_FIELD}. */
    public static int consumerIdOffset(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT ?
            CONSUMER_ID_OFFSET_BY_TEMPLATE[templateId] : NO_FIELD;
    }

    /** True for inbound messages that change state and therefore go to the journal. */
    public static boolean isCommand(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT && KIND_BY_TEMPLATE[templateId] == KIND_COMMAND;
    }

    /** True for inbound messages answered from state without changing it (not journaled). */
    public static boolean isQuery(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT && KIND_BY_TEMPLATE[templateId] == KIND_QUERY;
    }

    /**
     * Checks that an inbound message can be decoded: known schema, a version from 1 to this build's, known inbound
     * template, a block at least as long as the sender's version's fields, the bytes to hold it, and a value the schema
     * defines in every enum and boolean field (so that nothing undecodable reaches the journal). A longer block
     * than ours is accepted (padding), but a version above ours is refused: its extra fields could change the meaning
     * of the command and would be ignored here.
     *
     * @return {@link ResultCode#OK} or the reason the message is refused.
     */
    public static ResultCode check(final DirectBuffer buffer, final int offset, final int length)
    {
        return check(buffer, offset, length, false);
    }

    /**
     * The gateway's form of {@link #check(DirectBuffer, int, int)}: session-layer messages (logon, heartbeat) are
     * well formed too, and a value above the gateway's caps is refused ({@code RATE_OUT_OF_RANGE}: a voucher validity
     * above {@link #VOUCHER_VALIDITY_MS_MAX}). The engine uses the other form, so a session message can never be
     * applied.
     */
    public static ResultCode checkInbound(final DirectBuffer buffer, final int offset, final int length)
    {
        return check(buffer, offset, length, true);
    }

    private static ResultCode check(
        final DirectBuffer buffer, final int offset, final int length, final boolean sessionAllowed)
    {
        if (length < HEADER_LENGTH)
        {
            return ResultCode.MALFORMED_MESSAGE;
        }
        if (length > MAX_MESSAGE_LENGTH)
        {
            return ResultCode.FRAME_TOO_LARGE;
        }
        final long header = header(buffer, offset);
        final int version = version(header);
        // A version above ours may carry fields this server would silently ignore (a v2 voucherId read by a v1
        // server would charge the full amount): refuse it rather than guess.
        if (schemaId(header) != SCHEMA_ID || version < 1 || version > SCHEMA_VERSION)
        {
            return ResultCode.UNSUPPORTED_SCHEMA;
        }
        final int templateId = templateId(header);
        if (!isCommand(templateId) && !isQuery(templateId) && !(sessionAllowed && isSession(templateId)))
        {
            return ResultCode.UNKNOWN_MESSAGE_TYPE;
        }
        if (version < SINCE_VERSION_BY_TEMPLATE[templateId])
        {
            return ResultCode.UNSUPPORTED_SCHEMA;
        }
        final int blockLength = blockLength(header);
        if (blockLength < minBlockLength(templateId, version) || HEADER_LENGTH + blockLength > length ||
            !enumValuesDefined(buffer, offset + HEADER_LENGTH, blockLength, templateId, version))
        {
            return ResultCode.MALFORMED_MESSAGE;
        }
        if (sessionAllowed && !withinGatewayCaps(buffer, offset + HEADER_LENGTH, templateId))
        {
            return ResultCode.RATE_OUT_OF_RANGE;
        }
        return ResultCode.OK;
    }

    /**
     * The longest voucher validity the gateway accepts in a SetMerchantRules: 100 years of 365 days. A longer one (an
     * operator's "max long" for "never expires") made {@code now + validity} wrap past Long.MAX_VALUE, and the voucher
     * was born expired (fuzz-review finding 3; docs/protocol.md, SetMerchantRules).
     */
    public static final long VOUCHER_VALIDITY_MS_MAX = 100L * 365 * 24 * 60 * 60 * 1000;

    /**
     * Values the gateway refuses before they are journaled although the engine, which must replay every journal as it
     * was decided, accepts them: a voucher validity above {@link #VOUCHER_VALIDITY_MS_MAX}.
     */
    private static boolean withinGatewayCaps(final DirectBuffer buffer, final int bodyOffset, final int templateId)
    {
        return templateId != SetMerchantRulesDecoder.TEMPLATE_ID || buffer.getLong(
            bodyOffset + SetMerchantRulesDecoder.voucherValidityMsEncodingOffset(), java.nio.ByteOrder.LITTLE_ENDIAN) <=
            VOUCHER_VALIDITY_MS_MAX;
    }

    /**
     * Whether {@link #check(DirectBuffer, int, int)} of a message of this template reads nothing but its length and
     * its 8-byte header (no enum or boolean field of its body): then two messages of one length and one header get
     * the same answer, whatever their bodies hold (the engine's batch prefetch checks each input once for both
     * phases on that ground).
     */
    public static boolean checkReadsHeaderOnly(final int templateId)
    {
        return templateId >= 0 && templateId < TEMPLATE_ID_LIMIT && null == ENUM_OFFSETS_BY_TEMPLATE[templateId];
    }

    /** The template id of an encoded message; call only when at least a header's bytes are present. */
    public static int templateId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * The message header's 8 bytes as one little-endian long, read with one bounds check instead of one per field:
     * bytes 0-1 the block length, 2-3 the template id, 4-5 the schema id, 6-7 the version (SBE's standard header,
     * {@link MessageHeaderDecoder}; the class initialiser checks those offsets). Take its fields with
     * {@link #blockLength(long)}, {@link #templateId(long)}, {@link #schemaId(long)} and {@link #version(long)}; call
     * only when at least a header's bytes are present.
     */
    public static long header(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    public static int blockLength(final long header)
    {
        return (int)header & 0xFFFF;
    }

    public static int templateId(final long header)
    {
        return (int)(header >>> 16) & 0xFFFF;
    }

    public static int schemaId(final long header)
    {
        return (int)(header >>> 32) & 0xFFFF;
    }

    public static int version(final long header)
    {
        return (int)(header >>> 48);
    }

    private static void checkHeaderLayout()
    {
        if (MessageHeaderDecoder.blockLengthEncodingOffset() != 0 ||
            MessageHeaderDecoder.templateIdEncodingOffset() != 2 ||
            MessageHeaderDecoder.schemaIdEncodingOffset() != 4 ||
            MessageHeaderDecoder.versionEncodingOffset() != 6 ||
            MessageHeaderDecoder.ENCODED_LENGTH != Long.BYTES ||
            MessageHeaderDecoder.BYTE_ORDER != java.nio.ByteOrder.LITTLE_ENDIAN)
        {
            throw new IllegalStateException("the SBE message header is not the layout CommandCatalog.header reads");
        }
    }
}
