package com.wodian.net.server;

import com.wodian.net.gateway.GatewayAgent;
import com.wodian.net.gateway.GatewayContext;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.ReplyCodes;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Journals {@link RiskBaseline} once, at the first start of a new data directory: a gateway with no port that
 * publishes the baseline's admin commands through the input ring like any client (journaled, then applied, so replay
 * and snapshots see them as they see an operator's commands), before or among the first clients' inputs. It logs
 * the outcome when the last reply is in. Registered by {@link ServerArguments} only for a server alone on a data
 * directory without a journal and without {@code --risk-baseline none}.
 */
final class RiskBaselineGateway implements GatewayAgent
{
    private static final System.Logger LOG = System.getLogger("com.wodian.net.server");
    private static final long LOCAL_SESSION_ID = 1;

    private final GatewayContext context;
    private final long keysMax;
    private final long sessionId;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
    /** Commands published so far (the receiving thread's). */
    private int published;
    /** Replies received and how many were not OK (the sending thread's). */
    private int replied;
    private int refused;

    RiskBaselineGateway(final GatewayContext context, final long keysMax)
    {
        this.context = context;
        this.keysMax = keysMax;
        this.sessionId = context.sessionId(LOCAL_SESSION_ID);
    }

    @Override
    public String roleName()
    {
        return "wodian-risk-baseline";
    }

    /**
     * All of them in the first duty cycle (the ring is empty at start), so that they are journaled together, ahead of
     * any client's input, and a server stopped right after its start does not keep only part of them.
     */
    @Override
    public int doWork()
    {
        int work = 0;
        while (published < RiskBaseline.COMMAND_COUNT && context.hasCapacity())
        {
            final int length = RiskBaseline.encode(published, encoder, command, keysMax);
            published++;
            context.publish(sessionId, published, command, 0, length);
            work++;
        }
        return work;
    }

    @Override
    public boolean mustPoll()
    {
        return published < RiskBaseline.COMMAND_COUNT;
    }

    @Override
    public void onReply(
        final long sessionId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        replied++;
        if (ReplyCodes.codeOf(buffer, offset, length) != 0)
        {
            refused++;
            LOG.log(System.Logger.Level.WARNING, "risk baseline: command {0} of {1} refused (reply template {2}, " +
                "code {3})", correlationId, RiskBaseline.COMMAND_COUNT, CommandCatalog.templateId(buffer, offset),
                ReplyCodes.codeOf(buffer, offset, length));
        }
        if (RiskBaseline.COMMAND_COUNT == replied && 0 == refused)
        {
            LOG.log(System.Logger.Level.INFO, "new data directory: recommended risk baseline journaled: {0} " +
                "(--risk-baseline none to start without; docs/security.md, \"Risk baseline of a new deployment\")",
                RiskBaseline.describe(keysMax));
        }
    }

    @Override
    public void onSessionClosed(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
    }
}
