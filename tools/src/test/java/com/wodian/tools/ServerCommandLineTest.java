package com.wodian.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
