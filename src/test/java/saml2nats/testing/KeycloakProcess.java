package saml2nats.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Keycloak (its distribution from Maven Central, see scripts/keycloak.sh) in
 * dev mode on free ports, with {@code config/keycloak/saml2nats-realm.json} imported
 * for a saml2nats at {@code http://localhost:<spPort>}. A fresh database every start.
 */
public final class KeycloakProcess implements AutoCloseable {
    public static final String REALM = "saml2nats";
    /** The master realm's admin, made at first start (KEYCLOAK_ADMIN; Keycloak 26 names it KC_BOOTSTRAP_ADMIN_*). */
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-password";

    private final Process process;
    private final int port;
    private final Path log;

    private KeycloakProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static KeycloakProcess start(Path dir, int spPort) throws Exception {
        Path home = Path.of(script("scripts/keycloak.sh"));
        // Keycloak 25 runs on Java 17, the JDK a Debian 12 has: the one running these tests
        String javaHome = System.getenv().getOrDefault("KEYCLOAK_JAVA_HOME", System.getProperty("java.home"));
        int port = NatsServerProcess.freePort();
        int management = NatsServerProcess.freePort();
        Path data = home.resolve("data");
        deleteTree(data.resolve("h2"));
        Files.createDirectories(data.resolve("import"));
        String realm = Files.readString(Path.of("config/keycloak/saml2nats-realm.json"))
                .replace("http://localhost:8080", "http://localhost:" + spPort);
        Files.writeString(data.resolve("import").resolve("saml2nats-realm.json"), realm);
        Path log = dir.resolve("keycloak.log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev", "--http-port=" + port,
                "--http-management-port=" + management, "--import-realm")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().put("KEYCLOAK_ADMIN", ADMIN);
        pb.environment().put("KEYCLOAK_ADMIN_PASSWORD", ADMIN_PASSWORD);
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        KeycloakProcess kc = new KeycloakProcess(pb.start(), port, log);
        kc.awaitReady(Duration.ofSeconds(240));
        return kc;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public String metadataUrl() {
        return url() + "/realms/" + REALM + "/protocol/saml/descriptor";
    }

    /**
     * What a Keycloak admin does to end someone's access at the IdP: "Sign out" on the user
     * ({@code POST /admin/realms/{realm}/users/{id}/logout}). Keycloak then logs the person out of
     * every client by its back channel, SOAP for a SAML client that gives a SOAP URL.
     */
    public void logOutAtIdp(String username) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(url() + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=" + ADMIN
                        + "&password=" + ADMIN_PASSWORD)).build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IOException("Keycloak admin sign-in: " + token.statusCode() + " " + token.body());
        }
        String bearer = "Bearer " + saml2nats.json.JsonObject.parse(token.body()).text("access_token").orElseThrow();
        HttpResponse<String> users = http.send(HttpRequest.newBuilder(URI.create(url() + "/admin/realms/" + REALM
                + "/users?exact=true&username=" + username)).header("Authorization", bearer).build(),
                HttpResponse.BodyHandlers.ofString());
        List<saml2nats.json.JsonObject> found = saml2nats.json.JsonObject.parse("{\"users\":" + users.body() + "}").objects("users");
        if (users.statusCode() != 200 || found.size() != 1) {
            throw new IOException("Keycloak user " + username + ": " + users.statusCode() + " " + users.body());
        }
        String id = found.get(0).text("id").orElseThrow();
        HttpResponse<String> out = http.send(HttpRequest.newBuilder(URI.create(url() + "/admin/realms/" + REALM + "/users/"
                + id + "/logout")).header("Authorization", bearer).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (out.statusCode() != 204) {
            throw new IOException("Keycloak admin logout of " + username + ": " + out.statusCode() + " " + out.body());
        }
    }

    /** Keycloak's own log, for what it says about a client it could not log out. */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private void awaitReady(Duration limit) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IOException("Keycloak exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(metadataUrl())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        close();
        throw new IOException("Keycloak was not ready within " + limit + ":\n" + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static String script(String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", path).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IOException(path + " failed (exit " + p.exitValue() + ")");
        }
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var walk = Files.walk(p)) {
                for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
