package saml2nats.saml;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * This service as a SAML service provider towards one IdP.
 *
 * @param decryption the key EncryptedAssertions are decrypted with (and its certificate, for metadata)
 */
public record SpSettings(String entityId, String acsUrl, Optional<KeyPair> decryption) {
    public record KeyPair(PrivateKey key, X509Certificate certificate) { }
}
