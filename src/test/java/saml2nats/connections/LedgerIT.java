package saml2nats.connections;

import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.Saml2Nats;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Eventually;
import saml2nats.testing.Mappings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static saml2nats.testing.People.ALICE;

/**
 * The connection ledger on a real nats-server: the servers' own connect and disconnect events
 * become one audit line each, tied to the person; the live view survives a restart of the
 * service; two replicas write each line once.
 */
class LedgerIT {
    static List<String> lines(CalloutStack stack, String action, long clientId) throws Exception {
        return stack.audit().lines().filter(l -> l.contains("\"action\":\"" + action + "\"")
                && l.contains("\"client_id\":" + clientId + "}")).toList();
    }

    static Ledger ledger(Saml2Nats service) {
        return service.connections().orElseThrow(() -> new AssertionError("the stack has a system user: a ledger"));
    }

    @Test
    void connectsAndDisconnectsAreAuditedWithThePersonTheTrafficAndTheReasonAndTheViewSurvivesARestart(@TempDir Path dir)
            throws Exception {
        try (CalloutStack stack = CalloutStack.start(dir, Mappings.MATRIX, false, "store: nats-kv\n")) {
            String token = stack.signIn(ALICE, Duration.ofHours(1));
            String session = stack.service.sessions().findByToken(token).orElseThrow().id();
            CalloutStack.Client first = stack.connect(new Options.Builder().token(token.toCharArray())
                    .connectionName("orders-1").maxReconnects(0));
            try (CalloutStack.Client second = stack.connect(new Options.Builder().token(token.toCharArray())
                    .connectionName("orders-2").maxReconnects(0))) {
                long firstId = first.connection.getServerInfo().getClientId();
                long secondId = second.connection.getServerInfo().getClientId();
                assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> ledger(stack.service).of(Set.of(session)).size() == 2),
                        "both connections are live in the view: " + ledger(stack.service).all());
                for (int i = 0; i < 10; i++) {
                    first.connection.publish("dev.ledger", "0123456789".getBytes(StandardCharsets.UTF_8));
                }
                first.connection.flush(Duration.ofSeconds(2));
                first.close();

                assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> lines(stack, "connection-closed", firstId).size() == 1),
                        stack.audit());
                String closed = lines(stack, "connection-closed", firstId).get(0);
                for (String part : List.of("\"reason\":\"CLIENT_CLOSED\"", "\"detail\":\"Client Closed\"",
                        "\"session\":\"" + session + "\"", "\"subject\":\"" + ALICE.subject() + "\"",
                        "\"idp\":\"" + ALICE.idp() + "\"", "\"roles\":[\"developers\"]", "\"account\":\"DEV\"",
                        "\"name\":\"orders-1\"", "\"host\":\"127.0.0.1\"", "\"published_msgs\":10",
                        "\"published_bytes\":100", "\"seconds\":")) {
                    assertTrue(closed.contains(part), part + " in " + closed);
                }
                String opened = lines(stack, "connection-opened", firstId).get(0);
                assertTrue(opened.contains("\"name\":\"orders-1\"") && opened.contains("\"roles\":[\"developers\"]"), opened);
                assertEquals(List.of(secondId), ledger(stack.service).of(Set.of(session)).stream()
                        .map(l -> l.connection().clientId()).toList(), "only the open one stays live");

                stack.restartService();
                List<Ledger.Live> rebuilt = ledger(stack.service).of(Set.of(session));
                assertEquals(List.of(secondId), rebuilt.stream().map(l -> l.connection().clientId()).toList(),
                        "the restarted service knows what is connected from the servers");
                assertEquals(ALICE.subject(), rebuilt.get(0).person().subject());
                assertEquals("orders-2", rebuilt.get(0).connection().name());
                assertEquals(List.of("developers"), rebuilt.get(0).roles());

                try (Saml2Nats replica = stack.startReplica();
                     CalloutStack.Client third = stack.connect(token)) {
                    long thirdId = third.connection.getServerInfo().getClientId();
                    assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> ledger(replica).of(Set.of(session)).size() == 2
                            && ledger(stack.service).of(Set.of(session)).size() == 2), "each replica has the whole view");
                    Thread.sleep(500); // a second line, if a replica wrote one too, would be there by now
                    assertEquals(1, lines(stack, "connection-opened", thirdId).size(), "two replicas, one line: "
                            + lines(stack, "connection-opened", thirdId));
                }
            }
        }
    }
}
