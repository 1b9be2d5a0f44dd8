package com.wodian.tools;

import com.wodian.net.iso8583.IsoKeyStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code wodian credentials --iso-keys FILE [--add terminal:ID --merchant M | --rotate terminal:ID]}: creates or
 * rotates an ISO 8583 terminal's MAC key (docs/iso8583.md, "Terminal keys") and prints it once, for loading into the
 * terminal; without --add or --rotate, lists the terminals with their key check values.
 */
final class IsoKeysSupport
{
    private IsoKeysSupport()
    {
    }

    static int run(final Path file, final String identity, final boolean adding, final long merchantId)
        throws Exception
    {
        final IsoKeyStore store = Files.exists(file) ? IsoKeyStore.load(file) : new IsoKeyStore();
        if (null != identity)
        {
            if (!identity.startsWith("terminal:"))
            {
                System.err.println("ISO 8583 keys belong to terminals: terminal:ID");
                return WodianMain.EXIT_USAGE;
            }
            final long terminalId = Long.parseLong(identity.substring("terminal:".length()));
            final IsoKeyStore.Entry existing = store.find(terminalId);
            final long merchant = adding ? merchantId : null == existing ? 0 : existing.merchantId();
            if (merchant <= 0)
            {
                System.err.println(adding ? "a terminal needs --merchant" : "no such ISO terminal: " + identity);
                return adding ? WodianMain.EXIT_USAGE : WodianMain.EXIT_REFUSED;
            }
            final byte[] key = store.issueKey(terminalId, merchant, new SecureRandom());
            store.save(file);
            System.out.println("iso terminal " + terminalId + " merchant " + merchant + " key " +
                HexFormat.of().withUpperCase().formatHex(key) + " check value " + IsoKeyStore.keyCheckValue(key));
        }
        for (final String line : store.describe())
        {
            System.out.println(line);
        }
        return WodianMain.EXIT_OK;
    }
}
