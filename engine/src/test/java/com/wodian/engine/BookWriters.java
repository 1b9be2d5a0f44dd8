package com.wodian.engine;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
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
 * lists its non-private methods that write money without taking a key. A method writes money when it calls the row
 * writers ({@code set}/{@code add}/{@code setFlag} on itself) with a money field or with a field index it was handed
 * (a generic writer), or assigns an array element whose index names a money field; a private method's writes count
 * for the methods of the same file that call it, unless it takes the key itself. A method takes a key when one of its
 * parameters' types is named {@code Key} or ends in {@code .Key}/{@code MoneyKey}.
 */
final class BookWriters
{
    private static final Set<String> ROW_WRITERS = Set.of("set", "add", "setFlag");
    private static final Set<Tree.Kind> INCREMENTS = Set.of(Tree.Kind.PREFIX_INCREMENT,
        Tree.Kind.POSTFIX_INCREMENT, Tree.Kind.PREFIX_DECREMENT, Tree.Kind.POSTFIX_DECREMENT);

    private BookWriters()
    {
    }

    /** One method of the book: whether it takes a key, is private, the writes it makes and the methods it calls. */
    private static final class Writer
    {
        String name;
        boolean takesKey;
        boolean isPrivate;
        final List<String> writes = new ArrayList<>();
        final Set<String> calls = new TreeSet<>();
    }

    /** "Book.method(parameter types) [line: write, ...]" for each non-private method of {@code book} that writes money without a key. */
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
        new TreeScanner<Void, Void>()
        {
            @Override
            public Void visitMethodInvocation(final MethodInvocationTree tree, final Void unused)
            {
                final ExpressionTree select = tree.getMethodSelect();
                if (select instanceof IdentifierTree)
                {
                    final String name = ((IdentifierTree)select).getName().toString();
                    writer.calls.add(name);
                    final List<? extends ExpressionTree> arguments = tree.getArguments();
                    if (ROW_WRITERS.contains(name) && arguments.size() >= 3 && arguments.size() <= 4 &&
                        (namesMoneyField(arguments.get(1), ownFields, moneyFields) ||
                        parameters.contains(arguments.get(1).toString())))
                    {
                        writer.writes.add(where(unit, positions, tree));
                    }
                }
                return super.visitMethodInvocation(tree, unused);
            }

            @Override
            public Void visitAssignment(final AssignmentTree tree, final Void unused)
            {
                checkArrayWrite(tree.getVariable(), tree);
                return super.visitAssignment(tree, unused);
            }

            @Override
            public Void visitCompoundAssignment(final CompoundAssignmentTree tree, final Void unused)
            {
                checkArrayWrite(tree.getVariable(), tree);
                return super.visitCompoundAssignment(tree, unused);
            }

            @Override
            public Void visitUnary(final UnaryTree tree, final Void unused)
            {
                if (INCREMENTS.contains(tree.getKind()))
                {
                    checkArrayWrite(tree.getExpression(), tree);
                }
                return super.visitUnary(tree, unused);
            }

            private void checkArrayWrite(final ExpressionTree target, final Tree write)
            {
                if (target instanceof ArrayAccessTree &&
                    namesMoneyField(((ArrayAccessTree)target).getIndex(), ownFields, moneyFields))
                {
                    writer.writes.add(where(unit, positions, write));
                }
            }
        }.scan(method.getBody(), null);
    }

    /** Whether the expression names a money field: the book's own by its simple name, any book's as Book.FIELD. */
    private static boolean namesMoneyField(final ExpressionTree expression, final Set<String> ownFields,
        final Set<String> moneyFields)
    {
        final boolean[] found = {false};
        new TreeScanner<Void, Void>()
        {
            @Override
            public Void visitMemberSelect(final MemberSelectTree tree, final Void unused)
            {
                final String owner = tree.getExpression().toString();
                found[0] |= moneyFields.contains(owner.substring(owner.lastIndexOf('.') + 1) + "." +
                    tree.getIdentifier());
                return super.visitMemberSelect(tree, unused);
            }

            @Override
            public Void visitIdentifier(final IdentifierTree tree, final Void unused)
            {
                found[0] |= ownFields.contains(tree.getName().toString());
                return null;
            }
        }.scan(expression, null);
        return found[0];
    }

    private static String where(final CompilationUnitTree unit, final SourcePositions positions, final Tree tree)
    {
        return unit.getLineMap().getLineNumber(positions.getStartPosition(unit, tree)) + ": " + tree;
    }
}
