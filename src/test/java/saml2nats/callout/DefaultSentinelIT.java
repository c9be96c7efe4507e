package saml2nats.callout;

import io.nats.client.Connection;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.keys.OperatorInit;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;
import saml2nats.testing.NatsServerProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static saml2nats.testing.People.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operator mode with {@code keys init --operator --default-sentinel}: on nats-server 2.11.2+
 * a client brings only its token (the server lends it the sentinel); 2.10 refuses the
 * setting, which is why it is a choice and README says which servers take it. make test
 * runs this on both (pom.xml), so each half is proven on a real server of its version.
 */
class DefaultSentinelIT {

    @Test
    void aTokenAloneConnectsWhereTheServerHasADefaultSentinel(@TempDir Path dir) throws Exception {
        if (!NatsServerProcess.atLeast(2, 11, 2)) {
            OperatorInit.Made made = OperatorInit.init(dir.resolve("op"), List.of("DEV"), false, true, new SecureRandom());
            IOException refused = assertThrows(IOException.class, () -> NatsServerProcess.startWithFile(dir,
                    made.dir().resolve(OperatorInit.SERVER_CONF), Map.of()).close());
            assertTrue(refused.getMessage().contains("default_sentinel"), "2.10 does not know it: " + refused.getMessage());
            return;
        }
        try (CalloutStack stack = CalloutStack.startOperator(dir, Mappings.MATRIX, false, true, "")) {
            assertTrue(stack.sentinelCreds.isEmpty(), "no sentinel creds are handed out");
            String token = stack.signIn(ALICE, Duration.ofHours(1));
            try (CalloutStack.Client alice = stack.connect(new Options.Builder().token(token.toCharArray()).maxReconnects(0))) {
                assertEquals(Connection.Status.CONNECTED, alice.connection.getStatus());
                var sub = alice.connection.subscribe("dev.>");
                alice.connection.publish("dev.hello", "hi".getBytes(StandardCharsets.UTF_8));
                assertNotNull(sub.nextMessage(Duration.ofSeconds(2)), "with her grant, as in every other mode");
            }
            assertThrows(IOException.class, () -> stack.connect(new Options.Builder().maxReconnects(0)).close(),
                    "the sentinel alone, without a token, gets nothing");
        }
    }
}
