package saml2nats.callout;

import saml2nats.testing.Endings;
import saml2nats.testing.Eventually;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.Saml2Nats;
import saml2nats.config.Config;
import saml2nats.config.ConfigLoader;
import saml2nats.keys.KeysInit;
import saml2nats.session.Identity;
import saml2nats.testing.NatsServerProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code make run} does: {@code keys init}, the committed nats-server.conf with
 * the public keys in its environment, and the service on the committed config and
 * mapping (only ports and key paths overridden). Alice connects.
 */
class CommittedConfigIT {
    @Test
    void theShippedConfigurationWorksAsShipped(@TempDir Path dir) throws Exception {
        KeysInit.Made keys = KeysInit.init(dir.resolve("keys"), new SecureRandom());
        String password = Files.readString(dir.resolve("keys").resolve(KeysInit.PASSWORD_FILE)).trim();
        String system = Files.readString(dir.resolve("keys").resolve(KeysInit.SYSTEM_PASSWORD_FILE)).trim();
        try (NatsServerProcess server = NatsServerProcess.startWithFile(dir, Path.of("nats-server.conf").toAbsolutePath(),
                Map.of("SAML2NATS_ISSUER_PUBLIC", keys.issuerPublic(), "SAML2NATS_XKEY_PUBLIC", keys.xkeyPublic(),
                        "SAML2NATS_NATS_PASSWORD", password,
                    "SAML2NATS_NATS_SYSTEM_PASSWORD", system, "SAML2NATS_SYSTEM_PASSWORD", system))) {
            Map<String, String> env = Map.of(
                    "SAML2NATS_NATS_URL", server.url(),
                    "SAML2NATS_HTTP_PORT", "0",
                    "SAML2NATS_NATS_PASSWORD", password,
                    "SAML2NATS_NATS_SYSTEM_PASSWORD", system,
                    "SAML2NATS_ISSUER_SEED", Files.readString(dir.resolve("keys").resolve(KeysInit.ISSUER_FILE)),
                    "SAML2NATS_XKEY_SEED", Files.readString(dir.resolve("keys").resolve(KeysInit.XKEY_FILE)));
            Config config = new ConfigLoader(env).load(Path.of("config/saml2nats.yaml"));
            try (Saml2Nats service = Saml2Nats.start(config, Clock.systemUTC())) {
                var created = service.sessions().create(new Identity("dev", "alice@example.com", "alice@example.com",
                        "alice", "Alice", List.of("eng-developers")), Duration.ofMinutes(5));
                try (Connection nc = Nats.connect(new Options.Builder().server(server.url())
                        .token(created.token().toCharArray()).maxReconnects(0).build())) {
                    var sub = nc.subscribe("user.dev.alice.>");
                    nc.publish("user.dev.alice.notes", "hello".getBytes());
                    assertEquals("hello", new String(sub.nextMessage(Duration.ofSeconds(2)).getData()));

                    // the shipped system user can kick: ending the session closes the connection
                    service.sessions().end(saml2nats.session.AccessToken.hash(created.token()), Endings.SIGN_OUT);
                    Eventually.holds(Duration.ofSeconds(5), () -> nc.getStatus() == Connection.Status.CLOSED);
                    assertEquals(Connection.Status.CLOSED, nc.getStatus());
                }
            }
        }
    }
}
