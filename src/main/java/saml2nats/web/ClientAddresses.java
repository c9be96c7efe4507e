package saml2nats.web;

import saml2nats.config.AddressRange;

import java.util.List;

/**
 * Which address a request came from, for the per-address limits. The socket's peer,
 * unless that peer is one of {@code trusted_proxies}: then the last address in
 * {@code X-Forwarded-For} that is not itself a trusted proxy (what the outermost proxy
 * of ours saw). Everything left of it may have been written by the client, so it is
 * never read; a header from an untrusted peer is ignored altogether.
 */
record ClientAddresses(List<AddressRange> trustedProxies) {
    static final String FORWARDED_FOR = "X-Forwarded-For";

    ClientAddresses {
        trustedProxies = List.copyOf(trustedProxies);
    }

    String of(String peer, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank() || !trusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!trusted(hop)) {
                // a proxy of ours wrote this one; "unknown" or junk there says nothing usable
                return AddressRange.parse(hop).isPresent() && !hop.contains("/") ? hop : peer;
            }
        }
        return peer; // every hop is a proxy of ours: the request started inside
    }

    private boolean trusted(String address) {
        return trustedProxies.stream().anyMatch(r -> r.contains(address));
    }
}
