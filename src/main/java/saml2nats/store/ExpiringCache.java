package saml2nats.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * A bounded Caffeine cache whose every entry expires at its own instant (a session's
 * end, an assertion's bound), read from the value, on the injected clock so tests
 * move time by hand. Reads and updates do not extend it.
 */
public final class ExpiringCache {
    private ExpiringCache() { }

    public static <V> Cache<String, V> create(long maxEntries, Clock clock, Function<V, Instant> expiresAt) {
        return Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> clock.instant().toEpochMilli() * 1_000_000L)
                .expireAfter(new Expiry<String, V>() {
                    @Override
                    public long expireAfterCreate(String key, V value, long now) {
                        return Math.max(0, Duration.between(clock.instant(), expiresAt.apply(value)).toNanos());
                    }

                    @Override
                    public long expireAfterUpdate(String key, V value, long now, long current) {
                        return expireAfterCreate(key, value, now);
                    }

                    @Override
                    public long expireAfterRead(String key, V value, long now, long current) {
                        return current;
                    }
                })
                .build();
    }
}
