package saml2nats.saml;

import org.opensaml.saml.saml2.core.LogoutRequest;

import java.time.Duration;
import java.time.Instant;

/**
 * A LogoutRequest from an IdP (IdP-initiated single logout), trusted only when its
 * redirect-binding signature verifies with that IdP's configured certificates, it was
 * issued by that IdP, to this service's SLO URL, recently, and is seen for the first time.
 * Without those a request captured once (or one dated 2001 and addressed to another SP)
 * would end a person's sessions whenever it is replayed.
 */
public record IdpLogout(String requestId, String nameId) {
    /** How old a LogoutRequest may be: it travels in the browser's redirect, so seconds are usual. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);

    /** Why a LogoutRequest was not accepted: the code (audit reason) and a sentence. */
    public static final class Refused extends Exception {
        private final SamlError code;

        Refused(SamlError code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public SamlError code() {
            return code;
        }
    }

    /**
     * @param sloUrl this service's SLO URL for the IdP, which the request must name as its Destination
     * @param seen   remembers accepted request IDs until they could no longer be accepted anyway
     */
    public static IdpLogout read(OpenSaml saml, String rawQuery, IdentityProvider idp, String sloUrl, Instant now,
                                 RequestLedger seen) throws Refused {
        IdpSettings trust = idp.trust().settings();
        LogoutRequest request = parse(saml, rawQuery, trust);
        if (request.getIssuer() == null || !trust.entityId().equals(request.getIssuer().getValue())) {
            throw new Refused(SamlError.WRONG_ISSUER, "the logout request was not issued by " + trust.entityId());
        }
        if (!sloUrl.equals(request.getDestination())) {
            throw new Refused(SamlError.WRONG_DESTINATION, "the logout request is addressed to " + request.getDestination()
                    + ", not to this service's " + sloUrl);
        }
        Duration skew = trust.clockSkew();
        Instant issued = request.getIssueInstant();
        if (issued == null || issued.plus(MAX_AGE).plus(skew).isBefore(now)) {
            throw new Refused(SamlError.EXPIRED, "the logout request was issued at " + issued + ", more than "
                    + MAX_AGE.toMinutes() + " minutes ago: a stale or replayed request");
        }
        if (issued.minus(skew).isAfter(now)) {
            throw new Refused(SamlError.NOT_YET_VALID, "the logout request is dated " + issued
                    + ", in the future: check this server's clock and the IdP's");
        }
        Instant notOnOrAfter = request.getNotOnOrAfter();
        if (notOnOrAfter != null && !now.isBefore(notOnOrAfter.plus(skew))) {
            throw new Refused(SamlError.EXPIRED, "the logout request expired at " + notOnOrAfter);
        }
        Instant keepUntil = issued.plus(MAX_AGE).plus(skew);
        if (notOnOrAfter != null && notOnOrAfter.plus(skew).isBefore(keepUntil)) {
            keepUntil = notOnOrAfter.plus(skew);
        }
        if (!seen.firstLogout(idp.id(), request.getID(), keepUntil)) {
            throw new Refused(SamlError.REPLAYED, "logout request " + request.getID() + " was already carried out: a replay");
        }
        return new IdpLogout(request.getID(), request.getNameID().getValue());
    }

    private static LogoutRequest parse(OpenSaml saml, String rawQuery, IdpSettings trust) throws Refused {
        try {
            RedirectBinding.verify(rawQuery, "SAMLRequest", trust.certificates());
        } catch (IllegalArgumentException e) {
            throw new Refused(SamlError.BAD_SIGNATURE, e.getMessage()); // our own sentence: unsigned, weak or not verifying
        }
        Object parsed;
        try {
            parsed = saml.unmarshal(saml.parse(RedirectBinding.inflate(RedirectBinding.param(rawQuery, "SAMLRequest")))
                    .getDocumentElement());
        } catch (Exception e) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, "the logout request is not readable XML");
        }
        if (!(parsed instanceof LogoutRequest request) || request.getNameID() == null || request.getID() == null) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, "not a LogoutRequest naming a person");
        }
        return request;
    }
}
