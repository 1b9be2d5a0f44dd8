package com.wodian.tools;

import com.wodian.net.iso8583.IsoKeyStore;
import com.wodian.net.iso8583.IsoLoadClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** {@code wodian loadgen --protocol iso8583}: terminal keys for the population, and the ISO connections. */
final class IsoLoadSupport
{
    /** The gateway re-reads its key file once a second. */
    private static final long KEY_RELOAD_WAIT_MS = 1_500;

    private IsoLoadSupport()
    {
    }

    /** Checks the mix (purchases only) and gives every terminal of the population an ISO key the server knows. */
    static void prepare(final Path keysFile, final DemoPopulation population, final int[] weights,
        final PrintStream out) throws IOException
    {
        for (int operation = 0; operation < weights.length; operation++)
        {
            if (operation != LoadgenWorkload.PAY && weights[operation] > 0)
            {
                throw new IllegalArgumentException("--protocol iso8583 sends purchases only: use --mix pay=100");
            }
        }
        final IsoKeyStore store = Files.exists(keysFile) ? IsoKeyStore.load(keysFile) : new IsoKeyStore();
        final SecureRandom random = new SecureRandom();
        int added = 0;
        for (int t = 0; t < population.terminalCount(); t++)
        {
            final long terminalId = population.terminalId(t);
            final IsoKeyStore.Entry entry = store.find(terminalId);
            if (null == entry || entry.merchantId() != population.merchantIdOfTerminal(t))
            {
                store.issueKey(terminalId, population.merchantIdOfTerminal(t), random);
                added++;
            }
        }
        if (added > 0)
        {
            store.save(keysFile);
            out.printf("iso8583: keys for %d terminals added to %s; waiting for the server to re-read it%n", added,
                keysFile);
            try
            {
                Thread.sleep(KEY_RELOAD_WAIT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    static IsoLoadClient connect(final String host, final int port, final Path keysFile) throws IOException
    {
        return new IsoLoadClient(host, port, IsoKeyStore.load(keysFile));
    }
}
