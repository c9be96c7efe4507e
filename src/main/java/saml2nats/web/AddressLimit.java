package saml2nats.web;

import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.store.ExpiringCache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * At most {@code max} of something per client address per {@code window}, counted from
 * the address's first use in the window. For steps anyone may take without signing in
 * (starting a sign-in, starting a device sign-in): each leaves state behind for minutes,
 * so one address must not be able to fill the store. IPv6 addresses count per /64: one
 * household or server usually holds a whole /64, and could otherwise take a fresh address for
 * every request. Bounded: at most {@code maxAddresses} are remembered, so a flood of addresses
 * churns the counts but not the memory. Counts are per replica.
 */
final class AddressLimit {
    private record Count(int n, Instant until) { }

    private final int max;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Count> counts;

    AddressLimit(int max, Duration window, long maxAddresses, Clock clock) {
        if (max < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a limit needs max >= 1 and a window > 0");
        }
        this.max = max;
        this.window = window;
        this.clock = clock;
        this.counts = ExpiringCache.create(maxAddresses, clock, Count::until);
    }

    /** Counts one more for the address; false once it is over the limit (and the step must be refused). */
    boolean allow(String address) {
        Instant now = clock.instant();
        Count c = counts.asMap().merge(key(address), new Count(1, now.plus(window)),
                (old, one) -> now.isBefore(old.until()) ? new Count(old.n() + 1, old.until()) : one);
        return c.n() <= max;
    }

    /** An IPv4 address as it is; an IPv6 address by its /64. */
    static String key(String address) {
        byte[] a = saml2nats.config.AddressRange.literal(address).orElse(null);
        if (a == null || a.length != 16) {
            return address;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            b.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff))).append(':');
        }
        return b.append(":/64").toString();
    }

    int max() {
        return max;
    }

    Duration window() {
        return window;
    }
}
