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

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        stack = CalloutStack.startCluster(dir, Mappings.MATRIX, 3, "store: nats-kv\nkv: { replicas: 3 }\n" + idp.config(dir));
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
