package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.HexFormat;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worked example of docs/protocol.md, byte for byte, against a running server: if this fails, fix the page.
 */
class ProtocolExampleTest
{
    static final String REQUEST_HEX =
        "18000000" + "0100000000000000" + "08001e00151e0300" + "e903000000000000";
    static final String REPLY_HEX =
        "32000000" + "0100000000000000" + "22006700151e1000" + "0000" + "e903000000000000" + "a086010000000000" +
        "0000000000000000" + "0000000000000000";

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswerTheDocumentedBalanceQueryWithTheDocumentedBytes() throws Exception
    {
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT)))
        {
            try (WodianClient client = ServerTestSupport.connect(server))
            {
                new ServerTestSupport.Requests(client).setUpParties();
            }

            try (Socket socket = new Socket(HOST, server.port()))
            {
                socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
                assertEquals(com.wodian.protocol.sbe.ResultCode.OK,
                    ServerTestSupport.logOn(socket, ServerTestSupport.ADMIN));
                socket.getOutputStream().write(HexFormat.of().parseHex(REQUEST_HEX));
                final byte[] reply = new byte[REPLY_HEX.length() / 2];
                new DataInputStream(socket.getInputStream()).readFully(reply);
                assertEquals(REPLY_HEX, HexFormat.of().formatHex(reply));
            }
        }
    }
}
