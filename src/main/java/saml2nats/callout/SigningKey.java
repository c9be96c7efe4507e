package saml2nats.callout;

import io.nats.client.NKey;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 nkey made ready to sign once, at start. {@code NKey.sign} decodes the seed
 * and derives the public key again on every call (three scalar multiplications where
 * signing needs one): twice per authorization, that was half the responder's crypto.
 * Signatures are the same bytes {@code NKey.sign} makes (Ed25519 is deterministic).
 */
final class SigningKey {
    private final Ed25519PrivateKeyParameters key;
    private final String publicKey;

    private SigningKey(Ed25519PrivateKeyParameters key, String publicKey) {
        this.key = key;
        this.publicKey = publicKey;
    }

    static SigningKey of(NKey nkey) {
        try {
            Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(nkey.getKeyPair().getPrivate().getEncoded());
            key.generatePublicKey(); // cached inside the parameters from now on
            return new SigningKey(key, new String(nkey.getPublicKey()));
        } catch (Exception e) {
            throw new IllegalArgumentException("an nkey seed is not usable for signing", e);
        }
    }

    /** The public nkey text ({@code A...} for account keys). */
    String publicKey() {
        return publicKey;
    }

    byte[] sign(byte[] message) {
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        key.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
        return signature;
    }
}
