package saml2nats.callout;

import io.nats.client.NKey;
import io.nats.client.support.Encoding;
import io.nats.client.support.JsonSerializable;
import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * NATS JWTs: three base64url parts, an {@code ed25519-nkey} header, and an Ed25519
 * signature over {@code header.payload} by the public nkey in {@code iss}. No Java
 * library verifies these, so this does; it also writes them, in exactly the form
 * {@code JwtUtils.issueJWT} does, but with a key prepared once (see {@link SigningKey}).
 */
final class NatsJwt {
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private NatsJwt() { }

    private static final String HEADER = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"typ\":\"JWT\", \"alg\":\"ed25519-nkey\"}".getBytes(StandardCharsets.UTF_8));

    /**
     * A signed JWT. {@code jti} is the base32 SHA-256 of the claims with it empty, as the nats
     * JWT libraries make it.
     *
     * @param audience  null for none
     * @param name      null for none
     * @param expires   epoch seconds, or 0 for none
     * @param nats      the {@code nats} claim, written as it writes itself
     */
    static String issue(SigningKey key, String subject, String name, long issuedAt, long expires, String audience,
                        JsonSerializable nats) {
        String withoutId = claims(key.publicKey(), subject, name, issuedAt, expires, audience, "", nats);
        String jti;
        try {
            jti = new String(Encoding.base32Encode(MessageDigest.getInstance("SHA-256")
                    .digest(withoutId.getBytes(StandardCharsets.ISO_8859_1))));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(key.publicKey(), subject, name, issuedAt, expires, audience, jti, nats).getBytes(StandardCharsets.UTF_8));
        String signed = HEADER + "." + body;
        return signed + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(key.sign(signed.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code claims} signed by {@code key} as their issuer: {@code iss} set to the key, {@code jti} made
     * afresh (the SHA-256 of the claims with it empty), everything else as given. For editing a JWT
     * someone else wrote (an account JWT's revocations), keeping every field the service does not know.
     */
    static String sign(SigningKey key, JsonBuilder claims) {
        claims.text("iss", key.publicKey()).text("jti", "");
        String jti;
        try {
            jti = new String(Encoding.base32Encode(MessageDigest.getInstance("SHA-256")
                    .digest(claims.toJson().getBytes(StandardCharsets.UTF_8))));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims.text("jti", jti).toJson().getBytes(StandardCharsets.UTF_8));
        String signed = HEADER + "." + body;
        return signed + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(key.sign(signed.getBytes(StandardCharsets.UTF_8)));
    }

    /** A JWT's claims, unverified: for a JWT the servers handed us over the system account. */
    static JsonObject claimsOf(String jwt) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWT (expected three dot-separated parts)");
        }
        try {
            return JsonObject.parse(B64.decode(parts[1]));
        } catch (IllegalArgumentException | JsonException e) {
            throw new IllegalArgumentException("a JWT whose claims are not base64url JSON", e);
        }
    }

    private static String claims(String issuer, String subject, String name, long issuedAt, long expires,
                                 String audience, String jti, JsonSerializable nats) {
        JsonBuilder claims = JsonBuilder.object()
                .textIfAny("aud", audience)
                .text("jti", jti)
                .number("iat", issuedAt)
                .textIfAny("iss", issuer)
                .textIfAny("name", name)
                .textIfAny("sub", subject);
        if (expires > 0) {
            claims.number("exp", expires);
        }
        return claims.raw("nats", nats.toJson()).toJson();
    }

    /** The verified claims; the caller still decides whether the issuer is one it trusts. */
    static JsonObject verify(String jwt, ServerKeys servers) throws CalloutException {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "not a JWT (expected three dot-separated parts)");
        }
        JsonObject header = json(parts[0], "header");
        String alg = header.text("alg").orElse(null);
        if (!"ed25519-nkey".equals(alg) && !"ed25519".equals(alg)) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "JWT algorithm '" + alg + "' is not ed25519-nkey");
        }
        JsonObject claims = json(parts[1], "claims");
        String issuer = claims.text("iss").orElse(null);
        if (!isPublicKey(issuer, NKey.Type.SERVER)) {
            throw new CalloutException(CalloutError.UNTRUSTED_SERVER, "request not issued by a server nkey");
        }
        byte[] signature;
        try {
            signature = B64.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "JWT signature is not base64url");
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!servers.verifies(issuer, signed, signature)) {
            throw new CalloutException(CalloutError.BAD_SIGNATURE, "request signature does not verify with its issuer " + issuer);
        }
        return claims;
    }

    /** jnats's {@code isValidPublic*Key} throws on malformed text; a garbled request must get a refusal, not an exception. */
    static boolean isPublicKey(String text, NKey.Type type) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        try {
            return NKey.fromPublicKey(text.toCharArray()).getType() == type;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static JsonObject json(String part, String what) throws CalloutException {
        try {
            return JsonObject.parse(B64.decode(part));
        } catch (IllegalArgumentException e) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "JWT " + what + " is not base64url JSON");
        } catch (JsonException e) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "JWT " + what
                    + (e.problem() == JsonException.Problem.NOT_AN_OBJECT ? " is not a JSON object" : " is not base64url JSON"));
        }
    }
}
