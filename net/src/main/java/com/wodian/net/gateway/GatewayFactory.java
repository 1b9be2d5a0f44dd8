package com.wodian.net.gateway;

import java.io.IOException;

/**
 * Builds one gateway when the server starts, after recovery and before any thread runs; registered with
 * {@code ServerConfig.addGateway(GatewayFactory)}. The server closes the gateway when it stops.
 */
@FunctionalInterface
public interface GatewayFactory
{
    /**
     * @param context the gateway's handle on the input ring, its session ids and the receiving thread's selector.
     * @return the gateway, to run on the receiving thread.
     * @throws IOException when it cannot bind its port; the server then does not start.
     */
    GatewayAgent newGateway(GatewayContext context) throws IOException;
}
