package com.wodian.perf.loadgen;

import org.HdrHistogram.Histogram;

/** What one {@link LoadGenerator} run measured. Latencies in nanoseconds. Immutable once built. */
public final class LoadResult
{
    static final int TEMPLATE_LIMIT = 128;
    public static final int CODE_LIMIT = 1024;
    /** Why a run that fell too far behind its schedule stopped sending: {@link #stoppedBy()}. */
    public static final String BEHIND_SCHEDULE = "too far behind schedule";

    private final Schedule schedule;
    private final int senderCount;
    private final long scheduledCount;
    private final long sentCount;
    private final long answeredCount;
    private final long mismatchedCount;
    private final boolean aborted;
    private final String stoppedBy;
    private final double achievedSendRatePerSecond;
    private final double achievedRatePerSecond;
    private final long maxSendLagNs;
    private final long senderAllocatedBytes;
    private final Histogram responseTimeNs;
    private final Histogram serviceTimeNs;
    private final long[] countByTemplateAndCode;
    private final Histogram sendLatenessNs;
    private final long senderTimerSlackNs;

    LoadResult(
        final Schedule schedule,
        final int senderCount,
        final long scheduledCount,
        final long sentCount,
        final long answeredCount,
        final long mismatchedCount,
        final boolean aborted,
        final String stoppedBy,
        final double achievedSendRatePerSecond,
        final double achievedRatePerSecond,
        final long maxSendLagNs,
        final long senderAllocatedBytes,
        final Histogram responseTimeNs,
        final Histogram serviceTimeNs,
        final long[] countByTemplateAndCode,
        final Histogram sendLatenessNs,
        final long senderTimerSlackNs)
    {
        this.schedule = schedule;
        this.senderCount = senderCount;
        this.scheduledCount = scheduledCount;
        this.sentCount = sentCount;
        this.answeredCount = answeredCount;
        this.mismatchedCount = mismatchedCount;
        this.aborted = aborted;
        this.stoppedBy = stoppedBy;
        this.achievedSendRatePerSecond = achievedSendRatePerSecond;
        this.achievedRatePerSecond = achievedRatePerSecond;
        this.maxSendLagNs = maxSendLagNs;
        this.senderAllocatedBytes = senderAllocatedBytes;
        this.responseTimeNs = responseTimeNs;
        this.serviceTimeNs = serviceTimeNs;
        this.countByTemplateAndCode = countByTemplateAndCode;
        this.sendLatenessNs = sendLatenessNs;
        this.senderTimerSlackNs = senderTimerSlackNs;
    }

    static int countIndex(final int templateId, final int code)
    {
        return (templateId & (TEMPLATE_LIMIT - 1)) * CODE_LIMIT + (code & (CODE_LIMIT - 1));
    }

    public Schedule schedule()
    {
        return schedule;
    }

    public int senderCount()
    {
        return senderCount;
    }

    public double offeredRatePerSecond()
    {
        return schedule.ratePerSecond();
    }

    /** Commands in the schedule, warm-up included. */
    public long scheduledCount()
    {
        return scheduledCount;
    }

    /** Commands sent: the scheduled count unless the run was {@link #aborted()}. */
    public long sentCount()
    {
        return sentCount;
    }

    /** Replies received before the drain timeout. */
    public long answeredCount()
    {
        return answeredCount;
    }

    /** Replies whose correlation id did not match the request in their slot: must be 0. */
    public long mismatchedCount()
    {
        return mismatchedCount;
    }

    /**
     * Whether the run stopped before the end of its schedule: too far behind it (the offered rate was not
     * sustainable at all), or a result taken early ({@link LoadGenerator#resultSoFar}); {@link #stoppedBy()} says.
     */
    public boolean aborted()
    {
        return aborted;
    }

    /**
     * Why the run stopped before the end of its schedule ({@link #BEHIND_SCHEDULE}, a client's failure, a signal),
     * or null when it was not {@link #aborted()}.
     */
    public String stoppedBy()
    {
        return stoppedBy;
    }

    /** Commands sent per second of the sending phase. */
    public double achievedSendRatePerSecond()
    {
        return achievedSendRatePerSecond;
    }

    /**
     * Replies per second after the warm-up: replies to measured commands divided by the time from the end of the
     * warm-up to the later of the last intended send and the last reply. Equals the offered rate when the server
     * keeps up; falls below it when replies trail the schedule.
     */
    public double achievedRatePerSecond()
    {
        return achievedRatePerSecond;
    }

    /** How far behind its schedule a sender ever was. */
    public long maxSendLagNs()
    {
        return maxSendLagNs;
    }

    /**
     * Bytes the sender threads allocated between their first and last send: the send path is allocation-free, so
     * this stays at a few kilobytes (the first flush, JIT) whatever the length of the run.
     */
    public long senderAllocatedBytes()
    {
        return senderAllocatedBytes;
    }

    /** From intended send to reply (coordinated omission corrected); measured commands only. */
    public Histogram responseTimeNs()
    {
        return responseTimeNs;
    }

    /** From actual send to reply; measured commands only. */
    public Histogram serviceTimeNs()
    {
        return serviceTimeNs;
    }

    /**
     * From intended to actual send, measured commands only: the part of each response time that is the load
     * generator's own delay (a late wake-up, a sender without a CPU, a backlog), which the response time rightly
     * keeps and the service time leaves out.
     */
    public Histogram sendLatenessNs()
    {
        return sendLatenessNs;
    }

    /** The sender threads' timer slack during the run (Linux), or -1 when unknown. */
    public long senderTimerSlackNs()
    {
        return senderTimerSlackNs;
    }

    /** Replies to commands of this template with this result code (warm-up included). */
    public long count(final int commandTemplateId, final int code)
    {
        if (commandTemplateId < 0 || commandTemplateId >= TEMPLATE_LIMIT || code < 0 || code >= CODE_LIMIT)
        {
            return 0;
        }
        return countByTemplateAndCode[countIndex(commandTemplateId, code)];
    }

    /** Replies with this result code, over all templates. */
    public long countOfCode(final int code)
    {
        long total = 0;
        for (int template = 0; template < TEMPLATE_LIMIT; template++)
        {
            total += count(template, code);
        }
        return total;
    }

    /** Replies of commands of this template, over all codes. */
    public long countOfTemplate(final int templateId)
    {
        long total = 0;
        for (int code = 0; code < CODE_LIMIT; code++)
        {
            total += count(templateId, code);
        }
        return total;
    }

    /** Sum of all counts: equals {@link #answeredCount()}. */
    public long countTotal()
    {
        long total = 0;
        for (final long count : countByTemplateAndCode)
        {
            total += count;
        }
        return total;
    }
}
