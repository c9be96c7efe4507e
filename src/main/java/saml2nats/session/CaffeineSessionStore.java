package saml2nats.session;

import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.store.ExpiringCache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The embedded store: one process, in memory, bounded in size, each entry expiring
 * at its session's own end. Time comes from the injected clock so tests control it.
 */
public final class CaffeineSessionStore implements SessionStore {
    private final Cache<String, Session> sessions;
    private final Clock clock;
    private final AccessToken tokens;
    private final List<Consumer<Ended>> endListeners = new CopyOnWriteArrayList<>();
    private final PastSessions past;

    public CaffeineSessionStore(long maxSessions, Clock clock, AccessToken tokens) {
        this(maxSessions, clock, tokens, PastSessions.inMemory(maxSessions, clock));
    }

    CaffeineSessionStore(long maxSessions, Clock clock, AccessToken tokens, PastSessions past) {
        this.past = past;
        endListeners.add(e -> past.ended(e.session(), e.why(), clock.instant()));
        if (maxSessions < 1) {
            throw new IllegalArgumentException("sessions.max must be at least 1, was " + maxSessions);
        }
        this.clock = clock;
        this.tokens = tokens;
        this.sessions = ExpiringCache.create(maxSessions, clock, Session::expires);
    }

    @Override
    public Created create(Identity identity, Duration length, Session.Origin origin) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a session must last longer than zero, was " + length);
        }
        Instant now = clock.instant();
        Session session = new Session(UUID.randomUUID().toString(), identity, now, now.plus(length), origin);
        String token = tokens.mint();
        sessions.put(AccessToken.hash(token), session);
        past.opened(AccessToken.hash(token), session);
        return new Created(token, session);
    }

    @Override
    public Optional<Session> findByTokenHash(String tokenHash) {
        Session session = sessions.getIfPresent(tokenHash);
        return session != null && session.isLiveAt(clock.instant()) ? Optional.of(session) : Optional.empty();
    }

    @Override
    public boolean end(String tokenHash, Ending why) {
        Session ended = sessions.asMap().remove(tokenHash);
        if (ended != null) {
            announce(ended, why);
        }
        return ended != null;
    }

    @Override
    public Optional<PastSession> past(String tokenHash) {
        return past.of(tokenHash);
    }

    @Override
    public void onEnd(Consumer<Ended> listener) {
        endListeners.add(listener);
    }

    private void announce(Session ended, Ending why) {
        for (var listener : endListeners) {
            listener.accept(new Ended(ended, why));
        }
    }

    /** A scan: ending a person's sessions is rare, and the hot path (find by token hash) stays one lookup. */
    @Override
    public int endWhere(Predicate<Session> which, Ending why) {
        List<Session> ended = new ArrayList<>();
        sessions.asMap().entrySet().removeIf(e -> {
            boolean match = which.test(e.getValue());
            if (match) {
                ended.add(e.getValue());
            }
            return match;
        });
        ended.forEach(s -> announce(s, why));
        return ended.size();
    }

    @Override
    public List<Regrouped> regroup(Predicate<Identity> whose, List<String> groups) {
        List<Regrouped> changed = new ArrayList<>();
        sessions.asMap().replaceAll((k, s) -> {
            if (!whose.test(s.identity()) || s.identity().groups().equals(groups)) {
                return s;
            }
            Session now = new Session(s.id(), s.identity().withGroups(groups), s.created(), s.expires(), s.origin(), s.userKey());
            changed.add(new Regrouped(s, now));
            return now;
        });
        return changed;
    }

    @Override
    public Binding bind(String tokenHash, String userKey) {
        Binding[] out = {Binding.NO_SESSION};
        sessions.asMap().computeIfPresent(tokenHash, (k, s) -> {
            if (!s.isLiveAt(clock.instant())) {
                return s;
            }
            if (s.isKeyBound()) {
                out[0] = s.userKey().equals(userKey) ? Binding.BOUND : Binding.OTHER_KEY;
                return s;
            }
            out[0] = Binding.BOUND;
            return s.boundTo(userKey);
        });
        return out[0];
    }

    @Override
    public List<Session> live() {
        Instant now = clock.instant();
        return sessions.asMap().values().stream().filter(s -> s.isLiveAt(now)).toList();
    }

    @Override
    public long liveCount() {
        sessions.cleanUp();
        return sessions.estimatedSize();
    }
}
