package com.wodian.net.server;

import com.wodian.net.auth.Credentials;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review item 16: with admin addresses set, an admin logon from elsewhere is refused like a wrong proof
 * (751), even with the right secret, while terminals log on from anywhere; before, the terminal port took admin logons
 * from any address. The ranges themselves: {@link AddressRanges}.
 */
class AdminAddressesTest
{
    private static final int ADMIN_CERTIFICATE = com.wodian.protocol.sbe.SessionRole.ADMIN.value();

    @TempDir
    Path dataDir;

    @Test
    void adminLogonsOnlyFromTheAdminAddresses() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().adminAddresses(AddressRanges.parse("127.0.0.2/32, 10.0.0.0/8"));
        try (WodianServer server = WodianServer.launch(config))
        {
            final InetAddress loopback = InetAddress.getByName(HOST);
            assertEquals(ResultCode.AUTHENTICATION_FAILED, logOn(server, ServerTestSupport.ADMIN, loopback),
                "an admin from an address outside the ranges");
            assertEquals(ResultCode.OK, logOn(server, ServerTestSupport.ADMIN, InetAddress.getByName("127.0.0.2")),
                "an admin from the admin addresses");
            assertEquals(ResultCode.OK, logOn(server, ServerTestSupport.TERMINAL, loopback), "a terminal anywhere");
        }
    }

    /**
     * Security review B7: by default admin logons come from the server's own machine only, {@code --admin-from any}
     * restores anywhere, and where client certificates are asked for an admin from another machine needs an
     * {@code admin:<id>} certificate. Fast: the decision, without a server (a test cannot connect from an address
     * that is not loopback); {@link #adminLogonsOnlyFromTheAdminAddresses} covers the refusal on the wire.
     */
    @Test
    void adminsAreLoopbackOnlyByDefaultAndNeedACertificateFromElsewhere()
    {
        final AddressRanges byDefault = new ServerConfig().gateway().adminAddresses();
        assertTrue(byDefault.contains("127.0.0.1"));
        assertTrue(byDefault.contains("127.3.4.5"));
        assertTrue(byDefault.contains("0:0:0:0:0:0:0:1"));
        assertFalse(byDefault.contains("10.0.0.1"));
        assertNull(SessionGate.adminLogonRefusal(byDefault, false, "127.0.0.1", 0));
        assertTrue(SessionGate.adminLogonRefusal(byDefault, false, "203.0.113.9", ADMIN_CERTIFICATE)
            .startsWith("203.0.113.9 is not in the admin addresses (127.0.0.0/8,::1; --admin-from"));

        final ServerConfig anywhere = new ServerConfig();
        ServerArguments.parse(new String[] {"--data", "/tmp/wodian-args-test", "--port", "0", "--admin-from", "any"},
            anywhere);
        assertNull(anywhere.gateway().adminAddresses(), "--admin-from any");
        assertNull(SessionGate.adminLogonRefusal(null, false, "203.0.113.9", 0), "anywhere, no certificates asked");
        assertTrue(SessionGate.adminLogonRefusal(null, true, "203.0.113.9", 0)
            .contains("presented no admin certificate"), "client certificates asked for: a remote admin needs one");
        assertNull(SessionGate.adminLogonRefusal(null, true, "203.0.113.9", ADMIN_CERTIFICATE));
        assertNull(SessionGate.adminLogonRefusal(null, true, "127.0.0.1", 0), "loopback needs none");
        assertNull(SessionGate.adminLogonRefusal(AddressRanges.parse("10.0.0.0/8"), true, "10.1.2.3",
            ADMIN_CERTIFICATE));
    }

    /**
     * A {@code loadtest} admin (its payments are not audited; docs/security.md, "Admin kinds") logs on only from the
     * server's own machine, whatever the admin addresses allow; the other kinds are not concerned.
     */
    @Test
    void aLoadTestAdminLogsOnOnlyFromLoopback()
    {
        assertNull(SessionGate.loadTestLogonRefusal(com.wodian.net.auth.AdminKind.LOADTEST, "127.0.0.1"));
        assertNull(SessionGate.loadTestLogonRefusal(com.wodian.net.auth.AdminKind.LOADTEST, "0:0:0:0:0:0:0:1"));
        assertTrue(SessionGate.loadTestLogonRefusal(com.wodian.net.auth.AdminKind.LOADTEST, "10.1.2.3")
            .contains("only from the server's own machine, not from 10.1.2.3"));
        assertNull(SessionGate.loadTestLogonRefusal(com.wodian.net.auth.AdminKind.ADMIN, "10.1.2.3"));
        assertNull(SessionGate.loadTestLogonRefusal(null, "10.1.2.3"), "a terminal or consumer");
    }

    @Test
    void rangesMatchByPrefix()
    {
        final AddressRanges ranges = AddressRanges.parse("10.1.0.0/16,192.168.7.9,::1,fd00::/8");
        assertTrue(ranges.contains("10.1.200.3"));
        assertFalse(ranges.contains("10.2.0.1"));
        assertTrue(ranges.contains("192.168.7.9"));
        assertFalse(ranges.contains("192.168.7.10"));
        assertTrue(ranges.contains("0:0:0:0:0:0:0:1"));
        assertTrue(ranges.contains("fd12:3456::1"));
        assertFalse(ranges.contains("fe80::1"));
        assertFalse(ranges.contains("not-an-address"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("example.com"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.0/x"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.256"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("1..2"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.1"));
    }

    private static ResultCode logOn(final WodianServer server, final Credentials credentials,
        final InetAddress source) throws Exception
    {
        try (Socket socket = new Socket(InetAddress.getByName(HOST), server.port(), source, 0))
        {
            socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
            return ServerTestSupport.logOn(socket, credentials);
        }
    }
}
