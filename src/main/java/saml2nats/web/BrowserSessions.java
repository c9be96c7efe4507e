package saml2nats.web;

import saml2nats.session.AccessToken;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The browser's side of a session: a cookie (its own random secret, not the NATS
 * token) that finds the session, a CSRF token for forms, and the access token held
 * just until the page has shown it once. The held token is sealed (AES-GCM) under a
 * key derived from the cookie, so the store, shared by replicas or not, never holds
 * a usable token; it keys entries by the cookie's hash.
 */
final class BrowserSessions {
    static final String COOKIE = "s2n_session";

    /** What a browser cookie opens. */
    record Entry(String tokenHash, String csrf) { }

    /** A signed-in browser: the session, its entry, and the cookie that found them. */
    record Signed(Session session, Entry entry, String cookie) {
        @Override
        public String toString() {
            return "Signed[session=" + session.id() + "]";
        }
    }

    private final CookieStore store;
    private final SessionStore sessions;
    private final SecureRandom random = new SecureRandom();

    BrowserSessions(SessionStore sessions, CookieStore store) {
        this.sessions = sessions;
        this.store = store;
    }

    /** A fresh cookie value for a new session (never reused across sign-ins). */
    String open(SessionStore.Created created) {
        String cookie = secret();
        store.put(AccessToken.hash(cookie), new CookieStore.Entry(AccessToken.hash(created.token()), secret(),
                seal(cookie, created.token()), created.session().expires()));
        return cookie;
    }

    /** The live session behind a cookie, with its entry. */
    Optional<Signed> find(String cookie) {
        if (cookie == null || cookie.isEmpty()) {
            return Optional.empty();
        }
        return store.get(AccessToken.hash(cookie)).flatMap(e -> sessions.findByTokenHash(e.tokenHash())
                .map(s -> new Signed(s, new Entry(e.tokenHash(), e.csrf()), cookie)));
    }

    /** The access token the first time any replica asks for it, then empty. */
    Optional<String> takeToken(Signed signed) {
        return store.takeSealedToken(AccessToken.hash(signed.cookie())).flatMap(sealed -> open(signed.cookie(), sealed));
    }

    void close(String cookie) {
        store.remove(AccessToken.hash(cookie));
    }

    private byte[] seal(String cookie, String token) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key(cookie), new GCMParameterSpec(128, iv));
            byte[] body = c.doFinal(token.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(iv, iv.length + body.length);
            System.arraycopy(body, 0, out, iv.length, body.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-GCM", e);
        }
    }

    private static Optional<String> open(String cookie, byte[] sealed) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key(cookie), new GCMParameterSpec(128, sealed, 0, 12));
            return Optional.of(new String(c.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty(); // not sealed under this cookie: show nothing
        }
    }

    /** A key only the cookie gives; the store keys entries by a different hash of it. */
    private static SecretKeySpec key(String cookie) throws GeneralSecurityException {
        byte[] k = MessageDigest.getInstance("SHA-256")
                .digest(("saml2nats token seal\n" + cookie).getBytes(StandardCharsets.UTF_8));
        return new SecretKeySpec(k, "AES");
    }

    private String secret() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
