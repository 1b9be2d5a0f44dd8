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
 * every file match, 1 otherwise, each problem on its own line.
 */
@Command(name = "settlement-verify", description = "Check settlement files against their keyed manifest " +
    "(docs/settlement.md).")
public final class SettlementVerifyCommand implements Callable<Integer>
{
    @Option(names = "--out", required = true, description = "the settlement directory (as given to settlement --out)")
    Path outDir;

    @Option(names = "--key", required = true, description = "the settlement key file (64 hex digits)")
    Path keyFile;

    @Override
    public Integer call()
    {
        final List<String> problems;
        try
        {
            problems = ManifestCheck.problems(outDir, SettlementKey.load(keyFile));
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
        System.out.println(outDir + ": the manifest's HMAC and every file's SHA-256 match");
        return WodianMain.EXIT_OK;
    }
}
