package saml2nats.web;

import io.nats.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opensaml.saml.saml2.core.AuthnRequest;
import saml2nats.testing.Mappings;
import saml2nats.saml.OpenSaml;
import saml2nats.saml.RedirectBinding;
import saml2nats.saml.SigningIdp;
import saml2nats.saml.SpSettings;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.HttpBrowser;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sign-in over real HTTP, with a test IdP that signs with OpenSAML, ending in a real NATS connection. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInIT {
    static final String PUBLIC = "http://localhost:8080";
    static final OpenSaml SAML = new OpenSaml();
    static final SigningIdp.Keys IDP_KEYS = SigningIdp.Keys.generate("test-idp");
    static final String IDP_ENTITY = "https://idp.test/metadata";

    final SigningIdp idp = new SigningIdp(SAML, IDP_KEYS);
    CalloutStack stack;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("idp.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(IDP_KEYS.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        stack = CalloutStack.start(dir, Mappings.MATRIX, false, """
                dev_idp: true
                idps:
                  - id: test
                    label: Test Company
                    entity_id: %s
                    sso_url: https://idp.test/sso
                    slo_url: https://idp.test/slo
                    certificates: [%s]
                    domains: [acme.test]
                allowed_return_urls: [https://console.acme.test/]
                trusted_proxies: [127.0.0.1]
                """.formatted(IDP_ENTITY, pem));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    String base() {
        return "http://127.0.0.1:" + stack.service.httpPort();
    }

    HttpBrowser browser() {
        return new HttpBrowser(base());
    }

    static String query(String url, String name) {
        return HttpBrowser.query(url, name);
    }

    /** Starts a sign-in in {@code b} and returns the AuthnRequest ID and RelayState the IdP received. */
    String[] startSignIn(HttpBrowser b, String returnUrl) throws Exception {
        HttpResponse<String> r = b.get("/saml/test/login" + (returnUrl == null ? "" : "?return=" + URLEncoder.encode(returnUrl, StandardCharsets.UTF_8)));
        assertEquals(303, r.statusCode(), r.body());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("https://idp.test/sso?SAMLRequest="), location);
        AuthnRequest request = (AuthnRequest) SAML.unmarshal(SAML.parse(RedirectBinding.inflate(query(location, "SAMLRequest"))).getDocumentElement());
        assertEquals(PUBLIC + "/saml/test/acs", request.getAssertionConsumerServiceURL());
        assertEquals(PUBLIC + "/saml/test/metadata", request.getIssuer().getValue());
        return new String[]{request.getID(), query(location, "RelayState")};
    }

    SigningIdp.Spec spec(String requestId, String email, List<String> groups) {
        SpSettings sp = new SpSettings(PUBLIC + "/saml/test/metadata", PUBLIC + "/saml/test/acs", Optional.empty());
        return SigningIdp.Spec.forPerson(IDP_ENTITY, sp, requestId, email,
                Map.of("email", List.of(email), "username", List.of(email.substring(0, email.indexOf('@'))), "groups", groups,
                        "firstName", List.of("Ann"), "lastName", List.of("Example")), Instant.now());
    }

    static Map<String, String> form(String xml, String relayState) {
        return Map.of("SAMLResponse", Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8)),
                "RelayState", relayState == null ? "" : relayState);
    }

    /** The session cookie the ACS set, checked for its attributes. */
    static String sessionCookie(HttpResponse<?> r) {
        String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("s2n_session=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie: " + r.headers()));
        assertTrue(set.contains("HttpOnly") && set.contains("SameSite=Lax"), set);
        return set.substring(0, set.indexOf(';'));
    }

    @Test
    void roundTripEndsInANatsConnectionWithTheMappedPermissions() throws Exception {
        HttpBrowser b = browser();
        String[] started = startSignIn(b, null);
        String xml = idp.respond(spec(started[0], "ann@acme.test", List.of("eng-developers")));
        HttpResponse<String> acs = b.post("/saml/test/acs", form(xml, started[1]));
        assertEquals(303, acs.statusCode(), acs.body());
        assertEquals("/", acs.headers().firstValue("Location").orElseThrow());
        sessionCookie(acs);

        HttpResponse<String> page = b.get("/");
        assertEquals(200, page.statusCode());
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("frame-ancestors 'none'"));
        String body = page.body();
        assertTrue(body.contains("Hello, Ann Example") && body.contains("eng-developers") && body.contains("account:   DEV"), body);
        Matcher m = Pattern.compile("s2n_[A-Za-z0-9_-]{43}").matcher(body);
        assertTrue(m.find(), "the token is on the page");
        String token = m.group();
        assertFalse(b.get("/").body().contains(token), "shown once");

        try (CalloutStack.Client ann = stack.connect(token)) {
            var sub = ann.connection.subscribe("dev.>");
            ann.connection.flush(java.time.Duration.ofSeconds(2));
            ann.connection.publish("dev.hello", "hi".getBytes(StandardCharsets.UTF_8));
            assertNotNull(sub.nextMessage(java.time.Duration.ofSeconds(2)));
            ann.connection.publish("ops.nope", "x".getBytes(StandardCharsets.UTF_8));
            ann.connection.flush(java.time.Duration.ofSeconds(2));
            String error = ann.errors.poll(3, TimeUnit.SECONDS);
            assertTrue(String.valueOf(error).contains("Permissions Violation for Publish to \"ops.nope\""), error);
        }

        // sign out with the page's CSRF token ends the session: the token no longer connects
        Matcher csrf = Pattern.compile("name=csrf value='([^']+)'").matcher(b.get("/").body());
        assertTrue(csrf.find());
        assertEquals(403, b.post("/logout", Map.of("csrf", "forged")).statusCode(), "a forged form does not sign out");
        HttpResponse<String> out = b.post("/logout", Map.of("csrf", csrf.group(1)));
        assertEquals(303, out.statusCode());
        String slo = out.headers().firstValue("Location").orElseThrow();
        assertTrue(slo.startsWith("https://idp.test/slo?SAMLRequest="), "SP-initiated single logout at the IdP: " + slo);
        assertTrue(RedirectBinding.inflate(query(slo, "SAMLRequest")).contains(">ann@acme.test</saml:NameID>"));
        assertTrue(b.get("/").body().contains("Sign in to connect to NATS"));
        assertThrows(java.io.IOException.class, () -> stack.connect(token));
        assertTrue(stack.audit().contains("\"action\":\"sign-out\""));
    }

    @Test
    void aRefusedSignInNamesTheReasonAndMakesNoSession() throws Exception {
        HttpBrowser b = browser();
        String[] started = startSignIn(b, null);
        String xml = idp.respond(spec(started[0], "ann@acme.test", List.of("eng-developers"))).replace("eng-developers", "eng-admins");
        HttpResponse<String> acs = b.post("/saml/test/acs", form(xml, ""));
        assertEquals(403, acs.statusCode());
        assertTrue(acs.headers().firstValue("Set-Cookie").isEmpty(), "no session");
        assertTrue(acs.body().contains("BAD_SIGNATURE") && acs.body().contains("does not verify"), acs.body());
        assertFalse(acs.body().contains("Exception") || acs.body().contains("at saml2nats"), "never a stack trace");
        assertTrue(stack.audit().contains("\"action\":\"sign-in\",\"outcome\":\"deny\",\"reason\":\"BAD_SIGNATURE\""), stack.audit());
        assertTrue(browser().get("/metrics").body().contains("saml2nats_signins_total{idp=\"test\",outcome=\"deny\",reason=\"BAD_SIGNATURE\"}"));

        String expired = idp.respond(spec(started[0], "ann@acme.test", List.of("eng-developers"))
                .with(x -> { x.notOnOrAfter = Instant.now().minusSeconds(200); return x; }));
        HttpResponse<String> late = b.post("/saml/test/acs", form(expired, null));
        assertEquals(400, late.statusCode());
        assertTrue(late.body().contains("minutes ago: check this server") || late.body().contains("seconds ago"), late.body());
    }

    String signInAs(String email) throws Exception {
        HttpBrowser b = browser();
        String[] started = startSignIn(b, null);
        String xml = idp.respond(spec(started[0], email, List.of("eng-developers")));
        b.post("/saml/test/acs", form(xml, ""));
        Matcher m = Pattern.compile("s2n_[A-Za-z0-9_-]{43}").matcher(b.get("/").body());
        assertTrue(m.find());
        return m.group();
    }

    @Test
    void singleLogoutFromTheIdpEndsTheSessionAndAnswers() throws Exception {
        String token = signInAs("bea@acme.test");
        stack.connect(token).close();
        String logout = """
                <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lo1" Version="2.0" IssueInstant="%s" \
                Destination="%s/saml/test/slo"><saml:Issuer>%s</saml:Issuer><saml:NameID>bea@acme.test</saml:NameID>\
                </samlp:LogoutRequest>""".formatted(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), PUBLIC, IDP_ENTITY);
        String unsigned = RedirectBinding.url(base() + "/saml/test/slo", "SAMLRequest", logout, null, Optional.empty());
        assertEquals(403, browser().get(unsigned.substring(base().length())).statusCode(), "an unsigned logout request is refused");
        String forged = RedirectBinding.url(base() + "/saml/test/slo", "SAMLRequest", logout, null,
                Optional.of(SigningIdp.Keys.generate("evil").key()));
        assertEquals(403, browser().get(forged.substring(base().length())).statusCode(), "signed by another key: refused");
        stack.connect(token).close();

        String signed = RedirectBinding.url(base() + "/saml/test/slo", "SAMLRequest", logout, null, Optional.of(IDP_KEYS.key()));
        HttpResponse<String> r = browser().get(signed.substring(base().length()));
        assertEquals(303, r.statusCode(), r.body());
        String answer = r.headers().firstValue("Location").orElseThrow();
        assertTrue(answer.startsWith("https://idp.test/slo?SAMLResponse="), answer);
        String response = RedirectBinding.inflate(query(answer, "SAMLResponse"));
        assertTrue(response.contains("InResponseTo=\"_lo1\"") && response.contains("status:Success"), response);
        assertThrows(java.io.IOException.class, () -> stack.connect(token), "the token no longer connects");
    }

    String logoutRequest(String id, Instant issued, String destination, String notOnOrAfter, String nameId) {
        return """
                <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" IssueInstant="%s" \
                Destination="%s"%s><saml:Issuer>%s</saml:Issuer><saml:NameID>%s</saml:NameID>\
                </samlp:LogoutRequest>""".formatted(id, issued.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), destination,
                notOnOrAfter == null ? "" : " NotOnOrAfter=\"" + notOnOrAfter + "\"", IDP_ENTITY, nameId);
    }

    HttpResponse<String> sendLogout(String xml) throws Exception {
        String url = RedirectBinding.url(base() + "/saml/test/slo", "SAMLRequest", xml, null, Optional.of(IDP_KEYS.key()));
        return browser().get(url.substring(base().length()));
    }

    @Test
    void aStaleMisaddressedOrReplayedLogoutRequestEndsNothing() throws Exception {
        String token = signInAs("cid@acme.test");
        Instant now = Instant.now();
        String slo = PUBLIC + "/saml/test/slo";
        for (String refused : List.of(
                logoutRequest("_old", Instant.parse("2001-01-01T00:00:00Z"), slo, null, "cid@acme.test"),
                logoutRequest("_elsewhere", now, "https://other-sp.test/slo", null, "cid@acme.test"),
                logoutRequest("_expired", now.minusSeconds(200), slo, now.minusSeconds(100).toString(), "cid@acme.test"),
                logoutRequest("_future", now.plusSeconds(3600), slo, null, "cid@acme.test"))) {
            HttpResponse<String> r = sendLogout(refused);
            assertEquals(403, r.statusCode(), refused + "\n" + r.body());
        }
        stack.connect(token).close(); // still signed in
        String once = logoutRequest("_once", now, slo, null, "cid@acme.test");
        assertEquals(303, sendLogout(once).statusCode());
        assertThrows(java.io.IOException.class, () -> stack.connect(token));
        String again = signInAs("cid@acme.test");
        HttpResponse<String> replay = sendLogout(once);
        assertEquals(403, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("already carried out"), replay.body());
        stack.connect(again).close(); // the fresh session survives the replay
        String audit = stack.audit();
        for (String reason : List.of("\"reason\":\"EXPIRED\"", "\"reason\":\"WRONG_DESTINATION\"", "\"reason\":\"REPLAYED\"",
                "\"reason\":\"NOT_YET_VALID\"")) {
            assertTrue(audit.contains(reason), reason + " in " + audit);
        }
    }

    @Test
    void hardening() throws Exception {
        String big = "A".repeat(2 * 1024 * 1024);
        HttpResponse<String> r = browser().post("/saml/test/acs", Map.of("SAMLResponse", big));
        assertEquals(413, r.statusCode(), "ACS posts are size-limited");
        HttpResponse<String> home = browser().get("/");
        for (String h : List.of("Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "X-Frame-Options")) {
            assertTrue(home.headers().firstValue(h).isPresent(), h);
        }
    }

    @Test
    void returnUrls() throws Exception {
        HttpBrowser b = browser();
        assertEquals(400, b.get("/saml/test/login?return=" + URLEncoder.encode("https://evil.test/phish", StandardCharsets.UTF_8)).statusCode());
        assertEquals(400, b.get("/saml/test/login?return=" + URLEncoder.encode("//evil.test/phish", StandardCharsets.UTF_8)).statusCode());
        String[] started = startSignIn(b, "https://console.acme.test/streams");
        String xml = idp.respond(spec(started[0], "ann@acme.test", List.of("eng-developers")));
        HttpResponse<String> acs = b.post("/saml/test/acs", form(xml, started[1]));
        assertEquals("https://console.acme.test/streams", acs.headers().firstValue("Location").orElseThrow());
        // a RelayState forged on the way back is checked again
        String[] again = startSignIn(b, null);
        String xml2 = idp.respond(spec(again[0], "ann@acme.test", List.of("eng-developers")));
        HttpResponse<String> forged = b.post("/saml/test/acs", form(xml2, "https://evil.test/"));
        assertEquals("/", forged.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void spMetadataAndTheSignedOutPage() throws Exception {
        HttpBrowser b = browser();
        HttpResponse<String> md = b.get("/saml/test/metadata");
        assertEquals(200, md.statusCode());
        assertTrue(md.body().contains("entityID=\"" + PUBLIC + "/saml/test/metadata\"")
                && md.body().contains("Location=\"" + PUBLIC + "/saml/test/acs\""), md.body());
        assertEquals(404, b.get("/saml/nope/metadata").statusCode());
        String home = b.get("/").body();
        assertTrue(home.contains("Test Company") && home.contains("Development sign-in"), home);
        HttpResponse<String> routed = b.post("/route", Map.of("email", "someone@acme.test"));
        assertEquals("/saml/test/login", routed.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void theDevIdpSignsInAlice() throws Exception {
        HttpBrowser b = browser();
        HttpResponse<String> login = b.get("/saml/dev/login");
        String location = login.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(PUBLIC + "/dev-idp/sso?"), location);
        String pick = b.get(location.substring(PUBLIC.length())).body();
        assertTrue(pick.contains("Alice Developer"), pick);
        HttpResponse<String> answer = b.post("/dev-idp/sso", Map.of("SAMLRequest", query(location, "SAMLRequest"),
                "RelayState", "/", "person", "alice"));
        Matcher response = Pattern.compile("name='SAMLResponse' value='([^']+)'").matcher(answer.body());
        assertTrue(response.find(), answer.body());
        HttpResponse<String> acs = b.post("/saml/dev/acs", Map.of("SAMLResponse", response.group(1), "RelayState", "/"));
        assertEquals(303, acs.statusCode(), acs.body());
        sessionCookie(acs);
        String body = b.get("/").body();
        assertTrue(body.contains("Alice Developer") && body.contains("account:   DEV"), body);
        Matcher token = Pattern.compile("s2n_[A-Za-z0-9_-]{43}").matcher(body);
        assertTrue(token.find());
        try (CalloutStack.Client alice = stack.connect(token.group())) {
            assertEquals(Connection.Status.CONNECTED, alice.connection.getStatus());
        }
    }

    @Test
    void aSessionHereEndsNoLaterThanTheIdpsSession() throws Exception {
        HttpBrowser b = browser();
        String id = startSignIn(b, null)[0];
        String xml = idp.respond(spec(id, "ida@acme.test", List.of("eng-developers"))
                .with(x -> { x.sessionNotOnOrAfter = Instant.now().plus(java.time.Duration.ofMinutes(30)); return x; }));
        assertEquals(303, b.post("/saml/test/acs", form(xml, "")).statusCode());
        String page = b.get("/").body();
        assertTrue(page.contains("(in 29m)") || page.contains("(in 30m)"), "not the 8h of sessions.length: " + page);
    }

    @Test
    void withTheDevIdpTheServiceListensOn127001Only() throws Exception {
        // 127.0.0.2 is this machine too, but not the address the service is bound to: as another host would see it
        try (java.net.Socket s = new java.net.Socket()) {
            assertThrows(java.io.IOException.class, () -> s.connect(new java.net.InetSocketAddress("127.0.0.2",
                    stack.service.httpPort()), 2000));
        }
        assertEquals(200, browser().get("/healthz").statusCode(), "while 127.0.0.1 is served");
    }

    @Test
    void aResponseStartedByAnotherBrowserDoesNotSignThisOneIn() throws Exception {
        // the attacker starts a sign-in and lets the IdP answer it as themself, but does not post the answer...
        HttpBrowser attacker = browser();
        String[] started = startSignIn(attacker, null);
        Map<String, String> unposted = form(idp.respond(spec(started[0], "mallory@acme.test", List.of("eng-developers"))), "");
        // ...the victim's browser is made to post it (an auto-submitting form on the attacker's page)
        HttpBrowser victim = browser();
        startSignIn(victim, null); // even a victim in the middle of a sign-in of their own
        HttpResponse<String> csrf = victim.post("/saml/test/acs", unposted);
        assertEquals(403, csrf.statusCode(), csrf.body());
        assertTrue(csrf.body().contains("OTHER_BROWSER") && csrf.body().contains("started in another browser"), csrf.body());
        assertTrue(victim.cookie("s2n_session").isEmpty(), "the victim is not signed in as the attacker");
        assertTrue(victim.get("/").body().contains("Sign in to connect to NATS"));
        assertTrue(stack.audit().contains("\"reason\":\"OTHER_BROWSER\""), stack.audit());
        // the browser that started it still can: a refused post spends nothing
        assertEquals(303, attacker.post("/saml/test/acs", unposted).statusCode());
    }

    @Test
    void thePreAuthCookieIsScopedShortLivedAndOnePerBrowser() throws Exception {
        HttpBrowser b = browser();
        HttpResponse<String> r = b.get("/saml/test/login");
        String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("s2n_signin=")).findFirst()
                .orElseThrow(() -> new AssertionError(r.headers().toString()));
        assertTrue(set.contains("Path=/saml/") && set.contains("HttpOnly") && set.contains("Max-Age=600")
                && set.contains("SameSite=Lax"), "plain-http localhost: " + set);
        String secret = b.cookie("s2n_signin").orElseThrow();
        String id = startSignIn(b, null)[0];
        assertEquals(secret, b.cookie("s2n_signin").orElseThrow(), "one secret per browser: a second tab pushes nothing out");
        assertFalse(secret.contains(id), "random, not derived from a request");
        // two sign-ins started in one browser can both finish, in either order
        String other = startSignIn(b, null)[0];
        assertEquals(303, b.post("/saml/test/acs", form(idp.respond(spec(other, "tab@acme.test", List.of("eng-developers"))), "")).statusCode());
        assertEquals(303, b.post("/saml/test/acs", form(idp.respond(spec(id, "tab@acme.test", List.of("eng-developers"))), "")).statusCode());
    }

    @Test
    void oneAddressCanStartOnlySoManySignIns() throws Exception {
        HttpBrowser b = browser();
        // behind a trusted proxy (127.0.0.1 here) the forwarded address is the one that counts
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        // the client writes a line of its own (a different address each time); the proxy adds the one it saw
        java.util.function.BiFunction<Integer, Integer, Integer> startFrom = (claimed, seen) -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/saml/test/login"))
                        .header("X-Forwarded-For", "203.0.113." + claimed).header("X-Forwarded-For", "198.51.100." + seen)
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        for (int i = 0; i < WebApp.SIGN_IN_STARTS_PER_MINUTE; i++) {
            assertEquals(303, startFrom.apply(i, 7));
        }
        assertEquals(429, startFrom.apply(250, 7), "one over the limit, whatever the client wrote");
        assertEquals(303, startFrom.apply(251, 8), "another address is not held up");
        assertEquals(303, b.get("/saml/test/login").statusCode(), "nor the proxy's own");
        assertTrue(b.get("/metrics").body().contains("saml2nats_signin_starts_refused_total"));
    }

    /** The audit says what a sign-in yields on NATS: the roles and account, or that it grants nothing. */
    @Test
    void aSignInThatYieldsNoGrantIsAuditedAsSuch() throws Exception {
        browser().signIn(idp, "test", IDP_ENTITY, PUBLIC, "nogrant@acme.test", List.of("sales"));
        browser().signIn(idp, "test", IDP_ENTITY, PUBLIC, "granted@acme.test", List.of("eng-developers"));
        List<String> lines = stack.audit().lines().filter(l -> l.contains("\"action\":\"sign-in\"")).toList();
        String none = lines.stream().filter(l -> l.contains("nogrant@acme.test")).findFirst().orElseThrow();
        assertTrue(none.contains("\"reason\":\"NO_GRANT\"") && none.contains("NO_MATCHING_ROLE"), none);
        String granted = lines.stream().filter(l -> l.contains("granted@acme.test")).findFirst().orElseThrow();
        assertTrue(granted.contains("\"reason\":\"OK\"") && granted.contains("developers")
                && granted.contains("\"account\":\"DEV\""), granted);
    }
}
