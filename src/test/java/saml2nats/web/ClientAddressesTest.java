package saml2nats.web;

import org.junit.jupiter.api.Test;
import saml2nats.config.AddressRange;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which address a request counts against: X-Forwarded-For only from a trusted proxy, read from the right. */
class ClientAddressesTest {
    final ClientAddresses behindProxies = new ClientAddresses(List.of(AddressRange.parse("10.0.0.0/8").orElseThrow(),
            AddressRange.parse("2001:db8::/32").orElseThrow()));

    @Test
    void aHeaderFromAnyoneElseIsIgnored() {
        assertEquals("203.0.113.9", behindProxies.of("203.0.113.9", "198.51.100.1"));
        assertEquals("203.0.113.9", new ClientAddresses(List.of()).of("203.0.113.9", "10.1.1.1"));
    }

    @Test
    void behindATrustedProxyTheLastAddressItDidNotWriteItselfCounts() {
        assertEquals("198.51.100.7", behindProxies.of("10.0.0.5", "198.51.100.7"));
        // the client wrote the first entry itself; our two proxies appended the rest
        assertEquals("198.51.100.7", behindProxies.of("10.0.0.5", "1.2.3.4, 198.51.100.7, 10.0.0.9"));
        assertEquals("2001:db9::1", behindProxies.of("2001:db8::5", "2001:db9::1"));
        assertEquals("10.0.0.5", behindProxies.of("10.0.0.5", "unknown"), "junk from the proxy: the proxy's own address");
        assertEquals("10.0.0.5", behindProxies.of("10.0.0.5", "10.0.0.7, 10.0.0.8"), "only our own proxies: started inside");
    }

    @Test
    void ipv6CountsPerSlash64() {
        assertEquals(AddressLimit.key("2001:db8::1"), AddressLimit.key("2001:db8:0:0:ffff::2"));
        assertTrue(!AddressLimit.key("2001:db8::1").equals(AddressLimit.key("2001:db8:0:1::1")));
        assertEquals("203.0.113.9", AddressLimit.key("203.0.113.9"));
    }

    @Test
    void rangesAreLiteralAddresses() {
        assertTrue(AddressRange.parse("127.0.0.1").orElseThrow().contains("127.0.0.1"));
        assertFalse(AddressRange.parse("127.0.0.1").orElseThrow().contains("127.0.0.2"));
        assertTrue(AddressRange.parse("192.168.4.0/22").orElseThrow().contains("192.168.7.255"));
        assertFalse(AddressRange.parse("192.168.4.0/22").orElseThrow().contains("192.168.8.0"));
        assertTrue(AddressRange.parse("::1").orElseThrow().contains("[0:0:0:0:0:0:0:1]"));
        assertTrue(AddressRange.parse("proxy.internal").isEmpty(), "a name would make trust depend on DNS");
        for (String name : List.of("cafe", "face.cafe", "dead.beef", "10", "10.0.0", "1.2.3.4.5")) {
            assertTrue(AddressRange.parse(name).isEmpty(), name + " is not an address literal");
            assertFalse(AddressRange.parse("0.0.0.0/0").orElseThrow().contains(name), name);
        }
        assertTrue(AddressRange.parse("10.0.0.0/33").isEmpty());
    }
}
