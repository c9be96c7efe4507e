package saml2nats.saml;

import org.opensaml.saml.saml2.core.LogoutRequest;

/**
 * A LogoutRequest from an IdP (IdP-initiated single logout), trusted only when its
 * redirect-binding signature verifies with that IdP's configured certificates and it
 * was issued by that IdP.
 */
public record IdpLogout(String requestId, String nameId) {

    /** IllegalArgumentException says why the request is not accepted. */
    public static IdpLogout read(OpenSaml saml, String rawQuery, IdentityProvider idp) {
        IdpSettings trust = idp.trust().settings();
        RedirectBinding.verify(rawQuery, "SAMLRequest", trust.certificates());
        String xml = RedirectBinding.inflate(RedirectBinding.param(rawQuery, "SAMLRequest"));
        Object parsed;
        try {
            parsed = saml.unmarshal(saml.parse(xml).getDocumentElement());
        } catch (Exception e) {
            throw new IllegalArgumentException("the logout request is not readable XML");
        }
        if (!(parsed instanceof LogoutRequest request) || request.getNameID() == null || request.getID() == null) {
            throw new IllegalArgumentException("not a LogoutRequest naming a person");
        }
        if (request.getIssuer() == null || !trust.entityId().equals(request.getIssuer().getValue())) {
            throw new IllegalArgumentException("the logout request was not issued by " + trust.entityId());
        }
        return new IdpLogout(request.getID(), request.getNameID().getValue());
    }
}
