package com.wodian.tools;

import picocli.CommandLine.Command;

/** {@code wodian group}: the parent of the membership commands; alone it prints their usage. */
@Command(name = "group", mixinStandardHelpOptions = true,
    subcommands = { GroupAddCommand.class, GroupRemoveCommand.class, GroupRecoverCommand.class },
    description = "Change the membership of a replica group, one node at a time (docs/replication.md); " +
        "recover: after losing a majority for good, make a stopped survivor a group of one.")
final class GroupMembershipCommand implements Runnable
{
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(System.err);
    }
}
