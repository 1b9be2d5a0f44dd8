package com.wodian.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package cycles of the main code (arch-review B9) may only shrink, as config/checkstyle/suppressions.xml may:
 * a package that depends on another which depends back on it cannot be read, tested or moved alone. The graph is
 * read from the sources of every module (imports, static imports and fully qualified names of com.wodian classes,
 * outside comments and string literals); each strongly connected set of two or more packages is a cycle.
 *
 * <p>A new cycle, or a known one that grew, fails the test: break it (move the shared type to the package both may
 * depend on) instead of adding it here. When you break a known cycle, write the smaller set (or nothing) in
 * {@link #KNOWN_CYCLES} in the same commit, so that it stays broken; the test does not fail for a list that is
 * looser than the code, so that fixing a cycle never breaks the build.
 */
final class PackageCyclesTest
{
    /**
     * The cycles in main at 2026-12-06 (session 43), each a set of packages below com.wodian. Broken so far:
     * {net.server, net.metrics} in session 41 (BuildIdentity moved to com.wodian.net), net.cluster.stage in session
     * 42 (InputEvent moved to net.pipeline), {net.server, net.iso8583} in session 43 (the gateway interfaces and
     * SourceLimits moved to net.gateway, which depends on neither; the server implements GatewayContext), {perf,
     * perf.riskmodel} in session 43 (RiskWorkload, which riskmodel reads, moved to perf.workload below both), {engine,
     * engine.risk} in session 49 (the snapshot IO, state hash, growth, packed rings, RowBook and ConsumerBook moved to
     * engine.table, which depends on neither; risk takes its limits as a RiskLimits value instead of EngineConfig).
     * None is left.
     */
    private static final List<Set<String>> KNOWN_CYCLES = List.of();

    private static final String ROOT_PACKAGE = "com.wodian.";
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** A com.wodian class named by its package (lower-case segments) and its type (the first capitalised one). */
    private static final Pattern REFERENCE =
        Pattern.compile("\\bcom\\.wodian((?:\\.[a-z_][\\w]*)+)\\.(?:[A-Z]\\w*|\\*)");

    @Test
    void noNewPackageCycle() throws IOException
    {
        final Map<String, Set<String>> graph = packageGraph(repositoryRoot());
        assertTrue(graph.size() > 10, "read the main sources of every module: " + graph.keySet());
        final List<String> problems = new ArrayList<>();
        for (final Set<String> cycle : cycles(graph))
        {
            if (KNOWN_CYCLES.stream().noneMatch(known -> known.containsAll(cycle)))
            {
                problems.add("new package cycle " + cycle + ": " + edgesWithin(graph, cycle));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aCycleIsFoundWhereverTheReferenceIs()
    {
        final Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", new TreeSet<>(Set.of("b")));
        graph.put("b", new TreeSet<>(Set.of("c")));
        graph.put("c", new TreeSet<>(Set.of("a", "d")));
        graph.put("d", new TreeSet<>());
        assertEquals(List.of(Set.of("a", "b", "c")), cycles(graph));

        final String source = "package com.wodian.a;\nimport com.wodian.b.B;\nimport static com.wodian.c.C.NAME;\n" +
            "// com.wodian.d.InComment\n/* com.wodian.d.InBlock */ class A { String s = \"com.wodian.d.InString\";" +
            " Object o = com.wodian.e.sub.E.INSTANCE; char q = '\"'; Object w = com.wodian.f.F.class; }";
        final Set<String> targets = new TreeSet<>();
        final Matcher matcher = REFERENCE.matcher(code(source));
        while (matcher.find())
        {
            targets.add(matcher.group(1).substring(1));
        }
        assertEquals(Set.of("b", "c", "e.sub", "f"), targets);
    }

    /** Package (below com.wodian) to the packages its main classes name. */
    private static Map<String, Set<String>> packageGraph(final Path root) throws IOException
    {
        final Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root))
        {
            for (final Path sources : modules.map(module -> module.resolve("src/main/java"))
                .filter(Files::isDirectory).toList())
            {
                try (Stream<Path> files = Files.walk(sources))
                {
                    files.filter(file -> file.toString().endsWith(".java")).forEach(file -> read(file, graph));
                }
            }
        }
        graph.values().forEach(targets -> targets.retainAll(graph.keySet()));
        return graph;
    }

    private static void read(final Path file, final Map<String, Set<String>> graph)
    {
        final String source;
        try
        {
            source = Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final Matcher declared = PACKAGE.matcher(source);
        if (!declared.find() || !declared.group(1).startsWith(ROOT_PACKAGE))
        {
            return;
        }
        final String from = declared.group(1).substring(ROOT_PACKAGE.length());
        final Set<String> targets = graph.computeIfAbsent(from, name -> new TreeSet<>());
        final Matcher reference = REFERENCE.matcher(code(source));
        while (reference.find())
        {
            final String to = reference.group(1).substring(1);
            if (!to.equals(from))
            {
                targets.add(to);
            }
        }
    }

    /** The source with comments, string, text-block and character literals blanked: what the compiler reads as code. */
    private static String code(final String source)
    {
        final StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length())
        {
            final int end;
            if (source.startsWith("//", i))
            {
                end = indexOrEnd(source, "\n", i);
            }
            else if (source.startsWith("/*", i))
            {
                end = indexOrEnd(source, "*/", i + 2) + 2;
            }
            else if (source.startsWith("\"\"\"", i))
            {
                end = indexOrEnd(source, "\"\"\"", i + 3) + 3;
            }
            else if (source.charAt(i) == '"' || source.charAt(i) == '\'')
            {
                end = literalEnd(source, i);
            }
            else
            {
                code.append(source.charAt(i++));
                continue;
            }
            code.append(' ');
            i = Math.min(end, source.length());
        }
        return code.toString();
    }

    private static int indexOrEnd(final String source, final String what, final int from)
    {
        final int index = source.indexOf(what, from);
        return index < 0 ? source.length() : index;
    }

    /** Just past the closing quote of the string or character literal that opens at {@code start}. */
    private static int literalEnd(final String source, final int start)
    {
        final char quote = source.charAt(start);
        int i = start + 1;
        while (i < source.length() && source.charAt(i) != quote && source.charAt(i) != '\n')
        {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    /** Tarjan's strongly connected components of two or more packages, each as a sorted set. */
    private static List<Set<String>> cycles(final Map<String, Set<String>> graph)
    {
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, Integer> low = new HashMap<>();
        final List<String> stack = new ArrayList<>();
        final List<Set<String>> cycles = new ArrayList<>();
        for (final String node : graph.keySet())
        {
            if (!index.containsKey(node))
            {
                connect(node, graph, index, low, stack, cycles);
            }
        }
        return cycles;
    }

    private static void connect(
        final String node,
        final Map<String, Set<String>> graph,
        final Map<String, Integer> index,
        final Map<String, Integer> low,
        final List<String> stack,
        final List<Set<String>> cycles)
    {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.add(node);
        for (final String next : graph.getOrDefault(node, Set.of()))
        {
            if (!index.containsKey(next))
            {
                connect(next, graph, index, low, stack, cycles);
                low.put(node, Math.min(low.get(node), low.get(next)));
            }
            else if (stack.contains(next))
            {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node)))
        {
            final Set<String> component = new TreeSet<>();
            String member;
            do
            {
                member = stack.remove(stack.size() - 1);
                component.add(member);
            }
            while (!member.equals(node));
            if (component.size() > 1)
            {
                cycles.add(component);
            }
        }
    }

    /** The references that make a cycle, for the failure message: "a -> b" for every edge inside it. */
    private static List<String> edgesWithin(final Map<String, Set<String>> graph, final Set<String> cycle)
    {
        final List<String> edges = new ArrayList<>();
        for (final String from : new TreeSet<>(cycle))
        {
            for (final String to : graph.get(from))
            {
                if (cycle.contains(to))
                {
                    edges.add(from + " -> " + to);
                }
            }
        }
        return edges;
    }

    private static Path repositoryRoot()
    {
        final Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("tools/src")) ? here : here.getParent();
    }
}
