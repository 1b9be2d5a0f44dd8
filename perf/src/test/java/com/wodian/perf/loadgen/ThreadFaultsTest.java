package com.wodian.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreadFaultsTest
{
    @Test
    void readsTheMinorFaultsFieldPastACommandNameWithSpacesAndParentheses()
    {
        // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt ...
        final String line = "4242 (wodian-net (1) x) S 1 4242 4242 0 -1 4194368 12345 0 7 0 31 9 0 0 20 0 40 0\n";
        assertEquals(12_345, ThreadFaults.parseMinorFaults(line));
    }
}
