package saml2nats.saml;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The embedded ledger: pending AuthnRequest IDs and seen Assertion IDs in Caffeine,
 * each expiring at its own bound, so neither grows without limit.
 */
public final class CaffeineRequestLedger implements RequestLedger {
    private final Cache<String, Instant> pending;
    private final Cache<String, Instant> seen;
    private final Clock clock;

    public CaffeineRequestLedger(long maxEntries, Clock clock) {
        this.clock = clock;
        this.pending = cache(maxEntries, clock);
        this.seen = cache(maxEntries, clock);
    }

    private static Cache<String, Instant> cache(long max, Clock clock) {
        return Caffeine.newBuilder().maximumSize(max)
                .ticker(() -> clock.instant().toEpochMilli() * 1_000_000L)
                .expireAfter(new Expiry<String, Instant>() {
                    @Override
                    public long expireAfterCreate(String k, Instant until, long t) {
                        return Math.max(0, Duration.between(clock.instant(), until).toNanos());
                    }

                    @Override
                    public long expireAfterUpdate(String k, Instant until, long t, long d) {
                        return expireAfterCreate(k, until, t);
                    }

                    @Override
                    public long expireAfterRead(String k, Instant until, long t, long d) {
                        return d;
                    }
                }).build();
    }

    /** Remembers an AuthnRequest we sent, answerable until {@code until}. */
    public void sent(String idp, String requestId, Instant until) {
        pending.put(idp + "\n" + requestId, until);
    }

    @Override
    public boolean isPending(String idp, String requestId) {
        Instant until = pending.getIfPresent(idp + "\n" + requestId);
        return until != null && clock.instant().isBefore(until);
    }

    @Override
    public boolean wasSeen(String idp, String assertionId) {
        return seen.getIfPresent(idp + "\n" + assertionId) != null;
    }

    @Override
    public boolean commit(String idp, String requestId, String assertionId, Instant keepUntil) {
        if (seen.asMap().putIfAbsent(idp + "\n" + assertionId, keepUntil) != null) {
            return false;
        }
        if (requestId != null && !requestId.isEmpty()) {
            pending.invalidate(idp + "\n" + requestId);
        }
        return true;
    }
}
