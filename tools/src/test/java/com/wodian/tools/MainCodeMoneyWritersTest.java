package com.wodian.tools;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.wodian.engine.table.RowBook;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Since session 49 the engine's tables live in {@code com.wodian.engine.table} and their accessors are public (the
 * engine and engine.risk both use them), so the compiler no longer keeps a class of another module from writing a
 * balance. This keeps it out: no main class of any module outside the engine calls a write of a table (a RowBook,
 * the ConsumerBook included). Inside the engine, EngineArchitectureTest says which engine class may write what (one
 * Ledger for money). The tools module sees every module's main classes, so the test lives here. It reads the main
 * classes of journal, net, perf and tools (the engine's and the generated codecs' only as far as the calls need);
 * test classes (the test directories and the net test-jar) are left out, since tests may build states by hand.
 */
final class MainCodeMoneyWritersTest
{
    private static final Set<String> WRITES = Set.of("set", "add", "setFlag", "addVouchersActive", "setBlocked",
        "addRow", "replaceId", "readFrom", "readRowsFrom", "readFromLeavingIdMap");

    private static final JavaClasses PRODUCT = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("com.wodian.journal", "com.wodian.net", "com.wodian.perf", "com.wodian.tools");

    @Test
    void noMainClassOutsideTheEngineWritesATable()
    {
        assertTrue(PRODUCT.containPackage("com.wodian.net.durability") && PRODUCT.containPackage("com.wodian.perf")
            && PRODUCT.containPackage("com.wodian.journal") && PRODUCT.containPackage("com.wodian.tools"),
            "every other module's main classes imported");
        noClasses()
            .should().callMethodWhere(DescribedPredicate.describe("a write of a RowBook " + WRITES,
                (JavaMethodCall call) -> call.getTargetOwner().isAssignableTo(RowBook.class)
                    && WRITES.contains(call.getName())))
            .because("balances and totals change only through the engine's Ledger (issue 14 item 1, docs/engine.md)")
            .check(PRODUCT);
    }
}
