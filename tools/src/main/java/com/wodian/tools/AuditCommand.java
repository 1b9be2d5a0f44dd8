package com.wodian.tools;

import com.wodian.net.server.AdminAuditChain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code wodian audit verify --data DIR [--key FILE]}: checks the admin audit trail's chain of keyed hashes
 * (docs/operations.md, "Admin audit trail"; {@link AdminAuditChain}). Exit 0 when every chained line checks (lines
 * not verified but breaking nothing, such as one torn by a crash, are listed), 1 naming the first line that does not.
 */
@Command(name = "audit", description = "Check the admin audit trail (docs/operations.md, \"Admin audit trail\").",
    subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name an audit subcommand (verify)");
    }

    /** The check itself. */
    @Command(name = "verify", description = "Check that no line of admin-audit.log (and admin-audit.log.1) was " +
        "changed, inserted or removed; name the first that was.")
    static final class Verify implements Callable<Integer>
    {
        @Option(names = "--data", required = true, description = "the server's data directory (or a directory " +
            "holding copies of admin-audit.log and admin-audit.log.1)")
        Path dataDir;

        @Option(names = "--key", description = "the audit key file (64 hex digits; default: DIR/admin-audit.key)")
        Path keyFile;

        @Override
        public Integer call()
        {
            final AdminAuditChain.Verification verification;
            try
            {
                verification = AdminAuditChain.verifyTrail(dataDir, keyFile);
            }
            catch (final IOException ex)
            {
                System.err.println("error: " + ex.getMessage());
                return WodianMain.EXIT_REFUSED;
            }
            verification.notes().forEach((note) -> System.out.println("note: " + note));
            if (null != verification.broken())
            {
                System.out.println("BROKEN: " + verification.broken() + " (" + verification.recordCount() +
                    " lines before it check)");
                return WodianMain.EXIT_REFUSED;
            }
            System.out.println("ok: " + verification.recordCount() + " chained lines check; chain head " +
                verification.head() + " (the server logs its head at each stop: a different one means lines were " +
                "cut from the end)");
            return WodianMain.EXIT_OK;
        }
    }
}
