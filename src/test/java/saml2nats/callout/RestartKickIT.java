package saml2nats.callout;

import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Eventually;
import saml2nats.testing.Mappings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static saml2nats.testing.People.ALICE;

/**
 * The embedded store keeps no session across a restart, so after one nobody can end the
 * sessions the connections came from: the service kicks them at start instead of letting
 * them live until their JWTs expire.
 */
class RestartKickIT {

    @Test
    void aRestartWithTheEmbeddedStoreKicksTheConnectionsOfTheSessionsItLost(@TempDir Path dir) throws Exception {
        try (CalloutStack stack = CalloutStack.start(dir, Mappings.MATRIX, false, "")) {
            String token = stack.signIn(ALICE, Duration.ofHours(1));
            try (CalloutStack.Client c = stack.connect(new Options.Builder().token(token.toCharArray()).maxReconnects(0))) {
                long t0 = System.nanoTime();
                stack.restartService();
                long restarted = System.nanoTime();
                // a session made after the start is not an orphan (this connect usually comes after the
                // sweep's CONNZ answers, so it does not prove the filter against the race; see the note)
                String fresh = stack.signIn(ALICE, Duration.ofHours(1));
                try (CalloutStack.Client after = stack.connect(new Options.Builder().token(fresh.toCharArray()).maxReconnects(0))) {
                    assertEquals(ConnectionListener.Events.CLOSED, c.awaitClosed(Duration.ofSeconds(5)),
                            "the connection of a session the restart lost is kicked");
                    Thread.sleep(300);
                    assertEquals(io.nats.client.Connection.Status.CONNECTED, after.connection.getStatus(),
                            "the new session's connection stays");
                }
                System.out.println("restart took " + (restarted - t0) / 1_000_000 + " ms; kicked "
                        + (System.nanoTime() - restarted) / 1_000_000 + " ms after it");
            }
            assertThrows(IOException.class, () -> stack.connect(token), "and its token is unknown now");
            assertTrue(Eventually.holds(Duration.ofSeconds(3), () -> stack.audit().lines().anyMatch(l ->
                    l.contains("\"action\":\"kick\"") && l.contains("\"reason\":\"RESTART\"")
                    && l.contains("\"subject\":\"alice\"") && l.contains("1 connection closed"))), stack.audit());
        }
    }
}
