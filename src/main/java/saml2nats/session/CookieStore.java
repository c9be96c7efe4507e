package saml2nats.session;

import java.time.Instant;
import java.util.Optional;

/**
 * Browser sign-ins by the SHA-256 of their cookie: which session the cookie opens, the
 * CSRF secret of its forms, and the access token sealed under the cookie until the page
 * has shown it once. Embedded ({@link CaffeineCookieStore}) or shared by replicas
 * ({@link KvCookieStore}): the sign-in may land on one replica and the page on another.
 */
public interface CookieStore {

    /** @param sealedToken the token encrypted under a key only the cookie gives; empty once shown */
    record Entry(String tokenHash, String csrf, byte[] sealedToken, Instant expires) { }

    void put(String cookieHash, Entry entry);

    Optional<Entry> get(String cookieHash);

    /** The sealed token, once: the caller that clears it gets it; everyone after gets empty. */
    Optional<byte[]> takeSealedToken(String cookieHash);

    void remove(String cookieHash);
}
