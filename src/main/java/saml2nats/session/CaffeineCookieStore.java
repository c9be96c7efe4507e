package saml2nats.session;

import com.github.benmanes.caffeine.cache.Cache;

import java.time.Clock;
import java.util.Optional;

/** Browser sign-ins in this process's memory, each gone at its session's end. */
public final class CaffeineCookieStore implements CookieStore {
    private final Cache<String, Entry> entries;

    public CaffeineCookieStore(long max, Clock clock) {
        this.entries = ExpiringCache.create(max, clock, Entry::expires);
    }

    @Override
    public void put(String cookieHash, Entry entry) {
        entries.put(cookieHash, entry);
    }

    @Override
    public Optional<Entry> get(String cookieHash) {
        return Optional.ofNullable(entries.getIfPresent(cookieHash));
    }

    @Override
    public Optional<byte[]> takeSealedToken(String cookieHash) {
        byte[][] taken = new byte[1][];
        entries.asMap().computeIfPresent(cookieHash, (k, e) -> {
            if (e.sealedToken().length == 0) {
                return e;
            }
            taken[0] = e.sealedToken();
            return new Entry(e.tokenHash(), e.csrf(), new byte[0], e.expires());
        });
        return Optional.ofNullable(taken[0]);
    }

    @Override
    public void remove(String cookieHash) {
        entries.invalidate(cookieHash);
    }
}
