package com.wodian.net.client;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The one daemon thread, shared by every {@link WodianClient}, that sends heartbeats for idle clients. */
final class HeartbeatScheduler
{
    static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor((runnable) ->
    {
        final Thread thread = new Thread(runnable, "wodian-client-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    private HeartbeatScheduler()
    {
    }
}
