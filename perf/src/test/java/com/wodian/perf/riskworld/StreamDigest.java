package com.wodian.perf.riskworld;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A SHA-256 of a world's commands: message bytes, input time and every label. The SBE header's schema version
 * (bytes 6-7) is left out: a schema bump (12 to 13 for AccountEvent) changes it in every message without changing
 * any command. Used to show that the account events, drawn from streams of their own, leave the rest of a seed's
 * stream as it was before they existed.
 */
final class StreamDigest
{
    /** blockLength, templateId, schemaId, version: uint16 each (MessageHeaderEncoder). */
    private static final int VERSION_OFFSET = 6;
    private final MessageDigest digest;
    private final byte[] bytes = new byte[1_024];
    private final byte[] word = new byte[8];
    long commands;

    StreamDigest()
    {
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    void accept(final LabelledCommands command)
    {
        commands++;
        final int length = command.length();
        command.buffer().getBytes(command.offset(), bytes, 0, length);
        bytes[VERSION_OFFSET] = 0;
        bytes[VERSION_OFFSET + 1] = 0;
        digest.update(bytes, 0, length);
        putLong(command.timestampMs());
        digest.update((byte)command.actor().ordinal());
        digest.update((byte)command.variant().ordinal());
        // The dormant wakers' tag (session 56) is new on commands whose bytes are what they were: read as before.
        digest.update((byte)(command.lookAlike() == LookAlike.DORMANT_WAKER ? LookAlike.NONE : command.lookAlike())
            .ordinal());
        putLong(((long)command.groupId() << 32) | command.voucherSlot());
    }

    private void putLong(final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            word[i] = (byte)(value >>> (8 * i));
        }
        digest.update(word, 0, 8);
    }

    String hex()
    {
        final StringBuilder hex = new StringBuilder();
        for (final byte b : digest.digest())
        {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
