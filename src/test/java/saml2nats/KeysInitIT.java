package saml2nats;

import saml2nats.testing.Eventually;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.keys.KeysInit;
import saml2nats.config.Config;
import saml2nats.config.ConfigLoader;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.NatsServerProcess;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's config-mode setup, followed to the letter: {@code keys init} prints two parts;
 * a nats-server runs on exactly the first, the service on the second (plus the settings
 * README says to add), and a sign-out kicks a live connection through the system user.
 */
class KeysInitIT {
    @Test
    void thePrintedSetupWorksAndSignOutKicks(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8)).run(new String[]{"keys", "init", dir.resolve("keys").toString()}), err.toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        int server = printed.indexOf(KeysInit.SERVER_PART);
        int service = printed.indexOf(KeysInit.SERVICE_PART);
        assertTrue(server >= 0 && service > server, printed);
        String serverPart = printed.substring(server, service);
        String servicePart = printed.substring(service);
        for (String secret : new String[]{KeysInit.PASSWORD_FILE, KeysInit.SYSTEM_PASSWORD_FILE}) {
            String value = Files.readString(dir.resolve("keys").resolve(secret)).trim();
            assertFalse(printed.contains(value), "a password is printed only as its bcrypt hash");
        }

        try (NatsServerProcess nats = NatsServerProcess.start(dir, serverPart)) {
            Files.writeString(dir.resolve("mapping.yaml"), Files.readString(Path.of("config/mapping.yaml")));
            Files.writeString(dir.resolve("saml2nats.yaml"), servicePart + """
                    public_url: http://localhost:8080
                    policy: { file: mapping.yaml }
                    dev_idp: true
                    """);
            Config config = new ConfigLoader(Map.of("SAML2NATS_NATS_URL", nats.url(), "SAML2NATS_HTTP_PORT", "0"))
                    .load(dir.resolve("saml2nats.yaml"));
            try (Saml2Nats running = Saml2Nats.start(config, Clock.systemUTC())) {
                HttpBrowser alice = new HttpBrowser("http://127.0.0.1:" + running.httpPort());
                String page = alice.signInAtDevIdp("alice").body();
                Matcher token = Pattern.compile("<pre id=token>(s2n_[A-Za-z0-9_-]{43})</pre>").matcher(page);
                Matcher csrf = Pattern.compile("name=csrf value='([^']+)'").matcher(page);
                assertTrue(token.find() && csrf.find(), page);
                try (Connection nc = Nats.connect(new Options.Builder().server(nats.url())
                        .token(token.group(1).toCharArray()).maxReconnects(0).build())) {
                    assertEquals(Connection.Status.CONNECTED, nc.getStatus());
                    HttpResponse<String> signedOut = alice.post("/logout", Map.of("csrf", csrf.group(1)));
                    assertEquals(303, signedOut.statusCode(), signedOut.body());
                    Eventually.holds(Duration.ofSeconds(5), () -> nc.getStatus() == Connection.Status.CLOSED);
                    assertEquals(Connection.Status.CLOSED, nc.getStatus(), "sign-out kicked the live connection");
                }
            }
        }
    }

    /** Without the system user in auth_users, start-up fails at once naming it, instead of hanging on retries. */
    @Test
    void aSystemUserLeftToTheCalloutFailsStartUpNamingIt(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Main(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(new String[]{"keys", "init", dir.resolve("keys").toString()});
        String printed = out.toString(StandardCharsets.UTF_8);
        String serverPart = printed.substring(printed.indexOf(KeysInit.SERVER_PART), printed.indexOf(KeysInit.SERVICE_PART))
                .replace("auth_users: [ saml2nats, sys ]", "auth_users: [ saml2nats ]");
        assertTrue(serverPart.contains("auth_users: [ saml2nats ]"), serverPart);
        try (NatsServerProcess nats = NatsServerProcess.start(dir, serverPart)) {
            Files.writeString(dir.resolve("mapping.yaml"), Files.readString(Path.of("config/mapping.yaml")));
            Files.writeString(dir.resolve("saml2nats.yaml"), printed.substring(printed.indexOf(KeysInit.SERVICE_PART))
                    + "policy: { file: mapping.yaml }\n");
            Config config = new ConfigLoader(Map.of("SAML2NATS_NATS_URL", nats.url(), "SAML2NATS_HTTP_PORT", "0"))
                    .load(dir.resolve("saml2nats.yaml"));
            long t0 = System.nanoTime();
            CannotStart refused = org.junit.jupiter.api.Assertions.assertThrows(CannotStart.class,
                    () -> Saml2Nats.start(config, Clock.systemUTC()).close());
            assertTrue(refused.getMessage().contains("nats.system_user 'sys'") && refused.getMessage().contains("auth_users")
                    && refused.getMessage().contains(nats.url()), refused.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(20)) < 0, "no hang");
        }
    }
}
