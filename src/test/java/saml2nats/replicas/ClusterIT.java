package saml2nats.replicas;

import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.Saml2Nats;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.Mappings;
import saml2nats.testing.TestIdp;
import saml2nats.testing.NatsServerProcess;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nats-servers clustered on loopback with JetStream (KV buckets with 3 replicas),
 * two saml2nats replicas on different servers, a client on the third.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {
    final TestIdp idp = new TestIdp();
    CalloutStack stack;

    static final String SCIM_TOKEN = "scim-token-of-the-test-idp-0123456789abcdef";
    final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("scim-token"), SCIM_TOKEN);
        stack = CalloutStack.startCluster(dir, Mappings.MATRIX, 3, "store: nats-kv\nkv: { replicas: 3 }\n" + idp.config(dir)
                + "scim: [ { idp: test, token_file: scim-token, match: email } ]\n");
    }

    private HttpResponse<String> scim(int port, String method, String path, String body) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/scim/v2" + path))
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/scim+json").header("Authorization", "Bearer " + SCIM_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Deprovisioning across the cluster: fay signed in through replica A and connected through
     * server 3; her IdP deactivates her through replica B (on server 2). Every connection closes
     * within a second of B's answer, her token is refused everywhere, and so is her next sign-in.
     */
    @Test
    void aScimDeactivationOnReplicaBClosesEveryConnectionOnServer3WithinASecond() throws Exception {
        NatsServerProcess server3 = stack.cluster.get(2);
        try (Saml2Nats b = stack.startReplica(stack.cluster.get(1))) {
            HttpResponse<String> created = scim(b.httpPort(), "POST", "/Users", "{\"userName\":\"fay@acme.test\",\"active\":true,"
                    + "\"emails\":[{\"value\":\"fay@acme.test\",\"primary\":true}]}");
            assertEquals(201, created.statusCode(), created.body());
            String id = saml2nats.json.JsonObject.parse(created.body()).text("id").orElseThrow();

            HttpBrowser browser = idp.signIn("http://127.0.0.1:" + stack.service.httpPort(), "fay@acme.test", "eng-developers");
            Matcher token = Pattern.compile("<pre id=token>(s2n_[A-Za-z0-9_-]{43})</pre>").matcher(browser.get("/").body());
            assertTrue(token.find());
            String t = token.group(1);
            try (CalloutStack.Client one = stack.connect(server3, new Options.Builder().token(t.toCharArray()).maxReconnects(0));
                 CalloutStack.Client two = stack.connect(server3, new Options.Builder().token(t.toCharArray()).maxReconnects(0))) {
                long sent = System.nanoTime();
                HttpResponse<String> off = scim(b.httpPort(), "PATCH", "/Users/" + id,
                        "{\"Operations\":[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]}");
                long answered = System.nanoTime();
                assertEquals(200, off.statusCode(), off.body());
                assertEquals(ConnectionListener.Events.CLOSED, one.awaitClosed(Duration.ofSeconds(3)));
                assertEquals(ConnectionListener.Events.CLOSED, two.awaitClosed(Duration.ofSeconds(3)));
                long closed = System.nanoTime();
                long ms = Math.max(0, closed - answered) / 1_000_000;
                System.out.println("SCIM deactivation on replica B: answered in " + (answered - sent) / 1_000_000
                        + " ms; last close on server 3 " + (closed - sent) / 1_000_000 + " ms after the request, "
                        + ms + " ms after the answer");
                assertTrue(ms < 1000, "every connection closed within 1 s of the SCIM answer, took " + ms + " ms");
            }
            for (NatsServerProcess s : stack.cluster) {
                assertThrows(IOException.class, () -> stack.connect(s, new Options.Builder().token(t.toCharArray())
                        .maxReconnects(0)), "refused on every server");
            }
            HttpBrowser again = new HttpBrowser("http://127.0.0.1:" + stack.service.httpPort());
            HttpResponse<String> refused = again.post("/saml/test/acs", again.signedResponse(idp.idp, "test", TestIdp.ENTITY,
                    TestIdp.PUBLIC, "fay@acme.test", java.util.List.of("eng-developers")));
            assertEquals(403, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("deactivated at Test Company"), refused.body());
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void signInThroughReplicaAConnectToServer3SignOutOnReplicaBEverywhere() throws Exception {
        NatsServerProcess server3 = stack.cluster.get(2);
        try (Saml2Nats b = stack.startReplica(stack.cluster.get(1))) {
            HttpBrowser browser = idp.signIn("http://127.0.0.1:" + stack.service.httpPort(), "ann@acme.test", "eng-developers");
            HttpResponse<String> page = browser.get("/");
            Matcher token = Pattern.compile("<pre id=token>(s2n_[A-Za-z0-9_-]{43})</pre>").matcher(page.body());
            assertTrue(token.find(), page.body());
            String t = token.group(1);

            try (CalloutStack.Client onServer3 = stack.connect(server3, new Options.Builder().token(t.toCharArray()).maxReconnects(0))) {
                var sub = onServer3.connection.subscribe("dev.cluster");
                onServer3.connection.flush(Duration.ofSeconds(2));
                onServer3.connection.publish("dev.cluster", new byte[]{1});
                assertTrue(sub.nextMessage(Duration.ofSeconds(2)) != null, "connected through server 3 with the grant");

                HttpResponse<String> out = browser.at("http://127.0.0.1:" + b.httpPort()).post("/logout",
                        Map.of("csrf", HttpBrowser.hidden(page.body(), "csrf")));
                assertEquals(303, out.statusCode());
                assertEquals(ConnectionListener.Events.CLOSED, onServer3.awaitClosed(Duration.ofSeconds(5)),
                        "kicked on server 3 after the sign-out on replica B (connected to server 2)");
            }
            for (NatsServerProcess s : stack.cluster) {
                assertThrows(IOException.class, () -> stack.connect(s, new Options.Builder().token(t.toCharArray())
                        .maxReconnects(0)), "refused on every server");
            }
        }
    }
}
