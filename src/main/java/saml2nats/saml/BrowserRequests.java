package saml2nats.saml;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The AuthnRequests one browser started, as its short-lived pre-auth cookie lists them.
 * A Response is accepted only for a request of the browser that posts it: without this
 * an attacker starts a sign-in, lets the IdP answer it as themself, and auto-posts that
 * unused answer from the victim's browser, which is then signed in as the attacker
 * (login CSRF). The cookie holds a hash of each IdP and request ID, never the IDs, and
 * at most {@link #MOST} of them (a person may start sign-ins in a few tabs).
 */
public record BrowserRequests(List<String> hashes) {
    public static final int MOST = 4;
    public static final BrowserRequests NONE = new BrowserRequests(List.of());
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public BrowserRequests {
        hashes = List.copyOf(hashes);
    }

    /** From the cookie's value; anything that is not a list of hashes reads as none. */
    public static BrowserRequests parse(String cookie) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > MOST * 23) {
            return NONE;
        }
        List<String> out = Arrays.stream(cookie.split("\\.")).filter(h -> h.matches("[A-Za-z0-9_-]{22}")).limit(MOST).toList();
        return new BrowserRequests(out);
    }

    /** This browser also started {@code requestId} at {@code idp}; the oldest falls out past {@link #MOST}. */
    public BrowserRequests with(String idp, String requestId) {
        List<String> next = new ArrayList<>();
        next.add(hash(idp, requestId));
        hashes.stream().filter(h -> !next.contains(h)).limit(MOST - 1).forEach(next::add);
        return new BrowserRequests(next);
    }

    public BrowserRequests without(String idp, String requestId) {
        String h = hash(idp, requestId);
        return new BrowserRequests(hashes.stream().filter(x -> !x.equals(h)).toList());
    }

    public boolean started(String idp, String requestId) {
        return requestId != null && hashes.contains(hash(idp, requestId));
    }

    public String cookieValue() {
        return String.join(".", hashes);
    }

    /** 128 bits of SHA-256: enough to tell a browser's own few requests from anyone else's. */
    static String hash(String idp, String requestId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((idp + "\n" + requestId).getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(Arrays.copyOf(d, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
