package com.wodian.tools;

import com.wodian.net.testing.group.GroupChecks;
import com.wodian.net.testing.group.PosLoad;
import com.wodian.net.testing.group.ReplicaGroup;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** What a {@link GroupSoak} run did and found, printed as its summary. */
final class SoakReport
{
    private final SoakOptions options;
    private final long startNs = System.nanoTime();
    private final Instant startedAt = Instant.now();
    private final List<String> events = new ArrayList<>();
    private final Map<String, Integer> faultsByKind = new TreeMap<>();
    private final List<Long> failoverMs = new ArrayList<>();
    private final Map<String, List<Long>> failoverMsByKind = new TreeMap<>();
    private final List<Double> loads = new ArrayList<>();
    private final List<String> results = new ArrayList<>();
    private int membershipChanges;

    SoakReport(final SoakOptions options)
    {
        this.options = options;
    }

    synchronized void fault(final String kind, final String what, final long firstAckMs, final boolean primary)
    {
        faultsByKind.merge(kind, 1, Integer::sum);
        if (primary)
        {
            failoverMs.add(firstAckMs);
            failoverMsByKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(firstAckMs);
        }
        event(what + ": first acknowledgement" + (primary ? " by another node " : " ") + "after " + firstAckMs +
            " ms; load " + loadAverages());
    }

    synchronized void membership(final String what)
    {
        membershipChanges++;
        event(what);
    }

    synchronized void loadNow(final String when)
    {
        event("load average " + loadAverages() + " " + when);
    }

    synchronized void passedChecks(final GroupChecks.Outcome outcome, final PosLoad pos, final String group,
        final boolean wholeGroupCommitted)
    {
        results.add(pos.summary());
        results.add(String.format("success ratio %.5f (min %.4f); %d unanswered payments retried at the end",
            pos.successRatio(), GroupChecks.SUCCESS_RATIO_MIN, outcome.retriedAtEnd()));
        results.add("no acknowledged payment lost or applied twice: wallets exact on the primary (node " +
            outcome.primary() + ") and on every node at one state");
        results.add(String.format("every node at sequence %d, state hash %016x", outcome.state().lastSequence(),
            outcome.state().stateHash()));
        results.add("wodian status: every node reports voters 0,1,2 committed: " + wholeGroupCommitted);
        results.add("group at the end:\n" + group);
        if (!wholeGroupCommitted)
        {
            throw new AssertionError("the configuration is not the whole group, committed, on every node");
        }
    }

    synchronized void failed(final Throwable failure, final ReplicaGroup group)
    {
        final StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        results.add("FAILED: " + trace);
        if (null != group)
        {
            results.add("group at the failure:\n" + group.describe() + group.logTails(40));
        }
    }

    private void event(final String what)
    {
        final long secondsIn = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
        final String line = String.format("%5d s  %s", secondsIn, what);
        events.add(line);
        System.out.println(line);
        System.out.flush();
    }

    private String loadAverages()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            loads.add(Double.parseDouble(fields[0]));
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "(unavailable)";
        }
    }

    synchronized String summary(final boolean passed)
    {
        loadAverages();
        final StringBuilder text = new StringBuilder();
        text.append("=== group soak summary: ").append(passed ? "PASS" : "FAIL").append(" ===\n");
        text.append("started ").append(startedAt).append(", ran ")
            .append(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs)).append(" s (asked ")
            .append(options.minutes()).append(" min), seed ").append(options.seed()).append(", rate ")
            .append(PosLoad.RATE_PER_SECOND).append(" payments/s, keys-max ").append(options.keysMax())
            .append(", CPUs ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        text.append("load average (1 min) sampled at faults: ").append(loadSpread()).append('\n');
        text.append("faults: ").append(faultsByKind).append(", membership changes ").append(membershipChanges)
            .append('\n');
        text.append("failover (kill or partition of the primary -> first payment acknowledged by another node): ")
            .append(describe(failoverMs)).append('\n');
        for (final Map.Entry<String, List<Long>> kind : failoverMsByKind.entrySet())
        {
            text.append("  ").append(kind.getKey()).append(": ").append(describe(kind.getValue())).append('\n');
        }
        text.append("  all (ms, in order): ").append(failoverMs).append('\n');
        for (final String result : results)
        {
            text.append(result).append('\n');
        }
        return text.toString();
    }

    private String loadSpread()
    {
        if (loads.isEmpty())
        {
            return "(none)";
        }
        final double mean = loads.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return String.format("min %.2f, mean %.2f, max %.2f over %d samples", Collections.min(loads), mean,
            Collections.max(loads), loads.size());
    }

    private static String describe(final List<Long> values)
    {
        if (values.isEmpty())
        {
            return "(none)";
        }
        return "n " + values.size() + ", p50 " + GroupChecks.percentile(values, 0.50) + " ms, p99 " +
            GroupChecks.percentile(values, 0.99) + " ms, max " + Collections.max(values) + " ms, over 1 s: " +
            values.stream().filter(v -> v >= 1_000).count();
    }
}
