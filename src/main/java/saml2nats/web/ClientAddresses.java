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
final class ClientAddresses {
    static final String FORWARDED_FOR = "X-Forwarded-For";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClientAddresses.class);
    private static final int MOST_WARNED = 64;

    private final List<AddressRange> trustedProxies;
    /** Peers already warned about (a header from outside trusted_proxies), so the log says it once each. */
    private final java.util.Set<String> warnedPeers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ClientAddresses(List<AddressRange> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** The request's client address; every X-Forwarded-For line counts (some proxies add a line of their own). */
    String of(io.javalin.http.Context ctx) {
        List<String> lines = java.util.Collections.list(ctx.req().getHeaders(FORWARDED_FOR));
        String address = of(ctx.ip(), String.join(",", lines));
        if (!lines.isEmpty() && address.equals(ctx.ip()) && !trusted(ctx.ip()) && warnedPeers.size() < MOST_WARNED
                && warnedPeers.add(ctx.ip())) {
            log.warn("requests from {} carry X-Forwarded-For, but {} is not in trusted_proxies: every client behind it "
                    + "shares that one address's limits. List the proxy in trusted_proxies.", ctx.ip(), ctx.ip());
        }
        return address;
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
                return AddressRange.literal(hop).isPresent() ? hop : peer;
            }
        }
        return peer; // every hop is a proxy of ours: the request started inside
    }

    private boolean trusted(String address) {
        return trustedProxies.stream().anyMatch(r -> r.contains(address));
    }
}
