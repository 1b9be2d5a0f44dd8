package com.wodian.journal;

/**
 * What {@link JournalWriter#endOfBatch()} does to make the entries of a batch durable.
 * <p>
 * Both policies survive a crash of the process (kill -9): the entries live in memory-mapped pages owned by the
 * kernel, which writes them back after the process is gone. They differ when the machine itself goes down.
 */
public enum DurabilityPolicy
{
    /**
     * Nothing is forced: the kernel writes the pages back when it chooses (typically within 30 s on Linux).
     * An OS crash or power loss can lose the most recent batches and tear the last entry.
     */
    PAGE_CACHE,

    /**
     * Every batch is forced to the storage device ({@code fdatasync} of the current journal file) before
     * {@code endOfBatch} returns, so a reply sent after it survives power loss. Costs one synchronous device flush per
     * batch, which is why it is applied per batch and not per entry.
     */
    SYNC
}
