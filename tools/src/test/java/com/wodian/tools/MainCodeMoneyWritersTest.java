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
 * Since session 50 the compiler keeps most table writes inside the engine: RowBook's row writers ({@code set},
 * {@code add}, {@code setFlag}, {@code addRow}, {@code replaceId}, {@code rowsOf}) are protected, and a book's money
 * writers take a key that only the engine's Ledger holds ({@code Ledger.Key}; the ConsumerBook's {@code MoneyKey},
 * which that book hands out once, to the Ledger). What stays public in {@code com.wodian.engine.table} is the
 * ConsumerBook's: its keyed writers (to which a caller could pass {@code null}, refused only when it runs), the key's
 * hand-out, the registration and blocking writes, the snapshot restore and the bounded writers of the record's risk
 * block and pair line ({@code setRiskWord} for engine.risk, {@code setPairSlot} for the ConsumptionBook; since
 * session 51 no method hands the record's array out). This keeps other modules off them: no main class of any
 * module outside the engine calls one. Inside the engine, EngineArchitectureTest says which engine class may write
 * what (one Ledger for money). The tools module sees every module's main classes, so the test lives here. It reads
 * the main classes of journal, net, perf and tools (the engine's and the generated codecs' only as far as the calls
 * need); test classes (the test directories and the net test-jar) are left out, since tests may build states by hand.
 */
final class MainCodeMoneyWritersTest
{
    private static final Set<String> WRITES = Set.of("set", "add", "addVouchersActive", "takeMoneyKey", "setBlocked",
        "setRiskWord", "setPairSlot", "readFrom", "readRowsFrom", "readFromLeavingIdMap");

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
