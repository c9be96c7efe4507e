package saml2nats.saml;

import org.opensaml.saml.saml2.core.LogoutRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A LogoutRequest from an IdP (IdP-initiated single logout), by HTTP-Redirect, HTTP-POST or
 * the SOAP back channel, trusted only when its signature verifies with that IdP's configured
 * certificates (the redirect binding's over the query, the others' enveloped XML signature,
 * checked as an assertion's is), it was issued by that IdP, to this service's URL for that
 * binding, recently, and is seen for the first time by any binding. Without those a request captured once (or one dated
 * 2001 and addressed to another SP) would end a person's sessions whenever it is replayed.
 */
public record IdpLogout(String requestId, String nameId) {
    /** How old a LogoutRequest may be: it travels in the browser, so seconds are usual. */
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
     * A request that came by HTTP-Redirect.
     *
     * @param rawQuery the query exactly as it was URL-encoded (the signature is over it)
     * @param sloUrl   this service's SLO URL for the IdP, which the request must name as its Destination
     * @param seen     remembers accepted request IDs until they could no longer be accepted anyway
     */
    public static IdpLogout read(OpenSaml saml, String rawQuery, IdentityProvider idp, String sloUrl, Instant now,
                                 RequestLedger seen) throws Refused {
        try {
            RedirectBinding.verify(rawQuery, "SAMLRequest", idp.trust().settings().certificates());
        } catch (IllegalArgumentException e) {
            throw new Refused(SamlError.BAD_SIGNATURE, e.getMessage()); // our own sentence: unsigned, weak or not verifying
        }
        String xml;
        try {
            xml = RedirectBinding.inflate(RedirectBinding.param(rawQuery, "SAMLRequest"));
        } catch (IllegalArgumentException e) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, e.getMessage());
        }
        return check(parse(saml, xml), idp, sloUrl, now, seen);
    }

    /**
     * A request that came by HTTP-POST: its signature is inside it.
     *
     * @param samlRequest the posted form field, base64
     */
    public static IdpLogout readPosted(OpenSaml saml, String samlRequest, IdentityProvider idp, String sloUrl, Instant now,
                                       RequestLedger seen) throws Refused {
        String xml;
        try {
            xml = new String(java.util.Base64.getMimeDecoder().decode(samlRequest), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, "the posted logout request is not base64");
        }
        return checkSigned(parse(saml, xml), idp, sloUrl, now, seen);
    }

    /**
     * A request that came by the SOAP back channel (the IdP posting server to server): the
     * envelope's one Body element, signed inside as a POSTed request is. The same checks hold,
     * Destination included: Bindings 3.2 makes it optional, but a request that names no
     * Destination could be one the IdP signed for another SP, replayed here.
     *
     * @param envelope the HTTP body, a SOAP 1.1 envelope
     * @param soapUrl  this service's SOAP logout URL for the IdP
     */
    public static IdpLogout readSoap(OpenSaml saml, String envelope, IdentityProvider idp, String soapUrl, Instant now,
                                     RequestLedger seen) throws Refused {
        org.w3c.dom.Element message;
        try {
            message = SoapBinding.message(saml.parse(envelope));
        } catch (IllegalArgumentException e) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, e.getMessage());
        } catch (Exception e) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, "the SOAP logout request is not readable XML"
                    + " (or carries a DOCTYPE, which is never accepted)");
        }
        return checkSigned(unmarshal(saml, message), idp, soapUrl, now, seen);
    }

    /** The bindings whose signature is an enveloped XML signature inside the request: POST and SOAP. */
    private static IdpLogout checkSigned(LogoutRequest request, IdentityProvider idp, String sloUrl, Instant now,
                                         RequestLedger seen) throws Refused {
        if (request.getSignature() == null) {
            throw new Refused(SamlError.UNSIGNED, "the logout request is not signed; this service accepts only signed logout messages");
        }
        Optional<Check.Result> bad = Signatures.verify(request.getSignature(), request, "logout request", idp.trust().settings());
        if (bad.isPresent()) {
            throw new Refused(bad.get().code(), bad.get().message());
        }
        return check(request, idp, sloUrl, now, seen);
    }

    /** What holds whichever binding carried the request: issuer, Destination, age, expiry, first time. */
    private static IdpLogout check(LogoutRequest request, IdentityProvider idp, String sloUrl, Instant now,
                                   RequestLedger seen) throws Refused {
        IdpSettings trust = idp.trust().settings();
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

    private static LogoutRequest parse(OpenSaml saml, String xml) throws Refused {
        org.w3c.dom.Element root;
        try {
            root = saml.parse(xml).getDocumentElement();
        } catch (Exception e) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, "the logout request is not readable XML");
        }
        return unmarshal(saml, root);
    }

    private static LogoutRequest unmarshal(OpenSaml saml, org.w3c.dom.Element element) throws Refused {
        Object parsed;
        try {
            parsed = saml.unmarshal(element);
        } catch (Exception e) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, "the logout request is not readable XML");
        }
        if (!(parsed instanceof LogoutRequest request) || request.getNameID() == null || request.getID() == null) {
            throw new Refused(SamlError.MALFORMED_RESPONSE, "not a LogoutRequest naming a person");
        }
        return request;
    }
}
