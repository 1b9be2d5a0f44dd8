package com.wodian.net.iso8583;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POS review finding 9: a chain with more than 256 ISO terminals that keep their connections open needs a higher
 * connection limit, set like the idle timeout (a system property, through WODIAN_JAVA_OPTS); a value that is no
 * limit stops the server, naming the property, rather than silently keeping 256.
 */
class IsoGatewayConfigTest
{
    private static final Path KEYS = Path.of("iso-keys");

    @Test
    void theConnectionLimitIsASystemProperty()
    {
        final Properties properties = new Properties();
        assertEquals(IsoGatewayConfig.DEFAULT_CONNECTIONS_MAX,
            IsoGatewayConfig.of("127.0.0.1", 0, KEYS, properties).connectionsMax());
        properties.setProperty("wodian.iso8583.connections.max", "2000");
        properties.setProperty("wodian.iso8583.idle.timeout.ms", "300000");
        final IsoGatewayConfig config = IsoGatewayConfig.of("127.0.0.1", 0, KEYS, properties);
        assertEquals(2_000, config.connectionsMax());
        assertEquals(300_000, config.idleTimeoutMs());
        assertEquals(IsoGatewayConfig.DEFAULT_TRANSMISSION_TIME_WINDOW_MS, config.transmissionTimeWindowMs());
    }

    @Test
    void aConnectionLimitThatIsNoNumberInRangeStopsTheServer()
    {
        for (final String bad : new String[]{ "0", "-1", "65536", "lots", "" })
        {
            final Properties properties = new Properties();
            properties.setProperty(IsoGatewayConfig.CONNECTIONS_MAX_PROP_NAME, bad);
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> IsoGatewayConfig.of("127.0.0.1", 0, KEYS, properties), bad);
            assertTrue(refused.getMessage().contains("wodian.iso8583.connections.max"), refused.getMessage());
        }
    }
}
