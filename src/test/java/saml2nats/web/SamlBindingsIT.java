package saml2nats.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import saml2nats.saml.Binding;
import saml2nats.saml.MetadataCache;
import saml2nats.saml.OpenSaml;
import saml2nats.saml.PostBinding;
import saml2nats.saml.RedirectBinding;
import saml2nats.saml.SigningIdp;
import saml2nats.saml.SoapBinding;
import saml2nats.saml.SpSettings;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.Mappings;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The promises around the sign-in's edges, over real HTTP with a test IdP that signs with
 * OpenSAML: an IdP that takes only HTTP-POST, and one whose metadata URL is down at start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamlBindingsIT {
    static final String PUBLIC = "http://localhost:8080";
    static final OpenSaml SAML = new OpenSaml();
    static final SigningIdp.Keys IDP_KEYS = SigningIdp.Keys.generate("bindings-idp");
    static final SigningIdp.Keys SP_KEYS = SigningIdp.Keys.generate("saml2nats-sp");
    /** Takes sign-in requests by HTTP-POST only, as Google Workspace and OneLogin publish. */
    static final String POST_ENTITY = "https://post-idp.test/entity";
    static final String POST_SSO = "https://post-idp.test/sso";
    /** It offers both bindings for logout: a request of ours goes by Redirect, an answer to its POST by POST. */
    static final String POST_SLO = "https://post-idp.test/slo";
    static final String POST_SLO_REDIRECT = "https://post-idp.test/slo-redirect";
    /** Its metadata URL is down when the service starts; a copy from an earlier run is on disk. */
    static final String CACHED_ENTITY = "https://cached-idp.test/entity";

    /** Calls this service by names of its own (sp_entity_id, acs_path), as an SP moved from another product would. */
    static final String OWN_ENTITY = "https://own-idp.test/entity";
    static final String OWN_SP_ENTITY = "urn:acme:nats-login";
    static final String OWN_ACS = "/sso/saml/acs";

    final SigningIdp idp = new SigningIdp(SAML, IDP_KEYS);
    CalloutStack stack;
    String startLog;
    URI downUrl;

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    static String idpMetadata(String entity, String services) throws Exception {
        return """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">
                  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>\
                <ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                    %s
                  </md:IDPSSODescriptor>
                </md:EntityDescriptor>
                """.formatted(entity, Base64.getEncoder().encodeToString(IDP_KEYS.certificate().getEncoded()), services);
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sp-key.pem"), pem("PRIVATE KEY", SP_KEYS.key().getEncoded()));
        Files.writeString(dir.resolve("sp-cert.pem"), pem("CERTIFICATE", SP_KEYS.certificate().getEncoded()));
        Files.writeString(dir.resolve("idp.pem"), pem("CERTIFICATE", IDP_KEYS.certificate().getEncoded()));
        Files.writeString(dir.resolve("post-idp.xml"), idpMetadata(POST_ENTITY, """
                <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="%s"/>
                <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%s"/>
                <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%s"/>"""
                .formatted(POST_SLO_REDIRECT, POST_SLO, POST_SSO)));
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            downUrl = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/metadata");
        }
        Path copy = MetadataCache.file(dir.resolve("metadata-cache"), "cached", downUrl);
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, idpMetadata(CACHED_ENTITY, """
                <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" \
                Location="https://cached-idp.test/sso"/>"""));
        Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.from(Instant.now().minus(java.time.Duration.ofHours(3))));

        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            stack = CalloutStack.start(dir, Mappings.MATRIX, false, """
                    sp:
                      signing_key_file: sp-key.pem
                      signing_certificate_file: sp-cert.pem
                    idps:
                      - id: post
                        label: Post-only IdP
                        metadata_file: post-idp.xml
                      - id: cached
                        label: Cached IdP
                        metadata_url: %s
                      - id: own
                        label: Own names
                        entity_id: %s
                        sso_url: https://own-idp.test/sso
                        slo_url: https://own-idp.test/slo
                        certificates: [%s]
                        sp_entity_id: %s
                        acs_path: %s
                    """.formatted(downUrl, OWN_ENTITY, dir.resolve("idp.pem"), OWN_SP_ENTITY, OWN_ACS));
        } finally {
            System.setErr(err);
            startLog = log.toString(StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    HttpBrowser browser() {
        return new HttpBrowser("http://127.0.0.1:" + stack.service.httpPort());
    }

    static SpSettings sp(String idpId) {
        return new SpSettings(PUBLIC + "/saml/" + idpId + "/metadata", PUBLIC + "/saml/" + idpId + "/acs", Optional.empty());
    }

    String respond(String entity, SpSettings sp, String requestId, String email) {
        String user = email.substring(0, email.indexOf('@'));
        return idp.respond(SigningIdp.Spec.forPerson(entity, sp, requestId, email, Map.of("email", List.of(email),
                "username", List.of(user), "groups", List.of("eng-developers"), "firstName", List.of(user),
                "lastName", List.of("Example")), Instant.now()));
    }

    static Map<String, String> form(String xml, String relayState) {
        return Map.of("SAMLResponse", Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8)),
                "RelayState", relayState);
    }

    /** After the ACS: the token on the person's page connects to NATS. */
    void connectsToNats(HttpBrowser b) throws Exception {
        Matcher token = Pattern.compile("s2n_[A-Za-z0-9_-]{43}").matcher(b.get("/").body());
        assertTrue(token.find(), "signed in, with a token on the page");
        stack.connect(token.group()).close();
    }

    static String sha256(String text) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anIdpThatTakesOnlyHttpPostGetsTheRequestPostedSignedInsideAndSignsIn() throws Exception {
        HttpBrowser b = browser();
        HttpBrowser.Started started = b.startSignIn("post");
        assertEquals(Binding.POST, started.binding());
        String html = started.carrier().body();
        assertTrue(html.contains("<form id=saml-post method=post action='" + POST_SSO + "'")
                && html.contains("<button id=continue>Continue</button>"), "a form that works without JavaScript: " + html);
        // its one script runs by its hash, nothing else may; and the form may post to the IdP
        String csp = started.carrier().headers().firstValue("Content-Security-Policy").orElseThrow();
        Matcher script = Pattern.compile("<script>([^<]*)</script>").matcher(html);
        assertTrue(script.find(), html);
        Matcher scriptSrc = Pattern.compile("script-src ([^;]*);").matcher(csp);
        assertTrue(scriptSrc.find(), csp);
        // 'self' is the signed-in page's /assets/copy.js; no other inline script, no unsafe-inline
        assertEquals("'self' 'sha256-" + sha256(script.group(1)) + "'", scriptSrc.group(1));
        assertTrue(csp.matches(".*form-action [^;]*https://post-idp\\.test.*"), csp);
        assertTrue(b.cookie("s2n_signin").isPresent(), "the pre-auth cookie, as with Redirect");

        // signed as the POST binding signs: an XML signature inside, over the request itself, by the SP key
        AuthnRequest request = started.request();
        assertEquals(POST_SSO, request.getDestination());
        assertEquals(PUBLIC + "/saml/post/acs", request.getAssertionConsumerServiceURL());
        Signature sig = request.getSignature();
        assertNotNull(sig, "signed inside: " + started.xml());
        new SAMLSignatureProfileValidator().validate(sig);
        SignatureValidator.validate(sig, new BasicX509Credential(SP_KEYS.certificate()));
        assertThrows(SignatureException.class, () -> SignatureValidator.validate(sig, new BasicX509Credential(IDP_KEYS.certificate())));

        String answer = respond(POST_ENTITY, sp("post"), request.getID(), "pia@acme.test");
        HttpResponse<String> elsewhere = browser().post("/saml/post/acs", form(answer, started.relayState()));
        assertEquals(403, elsewhere.statusCode(), "bound to the browser that started it, as with Redirect");
        assertTrue(elsewhere.body().contains("OTHER_BROWSER"), elsewhere.body());
        HttpResponse<String> acs = b.post("/saml/post/acs", form(answer, started.relayState()));
        assertEquals(303, acs.statusCode(), acs.body());
        connectsToNats(b);
        HttpResponse<String> again = b.post("/saml/post/acs", form(answer, started.relayState()));
        assertEquals(400, again.statusCode(), "answered once");
        assertTrue(again.body().contains("already used or not started here"), again.body());
    }

    @Test
    void anIdpWhoseMetadataUrlIsDownAtStartSignsInFromTheCachedCopy() throws Exception {
        assertTrue(startLog.contains("WARN") && startLog.contains("IdP 'cached'") && startLog.contains(downUrl.toString())
                && startLog.contains("ConnectException") && startLog.contains("written 3h ago"), startLog);
        HttpBrowser b = browser();
        HttpBrowser.Started started = b.startSignIn("cached");
        assertEquals(Binding.REDIRECT, started.binding());
        assertEquals("https://cached-idp.test/sso", started.request().getDestination());
        HttpResponse<String> acs = b.post("/saml/cached/acs",
                form(respond(CACHED_ENTITY, sp("cached"), started.request().getID(), "cat@acme.test"), started.relayState()));
        assertEquals(303, acs.statusCode(), acs.body());
        connectsToNats(b);
    }

    @Test
    void anIdpWithItsOwnSpEntityIdAndAcsPathSignsInThereAndNotForTheDefaultAudience() throws Exception {
        HttpBrowser b = browser();
        HttpBrowser.Started started = b.startSignIn("own");
        assertEquals(OWN_SP_ENTITY, started.request().getIssuer().getValue());
        assertEquals(PUBLIC + OWN_ACS, started.request().getAssertionConsumerServiceURL());
        String metadata = b.get("/saml/own/metadata").body();
        assertTrue(metadata.contains("entityID=\"" + OWN_SP_ENTITY + "\"")
                && metadata.contains("Location=\"" + PUBLIC + OWN_ACS + "\""), metadata);

        String id = started.request().getID();
        SpSettings own = new SpSettings(OWN_SP_ENTITY, PUBLIC + OWN_ACS, Optional.empty());
        SpSettings defaultAudience = new SpSettings(PUBLIC + "/saml/own/metadata", PUBLIC + OWN_ACS, Optional.empty());
        HttpResponse<String> forDefault = b.post(OWN_ACS, form(respond(OWN_ENTITY, defaultAudience, id, "oz@acme.test"),
                started.relayState()));
        assertEquals(403, forDefault.statusCode(), forDefault.body());
        assertTrue(forDefault.body().contains("WRONG_AUDIENCE"), forDefault.body());
        String answer = respond(OWN_ENTITY, own, id, "oz@acme.test");
        assertEquals(404, b.post("/saml/own/acs", form(answer, started.relayState())).statusCode(),
                "its ACS is at acs_path only");
        HttpResponse<String> acs = b.post(OWN_ACS, form(answer, started.relayState()));
        assertEquals(303, acs.statusCode(), acs.body());
        connectsToNats(b);
    }

    /** A browser signed in through the POST-only IdP, and its token. */
    record SignedIn(HttpBrowser browser, String token) { }

    SignedIn signInAtPostIdp(String email) throws Exception {
        HttpBrowser b = browser();
        HttpBrowser.Started started = b.startSignIn("post");
        assertEquals(303, b.post("/saml/post/acs", form(respond(POST_ENTITY, sp("post"), started.request().getID(), email),
                started.relayState())).statusCode());
        Matcher token = Pattern.compile("s2n_[A-Za-z0-9_-]{43}").matcher(b.get("/").body());
        assertTrue(token.find());
        stack.connect(token.group()).close();
        return new SignedIn(b, token.group());
    }

    static String logoutRequest(String id, Instant issued, String destination, String issuer, String nameId) {
        return """
                <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" IssueInstant="%s" \
                Destination="%s"><saml:Issuer>%s</saml:Issuer><saml:NameID>%s</saml:NameID></samlp:LogoutRequest>"""
                .formatted(id, issued.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), destination, issuer, nameId);
    }

    /** Signed as an IdP signs a POSTed message: an enveloped XML signature, by OpenSAML. */
    static String signedBy(SigningIdp.Keys keys, String xml) {
        return PostBinding.sign(SAML, xml, new SpSettings.KeyPair(keys.key(), keys.certificate()));
    }

    static Map<String, String> posted(String parameter, String xml) {
        return Map.of(parameter, Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The IdP's POST from its own site: a browser that holds no cookie of this service. */
    HttpResponse<String> postLogout(String idpId, String xml) throws Exception {
        return browser().post("/saml/" + idpId + "/slo", posted("SAMLRequest", xml));
    }

    @Test
    void aPostedSignedLogoutRequestEndsTheSessionAndIsAnsweredByPost() throws Exception {
        SignedIn lou = signInAtPostIdp("lou@acme.test");
        String slo = PUBLIC + "/saml/post/slo";
        HttpResponse<String> r = postLogout("post", signedBy(IDP_KEYS,
                logoutRequest("_post1", Instant.now(), slo, POST_ENTITY, "lou@acme.test")));
        assertEquals(200, r.statusCode(), r.body());
        assertThrows(java.io.IOException.class, () -> stack.connect(lou.token()), "the session ended: its token no longer connects");

        // the answer goes back by POST (the IdP offers it for logout), signed inside by the SP key
        assertTrue(r.body().contains("<form id=saml-post method=post action='" + POST_SLO + "'"), r.body());
        LogoutResponse answer = (LogoutResponse) SAML.unmarshal(SAML.parse(new String(Base64.getDecoder().decode(
                HttpBrowser.hidden(r.body(), "SAMLResponse")), StandardCharsets.UTF_8)).getDocumentElement());
        assertEquals("_post1", answer.getInResponseTo());
        assertEquals(StatusCode.SUCCESS, answer.getStatus().getStatusCode().getValue());
        assertEquals(POST_SLO, answer.getDestination());
        new SAMLSignatureProfileValidator().validate(answer.getSignature());
        SignatureValidator.validate(answer.getSignature(), new BasicX509Credential(SP_KEYS.certificate()));
        assertTrue(stack.audit().contains("single logout from the IdP (POST), 1 session(s)"), stack.audit());

        // an IdP that takes logout messages by Redirect only gets the answer that way
        HttpResponse<String> own = postLogout("own", signedBy(IDP_KEYS,
                logoutRequest("_own1", Instant.now(), PUBLIC + "/saml/own/slo", OWN_ENTITY, "nobody@acme.test")));
        assertEquals(303, own.statusCode(), own.body());
        String location = own.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("https://own-idp.test/slo?SAMLResponse=") && location.contains("&Signature="), location);
        assertTrue(RedirectBinding.inflate(HttpBrowser.query(location, "SAMLResponse")).contains("InResponseTo=\"_own1\""));

        String metadata = browser().get("/saml/post/metadata").body();
        for (Binding b : Binding.values()) {
            assertTrue(metadata.contains("<md:SingleLogoutService Binding=\"" + b.urn + "\" Location=\"" + slo + "\"/>"), metadata);
        }
    }

    @Test
    void aPostedLogoutRequestThatIsUnsignedForgedChangedStaleMisaddressedOrReplayedEndsNothing() throws Exception {
        SignedIn max = signInAtPostIdp("max@acme.test");
        Instant now = Instant.now();
        String slo = PUBLIC + "/saml/post/slo";
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("UNSIGNED", logoutRequest("_unsigned", now, slo, POST_ENTITY, "max@acme.test"));
        refused.put("BAD_SIGNATURE", signedBy(SigningIdp.Keys.generate("evil"), logoutRequest("_forged", now, slo, POST_ENTITY,
                "max@acme.test")));
        refused.put("BAD_SIGNATURE ", signedBy(IDP_KEYS, logoutRequest("_changed", now, slo, POST_ENTITY, "someone@acme.test"))
                .replace(">someone@acme.test<", ">max@acme.test<"));
        refused.put("EXPIRED", signedBy(IDP_KEYS, logoutRequest("_old", Instant.parse("2001-01-01T00:00:00Z"), slo, POST_ENTITY,
                "max@acme.test")));
        refused.put("NOT_YET_VALID", signedBy(IDP_KEYS, logoutRequest("_future", now.plusSeconds(3600), slo, POST_ENTITY,
                "max@acme.test")));
        refused.put("WRONG_DESTINATION", signedBy(IDP_KEYS, logoutRequest("_elsewhere", now, "https://other-sp.test/slo",
                POST_ENTITY, "max@acme.test")));
        refused.put("WRONG_ISSUER", signedBy(IDP_KEYS, logoutRequest("_issuer", now, slo, OWN_ENTITY, "max@acme.test")));
        for (var c : refused.entrySet()) {
            HttpResponse<String> r = postLogout("post", c.getValue());
            assertEquals(403, r.statusCode(), c.getKey() + ": " + r.body());
            assertTrue(stack.audit().contains("\"reason\":\"" + c.getKey().trim() + "\""), c.getKey() + " in " + stack.audit());
        }
        stack.connect(max.token()).close(); // still signed in

        String once = signedBy(IDP_KEYS, logoutRequest("_once", now, slo, POST_ENTITY, "max@acme.test"));
        assertEquals(200, postLogout("post", once).statusCode());
        assertThrows(java.io.IOException.class, () -> stack.connect(max.token()));
        SignedIn again = signInAtPostIdp("max@acme.test");
        HttpResponse<String> replay = postLogout("post", once);
        assertEquals(403, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("already carried out"), replay.body());
        // nor by the other binding: the ID is spent for both
        String byRedirect = RedirectBinding.url(PUBLIC + "/saml/post/slo", "SAMLRequest",
                logoutRequest("_once", now, slo, POST_ENTITY, "max@acme.test"), null, Optional.of(IDP_KEYS.key()));
        HttpResponse<String> redirected = browser().get(byRedirect.substring(PUBLIC.length()));
        assertEquals(403, redirected.statusCode(), redirected.body());
        assertTrue(redirected.body().contains("already carried out"), redirected.body());
        stack.connect(again.token()).close(); // the fresh session survives both replays
    }

    /** The IdP's back channel: its own HTTP client posting a SOAP 1.1 envelope, as Keycloak's does. */
    HttpResponse<String> soapLogout(String idpId, String signedRequest) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + stack.service.httpPort() + "/saml/" + idpId + "/slo/soap"))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "http://www.oasis-open.org/committees/security")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                        <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/><soap:Body>%s\
                        </soap:Body></soap:Envelope>""".formatted(signedRequest.replaceFirst("^<\\?xml[^>]*\\?>", ""))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSoapLogoutRequestFromTheBackChannelEndsTheSessionKicksAndIsAnsweredInTheEnvelope() throws Exception {
        SignedIn sol = signInAtPostIdp("sol@acme.test");
        String soapUrl = PUBLIC + "/saml/post/slo/soap";
        assertTrue(browser().get("/saml/post/metadata").body().contains("<md:SingleLogoutService Binding=\""
                + SoapBinding.URN + "\" Location=\"" + soapUrl + "\"/>"), "the SOAP URL is advertised in SP metadata");
        try (CalloutStack.Client live = stack.connect(sol.token())) {
            HttpResponse<String> r = soapLogout("post", signedBy(IDP_KEYS,
                    logoutRequest("_soap1", Instant.now(), soapUrl, POST_ENTITY, "sol@acme.test")));
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"), r.headers().toString());
            var body = SAML.parse(r.body()).getDocumentElement();
            assertEquals("Envelope", body.getLocalName());
            LogoutResponse answer = (LogoutResponse) SAML.unmarshal((org.w3c.dom.Element) body
                    .getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:protocol", "LogoutResponse").item(0));
            assertEquals("_soap1", answer.getInResponseTo());
            assertEquals(StatusCode.SUCCESS, answer.getStatus().getStatusCode().getValue());
            assertEquals(PUBLIC + "/saml/post/metadata", answer.getIssuer().getValue());
            SignatureValidator.validate(answer.getSignature(), new BasicX509Credential(SP_KEYS.certificate()));
            assertEquals(io.nats.client.ConnectionListener.Events.CLOSED, live.awaitClosed(java.time.Duration.ofSeconds(5)),
                    "the back-channel logout kicks the live connection");
        }
        assertThrows(java.io.IOException.class, () -> stack.connect(sol.token()), "and its token no longer connects");
        assertTrue(stack.audit().contains("single logout from the IdP (SOAP back channel), 1 session(s)"), stack.audit());
    }

    @Test
    void aSoapLogoutRequestThatIsRefusedIsAFaultAndEndsNothing() throws Exception {
        SignedIn rex = signInAtPostIdp("rex@acme.test");
        Instant now = Instant.now();
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("UNSIGNED", logoutRequest("_s_unsigned", now, PUBLIC + "/saml/post/slo/soap", POST_ENTITY, "rex@acme.test"));
        // signed for the browser binding's URL: a request the browser carried cannot be replayed on the back channel
        refused.put("WRONG_DESTINATION", signedBy(IDP_KEYS, logoutRequest("_s_browser", now, PUBLIC + "/saml/post/slo",
                POST_ENTITY, "rex@acme.test")));
        refused.put("MALFORMED_RESPONSE", "<not-soap/>");
        for (var c : refused.entrySet()) {
            HttpResponse<String> r = soapLogout("post", c.getValue());
            assertEquals(500, r.statusCode(), c.getKey() + ": " + r.body());
            assertTrue(r.body().contains("<soap11:Fault><faultcode>soap11:Client</faultcode><faultstring>logout request refused ("
                    + c.getKey() + ")"), r.body());
            assertTrue(stack.audit().contains("\"reason\":\"" + c.getKey() + "\""), c.getKey() + " in " + stack.audit());
        }
        HttpResponse<String> unknown = soapLogout("nobody", "<x/>");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("no IdP 'nobody'"), unknown.body());
        stack.connect(rex.token()).close(); // still signed in
    }

    @Test
    void aPostedLogoutResponseAfterOurSignOutEndsOnTheSignedOutPage() throws Exception {
        SignedIn ann = signInAtPostIdp("ann@acme.test");
        HttpBrowser b = ann.browser();
        String csrf = HttpBrowser.hidden(b.get("/").body(), "csrf");
        HttpResponse<String> out = b.post("/logout", Map.of("csrf", csrf));
        assertEquals(303, out.statusCode(), out.body());
        String toIdp = out.headers().firstValue("Location").orElseThrow();
        assertTrue(toIdp.startsWith(POST_SLO_REDIRECT + "?SAMLRequest="), "our request goes by Redirect, preferred: " + toIdp);
        LogoutRequest ours = (LogoutRequest) SAML.unmarshal(SAML.parse(RedirectBinding.inflate(
                HttpBrowser.query(toIdp, "SAMLRequest"))).getDocumentElement());
        assertThrows(java.io.IOException.class, () -> stack.connect(ann.token()), "ended here at once");

        // Keycloak's default: the IdP answers by POST, from its own site
        String response = signedBy(IDP_KEYS, """
                <samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp1" Version="2.0" IssueInstant="%s" \
                Destination="%s/saml/post/slo" InResponseTo="%s"><saml:Issuer>%s</saml:Issuer>\
                <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
                </samlp:LogoutResponse>""".formatted(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), PUBLIC,
                ours.getID(), POST_ENTITY));
        HttpResponse<String> back = b.post("/saml/post/slo", posted("SAMLResponse", response));
        assertEquals(303, back.statusCode(), back.body());
        assertEquals("/", back.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = b.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Sign in to connect to NATS"), page.body());
    }
}
