package com.wodian.engine;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.SourcePositions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import javax.lang.model.element.Modifier;

/**
 * For {@link EngineArchitectureTest#everyMoneyWriterOfABookTakesTheKey}: reads one book's source (parsed only) and
 * lists its non-private methods that write money without taking a key. A method writes money when it calls a row
 * writer ({@code set}/{@code add}/{@code setFlag}) with a money field or with a field index it was handed (a generic
 * writer), or assigns an array element whose index names a money field ({@link MoneyWriteScanner}); a private
 * method's writes count for the methods of the same file that call it, unless it takes the key itself. A method takes
 * a key when one of its parameters' types is named {@code Key} or ends in {@code .Key}/{@code MoneyKey}.
 */
final class BookWriters
{
    private BookWriters()
    {
    }

    /** One method of the book: whether it takes a key, is private, the writes it makes and the methods it calls. */
    private static final class Writer
    {
        String name;
        boolean takesKey;
        boolean isPrivate;
        boolean isPublic;
        final List<String> writes = new ArrayList<>();
        final Set<String> calls = new TreeSet<>();
    }

    /**
     * "Book.method(parameter types) [line: write, ...]" for each non-private method of {@code book} that writes money
     * without a key.
     */
    static List<String> keylessMoneyWriters(final CompilationUnitTree unit, final SourcePositions positions,
        final String book, final Set<String> moneyFields)
    {
        final Set<String> ownFields = new TreeSet<>();
        moneyFields.stream().filter(field -> field.startsWith(book + "."))
            .forEach(field -> ownFields.add(field.substring(book.length() + 1)));
        final Map<String, Writer> writers = methodsOf(unit,
            (method, writer) -> scanMethod(unit, positions, method, ownFields, moneyFields, writer));
        return reported(book, writers, writer -> !writer.isPrivate && !writer.takesKey);
    }

    /** Each method of the file's class by "name(parameter types)", told to {@code scan} with its Writer. */
    private static Map<String, Writer> methodsOf(final CompilationUnitTree unit,
        final BiConsumer<MethodTree, Writer> scan)
    {
        final Map<String, Writer> writers = new LinkedHashMap<>();
        for (final Tree member : ((ClassTree)unit.getTypeDecls().get(0)).getMembers())
        {
            if (member instanceof MethodTree)
            {
                final MethodTree method = (MethodTree)member;
                final List<String> types = new ArrayList<>();
                method.getParameters().forEach(parameter -> types.add(parameter.getType().toString()));
                final Writer writer = new Writer();
                writer.name = method.getName().toString();
                writers.put(writer.name + "(" + String.join(",", types) + ")", writer);
                writer.isPrivate = method.getModifiers().getFlags().contains(Modifier.PRIVATE);
                writer.isPublic = method.getModifiers().getFlags().contains(Modifier.PUBLIC);
                writer.takesKey = types.stream()
                    .anyMatch(type -> type.equals("Key") || type.endsWith(".Key") || type.endsWith("MoneyKey"));
                if (method.getBody() != null)
                {
                    scan.accept(method, writer);
                }
            }
        }
        return writers;
    }

    /** "Owner.method(parameter types) [line: write, ...]" for each method {@code which} picks that writes. */
    private static List<String> reported(final String owner, final Map<String, Writer> writers,
        final Predicate<Writer> which)
    {
        final List<String> found = new ArrayList<>();
        for (final Map.Entry<String, Writer> entry : writers.entrySet())
        {
            if (which.test(entry.getValue()))
            {
                final List<String> writes = writesOf(entry.getKey(), writers, new TreeSet<>());
                if (!writes.isEmpty())
                {
                    found.add(owner + "." + entry.getKey() + " " + writes);
                }
            }
        }
        return found;
    }

    /** The method's own writes and those of the keyless private methods of the file it calls (any overload). */
    private static List<String> writesOf(final String signature, final Map<String, Writer> writers,
        final Set<String> seen)
    {
        final List<String> writes = new ArrayList<>();
        final Writer writer = writers.get(signature);
        if (!seen.add(signature))
        {
            return writes;
        }
        writes.addAll(writer.writes);
        for (final Map.Entry<String, Writer> callee : writers.entrySet())
        {
            final Writer calleeWriter = callee.getValue();
            if (writer.calls.contains(calleeWriter.name) && calleeWriter.isPrivate && !calleeWriter.takesKey)
            {
                writes.addAll(writesOf(callee.getKey(), writers, seen));
            }
        }
        return writes;
    }

    private static void scanMethod(final CompilationUnitTree unit, final SourcePositions positions,
        final MethodTree method, final Set<String> ownFields, final Set<String> moneyFields, final Writer writer)
    {
        final Set<String> parameters = new TreeSet<>();
        for (final VariableTree parameter : method.getParameters())
        {
            parameters.add(parameter.getName().toString());
        }
        new MethodScanner(moneyFields, ownFields, unit, positions, writer)
        {
            @Override
            boolean countsAsMoneyField(final ExpressionTree field)
            {
                return namesMoneyField(field) || parameters.contains(field.toString());
            }
        }.scan(method.getBody(), null);
    }

    /** A {@link MoneyWriteScanner} over one method's body that also notes the methods it calls by simple name. */
    private static class MethodScanner extends MoneyWriteScanner
    {
        private final Writer writer;

        MethodScanner(final Set<String> moneyFields, final Set<String> simpleNames, final CompilationUnitTree unit,
            final SourcePositions positions, final Writer writer)
        {
            super(moneyFields, simpleNames, write -> writer.writes.add(where(unit, positions, write)));
            this.writer = writer;
        }

        @Override
        public Void visitMethodInvocation(final MethodInvocationTree tree, final Void unused)
        {
            if (tree.getMethodSelect() instanceof IdentifierTree)
            {
                writer.calls.add(((IdentifierTree)tree.getMethodSelect()).getName().toString());
            }
            return super.visitMethodInvocation(tree, unused);
        }
    }

    /**
     * "Class.method(parameter types) [line: write, ...]" for each public method of the file's class that writes an
     * element of an array (an assignment, a compound assignment, an increment, or {@code Arrays.fill}), itself or
     * through a private method of the same file it calls: the ways into a row's array other than RowBook's protected
     * writers (for {@link EngineArchitectureTest#theConsumerRecordIsWrittenOnlyThroughBoundedOrKeyedWriters}).
     */
    static List<String> publicArrayWriters(final CompilationUnitTree unit, final SourcePositions positions,
        final String className)
    {
        final Map<String, Writer> writers = methodsOf(unit, (method, writer) ->
            new MethodScanner(Set.of(), Set.of(), unit, positions, writer)
            {
                @Override
                boolean countsAsMoneyField(final ExpressionTree field)
                {
                    return false;   // a row writer's call is RowBook's, protected: not a way in
                }

                @Override
                boolean countsAsArrayWrite(final ArrayAccessTree target)
                {
                    return true;
                }

                @Override
                public Void visitMethodInvocation(final MethodInvocationTree tree, final Void unused)
                {
                    if (methodName(tree.getMethodSelect()).equals("fill"))
                    {
                        report(tree);
                    }
                    return super.visitMethodInvocation(tree, unused);
                }
            }.scan(method.getBody(), null));
        return reported(className, writers, writer -> writer.isPublic);
    }

    private static String where(final CompilationUnitTree unit, final SourcePositions positions, final Tree tree)
    {
        return unit.getLineMap().getLineNumber(positions.getStartPosition(unit, tree)) + ": " + tree;
    }
}
