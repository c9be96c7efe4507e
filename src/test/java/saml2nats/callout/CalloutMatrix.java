package saml2nats.callout;

import saml2nats.testing.Endings;
import io.nats.client.ConnectionListener;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.session.AccessToken;
import saml2nats.session.Identity;
import saml2nats.testing.CalloutStack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static saml2nats.testing.People.ALICE;
import static saml2nats.testing.People.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The authorization matrix against a real nats-server and the real service; run
 * with and without xkey sealing, in config mode ({@link CalloutPlainIT}, {@link CalloutXkeyIT})
 * and operator mode ({@link OperatorPlainIT}, {@link OperatorXkeyIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CalloutMatrix {
    static final String MAPPING = saml2nats.testing.Mappings.MATRIX;

    static final Identity NOBODY = new Identity("dev", "nobody@example.com", "nobody@example.com", "nobody", "Nobody",
            List.of("sales"));
    static final Identity SHORT = new Identity("dev", "sam@example.com", "sam@example.com", "sam", "Sam",
            List.of("short"));

    CalloutStack stack;

    abstract boolean xkey();

    /** Operator mode: accounts from JWTs, people's JWTs signed by the account's signing key. */
    boolean operator() {
        return false;
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        stack = operator() ? CalloutStack.startOperator(dir, MAPPING, xkey(), "") : CalloutStack.start(dir, MAPPING, xkey(), "");
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            writeLatency();
            stack.close();
        }
    }

    @Test
    void validTokenGetsExactlyTheGrant() throws Exception {
        String token = stack.signIn(ALICE, Duration.ofMinutes(10));
        try (CalloutStack.Client alice = stack.connect(token)) {
            var nc = alice.connection;
            Subscription sub = nc.subscribe("dev.>");
            Subscription own = nc.subscribe("user.dev.alice.inbox");
            nc.flush(Duration.ofSeconds(2));
            nc.publish("dev.hello", "hi".getBytes(StandardCharsets.UTF_8));
            nc.publish("user.dev.alice.inbox", "mine".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(Duration.ofSeconds(2));
            assertNotNull(m, "an allowed publish reaches an allowed subscription");
            assertEquals("hi", new String(m.getData(), StandardCharsets.UTF_8));
            assertNotNull(own.nextMessage(Duration.ofSeconds(2)), "the {{username}} subject was filled in as alice");

            nc.publish("ops.restart", "no".getBytes(StandardCharsets.UTF_8));
            nc.publish("dev.secret.key", "no".getBytes(StandardCharsets.UTF_8));
            nc.subscribe("ops.>");
            nc.flush(Duration.ofSeconds(2));
            String e1 = alice.errors.poll(3, TimeUnit.SECONDS);
            String e2 = alice.errors.poll(3, TimeUnit.SECONDS);
            String e3 = alice.errors.poll(3, TimeUnit.SECONDS);
            String all = e1 + "|" + e2 + "|" + e3;
            assertTrue(all.contains("Permissions Violation for Publish to \"ops.restart\""), all);
            assertTrue(all.contains("Permissions Violation for Publish to \"dev.secret.key\""), all);
            assertTrue(all.contains("Permissions Violation for Subscription to \"ops.>\""), all);
            assertNull(sub.nextMessage(Duration.ofMillis(300)), "denied publish delivered nothing");
        }
    }

    /** A role that lists only one direction: nats-server must refuse the other outright. */
    @Test
    void aDirectionTheRoleDoesNotMentionIsClosed() throws Exception {
        Identity watcher = new Identity("dev", "wat@example.com", "wat@example.com", "wat", "Wat", List.of("watch"));
        try (CalloutStack.Client w = stack.connect(stack.signIn(watcher, Duration.ofMinutes(10)))) {
            Subscription sub = w.connection.subscribe("dev.>");
            w.connection.publish("dev.secret.x", "x".getBytes(StandardCharsets.UTF_8));
            w.connection.publish("$JS.API.INFO", "x".getBytes(StandardCharsets.UTF_8));
            w.connection.flush(Duration.ofSeconds(2));
            String errors = w.errors.poll(3, TimeUnit.SECONDS) + "|" + w.errors.poll(3, TimeUnit.SECONDS);
            assertTrue(errors.contains("Permissions Violation for Publish to \"dev.secret.x\""), errors);
            assertTrue(errors.contains("Permissions Violation for Publish to \"$JS.API.INFO\""), errors);
            assertNull(sub.nextMessage(Duration.ofMillis(300)), "nothing was published");
        }
        Identity sender = new Identity("dev", "sen@example.com", "sen@example.com", "sen", "Sen", List.of("send"));
        try (CalloutStack.Client s = stack.connect(stack.signIn(sender, Duration.ofMinutes(10)))) {
            s.connection.subscribe(">");
            s.connection.flush(Duration.ofSeconds(2));
            String error = s.errors.poll(3, TimeUnit.SECONDS);
            assertTrue(String.valueOf(error).contains("Permissions Violation for Subscription to \">\""), error);
        }
    }

    @Test
    void everyConnectIsAuthorizedAfresh() throws Exception {
        String token = stack.signIn(ALICE, Duration.ofMinutes(10));
        String session = stack.service.sessions().findByToken(token).orElseThrow().id();
        java.util.Set<String> serverIds = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            try (CalloutStack.Client c = stack.connect(token)) {
                assertEquals(io.nats.client.Connection.Status.CONNECTED, c.connection.getStatus());
                serverIds.add(c.connection.getServerInfo().getServerId());
            }
        }
        assertEquals(1, serverIds.size(), "one server: " + serverIds);
        // only this session's lines: other tests share the stack and its audit log
        List<String> mine = stack.audit().lines().filter(l -> l.contains("\"session\":\"" + session + "\"")
                && l.contains("\"action\":\"connect\"") && l.contains("\"outcome\":\"allow\"")).toList();
        assertEquals(200, mine.size(), "exactly one audited decision per connect");
        java.util.Set<String> clients = new java.util.HashSet<>();
        java.util.regex.Pattern client = java.util.regex.Pattern.compile("\"server_id\":\"([^\"]+)\",\"client_id\":(\\d+)");
        for (String line : mine) {
            java.util.regex.Matcher m = client.matcher(line);
            assertTrue(m.find(), line);
            assertTrue(serverIds.contains(m.group(1)), "the decision names the server the client reached: " + line);
            clients.add(m.group(2));
        }
        assertEquals(200, clients.size(), "each decision was for its own connection (a fresh request each time)");
    }

    @Test
    void refusalsAtConnect() throws Exception {
        String ended = stack.signIn(ALICE, Duration.ofMinutes(10));
        stack.service.sessions().end(AccessToken.hash(ended), Endings.SIGN_OUT);
        String unmatched = stack.signIn(NOBODY, Duration.ofMinutes(10));
        String unknown = new AccessToken(new java.security.SecureRandom()).mint();

        for (String token : List.of(unknown, ended, unmatched)) {
            IOException e = assertThrows(IOException.class, () -> stack.connect(token));
            assertTrue(String.valueOf(e.getMessage()).contains("Authorization Violation"), e.toString());
        }
        IOException none = assertThrows(IOException.class,
                () -> stack.connect(new Options.Builder().maxReconnects(0)));
        assertTrue(String.valueOf(none.getMessage()).contains("Authorization Violation"), none.toString());

        String audit = stack.audit();
        for (String reason : List.of("UNKNOWN_TOKEN", "NO_MATCHING_ROLE", "NO_TOKEN")) {
            assertTrue(audit.contains("\"reason\":\"" + reason + "\""), reason + " in audit:\n" + audit);
        }
        assertFalse(audit.contains(unknown) || audit.contains(ended) || audit.contains(unmatched), "no token in the audit log");
    }

    @Test
    void tokenAsPasswordWithAnyUserName() throws Exception {
        String token = stack.signIn(ALICE, Duration.ofMinutes(10));
        try (CalloutStack.Client alice = stack.connect(new Options.Builder().userInfo("whoever", token).maxReconnects(0))) {
            assertEquals(io.nats.client.Connection.Status.CONNECTED, alice.connection.getStatus());
        }
    }

    @Test
    void accountsAreIsolated() throws Exception {
        try (CalloutStack.Client alice = stack.connect(stack.signIn(ALICE, Duration.ofMinutes(10)));
             CalloutStack.Client bob = stack.connect(stack.signIn(BOB, Duration.ofMinutes(10)))) {
            Subscription bobSees = bob.connection.subscribe("shared.>");
            Subscription aliceSees = alice.connection.subscribe("shared.>");
            bob.connection.flush(Duration.ofSeconds(2));
            alice.connection.flush(Duration.ofSeconds(2));
            alice.connection.publish("shared.news", "from DEV".getBytes(StandardCharsets.UTF_8));
            alice.connection.flush(Duration.ofSeconds(2));
            assertNotNull(aliceSees.nextMessage(Duration.ofSeconds(2)), "DEV sees its own message");
            assertNull(bobSees.nextMessage(Duration.ofMillis(700)), "OPS does not see DEV's message");
        }
        String audit = stack.audit();
        assertTrue(audit.contains("\"account\":\"DEV\"") && audit.contains("\"account\":\"OPS\""), audit);
    }

    @Test
    void expiryDropsThenReauthorizesWhileTheSessionLives() throws Exception {
        String token = stack.signIn(SHORT, Duration.ofMinutes(10));
        Options.Builder options = new Options.Builder().token(token.toCharArray())
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(100));
        try (CalloutStack.Client sam = stack.connect(options)) {
            assertEquals(ConnectionListener.Events.DISCONNECTED, awaitEvent(sam, ConnectionListener.Events.DISCONNECTED, 6),
                    "the server drops the connection when the 2 s user JWT expires");
            assertEquals(ConnectionListener.Events.RECONNECTED, awaitEvent(sam, ConnectionListener.Events.RECONNECTED, 6),
                    "the reconnect is authorized again while the session lives");

            stack.service.sessions().end(AccessToken.hash(token), Endings.SIGN_OUT);
            awaitEvent(sam, ConnectionListener.Events.DISCONNECTED, 6);
            assertNull(awaitEvent(sam, ConnectionListener.Events.RECONNECTED, 3),
                    "after the session ends, reconnects are refused");
            assertTrue(sam.errors.stream().anyMatch(e -> e.contains("Authorization Violation")), sam.errors.toString());
        }
    }

    static ConnectionListener.Events awaitEvent(CalloutStack.Client c, ConnectionListener.Events wanted, int seconds)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            ConnectionListener.Events e = c.events.poll(100, TimeUnit.MILLISECONDS);
            if (e == wanted) {
                return e;
            }
        }
        return null;
    }

    /** The callout latency as the service's own timer measured it over this class's run. */
    private void writeLatency() throws IOException {
        Timer timer = stack.service.metrics().find("saml2nats.callout.latency").timer();
        if (timer == null) {
            return;
        }
        StringBuilder line = new StringBuilder(getClass().getSimpleName() + ": " + timer.count() + " requests");
        for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
            line.append(String.format(", p%.0f=%.2fms", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
        }
        line.append(String.format(", max=%.2fms%n", timer.max(TimeUnit.MILLISECONDS)));
        Path out = Path.of("target", "callout-latency.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line.toString(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
