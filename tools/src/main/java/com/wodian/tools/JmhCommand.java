package com.wodian.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Runs the JMH benchmarks packed in this jar ({@code org.openjdk.jmh.Main}); every argument goes to JMH unchanged,
 * e.g. {@code wodian jmh EnginePayBenchmark -prof gc}. {@link WodianMain#main} hands the arguments over before
 * picocli sees them, since JMH's options are its own. The benchmark forks inherit this JVM's flags.
 */
@Command(name = JmhCommand.NAME,
    description = "Run the JMH benchmarks; arguments go to JMH, e.g. 'jmh EnginePayBenchmark -prof gc', 'jmh -h'.")
public final class JmhCommand implements Runnable
{
    static final String NAME = "jmh";

    @Unmatched
    String[] jmhArgs = new String[0];

    @Override
    public void run()
    {
        try
        {
            runJmh(jmhArgs);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("JMH failed: " + ex.getMessage(), ex);
        }
    }

    static void runJmh(final String[] args) throws Exception
    {
        org.openjdk.jmh.Main.main(args);
    }
}
