package saml2nats.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * PKCE's S256 (RFC 7636) as the CLI hand-off uses it: the CLI keeps a random verifier
 * and shows the service only its challenge; whoever redeems the code must show the
 * verifier. Shared by the service ({@code web}) and the CLI ({@code cli}).
 */
public final class Verifier {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Verifier() { }

    /** 32 random bytes, URL-safe base64 (43 characters, within RFC 7636's 43..128). */
    public static String mint(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** BASE64URL(SHA-256(verifier)). */
    public static String challenge(String verifier) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
