package com.wodian.tools;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * Sends ONE command or query to a server as a POS terminal or an operator would, prints the command and the reply
 * as text, and exits 0 when the reply's code is OK or OK_EMPTY_ROLLBACK, 1 when the engine refused it, 3 when it
 * reached no primary (no connection, or only a standby's NOT_PRIMARY: nothing was executed), 4 when its outcome is
 * unknown (sent, then no reply in time, the connection lost, or PRIMARY_LOST): ask again with the same key. With
 * {@code --peers} (a replica group's client addresses) it follows the primary as the client library does, re-sending
 * with the same key (operator review 13). Amounts are in fen (0.01 CNY).
 */
@Command(
    name = "pos",
    description = "Send one command to a server and print the reply. Status 0 OK, 1 refused by the engine, 3 no " +
        "primary reached (nothing executed), 4 outcome unknown (no reply in time, connection lost, PRIMARY_LOST: " +
        "ask again with the same key).",
    subcommands = {
        PosCommand.RegisterMerchant.class,
        PosCommand.RegisterConsumer.class,
        PosCommand.RegisterTerminal.class,
        PosCommand.TopUp.class,
        PosCommand.Withdraw.class,
        PosCommand.Pay.class,
        PosCommand.Try.class,
        PosCommand.Confirm.class,
        PosCommand.Cancel.class,
        PosCommand.Refund.class,
        PosCommand.Balance.class,
        PosCommand.Status.class,
        PosCommand.Statement.class,
        PosCommand.StateHash.class,
        PosCommand.Block.class,
        PosCommand.Unblock.class,
        PosCommand.Rules.class,
        PosCommand.Redeem.class,
        PosCommand.AdjustPoints.class,
        PosCommand.Distribute.class,
        PosCommand.ConsumerStatement.class,
        PosCommand.Voucher.class,
        PosCommand.Vouchers.class,
        PosCommand.Distribution.class,
        PosCommand.RiskRule.class,
        PosCommand.RiskRuleShow.class,
        PosCommand.RiskEvents.class,
        PosCommand.RiskStats.class,
        PosCommand.RiskModelLoad.class,
        PosCommand.RiskModelShow.class,
        RiskModelClearCommand.class,
        PosCommand.EngineSettingCommand.class,
        PosCommand.AccountEventCommand.class})
public final class PosCommand implements Runnable
{
    @Option(names = "--host", defaultValue = "127.0.0.1", scope = ScopeType.INHERIT,
        description = "server host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "0", scope = ScopeType.INHERIT,
        description = "server port (or --peers)")
    int port;

    @Option(names = {"--peers", "--target"}, split = ",", converter = GroupCommands.HostPort.class,
        scope = ScopeType.INHERIT, description = "a replica group's client addresses, HOST:PORT,...: sent to the " +
            "primary, following NOT_PRIMARY (instead of --host/--port)")
    java.util.List<String> peers;

    @Option(names = "--credentials", defaultValue = "${env:WODIAN_CREDENTIALS}",
        scope = ScopeType.INHERIT,
        description = "client secrets file (e.g. <data>/client-secrets of 'wodian demo'); none: no logon, which " +
            "only a server started with --auth disabled accepts")
    java.nio.file.Path credentialsFile;

    @Option(names = "--as", defaultValue = "admin", scope = ScopeType.INHERIT,
        description = "identity from the secrets file: admin (the first admin), admin:ID, terminal:ID, consumer:ID " +
            "(default: ${DEFAULT-VALUE})")
    String identity;

    @Option(names = "--timeout-ms", defaultValue = "5000", scope = ScopeType.INHERIT,
        description = "how long to wait for the reply (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "print only the reply")
    boolean quiet;

    @CommandLine.Mixin
    TlsClientOptions tlsOptions = new TlsClientOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final CommandEncoder encoder = new CommandEncoder();
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name the command to send");
    }

    /** Sends the message encoded in {@link #buffer}, prints command and reply, returns the exit code. */
    int send(final int length)
    {
        if ((null == peers) == (port <= 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --port or --peers (one of them)");
        }
        if (!quiet)
        {
            System.out.println("> " + MessageText.describe(buffer, 0, length));
        }
        final String where = null == peers ? host + ":" + port : String.join(",", peers);
        final byte[] reply;
        try (WodianClient client = WodianClient.connect(clientConfig()))
        {
            reply = client.call(buffer, 0, length, timeoutMs);
        }
        catch (final com.wodian.net.client.OutcomeUnknownException ex)
        {
            System.err.println("OUTCOME UNKNOWN: the connection to " + where + " was lost after the command was " +
                "sent (" + ex.getMessage() + "); ask again with the same key");
            return WodianMain.EXIT_OUTCOME_UNKNOWN;
        }
        catch (final IOException ex)
        {
            System.err.println("cannot reach " + where + ": " + ex.getMessage());
            return WodianMain.EXIT_UNREACHABLE;
        }
        catch (final TimeoutException ex)
        {
            System.err.println("OUTCOME UNKNOWN: no reply from " + where + " within " + timeoutMs + " ms; ask " +
                "again with the same key");
            return WodianMain.EXIT_OUTCOME_UNKNOWN;
        }
        final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
        System.out.println((quiet ? "" : "< ") + MessageText.describe(replyBuffer, 0, reply.length));
        return exitCode(ReplyCodes.resultCodeOf(replyBuffer, 0, reply.length));
    }

    /**
     * NOT_PRIMARY is no refusal: the command never ran (a standby answered); PRIMARY_LOST may or may not have run.
     * A script must tell both from the engine's refusals (operator review 13).
     */
    static int exitCode(final ResultCode code)
    {
        if (isOk(code))
        {
            return WodianMain.EXIT_OK;
        }
        return code == ResultCode.NOT_PRIMARY ? WodianMain.EXIT_UNREACHABLE :
            code == ResultCode.PRIMARY_LOST ? WodianMain.EXIT_OUTCOME_UNKNOWN : WodianMain.EXIT_REFUSED;
    }

    /**
     * One node ({@code --host/--port}), or the group's nodes with reconnect on: a standby's NOT_PRIMARY then sends
     * the client to the primary it names (or the next node) and the command again, with its key, within the
     * timeout.
     */
    com.wodian.net.client.ClientConfig clientConfig() throws IOException
    {
        // One node: the whole --timeout-ms for it (connect, logon, reply). A group's list: the client's own short
        // limits per node, so that a node that does not answer leaves the rest of --timeout-ms (the give-up) to the
        // next one; its reply limit then moves the request on to another node within it.
        final com.wodian.net.client.ClientConfig config = null == peers ?
            TlsClientOptions.waitingAtLeast(tlsOptions.clientConfig(host, port), timeoutMs) :
            tlsOptions.clientConfig(peers).reconnect(true).reconnectGiveUpMs(timeoutMs);
        return null == credentialsFile ? config : config.credentials(credentials());
    }

    private com.wodian.net.auth.Credentials credentials() throws IOException
    {
        final int colon = identity.indexOf(':');
        final com.wodian.protocol.sbe.SessionRole role = com.wodian.protocol.sbe.SessionRole.valueOf(
            (colon < 0 ? identity : identity.substring(0, colon)).toUpperCase(java.util.Locale.ROOT));
        return colon < 0 ? com.wodian.net.auth.Credentials.loadFirst(credentialsFile, role) :
            com.wodian.net.auth.Credentials.load(credentialsFile, role, Long.parseLong(identity.substring(colon + 1)));
    }

    /** The OK family: the command did what was asked (an empty rollback is the success of an early Cancel). */
    static boolean isOk(final ResultCode code)
    {
        return code == ResultCode.OK || code == ResultCode.OK_EMPTY_ROLLBACK;
    }

    /** Base of every pos subcommand: reaches the connection options and the encoder of {@code pos}. */
    abstract static class Sub implements Callable<Integer>
    {
        @ParentCommand
        PosCommand pos;

        @Override
        public Integer call()
        {
            return pos.send(encode(pos.encoder, pos.buffer));
        }

        abstract int encode(CommandEncoder encoder, UnsafeBuffer buffer);
    }

    @Command(name = "register-merchant", description = "Create a merchant with its rules.")
    static final class RegisterMerchant extends Sub
    {
        @Option(names = "--merchant", required = true) long merchantId;
        @Option(names = "--points-per-yuan", defaultValue = "1") int pointsPerYuan;
        @Option(names = "--pool-bps", defaultValue = "0", description = "share of each sale into the profit pool")
        int poolRateBps;
        @Option(names = "--alliance-bps", defaultValue = "0",
            description = "share paid to the consumer's home merchant")
        int allianceShareBps;
        @Option(names = "--fee-bps", defaultValue = "0", description = "platform fee") int platformFeeBps;
        @Option(names = "--alliance-member", description = "join the alliance") boolean allianceMember;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.registerMerchant(buffer, 0, merchantId, pointsPerYuan, poolRateBps, allianceShareBps,
                platformFeeBps, allianceMember);
        }
    }

    @Command(name = "rules", description = "Replace a merchant's rules: rates, alliance, payout mode, voucher rule.")
    static final class Rules extends Sub
    {
        @Option(names = "--merchant", required = true) long merchantId;
        @Option(names = "--points-per-yuan", defaultValue = "1") int pointsPerYuan;
        @Option(names = "--pool-bps", defaultValue = "0") int poolRateBps;
        @Option(names = "--alliance-bps", defaultValue = "0") int allianceShareBps;
        @Option(names = "--fee-bps", defaultValue = "0") int platformFeeBps;
        @Option(names = "--alliance-member") boolean allianceMember;
        @Option(names = "--wallet-rebate", description = "pay distributions into wallets (default: vouchers)")
        boolean walletRebate;
        @Option(names = "--voucher-points", defaultValue = "0", description = "points per voucher (0: no rule)")
        long voucherPointsCost;
        @Option(names = "--voucher-fen", defaultValue = "0") long voucherValueFen;
        @Option(names = "--voucher-validity-ms", defaultValue = "0") long voucherValidityMs;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            final DistributionMode mode = walletRebate ? DistributionMode.WALLET_REBATE : DistributionMode.VOUCHER;
            return encoder.setMerchantRules(buffer, 0, merchantId, pointsPerYuan, poolRateBps, allianceShareBps,
                platformFeeBps, allianceMember, mode, voucherPointsCost, voucherValueFen, voucherValidityMs);
        }
    }

    @Command(name = "redeem", description = "Exchange points for a voucher of the merchant's rule.")
    static final class Redeem extends Sub
    {
        @Option(names = "--consumer", required = true) long consumerId;
        @Option(names = "--merchant", required = true) long merchantId;
        @Option(names = "--redemption", required = true, description = "idempotency key") long redemptionId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.redeemPoints(buffer, 0, consumerId, merchantId, redemptionId);
        }
    }

    @Command(name = "adjust-points", description = "Operator correction of a points balance.")
    static final class AdjustPoints extends Sub
    {
        @Option(names = "--consumer", required = true) long consumerId;
        @Option(names = "--adjustment", required = true, description = "idempotency key") long adjustmentId;
        @Option(names = "--delta", required = true) long deltaPoints;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.adjustPoints(buffer, 0, consumerId, adjustmentId, deltaPoints);
        }
    }

    @Command(name = "distribute", description = "Distribute a merchant's pool pro rata to its consumers' spend.")
    static final class Distribute extends Sub
    {
        @Option(names = "--merchant", required = true) long merchantId;
        @Option(names = "--distribution", required = true, description = "idempotency key") long distributionId;
        @Option(names = "--amount-fen", defaultValue = "0", description = "0: the whole pool") long amountFen;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.distributePool(buffer, 0, merchantId, distributionId, amountFen);
        }
    }

    @Command(name = "risk-rule", description = "Set one risk rule globally (--merchant 0) or for one merchant; rule " +
        "ids and the meaning of each threshold: docs/risk.md.")
    static final class RiskRule extends Sub
    {
        @Option(names = "--merchant", defaultValue = "0", description = "0: the global rule (default)") long merchantId;
        @Option(names = "--rule", required = true,
            description = "rule id 1..12, 14 (the scoring model) or 15 (the challenger); 13 is counted, not set")
        int ruleId;
        @Option(names = "--mode", required = true, description = "OFF, SHADOW, ENFORCE, or INHERIT (per merchant)")
        com.wodian.protocol.sbe.RiskMode mode;
        @Option(names = "--action", defaultValue = "DECLINE", description = "DECLINE or FLAG (default: DECLINE)")
        com.wodian.protocol.sbe.RiskAction action;
        @Option(names = "--threshold1", required = true) long threshold1;
        @Option(names = "--threshold2", defaultValue = "0") long threshold2;
        @Option(names = "--threshold3", defaultValue = "0") long threshold3;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.setRiskRule(buffer, 0, merchantId, ruleId, mode, action, threshold1, threshold2,
                threshold3);
        }
    }

    @Command(name = "risk-rule-show", description = "The risk rule in force for a merchant (0: the global rule).")
    static final class RiskRuleShow extends Sub
    {
        @Option(names = "--merchant", defaultValue = "0") long merchantId;
        @Option(names = "--rule", required = true) int ruleId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.riskRuleQuery(buffer, 0, merchantId, ruleId);
        }
    }

    @Command(name = "risk-events", description = "Risk events (declines, flags, shadow hits) after an event id, " +
        "oldest first, at most 10 per reply.")
    static final class RiskEvents extends Sub
    {
        @Option(names = "--after", defaultValue = "0", description = "last event id seen (default: 0)")
        long afterEventId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.riskEventsQuery(buffer, 0, afterEventId);
        }
    }

    @Command(name = "risk-stats", description = "Per-rule declines, flags and shadow hits, platform-wide (0) or " +
        "at one merchant.")
    static final class RiskStats extends Sub
    {
        @Option(names = "--merchant", defaultValue = "0") long merchantId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.riskStatsQuery(buffer, 0, merchantId);
        }
    }

    @Command(name = "risk-model", description = "Load a model file (wodian risk-train) into a slot: SetRiskModel " +
        "BEGIN, TREES (4 per command), COMMIT, each journaled; the first refusal stops the load.")
    static final class RiskModelLoad implements Callable<Integer>
    {
        @ParentCommand
        PosCommand pos;
        @Option(names = "--file", required = true) java.nio.file.Path file;
        // No default: a model loaded into ACTIVE decides payments at once (rule 14), so that is said, not implied
        // (ops review item 23: the default ACTIVE made every trial load live).
        @Option(names = "--slot", required = true, description = "CHALLENGER (scores, decides nothing: compare with " +
            "risk-model-show first), ACTIVE (decides payments at once) or SECOND (also declines at once, under rule " +
            "14, what its own score puts at or above its own decline score: ACTIVE's decision OR its own; " +
            "docs/risk.md \"The second deciding model\")")
        com.wodian.protocol.sbe.RiskModelSlot slot;
        @Option(names = "--shadow-sample", defaultValue = "-1", description = "CHALLENGER: score and record it on a " +
            "deterministic 1-in-P sample of the commands (P rounded down to a power of two; 0: every command; " +
            "default: as the file says). Changing P is a new load: the slot's counters start from 0 (docs/risk.md)")
        long shadowSample;

        @Override
        public Integer call() throws IOException
        {
            final com.wodian.perf.riskmodel.TreeModel read = com.wodian.perf.riskmodel.TreeModel.read(file);
            final com.wodian.perf.riskmodel.TreeModel model =
                shadowSample < 0 ? read : read.withShadowSample(shadowSample);
            final int[] exit = {WodianMain.EXIT_OK};
            model.encode(pos.encoder, pos.buffer, slot, (buffer, length) ->
            {
                if (exit[0] == WodianMain.EXIT_OK)
                {
                    exit[0] = pos.send(length);
                }
            });
            return exit[0];
        }
    }

    @Command(name = "risk-model-show", description = "The model loaded in a slot and what it decided so far.")
    static final class RiskModelShow extends Sub
    {
        @Option(names = "--slot", defaultValue = "ACTIVE", description = "ACTIVE, CHALLENGER or SECOND")
        com.wodian.protocol.sbe.RiskModelSlot slot;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.riskModelQuery(buffer, 0, slot);
        }
    }

    @Command(name = "consumer-statement", description = "Balances, vouchers and the latest points entries.")
    static final class ConsumerStatement extends Sub
    {
        @Option(names = "--consumer", required = true) long consumerId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.consumerStatementQuery(buffer, 0, consumerId);
        }
    }

    @Command(name = "voucher", description = "Query a voucher.")
    static final class Voucher extends Sub
    {
        @Option(names = "--voucher", required = true) long voucherId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.voucherStatusQuery(buffer, 0, voucherId);
        }
    }

    @Command(name = "vouchers", description = "A page of a consumer's live vouchers (ids to pay with); run again " +
        "with --cursor set to the reply's nextCursor until it is 0.")
    static final class Vouchers extends Sub
    {
        @Option(names = "--consumer", required = true) long consumerId;
        @Option(names = "--merchant", defaultValue = "0",
            description = "only vouchers this merchant accepts (0: every merchant; a terminal must name its own)")
        long merchantId;
        @Option(names = "--cursor", defaultValue = "0", description = "0, then the previous reply's nextCursor")
        long cursor;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.consumerVouchersQuery(buffer, 0, consumerId, merchantId, cursor);
        }
    }

    @Command(name = "distribution", description = "Query a pool distribution's progress.")
    static final class Distribution extends Sub
    {
        @Option(names = "--merchant", required = true) long merchantId;
        @Option(names = "--distribution", required = true) long distributionId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.distributionStatusQuery(buffer, 0, merchantId, distributionId);
        }
    }

    @Command(name = "register-consumer", description = "Create a consumer.")
    static final class RegisterConsumer extends Sub
    {
        @Option(names = "--consumer", required = true) long consumerId;
        @Option(names = "--home-merchant", defaultValue = "0", description = "alliance merchant that brought them in")
        long homeMerchantId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.registerConsumer(buffer, 0, consumerId, homeMerchantId);
        }
    }

    @Command(name = "register-terminal", description = "Create a POS terminal bound to a merchant.")
    static final class RegisterTerminal extends Sub
    {
        @Option(names = "--terminal", required = true) long terminalId;
        @Option(names = "--merchant", required = true) long merchantId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.registerTerminal(buffer, 0, terminalId, merchantId);
        }
    }

    @Command(name = "topup", description = "Credit a wallet (funds from the payment channel), idempotent by --ref.")
    static final class TopUp extends Sub
    {
        @Option(names = "--consumer", required = true) long consumerId;
        @Option(names = "--ref", required = true, description = "the channel's unique reference") long externalRef;
        @Option(names = "--amount-fen", required = true) long amountFen;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.topUp(buffer, 0, consumerId, externalRef, amountFen);
        }
    }

    @Command(name = "withdraw", description = "Pay out a merchant's settlement balance or alliance earnings, or " +
        "(--merchant 0 --source PLATFORM_FEES) the platform's fee income (docs/rules.md, \"Withdrawals\").")
    static final class Withdraw extends Sub
    {
        @Option(names = "--merchant", required = true) long merchantId;
        @Option(names = "--withdrawal", required = true) long withdrawalId;
        @Option(names = "--amount-fen", required = true) long amountFen;
        @Option(names = "--source", defaultValue = "SETTLEMENT",
            description = "SETTLEMENT (default), ALLIANCE_EARNINGS or PLATFORM_FEES")
        com.wodian.protocol.sbe.WithdrawSource source;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.withdraw(buffer, 0, merchantId, withdrawalId, amountFen, source);
        }
    }

    /** Options naming a payment: (merchant, payment) is the key; the terminal must belong to the merchant. */
    abstract static class PaymentSub extends Sub
    {
        @Option(names = "--merchant", required = true) long merchantId;
        @Option(names = "--terminal", required = true) long terminalId;
        @Option(names = "--payment", required = true) long paymentId;
    }

    @Command(name = "pay", description = "Single-phase payment (Try and Confirm in one).")
    static final class Pay extends PaymentSub
    {
        @Option(names = "--consumer", required = true) long consumerId;
        @Option(names = "--amount-fen", required = true) long amountFen;
        @Option(names = "--voucher", defaultValue = "0", description = "voucher to apply (0: none)") long voucherId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.pay(buffer, 0, merchantId, terminalId, paymentId, consumerId, amountFen, voucherId);
        }
    }

    @Command(name = "try", description = "TCC Try: hold the amount until Confirm, Cancel or the ttl.")
    static final class Try extends PaymentSub
    {
        @Option(names = "--consumer", required = true) long consumerId;
        @Option(names = "--amount-fen", required = true) long amountFen;
        @Option(names = "--ttl-ms", defaultValue = "60000") long ttlMs;
        @Option(names = "--voucher", defaultValue = "0", description = "voucher to reserve (0: none)") long voucherId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.tryPayment(buffer, 0, merchantId, terminalId, paymentId, consumerId, amountFen, ttlMs,
                voucherId);
        }
    }

    @Command(name = "confirm", description = "TCC Confirm: settle a held payment.")
    static final class Confirm extends PaymentSub
    {
        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.confirm(buffer, 0, merchantId, terminalId, paymentId);
        }
    }

    @Command(name = "cancel", description = "TCC Cancel: release a hold (before any Try: an empty rollback).")
    static final class Cancel extends PaymentSub
    {
        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.cancel(buffer, 0, merchantId, terminalId, paymentId);
        }
    }

    @Command(name = "refund", description = "Refund part or all of a confirmed payment.")
    static final class Refund extends PaymentSub
    {
        @Option(names = "--refund", required = true) long refundId;
        @Option(names = "--amount-fen", required = true) long amountFen;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.refund(buffer, 0, merchantId, terminalId, paymentId, refundId, amountFen);
        }
    }

    @Command(name = "balance", description = "Query a consumer's wallet, holds and points.")
    static final class Balance extends Sub
    {
        @Option(names = "--consumer", required = true) long consumerId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.balanceQuery(buffer, 0, consumerId);
        }
    }

    @Command(name = "status", description = "Query a payment's state.")
    static final class Status extends Sub
    {
        @Option(names = "--merchant", required = true) long merchantId;
        @Option(names = "--payment", required = true) long paymentId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.paymentStatusQuery(buffer, 0, merchantId, paymentId);
        }
    }

    @Command(name = "statement", description = "Query a merchant's statement.")
    static final class Statement extends Sub
    {
        @Option(names = "--merchant", required = true) long merchantId;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.merchantStatementQuery(buffer, 0, merchantId);
        }
    }

    @Command(name = "state-hash", description = "Query the engine's state hash and last applied sequence.")
    static final class StateHash extends Sub
    {
        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.stateHashQuery(buffer, 0);
        }
    }

    /** Exactly one party to block or unblock. */
    static final class Party
    {
        @Option(names = "--consumer", required = true) Long consumerId;
        @Option(names = "--merchant", required = true) Long merchantId;
        @Option(names = "--terminal", required = true) Long terminalId;

        PartyType type()
        {
            return consumerId != null ? PartyType.CONSUMER : merchantId != null ? PartyType.MERCHANT :
                PartyType.TERMINAL;
        }

        long id()
        {
            return consumerId != null ? consumerId : merchantId != null ? merchantId : terminalId;
        }
    }

    @Command(name = "block", description = "Block a consumer, merchant or terminal.")
    static final class Block extends Sub
    {
        @ArgGroup(exclusive = true, multiplicity = "1") Party party;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.setBlocked(buffer, 0, party.type(), party.id(), true);
        }
    }

    @Command(name = "unblock", description = "Unblock a consumer, merchant or terminal.")
    static final class Unblock extends Sub
    {
        @ArgGroup(exclusive = true, multiplicity = "1") Party party;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.setBlocked(buffer, 0, party.type(), party.id(), false);
        }
    }

    @Command(name = "engine-setting", description = "Set one engine setting (journaled; docs/operations.md, \"Engine " +
        "settings\", says what each value does), e.g. MERCHANT_KEYS_MAX (keys one merchant may hold made within the " +
        "key retention, 0: no quota), PAYMENT_TERMINAL_BINDING (0: any terminal of the merchant, 1: Confirm/Cancel " +
        "from the Try's terminal, 2: Refund too), BALANCE_PROBE_LIMIT (balance probes of a consumer one merchant " +
        "may make in 24 h, 0: off) or HOME_SAME_SET_LIMIT (risk: a dormant account's new Try or Pay is " +
        "declined, 717, when at least this many other accounts of its home shop tried the same set of shops; " +
        "0: off, recommended 3; docs/risk.md).")
    static final class EngineSettingCommand extends Sub
    {
        @Option(names = "--setting", required = true, completionCandidates = EngineSettingNames.class,
            converter = EngineSettingValue.class, description = "one of: ${COMPLETION-CANDIDATES}")
        com.wodian.protocol.sbe.EngineSetting setting;
        @Option(names = "--value", required = true) long value;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.setEngineSetting(buffer, 0, setting, value);
        }
    }

    @Command(name = "account-event", description = "The account service: something happened to a consumer's account " +
        "(AccountEvent, journaled; docs/risk.md, \"Account events\"): the risk profile keeps the time of the last " +
        "event of each kind for the scoring model.")
    static final class AccountEventCommand extends Sub
    {
        @Option(names = "--consumer", required = true) long consumerId;
        @Option(names = "--kind", required = true, converter = AccountEventKindValue.class,
            description = "CREDENTIAL_RESET, DEVICE_BOUND, PHONE_REBOUND or NEW_NETWORK_LOGIN")
        com.wodian.protocol.sbe.AccountEventKind kind;

        @Override
        int encode(final CommandEncoder encoder, final UnsafeBuffer buffer)
        {
            return encoder.accountEvent(buffer, 0, consumerId, kind);
        }
    }

    /** The settings an operator may send, for --help: every value of the schema's enum but SBE's NULL_VAL. */
    static final class EngineSettingNames implements Iterable<String>
    {
        @Override
        public java.util.Iterator<String> iterator()
        {
            return SentValue.names(com.wodian.protocol.sbe.EngineSetting.class).iterator();
        }
    }

    /**
     * A value of one of the schema's enums, named on the command line (any case, as every enum option of the tree:
     * {@link WodianMain#commandLine}), except SBE's NULL_VAL: the wire's "no value", which the server refuses as a
     * malformed message (101). Refused here, before anything is sent, with the values that may be sent.
     */
    abstract static class SentValue<E extends Enum<E>> implements CommandLine.ITypeConverter<E>
    {
        private static final String NULL_VALUE = "NULL_VAL";
        private final Class<E> type;

        SentValue(final Class<E> type)
        {
            this.type = type;
        }

        @Override
        public E convert(final String text)
        {
            for (final E value : type.getEnumConstants())
            {
                if (!NULL_VALUE.equals(value.name()) && value.name().equalsIgnoreCase(text))
                {
                    return value;
                }
            }
            throw new CommandLine.TypeConversionException((NULL_VALUE.equalsIgnoreCase(text) ?
                "NULL_VAL is SBE's \"no value\", which the server refuses (101 MALFORMED_MESSAGE); " : "") +
                "expected one of " + String.join(", ", names(type)) + " but was '" + text + "'");
        }

        /** Every value of the enum that may be sent: all but NULL_VAL, in the schema's order. */
        static <E extends Enum<E>> java.util.List<String> names(final Class<E> type)
        {
            return java.util.Arrays.stream(type.getEnumConstants())
                .map(Enum::name)
                .filter(name -> !NULL_VALUE.equals(name))
                .toList();
        }
    }

    static final class EngineSettingValue extends SentValue<com.wodian.protocol.sbe.EngineSetting>
    {
        EngineSettingValue()
        {
            super(com.wodian.protocol.sbe.EngineSetting.class);
        }
    }

    static final class AccountEventKindValue extends SentValue<com.wodian.protocol.sbe.AccountEventKind>
    {
        AccountEventKindValue()
        {
            super(com.wodian.protocol.sbe.AccountEventKind.class);
        }
    }
}
