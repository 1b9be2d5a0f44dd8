package com.wodian.engine;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.ArrayPreparer;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.engine.table.RowBook;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's architecture rules (docs/engine.md, "One owner per concern" and "Architecture rules under test"),
 * checked on the compiled main classes of this module with ArchUnit, so a change that breaks one fails the build
 * instead of waiting for a reviewer to notice:
 * <ul>
 *   <li>money and totals are written only by {@code Ledger} (issue 14 item 1: one ledger, the only writer of balances
 *       and totals) and the snapshot restore path: the compiler keeps every book's money writer behind a key only the
 *       ledger holds, no book hands its rows' array out, and these tests cover what the compiler cannot refuse (a
 *       {@code null} key, a new writer without the key or a new public writer of the array);</li>
 *   <li>{@code engine.table} depends on neither {@code engine} nor {@code engine.risk}, and {@code engine.risk} not on
 *       {@code engine};</li>
 *   <li>engine main code reads no clock, draws no random number and never blocks, but for the allow-listed off-thread
 *       helpers named below, each with its reason;</li>
 *   <li>queries change nothing.</li>
 * </ul>
 *
 * <p>javac inlines a {@code static final int} field constant into the code that names it, so the compiled classes do
 * not say which field a write names: {@link #everyMoneyWriterOfABookTakesTheKey} and
 * {@link #noClassButTheLedgerNamesAMoneyFieldInAWrite} therefore read the sources (the JDK's own parser).
 */
final class EngineArchitectureTest
{
    /** The engine module's main classes, read once for every rule (test classes left out). */
    private static final JavaClasses ENGINE = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("com.wodian.engine");

    private static final String ONE_LEDGER =
        "Ledger is the only writer of balances and totals (issue 14 item 1, docs/engine.md)";
    private static final String ENGINE_PACKAGE = "com.wodian.engine";
    private static final String TABLE_PACKAGE = "com.wodian.engine.table";
    private static final String RISK_PACKAGE = "com.wodian.engine.risk";
    private static final String SBE_PACKAGE = "com.wodian.protocol.sbe";
    /** The value of the voucher a merchant's rule issues for points: set by SetMerchantRules, not money. */
    private static final Set<String> RULE_FIELDS = Set.of("MerchantBook.VOUCHER_VALUE_FEN");
    /** The books that hold money: each money writer of theirs takes a key (Ledger.Key, ConsumerBook.MoneyKey). */
    private static final Set<String> BOOKS = new TreeSet<>(List.of("ConsumerBook", "MerchantBook", "VoucherBook",
        "PointsLedger", "ConsumptionBook"));
    /** The books' checks of the key they are handed ({@code Ledger.Key.check}, {@code ConsumerBook.checkKey}). */
    private static final Set<String> KEY_CHECKS = Set.of("check", "checkKey");
    /** Fields of the books that hold money although their names do not say so: a voucher's state (live or ended). */
    private static final Set<String> MONEY_FIELDS_BY_MEANING = Set.of("VoucherBook.STATE");
    /**
     * Methods of the books that write a money-named field without a key, each for a reason: a new consumer's empty
     * points chain (-1) at registration; the pool distribution's working state in the consumption entries (the basis it
     * takes, the share it computed: the share itself is paid by {@code Ledger.payDistributionShare}).
     */
    private static final Set<String> KEYLESS_BOOK_WRITERS = Set.of("ConsumerBook.add(long,int)",
        "ConsumptionBook.takeFrozenBasis(int,long)", "ConsumptionBook.setShare(int,long,long)");
    /**
     * The public writers of a book's rows array other than RowBook's protected ones, each for a reason: the snapshot
     * load ({@link #onlyTheSnapshotLoadRestoresMoney}); a new consumer's registration (clears its pair line); the
     * risk block's and the pair line's writers, which check the word they are handed against their block.
     */
    private static final Set<String> PUBLIC_RECORD_WRITERS = Set.of("RowBook.readRowsFrom(SnapshotReader,long)",
        "RowBook.readFromLeavingIdMap(SnapshotReader)", "ConsumerBook.add(long,int)",
        "ConsumerBook.setRiskWord(int,int,long)", "ConsumerBook.setPairSlot(int,int,long)");
    private static final Path MAIN_SOURCES = Path.of("src", "main", "java", "com", "wodian", "engine");

    @Test
    void readsEveryMainClassOnceAndNoTestClass()
    {
        assertTrue(ENGINE.contain(Ledger.class) && ENGINE.contain(RiskControl.class) && ENGINE.contain(RowBook.class),
            "the import holds the engine, risk and table packages");
        assertTrue(ENGINE.stream().noneMatch(javaClass -> javaClass.getSimpleName().endsWith("Test")),
            "no test class imported");
    }

    // ------------------------------------------------------------------------------------ (a) the only writer of money

    /**
     * The compiler keeps money writes behind a key: every money writer of the merchant, voucher, points and
     * consumption books takes a {@code Ledger.Key}, which only Ledger can make (a private constructor), and those of
     * the consumer book a {@code ConsumerBook.MoneyKey}, which that book hands out once, to the Ledger. What the
     * compiler cannot refuse is a {@code null} passed for a key (the books refuse it when it runs) or a second book
     * made only to take its key: so only the Ledger may call a method that takes a key, or take the consumer book's.
     */
    @Test
    void onlyTheLedgerUsesAMoneyKey()
    {
        noClasses().that().doNotBelongToAnyOf(Ledger.class)
            .should().callMethodWhere(DescribedPredicate.describe("a method that takes a money key (but its check)",
                call -> !KEY_CHECKS.contains(call.getName()) && call.getTarget().getRawParameterTypes().stream()
                    .anyMatch(type -> type.isEquivalentTo(Ledger.Key.class)
                        || type.isEquivalentTo(ConsumerBook.MoneyKey.class))))
            .orShould().callMethodWhere(call(ConsumerBook.class, "takeMoneyKey"))
            .because(ONE_LEDGER)
            .check(ENGINE);
    }

    /**
     * A book's row is written by field index only through RowBook's protected writers, and no book hands its rows'
     * array out: RowBook's {@code rowsOf} is protected, every book is final (so no class elsewhere can subclass one to
     * reach it), and no public method of a book returns an array, nor is any array field visible. So no class outside
     * the books can reach a row's array at all: the consumer record's money line only through the keyed writers.
     */
    @Test
    void aRowIsWrittenOnlyThroughItsBooksNamedWriters()
    {
        for (final String name : List.of("set", "add", "setFlag", "addRow", "replaceId", "rowsOf"))
        {
            for (final java.lang.reflect.Method method : RowBook.class.getDeclaredMethods())
            {
                if (method.getName().equals(name))
                {
                    assertTrue(Modifier.isProtected(method.getModifiers()), "RowBook." + name + " is protected");
                }
            }
        }
        final List<String> ways = new ArrayList<>();
        final List<Class<?>> books = ENGINE.stream().filter(javaClass -> javaClass.isAssignableTo(RowBook.class))
            .map(JavaClass::reflect).collect(Collectors.toList());
        assertTrue(books.containsAll(List.of(RowBook.class, ConsumerBook.class, MerchantBook.class)), books.toString());
        for (final Class<?> book : books)
        {
            if (book != RowBook.class && !Modifier.isFinal(book.getModifiers()))
            {
                ways.add(book.getSimpleName() + " is not final");
            }
            for (final java.lang.reflect.Method method : book.getMethods())
            {
                if (method.getReturnType().isArray())
                {
                    ways.add(book.getSimpleName() + "." + method.getName() + " returns an array");
                }
            }
            for (final Field field : book.getDeclaredFields())
            {
                if (field.getType().isArray() && !Modifier.isPrivate(field.getModifiers()))
                {
                    ways.add(book.getSimpleName() + "." + field.getName() + " is a visible array");
                }
            }
        }
        assertEquals(List.of(), ways, "a way to a book's rows array outside the book (docs/engine.md)");
    }

    /**
     * In RowBook's and ConsumerBook's sources, the public methods that write an element of the rows' array (themselves
     * or through a private method of the file) are only those listed in {@link #PUBLIC_RECORD_WRITERS}, each for its
     * reason: the risk block's and the pair line's writers check the word they are handed against their block, so
     * they cannot reach the money line (MoneyKeyTest shows it when it runs). A new public writer of the array, which
     * could be handed a money word, fails here; the keyed writers go through RowBook's protected ones.
     */
    @Test
    void theConsumerRecordIsWrittenOnlyThroughBoundedOrKeyedWriters() throws IOException
    {
        final List<String> writers = new ArrayList<>();
        final Set<String> filesRead = new TreeSet<>();
        forEachMainSource((unit, positions, file) ->
        {
            final String fileName = file.getFileName().toString();
            if (fileName.equals("RowBook.java") || fileName.equals("ConsumerBook.java"))
            {
                filesRead.add(fileName);
                writers.addAll(BookWriters.publicArrayWriters(unit, positions,
                    fileName.substring(0, fileName.length() - ".java".length())));
            }
        });
        assertEquals(Set.of("RowBook.java", "ConsumerBook.java"), filesRead);
        final List<String> listed = new ArrayList<>();
        writers.removeIf(writer ->
            PUBLIC_RECORD_WRITERS.contains(writer.substring(0, writer.indexOf(' '))) && listed.add(writer));
        assertEquals(List.of(), writers, "a public writer of a book's rows array (docs/engine.md)");
        assertEquals(PUBLIC_RECORD_WRITERS.size(), listed.size(), "every listed writer still writes: " + listed);
    }

    /**
     * One owner per part of the consumer record: the risk block is written only by risk's two consumer books, the
     * pair line only by the ConsumptionBook (docs/engine.md, "The consumer record"); neither writer can reach the
     * money line (see {@link #theConsumerRecordIsWrittenOnlyThroughBoundedOrKeyedWriters}).
     */
    @Test
    void theRiskBlockAndThePairLineHaveOneWriterEach()
    {
        noClasses().that().doNotHaveFullyQualifiedName(RISK_PACKAGE + ".ConsumerRiskBook")
            .and().doNotHaveFullyQualifiedName(RISK_PACKAGE + ".ConsumerProfileBook")
            .and().resideOutsideOfPackage(TABLE_PACKAGE)
            .should().callMethodWhere(call(ConsumerBook.class, "setRiskWord"))
            .because("the risk package owns the consumer's risk block")
            .check(ENGINE);
        noClasses().that().doNotBelongToAnyOf(ConsumptionBook.class)
            .and().resideOutsideOfPackage(TABLE_PACKAGE)
            .should().callMethodWhere(call(ConsumerBook.class, "setPairSlot"))
            .because("the ConsumptionBook owns the consumer's spend-pair line")
            .check(ENGINE);
    }

    /**
     * In the books' own files, a method that writes a money field (a {@code set}/{@code add} naming one, or an array
     * element whose index names one), or writes a row field it is handed as a parameter (a generic writer, which
     * could write any field), takes a money key, itself or through the method of the same file that calls it: so a
     * money writer added to a book without the key fails here. Allowed, each with its reason:
     * {@link #KEYLESS_BOOK_WRITERS}.
     */
    @Test
    void everyMoneyWriterOfABookTakesTheKey() throws IOException
    {
        final Set<String> moneyFields = moneyFields();
        final List<String> keyless = new ArrayList<>();
        final Set<String> booksRead = new TreeSet<>();
        forEachMainSource((unit, positions, file) ->
        {
            final String fileName = file.getFileName().toString();
            final String book = fileName.substring(0, fileName.length() - ".java".length());
            if (BOOKS.contains(book))
            {
                booksRead.add(book);
                keyless.addAll(BookWriters.keylessMoneyWriters(unit, positions, book, moneyFields));
            }
        });
        assertEquals(BOOKS, booksRead, "read every book's source");
        keyless.removeIf(writer -> KEYLESS_BOOK_WRITERS.contains(writer.substring(0, writer.indexOf(' '))));
        assertEquals(List.of(), keyless, "a book's money writer without the ledger's key (issue 14 item 1)");
    }

    /**
     * The one other writer of money is the snapshot load, which restores the books and the ledger's totals as they
     * were written: only EngineState (and a book restoring its own parts) calls their {@code readFrom*}.
     */
    @Test
    void onlyTheSnapshotLoadRestoresMoney()
    {
        noClasses().that().doNotBelongToAnyOf(EngineState.class, ConsumerBook.class, MerchantBook.class,
            VoucherBook.class, PointsLedger.class, ConsumptionBook.class)
            .and().resideOutsideOfPackage(TABLE_PACKAGE)
            .should().callMethodWhere(call(Ledger.class, "readTotalsFrom")
                .or(call(ConsumerBook.class, "readFrom", "readFromLeavingIdMap", "readRowsFrom"))
                .or(call(MerchantBook.class, "readFrom", "readFromLeavingIdMap", "readRowsFrom"))
                .or(call(VoucherBook.class, "readFrom", "readRowsFrom"))
                .or(call(PointsLedger.class, "readFrom"))
                .or(call(ConsumptionBook.class, "readFrom")))
            .because("a snapshot load is the only other writer of balances and totals")
            .check(ENGINE);
    }

    /**
     * The fields of ConsumerBook and MerchantBook that hold money or a total (named {@code *_FEN}, {@code *_COUNT},
     * {@code POINTS}, {@code LAST_POINTS_ENTRY}) may be named in a write ({@code set}/{@code add} with the field as
     * second argument, or an assignment to an array element whose index names the field) only in Ledger.java and in
     * the books' own files. This is what the compiled classes cannot show: which field a call writes.
     */
    @Test
    void noClassButTheLedgerNamesAMoneyFieldInAWrite() throws IOException
    {
        final Set<String> moneyFields = moneyFields();
        final List<String> writes = new ArrayList<>();
        final int[] filesRead = {0};
        forEachMainSource((unit, positions, file) ->
        {
            filesRead[0]++;
            final String fileName = file.getFileName().toString();
            if (fileName.equals("Ledger.java") || BOOKS.contains(fileName.substring(0, fileName.length() - 5)))
            {
                return;
            }
            new MoneyWriteScanner(moneyFields, MoneyWriteScanner.staticImportsOf(unit, moneyFields),
                write -> writes.add(where(unit, positions, write))).scan(unit, null);
        });
        assertTrue(filesRead[0] > 50, "read the engine's main sources from " + MAIN_SOURCES.toAbsolutePath());
        assertEquals(List.of(), writes, "a money field written outside the Ledger (issue 14 item 1, docs/engine.md)");
    }

    // ----------------------------------------------------------------------------------------------- (b) the layering

    @Test
    void theTablePackageDependsOnNeitherTheEngineNorRisk()
    {
        noClasses().that().resideInAPackage(TABLE_PACKAGE)
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE_PACKAGE, RISK_PACKAGE)
            .because("engine.table sits below both (docs/engine.md, \"One owner per concern\")")
            .check(ENGINE);
    }

    @Test
    void theRiskPackageDoesNotDependOnTheEngine()
    {
        noClasses().that().resideInAPackage(RISK_PACKAGE)
            .should().dependOnClassesThat().resideInAPackage(ENGINE_PACKAGE)
            .because("engine.risk depends on engine.table, not engine: it is given a RiskLimits and the ConsumerBook")
            .check(ENGINE);
    }

    // -------------------------------------------------------------------- (c) no clock, no random source, no blocking

    @Test
    void readsNoClock()
    {
        noClasses().should().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().dependOnClassesThat().belongToAnyOf(java.time.Clock.class, java.time.InstantSource.class)
            .orShould().callMethodWhere(named("now").and(ownerIn("java.time")))
            .because("the engine's only time is the input's timestamp (docs/engine.md; replay must decide alike)")
            .check(ENGINE);
    }

    @Test
    void drawsNoRandomNumber()
    {
        noClasses().should().dependOnClassesThat().belongToAnyOf(java.util.Random.class,
            java.util.SplittableRandom.class, java.util.random.RandomGenerator.class)
            .orShould().dependOnClassesThat().areAssignableTo(java.util.Random.class)
            .orShould().callMethod(java.util.UUID.class, "randomUUID")
            .orShould().callMethod(Math.class, "random")
            .orShould().callMethod(StrictMath.class, "random")
            .because("a replay must decide as the original run did (docs/engine.md)")
            .check(ENGINE);
    }

    /**
     * Nothing waits: no sleep, no monitor, no lock, no blocking queue or future. Two off-thread helpers are allowed,
     * each by its class: ArrayPreparer's worker parks on its own daemon thread between requests (the engine thread
     * only unparks it and offers to a lock-free queue; it never waits, an array not ready is allocated by the engine),
     * and SideTask joins the thread that rebuilds the consumer id map during a snapshot load (EngineState.read, a
     * bounded task joined before the load completes; never on the per-input path).
     */
    @Test
    void neverBlocks()
    {
        CompositeArchRule.of(noClasses().should().callMethodWhere(named("sleep").and(ownerIn("java.lang.Thread")))
            .orShould().callMethodWhere(named("wait", "notify", "notifyAll"))
            .orShould().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("java.util.concurrent.locks")
                .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(LockSupport.class))))
            .orShould().dependOnClassesThat().belongToAnyOf(BlockingQueue.class, Future.class, CountDownLatch.class,
                Semaphore.class, CyclicBarrier.class, Phaser.class, Exchanger.class, ExecutorService.class)
            .because("the engine thread never blocks (docs/engine.md)"))
            .and(methods().that().areDeclaredInClassesThat().resideInAPackage("com.wodian.engine..")
            .should().notHaveModifier(JavaModifier.SYNCHRONIZED)
            .because("the engine thread never takes a monitor (docs/engine.md)"))
            .and(noClasses().that().doNotBelongToAnyOf(ArrayPreparer.class, SideTask.class)
            .should().callMethodWhere(named("park", "parkNanos", "parkUntil", "join", "start")
                .and(ownerIn("java.util.concurrent.locks.LockSupport", "java.lang.Thread")))
            .because("only ArrayPreparer's worker parks (on its own thread); only SideTask starts and joins a thread"))
            .check(ENGINE);
    }

    /** No synchronized block: the compiled classes show synchronized methods only, so this reads the sources. */
    @Test
    void takesNoMonitorInABlock() throws IOException
    {
        final List<String> blocks = new ArrayList<>();
        forEachMainSource((unit, positions, file) -> new TreeScanner<Void, Void>()
        {
            @Override
            public Void visitSynchronized(final SynchronizedTree tree, final Void unused)
            {
                blocks.add(where(unit, positions, tree));
                return super.visitSynchronized(tree, unused);
            }
        }.scan(unit, null));
        assertEquals(List.of(), blocks, "the engine thread never blocks (docs/engine.md)");
    }

    // ---------------------------------------------------------------------------------------------- (d) other rules

    /** A query is answered from the books and changes nothing (docs/engine.md, "One owner per concern"). */
    @Test
    void queriesChangeNothing()
    {
        noClasses().that().belongToAnyOf(EngineQueries.class, ConsumerVouchersAnswer.class)
            .should().callMethodWhere(named("set", "add", "setFlag", "addVouchersActive", "setBlocked")
                .and(ownerIn(TABLE_PACKAGE, ENGINE_PACKAGE)))
            .orShould().dependOnClassesThat().belongToAnyOf(Ledger.class, PaymentRules.class, FundsRules.class,
                RewardsRules.class, RegistryRules.class, RiskSettingsRules.class, AccountEventRules.class)
            .because("queries are not journaled: one that wrote would make replicas and replays differ")
            .check(ENGINE);
    }

    /**
     * Replies are encoded in one place (docs/engine.md, "One owner per concern"): ReplyPublisher for a journaled
     * command, EngineQueries (with ConsumerVouchersAnswer, which walks a consumer's vouchers into its reply) for a
     * query. No other class uses an SBE encoder.
     */
    @Test
    void repliesAreEncodedInOnePlace()
    {
        noClasses().that().doNotBelongToAnyOf(ReplyPublisher.class, EngineQueries.class, ConsumerVouchersAnswer.class)
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage(SBE_PACKAGE)
                .and(JavaClass.Predicates.simpleNameEndingWith("Encoder")))
            .because("replies are encoded in one place: ReplyPublisher, and EngineQueries for queries")
            .check(ENGINE);
    }

    /**
     * Inputs are decoded in one place: CommandAdapter for a journaled command, EngineQueries for a query (with
     * ConsumerVouchersAnswer, which reads the ConsumerVouchersQuery EngineQueries hands it). The two
     * exceptions the owners table names (architecture review 2026-12-05, finding 6) are allowed: RiskSettingsRules
     * walks SetRiskModel's trees group from the adapter's decoder, and BatchPrefetcher reads the ids its prefetch
     * needs with decoders of its own. Naming a decoder's constants (a template id, a field's since-version) is not
     * decoding; wrapping a buffer or reading a field is.
     */
    @Test
    void inputsAreDecodedInOnePlace()
    {
        noClasses().that().doNotBelongToAnyOf(CommandAdapter.class, EngineQueries.class, ConsumerVouchersAnswer.class,
            RiskSettingsRules.class, BatchPrefetcher.class)
            .should().callMethodWhere(DescribedPredicate.describe("a method of an SBE decoder's instance",
                call -> call.getTargetOwner().getPackageName().equals(SBE_PACKAGE)
                    && call.getTargetOwner().getSimpleName().endsWith("Decoder")
                    && !call.getTarget().resolveMember().map(method -> method.getModifiers()
                        .contains(JavaModifier.STATIC)).orElse(false)))
            .orShould().callConstructorWhere(DescribedPredicate.describe("an SBE decoder's constructor",
                call -> call.getTargetOwner().getPackageName().equals(SBE_PACKAGE)
                    && call.getTargetOwner().getSimpleName().endsWith("Decoder")))
            .because("inputs are decoded in one place: CommandAdapter, and EngineQueries for queries")
            .check(ENGINE);
    }

    // --------------------------------------------------------------------------------------------------- helpers

    private static DescribedPredicate<JavaMethodCall> call(final Class<?> owner, final String... names)
    {
        final Set<String> nameSet = Set.of(names);
        return DescribedPredicate.describe(owner.getSimpleName() + "." + String.join("/", names),
            call -> call.getTargetOwner().isEquivalentTo(owner) && nameSet.contains(call.getName()));
    }

    private static DescribedPredicate<JavaMethodCall> named(final String... names)
    {
        final Set<String> nameSet = Set.of(names);
        return DescribedPredicate.describe("named " + nameSet, call -> nameSet.contains(call.getName()));
    }

    /** The call's owner is a class of one of these packages, or one of these classes. */
    private static DescribedPredicate<JavaMethodCall> ownerIn(final String... packagesOrClasses)
    {
        final Set<String> names = Set.of(packagesOrClasses);
        return DescribedPredicate.describe("owned by " + names, call -> names.contains(call.getTargetOwner().getName())
            || names.contains(call.getTargetOwner().getPackageName()));
    }

    /**
     * {@code ConsumerBook.WALLET_FEN}, ...: the static int fields of a book that hold money or a total, found by name
     * so that a field added later is covered without a change here. {@link #RULE_FIELDS} are named like money but are a
     * merchant's rules, set by SetMerchantRules.
     */
    /** Every book's money fields, checked to hold the ones this test was written against. */
    private static Set<String> moneyFields()
    {
        final Set<String> moneyFields = new TreeSet<>(MONEY_FIELDS_BY_MEANING);
        for (final Class<?> book : List.of(ConsumerBook.class, MerchantBook.class, VoucherBook.class,
            PointsLedger.class, ConsumptionBook.class))
        {
            moneyFields.addAll(moneyFieldsOf(book));
        }
        assertTrue(moneyFields.containsAll(List.of("ConsumerBook.WALLET_FEN", "ConsumerBook.HELD_FEN",
            "ConsumerBook.POINTS", "MerchantBook.SETTLEMENT_FEN", "MerchantBook.POOL_FEN", "MerchantBook.SALES_COUNT",
            "VoucherBook.VALUE_FEN", "PointsLedger.DELTA_POINTS", "PointsLedger.BALANCE_AFTER",
            "ConsumptionBook.OPEN_FEN")) && !moneyFields.containsAll(RULE_FIELDS), moneyFields.toString());
        return moneyFields;
    }

    private static Set<String> moneyFieldsOf(final Class<?> book)
    {
        final Set<String> fields = new TreeSet<>();
        for (final Field field : book.getDeclaredFields())
        {
            final String name = field.getName();
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class &&
                !RULE_FIELDS.contains(book.getSimpleName() + "." + name) &&
                (name.endsWith("_FEN") || name.endsWith("_COUNT") || name.equals("POINTS") ||
                name.equals("LAST_POINTS_ENTRY") || name.equals("DELTA_POINTS") || name.equals("BALANCE_AFTER")))
            {
                fields.add(book.getSimpleName() + "." + name);
            }
        }
        return fields;
    }

    private interface SourceVisitor
    {
        void visit(CompilationUnitTree unit, SourcePositions positions, Path file);
    }

    /** Parses (only parses: no symbols, no types) every main source of the engine module and hands each tree over. */
    private static void forEachMainSource(final SourceVisitor visitor) throws IOException
    {
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        final List<Path> files;
        try (Stream<Path> walk = Files.walk(MAIN_SOURCES))
        {
            files = walk.filter(path -> path.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8))
        {
            final Iterable<? extends JavaFileObject> sources = fileManager.getJavaFileObjectsFromPaths(files);
            final JavacTask task = (JavacTask)compiler.getTask(null, fileManager, null, List.of("-proc:none"), null,
                sources);
            final SourcePositions positions = com.sun.source.util.Trees.instance(task).getSourcePositions();
            for (final CompilationUnitTree unit : task.parse())
            {
                visitor.visit(unit, positions, Path.of(unit.getSourceFile().toUri()));
            }
        }
    }

    private static String where(final CompilationUnitTree unit, final SourcePositions positions, final Tree tree)
    {
        final long line = unit.getLineMap().getLineNumber(positions.getStartPosition(unit, tree));
        return Path.of(unit.getSourceFile().toUri()).getFileName() + ":" + line + " " + tree;
    }
}
