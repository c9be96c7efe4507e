package saml2nats.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The opaque bearer secret a NATS client presents: {@code s2n_} + 32 random bytes,
 * URL-safe base64. Only {@link #hash(String)} of it is ever stored, so a copy of the
 * session store cannot be replayed as credentials.
 */
public final class AccessToken {
    public static final String PREFIX = "s2n_";
    private static final int RANDOM_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public AccessToken(SecureRandom random) {
        this.random = random;
    }

    public String mint() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return PREFIX + ENCODER.encodeToString(bytes);
    }

    /** True when the text has the shape of one of our tokens; says nothing of whether it is live. */
    public static boolean looksLikeToken(String text) {
        return text != null && text.startsWith(PREFIX) && text.length() == PREFIX.length() + 43;
    }

    /** Hex SHA-256 of the token: the only form in which a token is stored or compared. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
