package saml2nats.callout;

import saml2nats.config.NKeyText;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.util.Optional;

/**
 * The public nkeys of the servers that sign requests, each decoded once. Decoding an
 * Ed25519 public key is a point decompression (a field inversion), paid per request
 * when the key is rebuilt from its text every time; a server's key is fixed for its
 * life. Bounded: servers are a handful, and a forged request can only churn the cache.
 */
final class ServerKeys {
    private final Cache<String, Optional<Ed25519PublicKeyParameters>> keys = Caffeine.newBuilder().maximumSize(1024).build();

    /** Whether {@code signature} over {@code message} verifies with the server nkey {@code issuer}. */
    boolean verifies(String issuer, byte[] message, byte[] signature) {
        if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        return keys.get(issuer, ServerKeys::decode)
                .map(k -> k.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0))
                .orElse(false);
    }

    private static Optional<Ed25519PublicKeyParameters> decode(String issuer) {
        try {
            return Optional.of(new Ed25519PublicKeyParameters(NKeyText.decodePublic(NKeyText.PREFIX_SERVER, issuer)));
        } catch (RuntimeException e) {
            return Optional.empty(); // not a key at all, or not a point on the curve: nothing verifies with it
        }
    }
}
