package com.wodian.engine;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
                writer.takesKey = types.stream()
                    .anyMatch(type -> type.equals("Key") || type.endsWith(".Key") || type.endsWith("MoneyKey"));
                scanMethod(unit, positions, method, ownFields, moneyFields, writer);
            }
        }
        final List<String> keyless = new ArrayList<>();
        for (final Map.Entry<String, Writer> entry : writers.entrySet())
        {
            final Writer writer = entry.getValue();
            if (!writer.isPrivate && !writer.takesKey)
            {
                final List<String> writes = writesOf(entry.getKey(), writers, new TreeSet<>());
                if (!writes.isEmpty())
                {
                    keyless.add(book + "." + entry.getKey() + " " + writes);
                }
            }
        }
        return keyless;
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
        new MoneyWriteScanner(moneyFields, ownFields, write -> writer.writes.add(where(unit, positions, write)))
        {
            @Override
            boolean countsAsMoneyField(final ExpressionTree field)
            {
                return namesMoneyField(field) || parameters.contains(field.toString());
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
        }.scan(method.getBody(), null);
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
                if (method.getBody() != null)
                {
                    new ArrayWriteScanner(unit, positions, writer).scan(method.getBody(), null);
                }
            }
        }
        final List<String> found = new ArrayList<>();
        for (final Map.Entry<String, Writer> entry : writers.entrySet())
        {
            final Writer writer = entry.getValue();
            if (writer.isPublic)
            {
                final List<String> writes = writesOf(entry.getKey(), writers, new TreeSet<>());
                if (!writes.isEmpty())
                {
                    found.add(className + "." + entry.getKey() + " " + writes);
                }
            }
        }
        return found;
    }

    /** Finds a method's array element writes and the methods it calls by simple name. */
    private static final class ArrayWriteScanner extends TreeScanner<Void, Void>
    {
        private final CompilationUnitTree unit;
        private final SourcePositions positions;
        private final Writer writer;

        ArrayWriteScanner(final CompilationUnitTree unit, final SourcePositions positions, final Writer writer)
        {
            this.unit = unit;
            this.positions = positions;
            this.writer = writer;
        }

        @Override
        public Void visitAssignment(final AssignmentTree tree, final Void unused)
        {
            check(tree.getVariable(), tree);
            return super.visitAssignment(tree, unused);
        }

        @Override
        public Void visitCompoundAssignment(final CompoundAssignmentTree tree, final Void unused)
        {
            check(tree.getVariable(), tree);
            return super.visitCompoundAssignment(tree, unused);
        }

        @Override
        public Void visitUnary(final UnaryTree tree, final Void unused)
        {
            if (MoneyWriteScanner.INCREMENTS.contains(tree.getKind()))
            {
                check(tree.getExpression(), tree);
            }
            return super.visitUnary(tree, unused);
        }

        @Override
        public Void visitMethodInvocation(final MethodInvocationTree tree, final Void unused)
        {
            final String name = MoneyWriteScanner.methodName(tree.getMethodSelect());
            if (name.equals("fill"))
            {
                writer.writes.add(where(unit, positions, tree));
            }
            if (tree.getMethodSelect() instanceof IdentifierTree)
            {
                writer.calls.add(name);
            }
            return super.visitMethodInvocation(tree, unused);
        }

        private void check(final ExpressionTree target, final Tree write)
        {
            if (target instanceof ArrayAccessTree)
            {
                writer.writes.add(where(unit, positions, write));
            }
        }
    }

    private static String where(final CompilationUnitTree unit, final SourcePositions positions, final Tree tree)
    {
        return unit.getLineMap().getLineNumber(positions.getStartPosition(unit, tree)) + ": " + tree;
    }
}
