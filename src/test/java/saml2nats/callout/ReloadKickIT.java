package saml2nats.callout;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.Saml2Nats;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Eventually;
import saml2nats.testing.Mappings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static saml2nats.testing.People.ALICE;
import static saml2nats.testing.People.BOB;

/** A mapping edit that takes a role away kicks exactly the connections that held it, once for two replicas. */
class ReloadKickIT {
    static final String OPERATORS = """
              - name: operators
                when: { groups: [eng-operators] }
                account: OPS
                publish:   { allow: ["ops.>", "shared.>"] }
                subscribe: { allow: ["ops.>", "shared.>", "_INBOX.>"] }
            """;

    @Test
    void aReloadThatRemovesARoleKicksExactlyTheConnectionsThatHeldIt(@TempDir Path dir) throws Exception {
        assertTrue(Mappings.MATRIX.contains(OPERATORS), "the test edits the operators role out of MATRIX");
        try (CalloutStack stack = CalloutStack.start(dir, Mappings.MATRIX, false, "store: nats-kv\n");
             Saml2Nats second = stack.startReplica()) {
            String alice = stack.signIn(ALICE, Duration.ofHours(1));
            String bob = stack.signIn(BOB, Duration.ofHours(1));
            try (CalloutStack.Client developer = stack.connect(new Options.Builder().token(alice.toCharArray()).maxReconnects(0));
                 CalloutStack.Client operator = stack.connect(new Options.Builder().token(bob.toCharArray()).maxReconnects(0))) {
                Files.writeString(dir.resolve("mapping.yaml"), Mappings.MATRIX.replace(OPERATORS, ""));
                assertEquals(ConnectionListener.Events.CLOSED, operator.awaitClosed(Duration.ofSeconds(5)),
                        "bob's connection held the operators role, which the edit removed");
                assertFalse(Eventually.holds(Duration.ofSeconds(1),
                        () -> developer.connection.getStatus() != Connection.Status.CONNECTED),
                        "alice's grant did not change: her connection stays");
            }
            assertThrows(IOException.class, () -> stack.connect(bob), "bob's reconnect finds no role");
            assertTrue(Eventually.holds(Duration.ofSeconds(3), () -> reloadKicks(stack) == 1), stack.audit());
            Thread.sleep(500);
            assertEquals(1, reloadKicks(stack), "one kick line for two replicas (one reviewed the edit):\n" + stack.audit());
            assertEquals(1.0, kicksTried(stack.service) + kicksTried(second),
                    "one replica swept and kicked; the other did not try the same connection again");
        }
    }

    private static double kicksTried(Saml2Nats replica) {
        return replica.metrics().find("saml2nats.kicks").counters().stream()
                .filter(c -> java.util.Set.of("kicked", "gone").contains(c.getId().getTag("outcome")))
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static long reloadKicks(CalloutStack stack) throws IOException {
        return stack.audit().lines().filter(l -> l.contains("\"action\":\"kick\"") && l.contains("\"reason\":\"RELOAD\"")
                && l.contains("\"subject\":\"bob@example.com\"") && l.contains("1 connection closed")).count();
    }
}
