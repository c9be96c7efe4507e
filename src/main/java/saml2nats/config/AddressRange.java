package saml2nats.config;

import com.google.common.net.InetAddresses;

import java.util.Optional;

/**
 * An IP address or a CIDR range ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), as
 * {@code trusted_proxies} lists them. Only literal addresses: a host name would make the
 * check depend on DNS.
 */
public record AddressRange(String text, byte[] network, int prefix) {

    /** The bytes are copied in and out: an array in a record would otherwise be shared and writable. */
    public AddressRange {
        network = network.clone();
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /** Empty when the text is not an address or a range. */
    public static Optional<AddressRange> parse(String text) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        Optional<byte[]> address = literal(slash < 0 ? t : t.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = address.get();
        try {
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                return Optional.empty();
            }
            return Optional.of(new AddressRange(t, bytes, prefix));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The bytes of a literal IPv4 or IPv6 address ({@code [::1]} as servlets give it too); empty for
     * anything else, names included: {@code cafe} is a host name, not an address, and is never looked up.
     */
    public static Optional<byte[]> literal(String text) {
        String ip = text == null ? "" : text.trim().replaceAll("^\\[|]$", "");
        return InetAddresses.isInetAddress(ip) ? Optional.of(InetAddresses.forString(ip).getAddress()) : Optional.empty();
    }

    /** Whether the literal address {@code address} lies in this range; anything that is not a literal does not. */
    public boolean contains(String address) {
        byte[] a = literal(address).orElse(null);
        if (a == null || a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        return rest == 0 || ((a[full] ^ network[full]) & (0xff << (8 - rest)) & 0xff) == 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
