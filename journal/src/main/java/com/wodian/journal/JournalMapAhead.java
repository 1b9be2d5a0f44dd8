package com.wodian.journal;

/**
 * Maps the part of a journal file after the one being written, from a thread other than the writing one, so that the
 * append that crosses into it finds it mapped instead of growing the file and mapping it inside the append (measured:
 * 5-30 ms on the development machine, once per 64 MiB of journal; docs/history/latency-sessions.md "The journal's chunk
 * crossings"). A server alone hands its {@link JournalWriter} to the metrics thread; a replica group its log, whose
 * writer is replaced by a truncation or a snapshot install.
 */
@FunctionalInterface
public interface JournalMapAhead
{
    /** Maps nothing: for a server without a journal of its own to map. */
    JournalMapAhead NONE = () -> false;

    /**
     * Called now and then by a thread other than the writing one (never the writing thread). The writer publishes
     * where it writes in {@link JournalWriter#touchAhead()}. May block for as long as a mapping takes.
     *
     * @return true when it mapped a part this call.
     */
    boolean mapAhead();
}
