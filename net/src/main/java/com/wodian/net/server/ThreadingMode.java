package com.wodian.net.server;

/**
 * How the server's stages are mapped onto threads, in the spirit of Aeron's media driver threading modes.
 * The stages and their order are the same in every mode; only the threads differ.
 */
public enum ThreadingMode
{
    /**
     * Four threads: {@code wodian-receiver} (accept, read, decode, publish to the input ring), {@code wodian-journal}
     * (append commands, force at the end of each batch), {@code wodian-engine} (apply, publish replies) and
     * {@code wodian-sender} (write replies). Suits a machine with a core to spare for each.
     */
    DEDICATED,

    /**
     * Two threads, for two cores: {@code wodian-net} receives and sends, {@code wodian-pipeline} journals and then
     * applies each input (one handler, so a journal batch and its engine batch are the same batch).
     */
    COMPACT,

    /**
     * One thread, {@code wodian-net}: receives, journals and applies, and sends, in one duty cycle
     * ({@link InlinePipeline}). A request crosses no thread inside the server, so it costs no wake-up or context
     * switch; the engine's work and a {@code sync} journal's force delay the network I/O of the same cycle instead.
     * In a replica group it runs as COMPACT (the replication stage keeps its thread). The default
     * ({@link ServerProperties#THREADING_MODE_DEFAULT}).
     */
    SHARED
}
