package com.wodian.net.iso8583;

import com.wodian.net.gateway.GatewayContext;

/**
 * What a selection key's attachment does when the key is ready: accept a terminal, or read one. A
 * {@link GatewayContext.SelectionHandler}, so the server's receiver dispatches the gateway's keys on its selector.
 */
interface IsoKeyHandler extends GatewayContext.SelectionHandler
{
}
