package saml2nats.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IP address or a CIDR range ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), as
 * {@code trusted_proxies} lists them. Only literal addresses: a host name would make the
 * check depend on DNS.
 */
public record AddressRange(String text, byte[] network, int prefix) {

    /** Empty when the text is not an address or a range. */
    public static Optional<AddressRange> parse(String text) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        if (address.isEmpty() || !address.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty(); // not a literal: InetAddress would look the name up
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                return Optional.empty();
            }
            return Optional.of(new AddressRange(t, bytes, prefix));
        } catch (UnknownHostException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the literal address {@code ip} lies in this range; anything unparsable does not. */
    public boolean contains(String address) {
        String ip = address == null ? "" : address.trim().replaceAll("^\\[|]$", ""); // [::1] as servlets give it
        if (ip.isEmpty() || !ip.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        byte[] a;
        try {
            a = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        if (a.length != network.length) {
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
