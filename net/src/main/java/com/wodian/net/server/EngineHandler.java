package com.wodian.net.server;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.wodian.engine.Engine;
import com.wodian.engine.ReplySink;
import com.wodian.net.FrameDescriptor;
import com.wodian.net.cluster.ClusterView;
import com.wodian.net.durability.EngineLimits;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.ClusterControlDecoder;
import com.wodian.protocol.sbe.ClusterControlReplyEncoder;
import com.wodian.protocol.sbe.ClusterStatusQueryDecoder;
import com.wodian.protocol.sbe.ClusterStatusReplyEncoder;
import com.wodian.protocol.sbe.GroupAckPolicy;
import com.wodian.protocol.sbe.GroupRole;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.LockSupport;

/**
 * Engine stage: applies each input to the {@link Engine} in ring order (commands with their journal sequence,
 * queries as they come) and writes each reply into a claimed slot of the output ring.
 *
 * <p>Claimed slots are published only at the end of the batch, after the journal batch holding their inputs is
 * durable, which is the rule "no reply is sent before its input is in the journal":
 * <ul>
 *     <li>DEDICATED: this handler runs behind the {@link JournalHandler}'s sequence, which only advances after the
 *     journal's {@code endOfBatch()}, so every input seen here is already durable;</li>
 *     <li>COMPACT: this handler journals each input itself ({@code inlineJournal}) before applying it and calls
 *     the journal's {@code endOfBatch()} just before publishing the claimed replies.</li>
 * </ul>
 * Replies to queries wait for the same publication, so a query never reports state that is not yet durable.
 * At most {@code claimLimit} slots stay claimed and unpublished, so that a batch longer than the output ring cannot
 * deadlock on its own claims: reaching the limit flushes early (journal first, then publish).
 */
final class EngineHandler implements EventHandler<InputEvent>, ReplySink
{
    private final Engine engine;
    private final RingBuffer<OutputEvent> outputRing;
    private JournalHandler inlineJournal;
    private final SelectorWaker waker;
    private final int claimLimit;
    /** SHARED: the sender runs on this thread, so a full output ring is a bug to report, never a wait. */
    private boolean claimWithoutWaiting;
    /**
     * Set by the closing thread once the sender is (being) stopped: a claim that finds the output ring full then
     * drops its reply instead of waiting for a sender that will never poll again (which would hang the close).
     */
    private volatile boolean stopping;
    /** Replies dropped at a stop; their inputs are journaled, so a client's retry with the same key gets the result. */
    private long droppedAtStop;

    /** The ring this handler reads, for the prefetch pass over each batch; null: no prefetch. */
    private RingBuffer<InputEvent> batchRing;
    /** Ring sequence of the input being (or last) applied: the next batch starts after it. */
    private long ringSequence = -1;
    /** Inputs prefetched together, then applied (measured: EnginePayBatchBenchmark, docs/engine.md). */
    static final int PREFETCH_CHUNK = 64;
    /** Last ring sequence of the batch being applied, and the last one prefetched. */
    private long batchLast = -1;
    private long prefetchedThrough = -1;
    /** Folds the prefetch loads so that the JIT keeps them; never read for a decision. */
    private long prefetched;
    private long claimedLowSequence = -1;
    private long claimedHighSequence = -1;
    private int claimedCount;
    private long currentSessionId;
    private long currentCorrelationId;
    private long currentReceivedNs;
    private long currentDurableNs;

    /**
     * @param engine        the state machine, touched only by this handler's thread from now on.
     * @param outputRing    ring the sender drains.
     * @param inlineJournal the journaling stage to run inline (COMPACT), or null when it runs ahead on its own thread.
     * @param waker         wakes the thread that sends replies when it sleeps in a selector, or null.
     * @param activity      where the engine's background work (a running distribution) is reported.
     */
    private final EngineActivity activity;
    private final ClusterView clusterView;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ClusterStatusReplyEncoder statusEncoder = new ClusterStatusReplyEncoder();
    private final ClusterStatusQueryDecoder statusQueryDecoder = new ClusterStatusQueryDecoder();
    private final ClusterControlReplyEncoder controlReplyEncoder = new ClusterControlReplyEncoder();
    private final UnsafeBuffer statusBuffer = new UnsafeBuffer(new byte[FrameDescriptor.REPLY_MESSAGE_LENGTH_MAX]);
    /** The engine's limits as the status names them (docs/replication.md, "One set of engine limits per group"). */
    private final long[] engineLimitValues;
    private final long engineLimitsDigest;

    EngineHandler(
        final Engine engine,
        final RingBuffer<OutputEvent> outputRing,
        final JournalHandler inlineJournal,
        final SelectorWaker waker,
        final EngineActivity activity)
    {
        this(engine, outputRing, inlineJournal, waker, activity, null);
    }

    /**
     * @param clusterView the replica group's published status, or null when the server runs alone.
     */
    EngineHandler(
        final Engine engine,
        final RingBuffer<OutputEvent> outputRing,
        final JournalHandler inlineJournal,
        final SelectorWaker waker,
        final EngineActivity activity,
        final ClusterView clusterView)
    {
        this.clusterView = clusterView;
        this.activity = activity;
        this.engine = engine;
        this.outputRing = outputRing;
        this.inlineJournal = inlineJournal;
        this.waker = waker;
        this.claimLimit = Math.max(1, outputRing.getBufferSize() / 2);
        this.engineLimitValues = EngineLimits.values(engine.config());
        this.engineLimitsDigest = EngineLimits.digest(EngineLimits.text(engine.config()));
    }

    /**
     * COMPACT: run the journal stage inline, on this handler's thread, before each input is applied. Set by
     * {@link PipelineTopology} before the thread starts.
     */
    void journalInline(final JournalHandler journal)
    {
        this.inlineJournal = journal;
    }

    /**
     * SHARED: the thread that frees output slots (the sender) is this one, so a claim must never wait for one.
     * {@link InlinePipeline} sizes each batch to the free slots; a claim that still finds none fails the stage.
     */
    void claimWithoutWaiting()
    {
        this.claimWithoutWaiting = true;
    }

    /**
     * Turns on the engine's two-phase batch: before each chunk of {@link #PREFETCH_CHUNK} inputs of a batch is
     * applied, its commands go through {@link Engine#prefetchInput} and {@link Engine#prefetchBatch} (loads only), so
     * that the cache misses of the chunk overlap. Set by
     * {@link PipelineTopology} with the ring the engine processor reads, before the thread starts.
     */
    void prefetchBatchesFrom(final RingBuffer<InputEvent> ring)
    {
        this.batchRing = ring;
    }

    /**
     * The Disruptor hands the batch bounds here before the batch's first {@code onEvent}: the batch is the
     * {@code batchSize} ring sequences after the last one applied, all published and stable until this handler's
     * sequence moves past them. The batch is prefetched in chunks ({@link #prefetchChunk}) as it is applied.
     */
    @Override
    public void onBatchStart(final long batchSize, final long queueDepth)
    {
        batchLast = ringSequence + batchSize;
    }

    /**
     * The engine's prefetch phase over the commands from ring sequence {@code first} to at most {@link #PREFETCH_CHUNK}
     * later, within the batch: loads only, so that the cache misses of those inputs overlap before they are applied.
     */
    private void prefetchChunk(final long first)
    {
        final long last = Math.min(batchLast, first + PREFETCH_CHUNK - 1);
        for (long sequence = first; sequence <= last; sequence++)
        {
            final InputEvent event = batchRing.get(sequence);
            if (event.kind == InputEvent.KIND_COMMAND)
            {
                engine.prefetchInput(event.buffer, 0, event.length);
            }
        }
        prefetched += engine.prefetchBatch();
        prefetchedThrough = last;
    }

    /** The folded prefetch loads (for tests and diagnostics: non-zero once a batch was prefetched). */
    long prefetched()
    {
        return prefetched;
    }

    @Override
    public void onShutdown()
    {
        try
        {
            flush(); // a journal that failed earlier throws here: that batch's replies are never published
        }
        finally
        {
            if (null != inlineJournal)
            {
                inlineJournal.onShutdown();
            }
        }
    }

    @Override
    public void onEvent(final InputEvent event, final long sequence, final boolean endOfBatch)
    {
        ringSequence = sequence;
        if (null != batchRing && sequence > prefetchedThrough && sequence <= batchLast)
        {
            prefetchChunk(sequence);
        }
        if (null != inlineJournal)
        {
            inlineJournal.journal(event);
        }

        currentSessionId = event.sessionId;
        currentCorrelationId = event.correlationId;
        currentReceivedNs = event.receivedNs;
        currentDurableNs = event.durableNs;
        switch (event.kind)
        {
            case InputEvent.KIND_COMMAND:
                engine.onCommand(event.journalSequence, event.timestampMs, event.buffer, 0, event.length, this);
                break;

            case InputEvent.KIND_QUERY:
                onQuery(event);
                break;

            case InputEvent.KIND_REJECT:
                onReply(event.buffer, 0, event.length);
                break;

            case InputEvent.KIND_CLOSE:
                claim(OutputEvent.KIND_CLOSE, event.buffer, 0, event.length);
                break;

            default:
                throw new IllegalStateException("unknown input kind " + event.kind + " at ring sequence " + sequence);
        }

        if (endOfBatch)
        {
            flush();
            activity.backgroundWork(engine.isDistributionRunning());
        }
    }

    private void onQuery(final InputEvent event)
    {
        switch (event.templateId)
        {
            case ClusterStatusQueryDecoder.TEMPLATE_ID:
                statusQueryDecoder.wrap(event.buffer, MessageHeaderDecoder.ENCODED_LENGTH, event.blockLength,
                    event.version);
                onReply(statusBuffer, 0, encodeClusterStatus((statusQueryDecoder.flags() & 1) != 0));
                break;

            case ClusterControlDecoder.TEMPLATE_ID: // reaches the engine stage only on a server that runs alone
                controlReplyEncoder.wrapAndApplyHeader(statusBuffer, 0, headerEncoder)
                    .code(ResultCode.NOT_IN_GROUP).leaderId(-1).term(0);
                onReply(statusBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + controlReplyEncoder.encodedLength());
                break;

            default:
                engine.onQuery(event.buffer, 0, event.length, this);
                break;
        }
    }

    /**
     * The group's view (or "alone") with this engine's applied index and, when asked, its state hash (a pass over all
     * state: the query that asks for it stalls this thread for tens of milliseconds at a million consumers).
     * Allocation-free.
     */
    private int encodeClusterStatus(final boolean withStateHash)
    {
        final ClusterView.Snapshot status = null == clusterView ? null : clusterView.current();
        final long applied = engine.lastSequence();
        statusEncoder.wrapAndApplyHeader(statusBuffer, 0, headerEncoder)
            .code(ResultCode.OK)
            .nodeId(null == status ? 0 : status.nodeId())
            .role(null == status ? GroupRole.ALONE : status.role())
            .ackPolicy(null == status ? GroupAckPolicy.LOCAL : status.ackPolicy())
            .leaderId(null == status ? -1 : status.leaderId())
            .term(null == status ? 0 : status.term())
            .lastIndex(null == status ? applied : status.lastIndex())
            .durableIndex(null == status ? applied : status.durableIndex())
            .commitIndex(null == status ? applied : status.commitIndex())
            .appliedIndex(applied)
            .stateHash(withStateHash ? engine.stateHash() : 0)
            .truncations(null == status ? 0 : status.truncations())
            .configuration(null == status ? -1 : status.configuration())
            .membershipFlags((short)(null == status ? 0 : status.membershipFlags()))
            .engineLimitsDigest(engineLimitsDigest);
        final int peerCount = null == status ? 0 : status.peerIds().length;
        final ClusterStatusReplyEncoder.PeersEncoder peers = statusEncoder.peersCount(peerCount);
        for (int i = 0; i < peerCount; i++)
        {
            peers.next()
                .nodeId(status.peerIds()[i])
                .matchIndex(status.matchIndexes()[i])
                .lastHeardAgoMs(status.lastHeardAgoMs()[i])
                .connected((short)(status.connected()[i] ? 1 : 0))
                .inQuorum((short)(status.inQuorum()[i] ? 1 : 0));
        }
        final ClusterStatusReplyEncoder.EngineLimitsEncoder limits =
            statusEncoder.engineLimitsCount(engineLimitValues.length);
        for (final long value : engineLimitValues)
        {
            limits.next().value(value);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + statusEncoder.encodedLength();
    }

    /** Called by the engine (or for a reject) with the reply to the current input. */
    @Override
    public void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        // Session 0 is the server itself (Tick): nobody to answer.
        if (0 != currentSessionId)
        {
            claim(OutputEvent.KIND_REPLY, buffer, offset, length);
        }
    }

    private void claim(final byte kind, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > FrameDescriptor.REPLY_MESSAGE_LENGTH_MAX)
        {
            throw new IllegalStateException("reply of " + length + " bytes exceeds REPLY_MESSAGE_LENGTH_MAX " +
                FrameDescriptor.REPLY_MESSAGE_LENGTH_MAX);
        }
        if (claimedCount >= claimLimit)
        {
            flush();
        }
        if (claimWithoutWaiting && !outputRing.hasAvailableCapacity(1))
        {
            throw new IllegalStateException("output ring full with the sender on the engine's thread (SHARED)");
        }
        final long sequence = nextOutputSlot();
        if (sequence < 0)
        {
            droppedAtStop++;
            return;
        }
        final OutputEvent event = outputRing.get(sequence);
        event.sessionId = currentSessionId;
        event.correlationId = currentCorrelationId;
        event.receivedNs = currentReceivedNs;
        event.durableNs = currentDurableNs;
        event.kind = kind;
        event.length = length;
        buffer.getBytes(offset, event.buffer, 0, length);

        if (claimedLowSequence < 0)
        {
            claimedLowSequence = sequence;
        }
        claimedHighSequence = sequence;
        claimedCount++;
    }

    /**
     * Claims the next output slot, waiting while the ring is full as the Disruptor's {@code next()} does (the sender
     * frees slots), but giving up once {@link #stopClaiming()} was called.
     *
     * @return the slot's sequence, or -1 when the ring is full and the server is stopping.
     */
    private long nextOutputSlot()
    {
        while (true)
        {
            try
            {
                return outputRing.tryNext();
            }
            catch (final InsufficientCapacityException ex) // a preallocated instance: no allocation
            {
                if (stopping)
                {
                    return -1;
                }
                LockSupport.parkNanos(1L);
            }
        }
    }

    /**
     * Called by the closing thread before it stops the sender: from now on a full output ring drops replies instead
     * of blocking this stage, so that its thread can end and be joined (concurrency review F2).
     */
    void stopClaiming()
    {
        stopping = true;
    }

    /** @return replies dropped because the output ring was full while the server stopped. */
    long droppedAtStop()
    {
        return droppedAtStop;
    }

    /** Makes the journal durable (COMPACT) and then publishes every claimed reply at once. */
    private void flush()
    {
        if (null != inlineJournal)
        {
            inlineJournal.endOfBatch();
        }
        if (claimedCount > 0)
        {
            outputRing.publish(claimedLowSequence, claimedHighSequence);
            claimedLowSequence = -1;
            claimedHighSequence = -1;
            claimedCount = 0;
            if (null != waker)
            {
                waker.wakeIfSleeping();
            }
        }
        if (!claimWithoutWaiting)
        {
            touchJournalAhead(); // COMPACT: the replies are out, the network thread writes them meanwhile
        }
    }

    /**
     * Pre-faults the journal page the next appends will write ({@link JournalHandler#touchAhead()}), when the journal
     * runs inline on this thread. COMPACT calls it after each batch's replies are published; SHARED, whose replies
     * are written later in the same duty cycle, calls it through {@link InlinePipeline#onIdle()} just before the
     * network thread sleeps, so that no reply waits for the page fault.
     */
    void touchJournalAhead()
    {
        if (null != inlineJournal)
        {
            inlineJournal.touchAhead();
        }
    }
}
