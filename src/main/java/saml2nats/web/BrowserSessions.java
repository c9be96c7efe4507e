package saml2nats.web;

import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.session.AccessToken;
import saml2nats.session.ExpiringCache;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The browser's side of a session: a cookie (its own random secret, not the NATS
 * token) that finds the session, a CSRF token for forms, and the access token held
 * just until the page has shown it once.
 */
final class BrowserSessions {
    static final String COOKIE = "s2n_session";

    /** What a browser cookie opens. */
    record Entry(String tokenHash, String csrf, AtomicReference<String> tokenToShow, java.time.Instant expires) { }

    private final Cache<String, Entry> byCookieHash;
    private final SessionStore sessions;
    private final SecureRandom random = new SecureRandom();

    BrowserSessions(SessionStore sessions, Clock clock, long max) {
        this.sessions = sessions;
        this.byCookieHash = ExpiringCache.create(max, clock, Entry::expires);
    }

    /** A fresh cookie value for a new session (never reused across sign-ins). */
    String open(SessionStore.Created created) {
        String cookie = secret();
        byCookieHash.put(AccessToken.hash(cookie), new Entry(AccessToken.hash(created.token()), secret(),
                new AtomicReference<>(created.token()), created.session().expires()));
        return cookie;
    }

    /** The live session behind a cookie, with its entry. */
    Optional<Signed> find(String cookie) {
        if (cookie == null || cookie.isEmpty()) {
            return Optional.empty();
        }
        Entry e = byCookieHash.getIfPresent(AccessToken.hash(cookie));
        if (e == null) {
            return Optional.empty();
        }
        return sessions.findByTokenHash(e.tokenHash()).map(s -> new Signed(s, e));
    }

    /** A signed-in browser: the session and its entry. */
    record Signed(Session session, Entry entry) {
        /** The access token the first time it is asked for, then empty. */
        Optional<String> takeToken() {
            return Optional.ofNullable(entry.tokenToShow().getAndSet(null));
        }
    }

    void close(String cookie) {
        byCookieHash.invalidate(AccessToken.hash(cookie));
    }

    private String secret() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
