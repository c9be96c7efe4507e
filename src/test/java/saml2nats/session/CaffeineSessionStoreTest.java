package saml2nats.session;

import saml2nats.testing.Endings;
import org.junit.jupiter.api.Test;
import saml2nats.testing.MutableClock;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static saml2nats.testing.People.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaffeineSessionStoreTest {

    @Test
    void tokensHaveTheDocumentedShapeAndAreUnique() {
        AccessToken tokens = new AccessToken(new SecureRandom());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String t = tokens.mint();
            assertTrue(t.matches("s2n_[A-Za-z0-9_-]{43}"), t);
            assertTrue(AccessToken.looksLikeToken(t));
            assertTrue(seen.add(t));
        }
        assertEquals(64, AccessToken.hash("s2n_x").length());
    }

    @Test
    void sessionsEndAtTheirOwnExpiry() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        CaffeineSessionStore store = new CaffeineSessionStore(100, clock, new AccessToken(new SecureRandom()));
        SessionStore.Created shortOne = store.create(ALICE, Duration.ofMinutes(5));
        SessionStore.Created longOne = store.create(ALICE, Duration.ofHours(8));
        assertTrue(store.findByToken(shortOne.token()).isPresent());
        assertEquals(2, store.liveCount());

        clock.advance(Duration.ofMinutes(5));
        assertTrue(store.findByToken(shortOne.token()).isEmpty(), "gone exactly at its end");
        assertTrue(store.findByToken(longOne.token()).isPresent());
        assertEquals(1, store.liveCount());
    }

    @Test
    void onlyTheHashIsAKey() {
        CaffeineSessionStore store = new CaffeineSessionStore(100, new MutableClock(Instant.now()), new AccessToken(new SecureRandom()));
        SessionStore.Created c = store.create(ALICE, Duration.ofHours(1));
        assertTrue(store.findByTokenHash(c.token()).isEmpty(), "the token itself is not a key");
        assertTrue(store.findByTokenHash(AccessToken.hash(c.token())).isPresent());
        assertFalse(c.toString().contains(c.token()), "toString never prints the token");
        assertTrue(store.end(AccessToken.hash(c.token()), Endings.SIGN_OUT));
        assertTrue(store.findByToken(c.token()).isEmpty());
        assertFalse(store.end(AccessToken.hash(c.token()), Endings.SIGN_OUT));
    }

    @Test
    void boundedInSize() {
        CaffeineSessionStore store = new CaffeineSessionStore(10, new MutableClock(Instant.now()), new AccessToken(new SecureRandom()));
        for (int i = 0; i < 100; i++) {
            store.create(ALICE, Duration.ofHours(1));
        }
        assertTrue(store.liveCount() <= 10, "size " + store.liveCount());
    }
}
