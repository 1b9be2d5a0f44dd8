package com.wodian.tools;

import com.wodian.journal.ChroniclePosix;
import com.wodian.net.BuildIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code wodian} command line: run a server, send one command as a POS terminal would, dump a journal, run the
 * end-to-end demo, or run the JMH benchmarks. {@code bin/wodian} starts it with the JVM flags the JDK needs.
 *
 * <p>Exit codes: 0 success; 1 the engine refused the command (a non-OK result code) or a check failed; 2 usage
 * error; 3 the server could not be reached or did not answer in time.
 */
@Command(
    name = "wodian",
    mixinStandardHelpOptions = true,
    versionProvider = WodianMain.Version.class,
    description = "Wodian transaction processor: server, POS client, journal inspection, demo and benchmarks.",
    subcommands = {
        ServerCommand.class,
        GroupStatusCommand.class,
        SwitchoverCommand.Promote.class,
        SwitchoverCommand.Demote.class,
        GroupMembershipCommand.class,
        PosCommand.class,
        CredentialsCommand.class,
        CertsCommand.class,
        SettlementCommand.class,
        SettlementVerifyCommand.class,
        JournalCommand.class,
        SnapshotCommand.class,
        DemoCommand.class,
        JmhCommand.class,
        PerfCommand.class,
        RiskEvalCommand.class,
        RiskTrainCommand.class,
        LoadgenCommand.class,
        StatCommand.class,
        AuditCommand.class,
        CommandLine.HelpCommand.class})
public final class WodianMain implements Runnable
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_REFUSED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNREACHABLE = 3;
    /** {@code pos}: the command was sent and may or may not have been executed (no reply, PRIMARY_LOST). */
    public static final int EXIT_OUTCOME_UNKNOWN = 4;
    private static final String SERVER = "server";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One line per log record, "03:20:01 INFO com.wodian... message", unless the user configured logging. */
    static final String LOG_FORMAT = "%1$tT %4$s %3$s: %5$s%6$s%n";

    /**
     * Chronicle reports file mappings and disk polls at INFO; only its warnings are news to an operator. Held in a
     * field because java.util.logging keeps loggers weakly, and a collected logger forgets its level.
     */
    private static final java.util.logging.Logger CHRONICLE_LOGGER = java.util.logging.Logger.getLogger("net.openhft");

    public static void main(final String[] args) throws Exception
    {
        ChroniclePosix.skipNativeBinding(); // before any Chronicle class: ~0.2 s less at start (ChroniclePosix)
        if (System.getProperty("java.util.logging.config.file") == null)
        {
            if (System.getProperty("java.util.logging.SimpleFormatter.format") == null)
            {
                System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
            }
            CHRONICLE_LOGGER.setLevel(java.util.logging.Level.WARNING);
        }
        if (args.length > 0 && JmhCommand.NAME.equals(args[0]))
        {
            // JMH parses its own options (-f, -prof ...): hand them over untouched rather than through picocli.
            final String[] jmhArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
            if (1 == jmhArgs.length && "--help".equals(jmhArgs[0]))
            {
                // Every subcommand answers --help; JMH spells it -h.
                commandLine().execute(args);
                jmhArgs[0] = "-h";
            }
            JmhCommand.runJmh(jmhArgs);
            return;
        }
        if (args.length > 0 && SERVER.equals(args[0]))
        {
            // A server start parses its own options only: building every command of the tree first cost ~0.25 s of
            // CPU in a fresh JVM (docs/history/durability-sessions.md, section 7), on the path to the port opening.
            System.exit(serverCommandLine().execute(args));
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with only the {@code server} command under the root (same options, help and usage as in
     * {@link #commandLine()}): what {@code wodian server ...} runs.
     */
    static CommandLine serverCommandLine()
    {
        final CommandLine.Model.CommandSpec root = CommandLine.Model.CommandSpec.create().name("wodian");
        root.addSubcommand(SERVER, new CommandLine(new ServerCommand()));
        final CommandLine commandLine = new CommandLine(root).setCaseInsensitiveEnumValuesAllowed(true);
        addHelpOption(commandLine);
        return commandLine;
    }

    /** The configured command line, for tests: {@code commandLine().execute(args)} returns the exit code. */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new WodianMain()).setCaseInsensitiveEnumValuesAllowed(true);
        addHelpOption(commandLine);
        return commandLine;
    }

    /**
     * Gives every command of the tree a usage-help option, so that "wodian snapshot --help" prints usage instead of
     * refusing it. Added here rather than inherited from the root: an inherited --version would collide with the
     * commands that have a --version of their own (risk-train's model version).
     */
    private static void addHelpOption(final CommandLine commandLine)
    {
        final CommandLine.Model.CommandSpec spec = commandLine.getCommandSpec();
        if (spec.options().stream().noneMatch(CommandLine.Model.OptionSpec::usageHelp) &&
            null == spec.findOption("--help"))
        {
            final String[] names = null == spec.findOption("-h") ? new String[]{"-h", "--help"} :
                new String[]{"--help"};
            spec.addOption(CommandLine.Model.OptionSpec.builder(names).usageHelp(true)
                .description("Show this help message and exit.").build());
        }
        for (final CommandLine subcommand : commandLine.getSubcommands().values())
        {
            addHelpOption(subcommand);
        }
    }

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand");
    }

    /** {@code --version}: the release and the formats a rolling upgrade must know (docs/operations.md, section 7). */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            return new String[]{BuildIdentity.describe()};
        }
    }
}
