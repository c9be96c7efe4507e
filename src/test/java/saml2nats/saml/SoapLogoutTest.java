package saml2nats.saml;

import org.junit.jupiter.api.Test;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Element;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SOAP back channel's envelope and request checks, without a server: the pure core of IdP back-channel logout. */
class SoapLogoutTest {
    static final OpenSaml SAML = new OpenSaml();
    static final SigningIdp.Keys IDP_KEYS = SigningIdp.Keys.generate("soap-idp");
    static final SigningIdp.Keys SP_KEYS = SigningIdp.Keys.generate("soap-sp");
    static final String ENTITY = "https://idp.test/realms/acme";
    static final String SOAP_URL = "https://nats-login.test/saml/acme/slo/soap";
    final Instant now = Instant.parse("2026-12-03T12:00:00Z");
    final SlotRequestLedger ledger = SlotRequestLedger.inMemory(100, Clock.fixed(now, ZoneOffset.UTC));
    final IdentityProvider idp = new IdentityProvider("acme", "Acme", List.of(), Set.of(), new IdentityProvider.Trust(
            new IdpSettings("acme", ENTITY, List.of(IDP_KEYS.certificate()), AttributeNames.DEFAULTS, false, false,
                    IdpSettings.DEFAULT_SKEW), "https://idp.test/sso", ""));

    static String request(String id, Instant issued, String destination, String nameId) {
        return """
                <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" IssueInstant="%s"%s>\
                <saml:Issuer>%s</saml:Issuer><saml:NameID>%s</saml:NameID></samlp:LogoutRequest>""".formatted(id,
                issued.truncatedTo(ChronoUnit.SECONDS), destination == null ? "" : " Destination=\"" + destination + "\"",
                ENTITY, nameId);
    }

    static String signed(SigningIdp.Keys keys, String xml) {
        return PostBinding.sign(SAML, xml, new SpSettings.KeyPair(keys.key(), keys.certificate()))
                .replaceFirst("^<\\?xml[^>]*\\?>", "");
    }

    /** As Keycloak's back channel sends it: SOAP 1.1, an empty Header, the signed request as the Body. */
    static String envelope(String header, String body) {
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">" + header
                + "<soap:Body>" + body + "</soap:Body></soap:Envelope>";
    }

    IdpLogout read(String envelope) throws IdpLogout.Refused {
        return IdpLogout.readSoap(SAML, envelope, idp, SOAP_URL, now, ledger);
    }

    SamlError refusal(String envelope) {
        return assertThrows(IdpLogout.Refused.class, () -> read(envelope)).code();
    }

    @Test
    void aSignedRequestInTheEnvelopeNamesThePersonOnce() throws Exception {
        String soap = envelope("<soap:Header/>", signed(IDP_KEYS, request("_kc1", now, SOAP_URL, "alice@acme.test")));
        IdpLogout read = read(soap);
        assertEquals("alice@acme.test", read.nameId());
        assertEquals("_kc1", read.requestId());
        assertEquals(SamlError.REPLAYED, refusal(soap), "the back channel replayed is refused as the browser's is");
    }

    @Test
    void whatFailsAnyOtherBindingsChecksFailsHereAndEndsNobody() {
        Map<String, SamlError> cases = new LinkedHashMap<>();
        cases.put(envelope("", request("_plain", now, SOAP_URL, "a@acme.test")), SamlError.UNSIGNED);
        cases.put(envelope("", signed(SigningIdp.Keys.generate("evil"), request("_forged", now, SOAP_URL, "a@acme.test"))),
                SamlError.BAD_SIGNATURE);
        cases.put(envelope("", signed(IDP_KEYS, request("_changed", now, SOAP_URL, "b@acme.test"))
                .replace(">b@acme.test<", ">a@acme.test<")), SamlError.BAD_SIGNATURE);
        // the browser binding's URL, or none: a request signed for another endpoint (or another SP) is not ours
        cases.put(envelope("", signed(IDP_KEYS, request("_browser", now, "https://nats-login.test/saml/acme/slo",
                "a@acme.test"))), SamlError.WRONG_DESTINATION);
        cases.put(envelope("", signed(IDP_KEYS, request("_nowhere", now, null, "a@acme.test"))), SamlError.WRONG_DESTINATION);
        cases.put(envelope("", signed(IDP_KEYS, request("_old", now.minusSeconds(3600), SOAP_URL, "a@acme.test"))),
                SamlError.EXPIRED);
        // wrapping: the signed request moved into the Header, a forged one with its ID and signature in the Body
        String genuine = signed(IDP_KEYS, request("_wrap", now, SOAP_URL, "nobody@acme.test"));
        String forged = genuine.replace(">nobody@acme.test<", ">a@acme.test<");
        cases.put(envelope("<soap:Header>" + genuine + "</soap:Header>", forged), SamlError.SIGNATURE_WRAPPING);
        for (var c : cases.entrySet()) {
            assertEquals(c.getValue(), refusal(c.getKey()), c.getKey());
        }
    }

    @Test
    void anythingButOneSamlMessageInASoap11EnvelopeIsMalformedWithASentence() {
        String good = signed(IDP_KEYS, request("_shape", now, SOAP_URL, "a@acme.test"));
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>" + good
                + "</soap:Body></soap:Envelope>", "not a SOAP 1.1 envelope");
        cases.put(good, "not a SOAP 1.1 envelope");
        cases.put(envelope("", good + good), "holds 2 elements");
        cases.put(envelope("", ""), "holds 0 elements");
        cases.put(envelope("", "text" + good), "bare text");
        cases.put("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"/>", "no Body");
        cases.put(envelope("<soap:Header><x:Route xmlns:x=\"urn:x\" soap:mustUnderstand=\"1\"/></soap:Header>", good),
                "must be understood");
        cases.put("<!DOCTYPE x [<!ENTITY e \"e\">]>" + envelope("", good), "DOCTYPE");
        cases.put("not xml at all", "not readable XML");
        cases.put(envelope("", "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>"),
                "not a LogoutRequest");
        for (var c : cases.entrySet()) {
            IdpLogout.Refused e = assertThrows(IdpLogout.Refused.class, () -> read(c.getKey()), c.getKey());
            assertEquals(SamlError.MALFORMED_RESPONSE, e.code(), c.getKey());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
        }
    }

    @Test
    void theAnswerIsASignedSuccessInTheEnvelopeForTheIdpThatAsked() throws Exception {
        ServiceProvider sp = new ServiceProvider(SAML, URI.create("https://nats-login.test"),
                Optional.of(new SpSettings.KeyPair(SP_KEYS.key(), SP_KEYS.certificate())), Optional.empty());
        assertEquals(SOAP_URL, sp.soapSloUrl("acme"));
        String answer = sp.soapLogoutResponse(idp, "_kc1", now);
        Element body = SoapBinding.message(SAML.parse(answer));
        LogoutResponse response = (LogoutResponse) SAML.unmarshal(body);
        assertEquals("_kc1", response.getInResponseTo());
        assertEquals(StatusCode.SUCCESS, response.getStatus().getStatusCode().getValue());
        assertEquals(sp.entityId("acme"), response.getIssuer().getValue(), "Keycloak checks the Issuer is its client id");
        assertNull(response.getDestination(), "nothing relays a SOAP answer");
        SignatureValidator.validate(response.getSignature(), new BasicX509Credential(SP_KEYS.certificate()));

        String metadata = sp.metadata("acme");
        assertTrue(metadata.contains("<md:SingleLogoutService Binding=\"" + SoapBinding.URN + "\" Location=\"" + SOAP_URL
                + "\"/>"), metadata);
        assertTrue(SoapBinding.fault("a <b> & c").contains("<faultstring>a &lt;b&gt; &amp; c</faultstring>"));
    }
}
