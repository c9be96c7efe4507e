package saml2nats.saml;

import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.session.ExpiringCache;

import java.time.Clock;
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
        this.pending = ExpiringCache.create(maxEntries, clock, until -> until);
        this.seen = ExpiringCache.create(maxEntries, clock, until -> until);
    }

    @Override
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
