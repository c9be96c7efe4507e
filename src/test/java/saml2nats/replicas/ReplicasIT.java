package saml2nats.replicas;

import saml2nats.testing.Endings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.Saml2Nats;
import saml2nats.session.AccessToken;
import saml2nats.cli.Login;
import saml2nats.cli.NatsContext;
import saml2nats.cli.ServiceClient;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.Mappings;
import saml2nats.testing.TestIdp;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static saml2nats.testing.People.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several saml2nats processes' worth of service (each a full Saml2Nats with its own
 * connection, responder and web port) in one queue group, sharing sessions in
 * JetStream KV ({@code store: nats-kv}) on a real nats-server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {
    CalloutStack stack;

    final TestIdp idp = new TestIdp();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        stack = CalloutStack.start(dir, Mappings.MATRIX, true, "store: nats-kv\n" + idp.config(dir));
    }

    static String base(Saml2Nats replica) {
        return "http://127.0.0.1:" + replica.httpPort();
    }

    @Test
    @Order(0)
    void signInOnOneReplicaSeeTheTokenOnAnotherSignOutOnAThird() throws Exception {
        try (Saml2Nats b = stack.startReplica(); Saml2Nats c = stack.startReplica()) {
            HttpBrowser onA = idp.signIn(base(stack.service), "ann@acme.test", "eng-developers");
            HttpResponse<String> pageOnB = onA.at(base(b)).get("/");
            Matcher token = Pattern.compile("<pre id=token>(s2n_[A-Za-z0-9_-]{43})</pre>").matcher(pageOnB.body());
            assertTrue(token.find(), "replica B shows the token of a sign-in made on A:\n" + pageOnB.body());
            assertFalse(onA.get("/").body().contains("id=token"), "shown once, across replicas");
            try (CalloutStack.Client ann = stack.connect(token.group(1))) {
                HttpResponse<String> out = onA.at(base(c)).post("/logout", Map.of("csrf", HttpBrowser.hidden(pageOnB.body(), "csrf")));
                assertEquals(303, out.statusCode(), "replica C signs the browser out");
                assertEquals(ConnectionListener.Events.CLOSED, ann.awaitClosed(Duration.ofSeconds(5)));
            }
            assertThrows(IOException.class, () -> stack.connect(token.group(1)));
            assertFalse(onA.at(base(b)).get("/").body().contains("Hello,"), "signed out on every replica");
        }
    }

    @Test
    @Order(0)
    void cliSignInsStartedOnOneReplicaFinishOnAnother(@TempDir Path home) throws Exception {
        try (Saml2Nats b = stack.startReplica(); Saml2Nats c = stack.startReplica()) {
            HttpBrowser onA = idp.signIn(base(stack.service), "ann@acme.test", "eng-developers");
            // loopback: allowed in the browser on A, redeemed by the CLI on B
            new Login(new ServiceClient(java.net.URI.create(base(b))), new NatsContext(home),
                    new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.security.SecureRandom(), d -> { })
                    .withBrowser("lb", onA.approvingCli("allow"));
            try (CalloutStack.Client viaB = stack.connect(new NatsContext(home).read("lb").orElseThrow().token())) {
                assertEquals(Connection.Status.CONNECTED, viaB.connection.getStatus());
            }
            // device: started on A, entered and approved in the browser on B, polled on C
            ServiceClient.Answer start = new ServiceClient(java.net.URI.create(base(stack.service))).post("cli/device", Map.of());
            HttpBrowser onB = onA.at(base(b));
            String csrf = HttpBrowser.hidden(onB.get("/device").body(), "csrf");
            HttpResponse<String> confirm = onB.post("/device", Map.of("csrf", csrf, "user_code", start.text("user_code")));
            assertEquals(200, confirm.statusCode(), confirm.body());
            assertTrue(onB.post("/device/answer", Map.of("csrf", csrf, "user_code", start.text("user_code"), "answer", "allow"))
                    .body().contains("Device signed in"));
            ServiceClient.Answer token = new ServiceClient(java.net.URI.create(base(c))).post("cli/device/token",
                    Map.of("device_code", start.text("device_code")));
            assertTrue(token.text("token").startsWith("s2n_"), token.body().toString());
            assertEquals("invalid_grant", new ServiceClient(java.net.URI.create(base(stack.service))).post("cli/device/token",
                    Map.of("device_code", start.text("device_code"))).error().orElseThrow(), "delivered once, across replicas");
        }
    }

    @Test
    @Order(0)
    void aResponseAcceptedByOneReplicaIsAReplayOnAnother() throws Exception {
        try (Saml2Nats b = stack.startReplica()) {
            HttpBrowser browser = new HttpBrowser(base(stack.service));
            Map<String, String> form = browser.signedResponse(idp.idp, "test", TestIdp.ENTITY, TestIdp.PUBLIC,
                    "ann@acme.test", List.of("eng-developers"));
            assertEquals(303, browser.post("/saml/test/acs", form).statusCode());
            HttpResponse<String> replay = new HttpBrowser(base(b)).post("/saml/test/acs", form);
            assertTrue(replay.statusCode() == 400 || replay.statusCode() == 403, "refused: " + replay.statusCode());
            assertTrue(replay.body().contains("REPLAYED") || replay.body().contains("UNKNOWN_REQUEST"), replay.body());
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aSignOutOnOneReplicaRefusesTheNextConnectAndKicksLiveConnectionsWhoeverAuthorizedThem() throws Exception {
        try (Saml2Nats b = stack.startReplica()) {
            String token = stack.signIn(ALICE, Duration.ofMinutes(10));
            List<CalloutStack.Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) { // the queue group spreads these over both replicas
                    clients.add(stack.connect(token));
                }
                assertTrue(b.sessions().end(AccessToken.hash(token), Endings.SIGN_OUT), "replica B ends a session replica A made");
                for (CalloutStack.Client c : clients) {
                    assertEquals(ConnectionListener.Events.CLOSED, c.awaitClosed(Duration.ofSeconds(5)), "every live connection is kicked");
                }
            } finally {
                for (CalloutStack.Client c : clients) {
                    c.close();
                }
            }
            assertThrows(IOException.class, () -> stack.connect(token), "and the next connect is refused");
        }
    }

    @Test
    @Order(2)
    void killingOneReplicaWhileClientsConnectRefusesNobody() throws Exception {
        String token = stack.signIn(ALICE, Duration.ofMinutes(10));
        Saml2Nats b = stack.startReplica();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger connected = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            runs.add(pool.submit(() -> {
                try (Connection nc = io.nats.client.Nats.connect(new Options.Builder().server(stack.server.url())
                        .token(token.toCharArray()).maxReconnects(0).connectionTimeout(Duration.ofSeconds(5)).build())) {
                    connected.incrementAndGet();
                } catch (Exception e) {
                    refused.incrementAndGet();
                }
                return null;
            }));
            if (i == 60) {
                pool.submit(b::close); // replica B goes away in the middle of the storm
            }
        }
        for (Future<?> f : runs) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        b.close();
        assertEquals(0, refused.get(), "no connection is refused because a replica went away");
        assertEquals(200, connected.get());
    }

    /**
     * The process that ends the session never saw the connection (it was authorized before a
     * restart), so only the servers' own record (CONNZ, by the name in the user JWT) finds it.
     */
    @Test
    @Order(3)
    void aConnectionAuthorizedBeforeARestartIsKickedWithinASecondOfItsSessionsEnd() throws Exception {
        String token = stack.service.sessions().create(ALICE, Duration.ofMinutes(10)).token();
        try (CalloutStack.Client alice = stack.connect(new Options.Builder().token(token.toCharArray()).maxReconnects(0))) {
            stack.restartService();
            assertEquals(Connection.Status.CONNECTED, alice.connection.getStatus(), "a restart of the service drops no one");
            long t0 = System.nanoTime();
            assertTrue(stack.service.sessions().end(AccessToken.hash(token), Endings.SIGN_OUT));
            assertEquals(ConnectionListener.Events.CLOSED, alice.awaitClosed(Duration.ofSeconds(5)),
                    "the connection from before the restart is kicked");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("kicked after a restart, from session end to close: " + ms + " ms");
            assertTrue(ms < 1000, "within 1 s of the session's end, took " + ms + " ms");
        }
        assertThrows(IOException.class, () -> stack.connect(token), "and the token is refused");
    }

    @Test
    @Order(4) // last: it stops the stack's own replica
    void sessionsSurviveARestartOfEveryReplica() throws Exception {
        Saml2Nats b = stack.startReplica();
        String token = b.sessions().create(ALICE, Duration.ofMinutes(10)).token();
        b.close();
        stack.service.close(); // no replica is left
        try (Saml2Nats again = stack.startReplica(); Saml2Nats andAgain = stack.startReplica()) {
            try (CalloutStack.Client alice = stack.connect(token)) {
                assertEquals(Connection.Status.CONNECTED, alice.connection.getStatus(), "the token made before still connects");
            }
        }
    }

}
