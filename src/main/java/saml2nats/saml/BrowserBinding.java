package saml2nats.saml;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The browser a sign-in was started in, as the hash of the random secret its pre-auth
 * cookie holds. Each AuthnRequest is remembered with the hash of the browser that started
 * it, and a Response is accepted only from that browser. Without this an attacker starts
 * a sign-in, lets the IdP answer it as themself, and auto-posts that unused answer from
 * the victim's browser, which is then signed in as the attacker (login CSRF). The secret
 * is random (nothing about a request can be guessed from it) and one per browser, so a
 * person's several tabs share it and none pushes another out.
 */
public record BrowserBinding(String hash) {
    /** No pre-auth cookie: matches no request. */
    public static final BrowserBinding NONE = new BrowserBinding("");
    private static final int SECRET_CHARS = 43; // 32 random bytes, base64url

    public BrowserBinding {
        hash = hash == null ? "" : hash;
    }

    /** The binding of a cookie's secret; anything that is not one of ours binds nothing. */
    public static BrowserBinding ofSecret(String secret) {
        if (!isSecret(secret)) {
            return NONE;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("saml2nats sign-in browser\n" + secret)
                    .getBytes(StandardCharsets.US_ASCII));
            return new BrowserBinding(HexFormat.of().formatHex(d));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A value of the shape {@link #newSecret} makes. */
    public static boolean isSecret(String s) {
        return s != null && s.length() == SECRET_CHARS && s.chars().allMatch(c ->
                c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_');
    }

    public static String newSecret(java.security.SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Whether this is the browser a request was stored with ({@code stored}: the hash kept beside it). */
    boolean matches(String stored) {
        return !hash.isEmpty() && MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                (stored == null ? "" : stored).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return hash.isEmpty() ? "BrowserBinding[none]" : "BrowserBinding[" + hash.substring(0, 8) + "...]";
    }
}
