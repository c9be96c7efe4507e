package saml2nats.web;

import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.session.ExpiringCache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * At most {@code max} of something per client address per {@code window}, counted from
 * the address's first use in the window. For steps anyone may take without signing in
 * (starting a sign-in, starting a device sign-in): each leaves state behind for minutes,
 * so one address must not be able to fill the store. Bounded: at most {@code maxAddresses}
 * are remembered, so a flood of addresses churns the counts but not the memory. Counts are
 * per replica.
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
        Count c = counts.asMap().merge(address, new Count(1, now.plus(window)),
                (old, one) -> now.isBefore(old.until()) ? new Count(old.n() + 1, old.until()) : one);
        return c.n() <= max;
    }

    int max() {
        return max;
    }

    Duration window() {
        return window;
    }
}
