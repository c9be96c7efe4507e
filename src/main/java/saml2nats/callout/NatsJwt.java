package saml2nats.callout;

import io.nats.client.NKey;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reading a NATS JWT: three base64url parts, an {@code ed25519-nkey} header, and an
 * Ed25519 signature over {@code header.payload} by the public nkey in {@code iss}.
 * No Java library verifies these, so this does, and nothing else.
 */
final class NatsJwt {
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private NatsJwt() { }

    /** The verified claims; the caller still decides whether the issuer is one it trusts. */
    static JsonValue verify(String jwt) throws CalloutException {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "not a JWT (expected three dot-separated parts)");
        }
        JsonValue header = json(parts[0], "header");
        String alg = text(header, "alg");
        if (!"ed25519-nkey".equals(alg) && !"ed25519".equals(alg)) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "JWT algorithm '" + alg + "' is not ed25519-nkey");
        }
        JsonValue claims = json(parts[1], "claims");
        String issuer = text(claims, "iss");
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
        boolean valid;
        try {
            valid = NKey.fromPublicKey(issuer.toCharArray()).verify(signed, signature);
        } catch (Exception e) {
            valid = false;
        }
        if (!valid) {
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

    private static JsonValue json(String part, String what) throws CalloutException {
        try {
            JsonValue v = JsonParser.parse(B64.decode(part));
            if (v.map == null) {
                throw new CalloutException(CalloutError.MALFORMED_REQUEST, "JWT " + what + " is not a JSON object");
            }
            return v;
        } catch (IllegalArgumentException | JsonParseException e) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "JWT " + what + " is not base64url JSON");
        }
    }

    static JsonValue object(JsonValue parent, String key) {
        JsonValue v = parent == null || parent.map == null ? null : parent.map.get(key);
        return v != null && v.map != null ? v : null;
    }

    static String text(JsonValue parent, String key) {
        JsonValue v = parent == null || parent.map == null ? null : parent.map.get(key);
        return v != null && v.type == JsonValue.Type.STRING ? v.string : null;
    }

    static long number(JsonValue parent, String key, long otherwise) {
        JsonValue v = parent == null || parent.map == null ? null : parent.map.get(key);
        return v != null && v.number != null ? v.number.longValue() : otherwise;
    }
}
