package saml2nats.session;

import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.store.ExpiringCache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The embedded store: one process, in memory, bounded in size, each entry expiring
 * at its session's own end. Time comes from the injected clock so tests control it.
 */
public final class CaffeineSessionStore implements SessionStore {
    private final Cache<String, Session> sessions;
    private final Clock clock;
    private final AccessToken tokens;
    private final java.util.List<java.util.function.Consumer<Session>> endListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public CaffeineSessionStore(long maxSessions, Clock clock, AccessToken tokens) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("sessions.max must be at least 1, was " + maxSessions);
        }
        this.clock = clock;
        this.tokens = tokens;
        this.sessions = ExpiringCache.create(maxSessions, clock, Session::expires);
    }

    @Override
    public Created create(Identity identity, Duration length) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a session must last longer than zero, was " + length);
        }
        Instant now = clock.instant();
        Session session = new Session(UUID.randomUUID().toString(), identity, now, now.plus(length));
        String token = tokens.mint();
        sessions.put(AccessToken.hash(token), session);
        return new Created(token, session);
    }

    @Override
    public Optional<Session> findByTokenHash(String tokenHash) {
        Session session = sessions.getIfPresent(tokenHash);
        return session != null && session.isLiveAt(clock.instant()) ? Optional.of(session) : Optional.empty();
    }

    @Override
    public boolean end(String tokenHash) {
        Session ended = sessions.asMap().remove(tokenHash);
        if (ended != null) {
            announce(ended);
        }
        return ended != null;
    }

    @Override
    public void onEnd(java.util.function.Consumer<Session> listener) {
        endListeners.add(listener);
    }

    private void announce(Session ended) {
        for (var listener : endListeners) {
            listener.accept(ended);
        }
    }

    /** A scan: single logout is rare, and the hot path (find by token hash) stays one lookup. */
    @Override
    public int endAll(String idp, String subject) {
        java.util.List<Session> ended = new java.util.ArrayList<>();
        sessions.asMap().entrySet().removeIf(e -> {
            boolean match = e.getValue().identity().idp().equals(idp) && e.getValue().identity().subject().equals(subject);
            if (match) {
                ended.add(e.getValue());
            }
            return match;
        });
        ended.forEach(this::announce);
        return ended.size();
    }

    @Override
    public long liveCount() {
        sessions.cleanUp();
        return sessions.estimatedSize();
    }
}
