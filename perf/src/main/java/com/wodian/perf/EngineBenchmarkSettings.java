package com.wodian.perf;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * How every engine throughput benchmark runs, in one place (JMH's class annotations are inherited): commands per
 * second on one thread, 3 warm-up and 5 measured iterations of 5 s, one fork with a 4-GB pre-touched heap (the
 * engine's tables at the benchmark's limits, touched before the first iteration so that page faults do not land in
 * it) and the JVM options the journal's Chronicle libraries need. A benchmark that needs more heap declares its own
 * {@code @Fork}, which replaces this one.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Xms4g",
    "-Xmx4g",
    "-XX:+AlwaysPreTouch"})
public abstract class EngineBenchmarkSettings
{
}
