package com.wodian.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import com.wodian.net.server.ServerMain;
import picocli.CommandLine.Model.OptionSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code wodian server} is parsed by a command line holding the server command alone: the same command to a user. */
class ServerCommandLineTest
{
    @Test
    void theServerAloneHasTheUsageAndOptionsOfTheServerInTheWholeTree()
    {
        final CommandLine whole = WodianMain.commandLine().getSubcommands().get("server");
        final CommandLine alone = WodianMain.serverCommandLine().getSubcommands().get("server");
        assertEquals(whole.getUsageMessage(CommandLine.Help.Ansi.OFF),
            alone.getUsageMessage(CommandLine.Help.Ansi.OFF));
        assertEquals(whole.getCommandSpec().qualifiedName(), alone.getCommandSpec().qualifiedName());
    }

    @Test
    void aMissingRequiredOptionIsAUsageErrorAsBefore()
    {
        assertEquals(WodianMain.commandLine().execute("server", "--port", "0"),
            WodianMain.serverCommandLine().execute("server", "--port", "0"));
    }

    /**
     * Each option of {@code wodian server} reaches ServerMain as an option it knows, with a value exactly when it
     * takes one: the option is forwarded last, so a flag ServerMain expects a value for ends in "missing value", and a
     * value after an option ServerMain reads as a flag is read as an unknown option.
     */
    @Test
    void everyOptionIsForwardedToAnOptionTheServerKnows()
    {
        final List<String> checked = new ArrayList<>();
        for (final OptionSpec option : WodianMain.serverCommandLine().getSubcommands().get("server")
            .getCommandSpec().options())
        {
            if (option.usageHelp() || option.versionHelp() || option.longestName().equals("--data") ||
                option.longestName().equals("--port"))
            {
                continue;
            }
            final CommandLine root = WodianMain.serverCommandLine();
            final List<String> given = new ArrayList<>(
                List.of("server", "--data", "d", "--port", "0", option.longestName()));
            if (option.arity().max() > 0)
            {
                given.add("1");
            }
            root.parseArgs(given.toArray(new String[0]));
            final String[] forwarded = ServerCommand.serverMainArgs(
                root.getSubcommands().get("server").getCommandSpec());
            assertTrue(List.of(forwarded).contains(option.longestName()), option.longestName() + " not forwarded");
            final String problem = problemOf(moveToEnd(forwarded, option.longestName(), option.arity().max() > 0));
            assertTrue(null == problem || !problem.startsWith("unknown option") && !problem.startsWith("missing value"),
                option.longestName() + ": " + problem);
            checked.add(option.longestName());
        }
        assertTrue(checked.size() > 40, "options checked: " + checked);
    }

    private static String[] moveToEnd(final String[] args, final String name, final boolean withValue)
    {
        final List<String> rest = new ArrayList<>(List.of(args));
        final int at = rest.indexOf(name);
        final List<String> moved = new ArrayList<>(rest.subList(at, at + (withValue ? 2 : 1)));
        rest.subList(at, at + moved.size()).clear();
        rest.addAll(moved);
        return rest.toArray(new String[0]);
    }

    private static String problemOf(final String[] args)
    {
        try
        {
            ServerMain.checkArguments(args);
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
    }
}
