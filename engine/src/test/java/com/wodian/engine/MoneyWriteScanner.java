package com.wodian.engine;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreeScanner;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * For EngineArchitectureTest (parsed sources only: javac inlines field constants, so the compiled classes cannot say
 * which field a write names): finds the writes that name a money field, a row writer's call ({@code set}/{@code add},
 * with or without a key before the index, or {@code setFlag}) whose field argument names one, and an assignment or
 * increment of an array element whose index names one. A money field is named as {@code Book.FIELD}, or by one of the
 * simple names given (a static import; a book's own fields in its own file).
 */
class MoneyWriteScanner extends TreeScanner<Void, Void>
{
    private static final Set<String> ROW_WRITERS = Set.of("set", "add", "setFlag");
    private static final Set<Tree.Kind> INCREMENTS = Set.of(Tree.Kind.PREFIX_INCREMENT,
        Tree.Kind.POSTFIX_INCREMENT, Tree.Kind.PREFIX_DECREMENT, Tree.Kind.POSTFIX_DECREMENT);

    private final Set<String> moneyFields;
    private final Set<String> simpleNames;
    private final Consumer<Tree> writes;

    /**
     * @param moneyFields every money field as {@code Book.FIELD}
     * @param simpleNames the money fields the scanned code may name without their book
     * @param writes      told each write found
     */
    MoneyWriteScanner(final Set<String> moneyFields, final Set<String> simpleNames, final Consumer<Tree> writes)
    {
        this.moneyFields = moneyFields;
        this.simpleNames = simpleNames;
        this.writes = writes;
    }

    /** The money fields a file imports statically from a book, by their simple names. */
    static Set<String> staticImportsOf(final CompilationUnitTree unit, final Set<String> moneyFields)
    {
        final Set<String> staticImports = new TreeSet<>();
        for (final ImportTree importTree : unit.getImports())
        {
            final String[] parts = importTree.getQualifiedIdentifier().toString().split("\\.");
            if (importTree.isStatic() && parts.length >= 2)
            {
                final String book = parts[parts.length - 2];
                final String member = parts[parts.length - 1];
                moneyFields.stream().filter(field -> member.equals("*") ? field.startsWith(book + ".") :
                    field.equals(book + "." + member)).forEach(field -> staticImports.add(field.substring(
                    field.indexOf('.') + 1)));
            }
        }
        return staticImports;
    }

    /** Whether a row writer's field argument makes the call a money write: here, when it names a money field. */
    boolean countsAsMoneyField(final ExpressionTree field)
    {
        return namesMoneyField(field);
    }

    @Override
    public Void visitMethodInvocation(final MethodInvocationTree tree, final Void unused)
    {
        final String method = methodName(tree.getMethodSelect());
        final List<? extends ExpressionTree> arguments = tree.getArguments();
        if (ROW_WRITERS.contains(method) && (arguments.size() == 3 || arguments.size() == 4) &&
            countsAsMoneyField(arguments.get(arguments.size() == 4 && !method.equals("setFlag") ? 2 : 1)))
        {
            writes.accept(tree);
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
        if (target instanceof ArrayAccessTree && countsAsArrayWrite((ArrayAccessTree)target))
        {
            writes.accept(write);
        }
    }

    /** Whether a write of this array element counts: here, when its index names a money field. */
    boolean countsAsArrayWrite(final ArrayAccessTree target)
    {
        return namesMoneyField(target.getIndex());
    }

    /** Tells the consumer of a write found by a subclass. */
    final void report(final Tree write)
    {
        writes.accept(write);
    }

    /** Whether the expression names a money field anywhere in it (an index such as {@code base + Book.F}). */
    final boolean namesMoneyField(final ExpressionTree expression)
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
                found[0] |= simpleNames.contains(tree.getName().toString());
                return null;
            }

            @Override
            public Void visitClass(final ClassTree tree, final Void unused)
            {
                return null;
            }
        }.scan(expression, null);
        return found[0];
    }

    static String methodName(final ExpressionTree select)
    {
        if (select instanceof MemberSelectTree)
        {
            return ((MemberSelectTree)select).getIdentifier().toString();
        }
        return select instanceof IdentifierTree ? ((IdentifierTree)select).getName().toString() : "";
    }
}
