package saml2nats.callout;

import saml2nats.testing.Endings;
import saml2nats.testing.Eventually;
import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.session.AccessToken;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static saml2nats.testing.People.ALICE;
import static saml2nats.testing.People.BOB;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ending a session drops that person's live connections within seconds, through the server's system API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KickIT {

    CalloutStack stack;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        stack = CalloutStack.start(dir, Mappings.MATRIX, false, "");
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void signOutKicksEveryLiveConnectionOfThatSessionAndNoOther() throws Exception {
        String alice = stack.signIn(ALICE, Duration.ofHours(1));
        String bob = stack.signIn(BOB, Duration.ofHours(1));
        try (CalloutStack.Client a1 = stack.connect(new Options.Builder().token(alice.toCharArray()).maxReconnects(0));
             CalloutStack.Client a2 = stack.connect(new Options.Builder().token(alice.toCharArray()).maxReconnects(0));
             CalloutStack.Client b = stack.connect(new Options.Builder().token(bob.toCharArray()).maxReconnects(0))) {
            long t0 = System.nanoTime();
            stack.service.sessions().end(AccessToken.hash(alice), Endings.SIGN_OUT);
            assertNotNull(CalloutMatrix.awaitEvent(a1, ConnectionListener.Events.CLOSED, 5), "first connection kicked");
            assertNotNull(CalloutMatrix.awaitEvent(a2, ConnectionListener.Events.CLOSED, 5), "second connection kicked");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 5000, "within seconds, took " + ms + " ms");
            assertTrue(b.connection.getStatus() == io.nats.client.Connection.Status.CONNECTED, "bob stays connected");
        }
        assertThrows(IOException.class, () -> stack.connect(alice), "the next connect is refused");
        assertTrue(stack.service.metrics().find("saml2nats.kicks").tag("outcome", "kicked").counter().count() >= 2);
        assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> stack.audit().lines().anyMatch(l -> l.contains("\"action\":\"kick\"")
                        && l.contains("\"reason\":\"SIGN_OUT\"") && l.contains("\"detail\":\"by alice@example.com: 2 connections closed in ")
                        && l.contains("\"subject\":\"alice@example.com\""))),
                "one audit line says what ended alice's session, who, how many connections closed and how fast:\n" + stack.audit());
    }

    /** A sign-out racing a connect, against the real server, many times: no connection outlives its session. */
    @Test
    void aConnectRacingItsSignOutNeverStaysConnected() throws Exception {
        // a refused connect costs the client its 5 s connect timeout, so few rounds, spread over the window
        for (int i = 0; i < 12; i++) {
            String token = stack.signIn(ALICE, Duration.ofHours(1));
            java.util.concurrent.CompletableFuture<CalloutStack.Client> connecting = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return stack.connect(new Options.Builder().token(token.toCharArray()).maxReconnects(0));
                        } catch (Exception refused) {
                            return null; // refused: the session had ended first
                        }
                    });
            Thread.sleep(3L * i); // from "sign-out first" to "connect first"
            stack.service.sessions().end(AccessToken.hash(token), Endings.SIGN_OUT);
            CalloutStack.Client c = connecting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            if (c != null) {
                try (c) {
                    assertNotNull(CalloutMatrix.awaitEvent(c, ConnectionListener.Events.CLOSED, 5),
                            "round " + i + ": a connection let in around its sign-out is kicked");
                }
            }
        }
    }
}
