package saml2nats.web;

import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.session.Identity;
import saml2nats.session.Session;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Eventually;
import saml2nats.testing.HttpBrowser;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin page on a real nats-server, without JavaScript: who may open it (a SAML group at an
 * IdP, from the config), what it shows, and that ending a session from it asks first, kicks, and
 * is audited with the admin's identity.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPageIT {
    CalloutStack stack;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        stack = CalloutStack.start(dir, Files.readString(Path.of("config/mapping.yaml")), false, """
                dev_idp: true
                admin: { groups: [eng-operators], idps: [dev] }
                """);
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

    static String token(String page) {
        Matcher m = Pattern.compile("<pre id=token>(s2n_[A-Za-z0-9_-]{43})</pre>").matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    @Test
    void onlyTheConfiguredGroupMayOpenItAndOthersAreToldWhichGroupItNeeds() throws Exception {
        HttpResponse<String> stranger = browser().get("/admin");
        assertEquals(303, stranger.statusCode(), "not signed in: sign in first");
        assertTrue(stranger.headers().firstValue("Location").orElse("").contains("return=%2Fadmin"));
        HttpBrowser alice = browser();
        alice.signInAtDevIdp("alice");
        HttpResponse<String> refused = alice.get("/admin");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("This page is for members of eng-operators signed in through dev")
                && refused.body().contains("with the groups [eng-developers]"), refused.body());
        assertTrue(refused.body().contains(">Back to your page</a>"), "she is signed in: " + refused.body());
        assertFalse(alice.get("/").body().contains("id=admin-link"), "no admin link for a non-admin");
        HttpBrowser bob = browser();
        assertTrue(bob.signInAtDevIdp("bob").body().contains("<a id=admin-link href='/admin'>"), "an admin's page links to it");
    }

    @Test
    void anAdminSeesLiveSessionsAndConnectionsAndEndsOneThenAllAfterConfirmingEach() throws Exception {
        HttpBrowser aliceBrowser = browser();
        String webToken = token(aliceBrowser.signInAtDevIdp("alice").body());
        Identity alice = stack.service.sessions().findByToken(webToken).orElseThrow().identity();
        String cliToken = stack.service.sessions().create(alice, Duration.ofHours(1),
                new Session.Origin(Session.Origin.Kind.CLI_DEVICE, "192.0.2.9", "saml2nats-cli")).token();
        String cliSession = stack.service.sessions().findByToken(cliToken).orElseThrow().id();
        HttpBrowser bob = browser();
        bob.signInAtDevIdp("bob");
        try (CalloutStack.Client web = stack.connect(new Options.Builder().token(webToken.toCharArray())
                .connectionName("alice-dashboard").maxReconnects(0));
             CalloutStack.Client cli = stack.connect(new Options.Builder().token(cliToken.toCharArray())
                     .connectionName("alice-cli").maxReconnects(0))) {
            String page = Eventually.value(Duration.ofSeconds(5), () -> bob.get("/admin").body(),
                    p -> p.contains("alice-dashboard") && p.contains("alice-cli"));
            assertTrue(page.contains("Alice Developer") && page.contains("CLI (device code)") && page.contains("alice-cli")
                    && page.contains("alice-dashboard") && page.contains("Bob Operator"), page);
            assertTrue(page.contains("aria-label='End every session of alice@example.com'"), "labelled buttons: " + page);
            String csrf = HttpBrowser.hidden(page, "csrf");

            assertEquals(403, bob.post("/admin/end", Map.of("session", cliSession)).statusCode(), "no CSRF token, no action");
            HttpResponse<String> ask = bob.post("/admin/end", Map.of("csrf", csrf, "session", cliSession));
            assertEquals(200, ask.statusCode(), ask.body());
            assertTrue(ask.body().contains("End the CLI (device code) session of alice@example.com"), ask.body());
            assertEquals(io.nats.client.Connection.Status.CONNECTED, cli.connection.getStatus(), "asking ends nothing");

            HttpResponse<String> done = bob.post("/admin/end", Map.of("csrf", csrf, "session", cliSession, "confirm", "yes"));
            assertTrue(done.body().contains("1 session(s) ended"), done.body());
            assertEquals(ConnectionListener.Events.CLOSED, cli.awaitClosed(Duration.ofSeconds(5)), "its connection is kicked");
            assertEquals(io.nats.client.Connection.Status.CONNECTED, web.connection.getStatus(), "her other session stays");
            HttpResponse<String> again = bob.post("/admin/end", Map.of("csrf", csrf, "session", cliSession, "confirm", "yes"));
            assertEquals(409, again.statusCode());
            assertTrue(again.body().contains("That session has already ended"), again.body());

            String person = alice.idp() + "\n" + alice.subject();
            String confirmAll = bob.post("/admin/end", Map.of("csrf", csrf, "person", person)).body();
            assertTrue(Pattern.compile("End all \\d+ session\\(s\\) of alice@example.com\\?").matcher(confirmAll).find(),
                    confirmAll);
            bob.post("/admin/end", Map.of("csrf", csrf, "person", person, "confirm", "yes"));
            assertEquals(ConnectionListener.Events.CLOSED, web.awaitClosed(Duration.ofSeconds(5)));
        }
        assertTrue(Eventually.holds(Duration.ofSeconds(3), () -> stack.audit().lines().filter(l ->
                l.contains("\"action\":\"kick\"") && l.contains("\"reason\":\"ADMIN\"") && l.contains("by bob@example.com")).count() >= 2),
                stack.audit());
        assertTrue(stack.audit().contains("ended by admin bob@example.com on the admin page, 1 session(s)"), stack.audit());
        assertFalse(bob.get("/admin").body().contains("alice-dashboard"), "gone from the page");
    }
}
