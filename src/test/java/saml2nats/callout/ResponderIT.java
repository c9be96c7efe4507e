package saml2nats.callout;

import saml2nats.testing.Endings;
import saml2nats.testing.Eventually;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.support.JwtUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.json.JsonObject;
import saml2nats.session.AccessToken;
import saml2nats.testing.AuthRequests;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.NatsServerProcess;
import saml2nats.audit.AuditLog;
import io.nats.client.Nats;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static saml2nats.testing.People.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The responder as a NATS service: garbled input, restarts of nats-server, health and metrics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponderIT {

    CalloutStack stack;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        stack = CalloutStack.start(dir, CalloutMatrix.MAPPING, false, "");
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * nats-server reserves {@code $SYS.REQ.USER.AUTH} in the callout account (a client there gets a
     * permissions violation), so garbage is sent to a second real responder on a plain nats-server.
     */
    @Test
    void garbledRequestsGetAnErrorAndAnAuditLineAndTheResponderKeepsServing(@TempDir Path dir) throws Exception {
        AuthRequests requests = new AuthRequests();
        String user = AuthRequests.newUserNkey();
        long now = System.currentTimeMillis() / 1000;
        var random = new java.security.SecureRandom();
        String token;
        Path auditFile;
        try (Bare bare = new Bare(dir, new CalloutResponder.Settings("q", 2, 16, Duration.ofMillis(750)))) {
            token = bare.token;
            auditFile = bare.auditFile;
            Connection asServer = bare.asServer;
            List<byte[]> garbage = List.of(
                    "this is not a JWT".getBytes(StandardCharsets.UTF_8),
                    requests.request(requests.server, "authorization_response", "nats-authorization-request", user, token, now, Duration.ofSeconds(2)).getBytes(StandardCharsets.UTF_8),
                    requests.request(io.nats.client.NKey.createAccount(random), "authorization_request", "nats-authorization-request", user, token, now, Duration.ofSeconds(2)).getBytes(StandardCharsets.UTF_8),
                    requests.request(requests.server, "authorization_request", "nats-authorization-request", user, token, now - 100, Duration.ofSeconds(5)).getBytes(StandardCharsets.UTF_8));
            List<String> codes = List.of("MALFORMED_REQUEST", "WRONG_TYPE", "UNTRUSTED_SERVER", "EXPIRED_REQUEST");
            for (int i = 0; i < garbage.size(); i++) {
                long t0 = System.nanoTime();
                Message reply = asServer.request(Protocol.AUTH_SUBJECT, garbage.get(i), Duration.ofSeconds(2));
                assertNotNull(reply, "an answer, not a timeout");
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "answered at once");
                String error = claims(reply).object("nats").orElseThrow().text("error").orElseThrow();
                assertTrue(error.startsWith(codes.get(i)), error);
            }
            Message ok = asServer.request(Protocol.AUTH_SUBJECT, requests.valid(user, token).getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
            assertTrue(claims(ok).object("nats").orElseThrow().keys().contains("jwt"), "still serving: a good request gets a user JWT");
        }
        String lines = java.nio.file.Files.readString(auditFile);
        for (String code : List.of("MALFORMED_REQUEST", "WRONG_TYPE", "UNTRUSTED_SERVER", "EXPIRED_REQUEST", "OK")) {
            assertTrue(lines.contains("\"reason\":\"" + code + "\""), code + " in\n" + lines);
        }
        assertFalse(lines.contains(token), "no token in the audit log");
    }

    /** A request that waited longer than callout.max_wait for a worker is refused at once, unread. */
    @Test
    void requestsThatWaitedTooLongAreShedWithAFastEmptyAnswer(@TempDir Path dir) throws Exception {
        AuthRequests requests = new AuthRequests();
        Path auditFile;
        try (Bare bare = new Bare(dir, new CalloutResponder.Settings("q", 1, 16, Duration.ZERO))) {
            auditFile = bare.auditFile;
            Message reply = bare.asServer.request(Protocol.AUTH_SUBJECT,
                    requests.valid(AuthRequests.newUserNkey(), bare.token).getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
            assertNotNull(reply, "an answer, not a timeout");
            assertEquals(0, reply.getData().length, "the empty answer: the server refuses the client at once");
        }
        String lines = java.nio.file.Files.readString(auditFile);
        assertTrue(lines.contains("\"reason\":\"OVERLOADED\"") && lines.contains("waited longer than 0 ms"), lines);
    }

    /** A responder on its own, without the web front: a fresh issuer key, no system user. */
    /**
     * A bare responder on a plain nats-server (nats-server reserves {@code $SYS.REQ.USER.AUTH} in a
     * callout account, so requests are sent by hand from {@code asServer}), with Alice's live session.
     */
    static final class Bare implements AutoCloseable {
        final Path auditFile;
        final String token;
        final Connection asServer;
        private final NatsServerProcess plain;
        private final Connection service;
        private final AuditLog audit;
        private final CalloutResponder responder;

        Bare(Path dir, CalloutResponder.Settings settings) throws Exception {
            var sessions = new saml2nats.session.CaffeineSessionStore(10, java.time.Clock.systemUTC(),
                    new saml2nats.session.AccessToken(new java.security.SecureRandom()));
            token = sessions.create(ALICE, Duration.ofMinutes(5)).token();
            var policy = new saml2nats.policy.PolicyLoader(java.util.Set.of("DEV", "OPS"), saml2nats.policy.Tenancy.OPEN)
                    .parse("m.yaml", CalloutMatrix.MAPPING);
            auditFile = dir.resolve("audit.jsonl");
            plain = NatsServerProcess.start(dir, "");
            service = Nats.connect(plain.url());
            asServer = Nats.connect(plain.url());
            audit = AuditLog.open(auditFile.toString());
            responder = responder(service, sessions, policy, audit, settings);
            service.flush(Duration.ofSeconds(2));
        }

        @Override
        public void close() throws Exception {
            responder.close();
            audit.close();
            asServer.close();
            service.close();
            plain.close();
        }
    }

    static CalloutResponder responder(Connection service, saml2nats.session.SessionStore sessions,
                                      saml2nats.policy.Policy policy, AuditLog audit, CalloutResponder.Settings settings)
            throws Exception {
        var clock = java.time.Clock.systemUTC();
        return new CalloutResponder(service,
                new Authorizer(new CalloutKeys(io.nats.client.NKey.createAccount(new java.security.SecureRandom()),
                        java.util.Optional.empty()), ServerTrust.ANY_SIGNING_SERVER, sessions, () -> policy, clock),
                audit, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), settings, clock).start();
    }

    static JsonObject claims(Message reply) throws Exception {
        return JsonObject.parse(JwtUtils.getClaimBody(new String(reply.getData(), StandardCharsets.UTF_8)));
    }

    @Test
    void theCalloutSubjectIsReservedForTheServer() throws Exception {
        double decided = decisions();
        long audited = stack.audit().lines().count();
        try (CalloutStack.Client asService = stack.connect(new io.nats.client.Options.Builder()
                .userInfo(CalloutStack.SERVICE_USER, stack.servicePassword).maxReconnects(0))) {
            asService.connection.publish(Protocol.AUTH_SUBJECT, "forged".getBytes(StandardCharsets.UTF_8));
            asService.connection.flush(Duration.ofSeconds(2));
            String error = asService.errors.poll(3, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(String.valueOf(error).contains("Permissions Violation for Publish to \"$SYS.REQ.USER.AUTH\""), error);
        }
        // and the responder itself never saw it: no decision counted, nothing audited
        Thread.sleep(300);
        assertEquals(decided, decisions(), "the forged request reached no saml2nats worker");
        assertEquals(audited, stack.audit().lines().count());
        try (CalloutStack.Client alice = stack.connect(stack.signIn(ALICE, Duration.ofMinutes(5)))) {
            assertEquals(decided + 1, decisions(), "while a real connect is decided (the count works)");
        }
    }

    /** Every decision the responder made, from its own metrics. */
    double decisions() {
        return stack.service.metrics().find("saml2nats.callout.decisions").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** One series' value from /metrics, 0 when absent. */
    double scraped(String series) throws Exception {
        return get("/metrics").body().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    @Test
    void visibleAsANatsService() throws Exception {
        try (Connection asServer = stack.connectAsService()) {
            Message info = asServer.request("$SRV.INFO." + CalloutResponder.SERVICE_NAME, new byte[0], Duration.ofSeconds(2));
            assertNotNull(info);
            String json = new String(info.getData(), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"subject\":\"$SYS.REQ.USER.AUTH\"") && json.contains("\"queue_group\":\"saml2nats\""), json);
        }
    }

    @Test
    void survivesANatsServerRestartAndReadinessFollowsIt() throws Exception {
        String token = stack.signIn(ALICE, Duration.ofMinutes(10));
        assertEquals(200, get("/readyz").statusCode());

        stack.server.stop();
        awaitStatus("/readyz", 503);
        assertTrue(get("/readyz").body().contains("\"nats_connected\":false"));
        assertEquals(200, get("/healthz").statusCode(), "alive while NATS is away");

        stack.server.restart();
        awaitStatus("/readyz", 200);
        // the callout subscription is re-established with the connection
        CalloutStack.Client alice = Eventually.succeeds(Duration.ofSeconds(10), () -> stack.connect(token));
        assertNotNull(alice, "the same token connects after the restart");
        alice.close();
    }

    @Test
    void metricsExposeLatencyDecisionsSessionsAndReloads() throws Exception {
        String allowed = "saml2nats_callout_decisions_total{outcome=\"allow\",reason=\"OK\"}";
        String unknown = "saml2nats_callout_decisions_total{outcome=\"deny\",reason=\"UNKNOWN_TOKEN\"}";
        String latency = "saml2nats_callout_latency_seconds_count";
        double allowedBefore = scraped(allowed), unknownBefore = scraped(unknown), latencyBefore = scraped(latency);
        double liveBefore = scraped("saml2nats_sessions_live");
        String token = stack.signIn(ALICE, Duration.ofMinutes(5));
        assertEquals(liveBefore + 1, scraped("saml2nats_sessions_live"), "a sign-in is one more live session");
        try (CalloutStack.Client ignored = stack.connect(token)) {
            assertEquals(allowedBefore + 1, scraped(allowed), "the connect is counted as allowed");
        }
        assertThrows(IOException.class, () -> stack.connect(new AccessToken(new java.security.SecureRandom()).mint()));
        assertEquals(unknownBefore + 1, scraped(unknown), "an unknown token is counted with its reason");
        assertEquals(latencyBefore + 2, scraped(latency), "both decisions were timed");
        stack.service.sessions().end(AccessToken.hash(token), Endings.SIGN_OUT);
        assertEquals(liveBefore, scraped("saml2nats_sessions_live"), "a sign-out is one fewer");

        Path mapping = stack.dir.resolve("mapping.yaml");
        String accepted = "saml2nats_policy_reloads_total{outcome=\"accepted\"}";
        double reloadsBefore = scraped(accepted);
        String good = java.nio.file.Files.readString(mapping);
        java.nio.file.Files.writeString(mapping, good + "\n# an edit that changes nothing but the bytes\n");
        try {
            Eventually.holds(Duration.ofSeconds(5), () -> scraped(accepted) != reloadsBefore);
            assertEquals(reloadsBefore + 1, scraped(accepted), "a good edit is counted as accepted");
        } finally {
            java.nio.file.Files.writeString(mapping, good);
        }
        assertFalse(get("/metrics").body().contains("s2n_"), "no token in metrics");
    }

    @Test
    void aBadPolicyEditOnDiskKeepsServingAndIsCounted() throws Exception {
        Path mapping = stack.dir.resolve("mapping.yaml");
        String good = java.nio.file.Files.readString(mapping);
        try {
            java.nio.file.Files.writeString(mapping, good.replace("account: DEV", "account: NOWHERE"));
            Eventually.holds(Duration.ofSeconds(5),
                    () -> get("/metrics").body().contains("saml2nats_policy_reloads_total{outcome=\"rejected\"} 1.0"));
            assertTrue(get("/metrics").body().contains("saml2nats_policy_reloads_total{outcome=\"rejected\"} 1.0"));
            try (CalloutStack.Client alice = stack.connect(stack.signIn(ALICE, Duration.ofMinutes(5)))) {
                assertEquals(Connection.Status.CONNECTED, alice.connection.getStatus(), "the last good policy still grants");
            }
        } finally {
            java.nio.file.Files.writeString(mapping, good);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.service.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitStatus(String path, int status) throws Exception {
        Eventually.holds(Duration.ofSeconds(15), () -> get(path).statusCode() == status);
        assertEquals(status, get(path).statusCode(), path);
    }
}
