package saml2nats.callout;

import saml2nats.testing.Eventually;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.NatsServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The answer window against a real nats-server: room comes back only with the server's PONG. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnswerWindowIT {
    NatsServerProcess server;
    Connection nc;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        server = NatsServerProcess.start(dir, "");
        nc = Nats.connect(server.url());
    }

    @AfterAll
    void stop() throws Exception {
        nc.close();
        server.close();
    }

    @Test
    void aFullWindowHoldsTheWorkerUntilTheServerHasReadTheAnswers() throws Exception {
        try (AnswerWindow window = new AnswerWindow(nc, 2, Duration.ofSeconds(10), Duration.ofSeconds(5), "test")) {
            window.acquire();
            window.acquire();
            CountDownLatch third = acquiring(window);
            assertFalse(third.await(300, TimeUnit.MILLISECONDS), "two answers in flight: no room for a third");

            nc.publish("answers", new byte[]{1});
            window.sent();
            assertTrue(third.await(5, TimeUnit.SECONDS), "the PONG after the answer made room");
        }
    }

    @Test
    void roomNotUsedIsGivenBackAtOnce() throws Exception {
        try (AnswerWindow window = new AnswerWindow(nc, 1, Duration.ofSeconds(10), Duration.ofSeconds(5), "test")) {
            window.acquire();
            window.release(); // no request came
            assertTrue(acquiring(window).await(2, TimeUnit.SECONDS));
        }
    }

    @Test
    void theWindowHalvesWhileRoundTripsExceedTheTargetAndStaysWhileTheyDoNot() throws Exception {
        // a target of 1 ns: every real round trip is over it; of a minute: none is
        try (AnswerWindow slow = new AnswerWindow(nc, 64, Duration.ofNanos(1), Duration.ofSeconds(5), "slow");
             AnswerWindow fast = new AnswerWindow(nc, 64, Duration.ofMinutes(1), Duration.ofSeconds(5), "fast")) {
            for (int round = 0; round < 8; round++) {
                for (AnswerWindow w : new AnswerWindow[]{slow, fast}) {
                    w.acquire();
                    nc.publish("answers", new byte[]{1});
                    w.sent();
                    awaitConfirmed(w);
                }
            }
            assertEquals(1, slow.limit(), "64 halved on every round trip, down to one answer at a time");
            assertEquals(64, fast.limit(), "round trips well under the target: the window stays at its most");
        }
    }

    @Test
    void closingReleasesAWorkerWaitingForRoom() throws Exception {
        AnswerWindow window = new AnswerWindow(nc, 1, Duration.ofSeconds(10), Duration.ofSeconds(5), "test");
        window.acquire();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                window.acquire();
            } catch (InterruptedException e) {
                stopped.countDown(); // told to stop, not left waiting
            }
        });
        worker.setDaemon(true);
        worker.start();
        assertFalse(stopped.await(200, TimeUnit.MILLISECONDS), "no room: the worker waits");
        window.close();
        assertTrue(stopped.await(2, TimeUnit.SECONDS), "closing the window stops the wait");
    }

    /** A worker taking room: the latch opens when it got some. */
    private static CountDownLatch acquiring(AnswerWindow window) {
        CountDownLatch got = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                window.acquire();
                got.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.setDaemon(true);
        worker.start();
        return got;
    }

    private static void awaitConfirmed(AnswerWindow w) throws Exception {
        Eventually.holds(Duration.ofSeconds(5), () -> w.inFlight() == 0);
        assertEquals(0, w.inFlight(), "the server confirmed the answer");
    }
}
