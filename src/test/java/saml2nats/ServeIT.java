package saml2nats;

import saml2nats.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;
import saml2nats.testing.NatsServerProcess;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code saml2nats serve} as a person runs it, in its own process: "ready" only once it
 * is, one clear line and exit 1 when it cannot start, a bounded log while nats-server is
 * down with /readyz saying so, and Ctrl-C stopping it within 2 s with exit 0.
 */
class ServeIT {
    /** The service as a child process, its stdout and stderr together in one file. */
    record Serve(Process process, Path output) implements AutoCloseable {
        static Serve start(Path config, int httpPort) throws IOException {
            Path output = config.resolveSibling("serve-" + httpPort + ".log");
            ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "saml2nats.Main", "serve", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().put("SAML2NATS_HTTP_PORT", String.valueOf(httpPort));
            return new Serve(pb.start(), output);
        }

        String text() throws IOException {
            return Files.readString(output);
        }

        boolean awaitText(String fragment, Duration limit) throws Exception {
            Eventually.holds(limit, () -> text().contains(fragment) || !process.isAlive());
            return text().contains(fragment);
        }

        int exit(Duration limit) throws InterruptedException {
            assertTrue(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS), "still running after " + limit);
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static int readyz(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static void assertOneClearLine(String text) {
        assertFalse(text.contains("\tat ") || text.contains("Exception in thread"), "no stack trace: " + text);
        assertFalse(text.contains("is ready"), "never ready when it did not start: " + text);
    }

    @Test
    void readyThenABoundedLogWhileNatsIsDownThenCtrlCStopsCleanly(@TempDir Path dir) throws Exception {
        try (CalloutStack stack = CalloutStack.start(dir, Mappings.MATRIX, false, "")) {
            stack.service.close(); // the config and the nats-server stay; the service runs as its own process
            int port = NatsServerProcess.freePort();
            try (Serve serve = Serve.start(dir.resolve("saml2nats.yaml"), port)) {
                assertTrue(serve.awaitText("saml2nats is ready", Duration.ofSeconds(60)), serve.text());
                assertEquals(200, readyz(port));

                int before = serve.text().split("\n").length;
                stack.server.stop();
                Thread.sleep(6000);
                assertEquals(503, readyz(port), "not ready while NATS is down");
                List<String> said = List.of(serve.text().split("\n")).subList(before, serve.text().split("\n").length);
                assertTrue(said.size() <= 6, "the NATS outage is said once, then at a bounded rate (6 s of it): " + said);
                assertTrue(said.stream().anyMatch(l -> l.contains("NATS is unreachable")), String.valueOf(said));

                int beforeStop = serve.text().split("\n").length;
                long t0 = System.nanoTime();
                new ProcessBuilder("kill", "-INT", String.valueOf(serve.process().pid())).start().waitFor();
                assertEquals(0, serve.exit(Duration.ofSeconds(2)), "Ctrl-C exits 0: " + serve.text());
                assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(2)) <= 0);
                List<String> last = List.of(serve.text().split("\n"));
                List<String> warnings = last.subList(Math.min(beforeStop, last.size()), last.size()).stream()
                        .filter(l -> l.contains("WARN") || l.contains("ERROR")).toList();
                assertTrue(warnings.size() <= 1, "no warning flood on the way out: " + warnings);
            }
        }
    }

    @Test
    void aPortInUseAMissingMappingAndAnUnwritableAuditLogAreEachOneLine(@TempDir Path dir) throws Exception {
        try (CalloutStack stack = CalloutStack.start(dir, Mappings.MATRIX, false, "")) {
            stack.service.close();
            Path config = dir.resolve("saml2nats.yaml");
            String good = Files.readString(config);
            try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
                 Serve serve = Serve.start(config, taken.getLocalPort())) {
                assertEquals(1, serve.exit(Duration.ofSeconds(60)), serve.text());
                assertTrue(serve.text().contains("cannot start: http_port " + taken.getLocalPort()), serve.text());
                assertOneClearLine(serve.text());
            }

            Files.writeString(config, good.replace("file: mapping.yaml", "file: no-such-mapping.yaml"));
            assertTrue(Files.readString(config).contains("no-such-mapping.yaml"), "the edit took");
            try (Serve serve = Serve.start(config, NatsServerProcess.freePort())) {
                assertEquals(1, serve.exit(Duration.ofSeconds(60)), serve.text());
                assertTrue(serve.text().contains("no-such-mapping.yaml"), serve.text());
                assertFalse(serve.text().contains("stays in force"), "there is no previous policy: " + serve.text());
                assertOneClearLine(serve.text());
            }

            Files.writeString(dir.resolve("not-a-dir"), "a file where the audit log's folder should be");
            Files.writeString(config, good.replaceAll("(?m)^audit_log:.*$", "audit_log: " + dir.resolve("not-a-dir/audit.jsonl")));
            try (Serve serve = Serve.start(config, NatsServerProcess.freePort())) {
                assertEquals(1, serve.exit(Duration.ofSeconds(60)), serve.text());
                assertTrue(serve.text().contains("cannot start: audit_log"), serve.text());
                assertOneClearLine(serve.text());
            }
        }
    }
}
