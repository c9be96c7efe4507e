package saml2nats.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.MainAccess;
import saml2nats.testing.NatsServerProcess;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code saml2nats login} against addresses where no service answers, over real sockets:
 * it ends within seconds with exit 1 and one line that says why, never a stack trace.
 */
class UnreachableServiceTest {
    @TempDir
    Path home;

    record Run(int code, String out, String err, Duration took) { }

    Run login(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("login"));
        all.addAll(List.of(args));
        long start = System.nanoTime();
        int code = MainAccess.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("XDG_CONFIG_HOME", home.toString()));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - start));
    }

    void assertRefused(Run run, String url, String reason, Duration within) {
        assertEquals(1, run.code, run.err);
        assertEquals("saml2nats: cannot reach the saml2nats service at " + url + ": " + reason + "\n", run.err,
                "one line with the reason, no stack trace");
        assertTrue(run.took.compareTo(within) < 0, "took " + run.took);
        assertFalse(Files.exists(home.resolve("nats")), "no context written");
    }

    @Test
    void aRefusedConnectionSaysSoAtOnce() throws Exception {
        String url = "http://127.0.0.1:" + NatsServerProcess.freePort() + "/";
        assertRefused(login("--url", url, "--device"), url, "connection refused", Duration.ofSeconds(3));
        assertRefused(login("--url", url), url, "connection refused", Duration.ofSeconds(3));
    }

    @Test
    void anUnknownHostSaysSo() throws Exception {
        assertRefused(login("--url", "https://nats-login.invalid", "--device"), "https://nats-login.invalid/",
                "unknown host", Duration.ofSeconds(10));
    }

    @Test
    void aHostThatTakesNoConnectionFailsWithinTheConnectTimeout() throws Exception {
        // a listener whose backlog is full drops the SYN, as a filtered port or a host that is down does
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(full.getInetAddress(), full.getLocalPort()), 300);
                    queued.add(s);
                }
            } catch (java.net.SocketTimeoutException expected) {
                // the backlog is full now
            }
            String url = "http://127.0.0.1:" + full.getLocalPort() + "/";
            assertRefused(login("--url", url, "--device"), url,
                    "no connection within 5s (is the host up, and the port open to you?)", Duration.ofSeconds(8));
            for (Socket s : queued) {
                s.close();
            }
        }
    }

    @Test
    void aServiceThatNeverAnswersFailsWithinTheAnswerTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread taker = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // accepts, reads nothing, answers nothing
                    }
                } catch (java.io.IOException closed) {
                    held.forEach(s -> {
                        try {
                            s.close();
                        } catch (java.io.IOException ignored) {
                            // the test is over
                        }
                    });
                }
            }, "silent-service");
            taker.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/";
            assertRefused(login("--url", url, "--device"), url, "no answer within 10s", Duration.ofSeconds(15));
        }
    }
}
