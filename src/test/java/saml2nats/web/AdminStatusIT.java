package saml2nats.web;

import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.saml.OpenSaml;
import saml2nats.saml.SigningIdp;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Eventually;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.NatsServerProcess;
import saml2nats.testing.TestIdp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin page's status on a real nats-server: an IdP's refused sign-in (a Response signed with
 * a key it was never given) with its time and reason, a signing certificate 10 days from expiry
 * (the warning and the metric), a refused mapping edit with its file:line, SCIM callers, and each
 * live connection's traffic as the servers count it now.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminStatusIT {
    static final String SCIM_TOKEN = "scim-token-for-the-admin-status-test-0123456789";
    CalloutStack stack;
    TestIdp expiring = new TestIdp(Duration.ofDays(10));
    String base;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        Files.writeString(dir.resolve("scim-token"), SCIM_TOKEN);
        Files.setPosixFilePermissions(dir.resolve("scim-token"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        int port = NatsServerProcess.freePort();
        base = "http://localhost:" + port;
        stack = CalloutStack.start(dir, Files.readString(Path.of("config/mapping.yaml")), false, """
                dev_idp: true
                admin: { groups: [eng-operators], idps: [dev] }
                scim:
                  - idp: dev
                    token_file: scim-token
                    match: email
                """ + expiring.config(dir), port);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    HttpBrowser admin() throws Exception {
        HttpBrowser bob = new HttpBrowser(base);
        bob.signInAtDevIdp("bob");
        return bob;
    }

    @Test
    void aSignInWithTheWrongSignatureShowsItsTimeAndReasonAndAnExpiringCertificateWarnsOnThePageAndInTheMetric()
            throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        SigningIdp intruder = new SigningIdp(new OpenSaml(), SigningIdp.Keys.generate("intruder"));
        HttpBrowser mallory = new HttpBrowser(base);
        HttpResponse<String> refused = mallory.post("/saml/test/acs", mallory.signedResponse(intruder, "test",
                TestIdp.ENTITY, base, "mallory@example.com", List.of("eng-operators")));
        assertEquals(403, refused.statusCode(), refused.body());

        String page = admin().get("/admin").body();
        String idp = section(page, "idps");
        String test = idp.substring(idp.indexOf("Test Company"));
        Matcher failure = Pattern.compile("last refused</th><td><span class=alert>(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) UTC")
                .matcher(test);
        assertTrue(failure.find(), test);
        Instant at = Instant.parse(failure.group(1).replace(' ', 'T') + "Z");
        assertTrue(!at.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) && !at.isAfter(Instant.now()),
                "the failure's own time: " + at);
        assertTrue(test.contains("<code>BAD_SIGNATURE</code>"), test);
        assertTrue(test.contains("id='expiry-test'") && test.contains("under 30 days"), "the warning: " + test);
        String dev = idp.substring(idp.indexOf("(dev)"), idp.indexOf("Test Company") > idp.indexOf("(dev)")
                ? idp.indexOf("Test Company") : idp.length());
        assertTrue(!dev.contains("under 30 days") && dev.contains("last sign-in</th><td>2"), "the dev IdP signed bob in: " + dev);

        String metrics = stack.service.metrics().scrape();
        double left = metric(metrics, "saml2nats_idp_certificate_expiry_seconds{idp=\"test\"}");
        assertTrue(left > Duration.ofDays(9).toSeconds() && left <= Duration.ofDays(10).toSeconds(), "seconds left: " + left);
        assertTrue(metric(metrics, "saml2nats_idp_certificate_expiry_seconds{idp=\"dev\"}") > Duration.ofDays(30).toSeconds());
        double failed = metric(metrics, "saml2nats_idp_signin_last_failure_timestamp_seconds{idp=\"test\"}");
        assertTrue(failed >= before.getEpochSecond() && failed <= Instant.now().getEpochSecond(), "last failure: " + failed);
        assertTrue(metric(metrics, "saml2nats_idp_signin_last_success_timestamp_seconds{idp=\"dev\"}") >= before.getEpochSecond());
    }

    @Test
    void aRefusedMappingEditShowsItsFileAndLineAndThePolicyInForceStays() throws Exception {
        Path mapping = dir.resolve("mapping.yaml");
        String good = Files.readString(mapping);
        try {
            Files.writeString(mapping, good.replace("account: DEV", "account: NOPE"));
            stack.service.policy().checkNow();
            String card = section(admin().get("/admin").body(), "mapping");
            int line = good.lines().toList().indexOf("    account: DEV") + 1;
            assertTrue(card.contains("mapping.yaml:" + line + "</code>"), "file:line of the bad account: " + card);
            assertTrue(card.contains("NOPE") && card.contains("the policy before it stays in force"), card);
        } finally {
            Files.writeString(mapping, good);
            stack.service.policy().checkNow();
        }
        assertTrue(section(admin().get("/admin").body(), "mapping").contains("an edit accepted since replaced it"));
    }

    @Test
    void scimCallersShowWithTheirLastRefusal() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create(base + "/scim/v2/Users")).header("Authorization", "Bearer wrong").build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/scim/v2/Users?filter="
                + java.net.URLEncoder.encode("userName eq \"nobody@example.com\"", StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + SCIM_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        String card = section(admin().get("/admin").body(), "scim");
        assertTrue(Pattern.compile("<th>dev</th><td>last request 2[^<]*UTC <span class=muted>\\([^)]*\\)</span> · \\d+ requests")
                .matcher(card).find(), card);
        assertTrue(card.contains("callers with no valid token") && card.contains("<code>UNAUTHORIZED</code> a bearer token of no IdP"),
                card);
        assertTrue(!card.contains(SCIM_TOKEN) && !card.contains("Bearer wrong"), "no token on the page: " + card);
    }

    @Test
    void eachLiveConnectionShowsWhatItPublishedSoFar() throws Exception {
        HttpBrowser alice = new HttpBrowser(base);
        String token = AdminPageIT.token(alice.signInAtDevIdp("alice").body());
        try (CalloutStack.Client c = stack.connect(new Options.Builder().token(token.toCharArray())
                .connectionName("alice-traffic").maxReconnects(0))) {
            for (int i = 0; i < 10; i++) {
                c.connection.publish("dev.traffic", "0123456789".getBytes(StandardCharsets.UTF_8));
            }
            c.connection.flush(Duration.ofSeconds(2));
            HttpBrowser bob = admin();
            String page = Eventually.value(Duration.ofSeconds(5), () -> bob.get("/admin").body(),
                    p -> p.contains("<b>alice-traffic</b> from 127.0.0.1") && p.contains("published 10 msgs / 100 B"));
            assertTrue(page.contains("published 10 msgs / 100 B"), page);
        }
    }

    /** The card with this id. */
    static String section(String page, String id) {
        int at = page.indexOf("<div class=card id=" + id + ">");
        assertTrue(at >= 0, "no card " + id + ": " + page);
        int end = page.indexOf("<div class=card", at + 10);
        return page.substring(at, end < 0 ? page.length() : end);
    }

    static double metric(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in\n" + scrape));
    }
}
