package saml2nats.saml;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * What this service trusts of one IdP. Verification keys come only from here, never
 * from a message's own KeyInfo.
 *
 * @param certificates one, or two during a rotation; a signature by either is accepted
 */
record IdpSettings(String id, String entityId, List<X509Certificate> certificates, AttributeNames attributes,
                          boolean allowSha1, boolean allowIdpInitiated, Duration clockSkew) {
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);

    public IdpSettings {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("IdP '" + id + "' has no signing certificate: nothing it sends could be trusted");
        }
    }
}
