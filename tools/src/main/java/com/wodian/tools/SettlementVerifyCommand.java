package com.wodian.tools;

import com.wodian.tools.settlement.ManifestCheck;
import com.wodian.tools.settlement.SettlementKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code wodian settlement-verify}: checks a day's settlement files against their keyed manifest, for the accountant
 * who receives them (docs/settlement.md, "Keyed manifest"; security review item 12). Exit 0 when the HMAC and
 * every file match and the day is closed, 1 otherwise, each problem on its own line; provisional files (a day not
 * closed) only with --allow-provisional (ops-review finding 11).
 */
@Command(name = "settlement-verify", description = "Check settlement files against their keyed manifest " +
    "(docs/settlement.md).")
public final class SettlementVerifyCommand implements Callable<Integer>
{
    @Option(names = "--out", required = true, description = "the settlement directory (as given to settlement --out)")
    Path outDir;

    @Option(names = "--key", required = true, description = "the settlement key file (64 hex digits)")
    Path keyFile;

    @Option(names = "--allow-provisional", description = "exit 0 for matching files of a day not closed " +
        "(written with settlement --allow-open-day: not for payment); without it they are refused")
    boolean allowProvisional;

    @Override
    public Integer call()
    {
        final List<String> problems;
        final String provisional;
        try
        {
            problems = ManifestCheck.problems(outDir, SettlementKey.load(keyFile));
            provisional = problems.isEmpty() ? ManifestCheck.provisionalLine(outDir) : null;
        }
        catch (final IOException ex)
        {
            System.err.println("error: " + ex.getMessage());
            return WodianMain.EXIT_REFUSED;
        }
        if (!problems.isEmpty())
        {
            problems.forEach((problem) -> System.err.println("error: " + problem));
            return WodianMain.EXIT_REFUSED;
        }
        if (null != provisional && !allowProvisional)
        {
            // The finance side's check is where a provisional day must not pass for the day's settlement.
            System.err.println("error: " + outDir + ": the files match, but they are provisional (" + provisional +
                "): not for payment; settle the closed day, or pass --allow-provisional to accept them as such");
            return WodianMain.EXIT_REFUSED;
        }
        System.out.println(outDir + ": the manifest's HMAC and every file's SHA-256 match" +
            (null == provisional ? "" : "; the files are PROVISIONAL, not for payment (" + provisional + ")"));
        return WodianMain.EXIT_OK;
    }
}
