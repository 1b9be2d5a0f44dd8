package com.wodian.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command of the picocli tree answers {@code --help} with its usage and exit code 0 (issue 18 item 13:
 * {@code wodian snapshot --help} used to say "Unknown option" and exit 2). Walks the tree, so a new subcommand is
 * covered without touching this test.
 */
class HelpTest
{
    @Test
    void everySubcommandAnswersHelpWithUsageAndExitZero()
    {
        final List<List<String>> paths = new ArrayList<>();
        collect(WodianMain.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 20, "commands found: " + paths);
        for (final List<String> path : paths)
        {
            final List<String> args = new ArrayList<>(path);
            args.add("--help");
            final CliTest.Run run = CliTest.wodian(args.toArray(new String[0]));
            assertEquals(0, run.exitCode(), "wodian " + String.join(" ", args) + "\n" + run.out());
            assertTrue(run.out().contains("Usage: wodian"), "wodian " + String.join(" ", args) + "\n" + run.out());
        }
    }

    /** rev R15 (session 42): the help listed 3 of the schema's 8 settings, then SBE's NULL_VAL among them. */
    @Test
    void engineSettingHelpNamesEverySettingAndNoNullValue()
    {
        final String help = CliTest.wodian("pos", "engine-setting", "--help").out();
        for (final com.wodian.protocol.sbe.EngineSetting setting : com.wodian.protocol.sbe.EngineSetting.values())
        {
            assertEquals(setting != com.wodian.protocol.sbe.EngineSetting.NULL_VAL, help.contains(setting.name()),
                setting + " in:\n" + help);
        }
    }

    private static void collect(final CommandLine command, final List<String> path, final List<List<String>> paths)
    {
        paths.add(path);
        for (final CommandLine sub : command.getSubcommands().values())
        {
            final String name = sub.getCommandName();
            if (path.isEmpty() || !path.get(path.size() - 1).equals(name))
            {
                final List<String> subPath = new ArrayList<>(path);
                subPath.add(name);
                if (!paths.contains(subPath))
                {
                    collect(sub, subPath, paths);
                }
            }
        }
    }
}
