package com.wodian.net.auth;

import com.wodian.protocol.CommandCatalog;

import java.util.Locale;

/**
 * What an admin identity may do, as its line of the credential file says (docs/security.md, "Admin kinds"). The wire
 * knows one admin role: every kind logs on as ADMIN with an ordinary {@code admin ID secret} client line, and the
 * server reads the kind from its own credential file at each logon. A build that does not know a kind's word refuses
 * the whole file (unknown role), so an older server never mistakes a restricted admin for a full one.
 */
public enum AdminKind
{
    /** {@code admin}: everything. */
    ADMIN("admin", "ADMIN", "", CommandCatalog.RIGHTS_ALL),
    /** {@code operator}: a read-only admin (security review B9): state and totals, no command. */
    OPERATOR("operator", "OPERATOR", " (read-only admin)", CommandCatalog.RIGHT_READ),
    /**
     * {@code funds}: the money desk: top-ups, withdrawals, points, pool distributions, payments and refunds for any
     * terminal, consumers' balances and statements, and the operator's reads; no configuration.
     */
    FUNDS("funds", "FUNDS", " (funds admin: money, no configuration)",
        CommandCatalog.RIGHT_READ | CommandCatalog.RIGHT_FUNDS),
    /**
     * {@code config}: registrations, blocks, merchant rules, risk rules and models, engine settings, and the
     * operator's reads; moves no money and reads no consumer's balance.
     */
    CONFIG("config", "CONFIG", " (configuration admin: no money)",
        CommandCatalog.RIGHT_READ | CommandCatalog.RIGHT_CONFIG),
    /**
     * {@code loadtest}: a full admin whose sessions' payments (the terminal-class commands: Pay, the two-phase ones,
     * Refund, RedeemPoints) are not in the admin audit trail beyond the first of each session (review R22): for
     * {@code wodian loadgen}, the perf scripts and the demo, which pay at full rate over admin sessions. Never on a
     * production server: its payments, refunds included, would be attributed to no one.
     */
    LOADTEST("loadtest", "LOADTEST", " (load-test admin: its payments are not audited)", CommandCatalog.RIGHTS_ALL);

    private final String word;
    private final String auditName;
    private final String description;
    private final int rights;

    AdminKind(final String word, final String auditName, final String description, final int rights)
    {
        this.word = word;
        this.auditName = auditName;
        this.description = description;
        this.rights = rights;
    }

    /**
     * Whether this kind may send a template: it holds the right {@link CommandCatalog#adminRight} names. Network
     * thread, per message: allocates nothing.
     */
    public boolean may(final int templateId)
    {
        return 0 != (rights & CommandCatalog.adminRight(templateId));
    }

    /** The {@link CommandCatalog} rights ({@code RIGHT_*}) this kind holds. */
    public int rights()
    {
        return rights;
    }

    /** The first word of the identity's line in the credential file, and its prefix in {@code wodian credentials}. */
    public String word()
    {
        return word;
    }

    /** The {@code role=} the admin audit trail and the server's log give it. */
    public String auditName()
    {
        return auditName;
    }

    /** What {@code wodian credentials} prints after the id: empty for a full admin. */
    public String description()
    {
        return description;
    }

    /** The kind a credential file's first word names (any case), or null for a word that is not an admin kind. */
    public static AdminKind ofWord(final String word)
    {
        final String lower = word.toLowerCase(Locale.ROOT);
        for (final AdminKind kind : values())
        {
            if (kind.word.equals(lower))
            {
                return kind;
            }
        }
        return null;
    }
}
