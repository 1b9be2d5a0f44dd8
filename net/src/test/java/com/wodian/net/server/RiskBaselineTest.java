package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SetEngineSettingDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Security review 2026-12-05 B4: a server started with {@code --risk-baseline recommended} (what {@code wodian server}
 * passes by default) on a data directory without a journal journals the recommended baseline first, so one terminal
 * cannot charge a consumer at wire speed (rule 1: a fourth attempt within a minute is declined); a directory that
 * already has a journal is left as it is, and {@code none} starts with the engine's defaults (every rule off).
 */
class RiskBaselineTest
{
    @TempDir
    Path newDir;
    @TempDir
    Path existingDir;

    @Test
    void aNewDataDirectoryStartsWithTheRecommendedBaseline() throws Exception
    {
        try (WodianServer server = launch(newDir, RiskBaseline.RECOMMENDED);
            WodianClient admin = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
            requests.setUpParties();
            for (int paymentId = 1; paymentId <= 3; paymentId++)
            {
                assertEquals(ResultCode.OK, requests.pay(paymentId, 100).code());
            }
            assertEquals(ResultCode.RISK_CONSUMER_VELOCITY, requests.pay(4, 100).code(),
                "rule 1 enforced: a fourth attempt of the consumer within a minute");
        }
    }

    @Test
    void anExistingDataDirectoryAndNoneKeepTheEngineDefaults() throws Exception
    {
        try (WodianServer server = launch(existingDir, RiskBaseline.NONE);
            WodianClient admin = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
            requests.setUpParties();
            for (int paymentId = 1; paymentId <= 4; paymentId++)
            {
                assertEquals(ResultCode.OK, requests.pay(paymentId, 100).code(), "none: every rule off");
            }
        }
        try (WodianServer server = launch(existingDir, RiskBaseline.RECOMMENDED);
            WodianClient admin = ServerTestSupport.connect(server))
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
            for (int paymentId = 5; paymentId <= 8; paymentId++)
            {
                assertEquals(ResultCode.OK, requests.pay(paymentId, 100).code(), "a journal exists: no baseline");
            }
        }
    }

    /** Security review A2: the baseline's last command limits balance probing (unit level: no server). */
    @Test
    void theBaselineLimitsBalanceProbing()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        RiskBaseline.encode(RiskBaseline.COMMAND_COUNT - 1, new CommandEncoder(), buffer, 2_000_000);
        final SetEngineSettingDecoder decoder = new SetEngineSettingDecoder();
        decoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        assertEquals(EngineSetting.BALANCE_PROBE_LIMIT, decoder.setting());
        assertEquals(6, decoder.value());
        assertEquals(true, RiskBaseline.describe(2_000_000).endsWith("BALANCE_PROBE_LIMIT 6"));
    }

    private static WodianServer launch(final Path dataDir, final String riskBaseline) throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        ServerArguments.parse(new String[]{ "--data", dataDir.toString(), "--port", "0", "--risk-baseline",
            riskBaseline }, config);
        return WodianServer.launch(config);
    }
}
