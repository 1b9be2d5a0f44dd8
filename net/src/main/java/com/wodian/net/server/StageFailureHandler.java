package com.wodian.net.server;

import com.lmax.disruptor.ExceptionHandler;
import com.wodian.net.pipeline.InputEvent;
import org.agrona.ErrorHandler;

/**
 * A failing journal or engine stage is a bug or a lost disk, never a client's fault (input is checked before
 * the ring): log it and stop that stage, rather than skip an input and let journal and engine disagree.
 */
final class StageFailureHandler implements ExceptionHandler<InputEvent>
{
    private static final System.Logger LOG = WodianServer.LOG;

    private final ErrorHandler fatalErrorHandler;

    StageFailureHandler(final ErrorHandler fatalErrorHandler)
    {
        this.fatalErrorHandler = fatalErrorHandler;
    }

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final InputEvent event)
    {
        LOG.log(System.Logger.Level.ERROR, "pipeline stage failed at ring sequence " + sequence +
            ", the server no longer processes input", ex);
        if (null != fatalErrorHandler)
        {
            fatalErrorHandler.onError(ex);
        }
        if (ex instanceof RuntimeException)
        {
            throw (RuntimeException)ex;
        }
        if (ex instanceof Error)
        {
            throw (Error)ex;
        }
        throw new IllegalStateException(ex);
    }

    /** The replication stage failed (a lost disk, a bug, an applied entry cut off the journal). */
    void onFatal(final Throwable ex)
    {
        if (null != fatalErrorHandler)
        {
            fatalErrorHandler.onError(ex);
        }
    }

    @Override
    public void handleOnStartException(final Throwable ex)
    {
        LOG.log(System.Logger.Level.ERROR, "pipeline stage failed to start, the server will not process input", ex);
        if (null != fatalErrorHandler)
        {
            fatalErrorHandler.onError(ex);
        }
        throw ex instanceof RuntimeException ? (RuntimeException)ex : new IllegalStateException(ex);
    }

    @Override
    public void handleOnShutdownException(final Throwable ex)
    {
        LOG.log(System.Logger.Level.ERROR, "pipeline stage failed to shut down", ex);
    }
}
