package saml2nats;

import io.nats.client.NKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.config.ConfigException;
import saml2nats.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Saml2NatsTest {
    @Test
    void theDevSignInIsRefusedOffLocalhost(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mapping.yaml"), Files.readString(Path.of("config/mapping.yaml")));
        Files.writeString(dir.resolve("c.yaml"), """
                public_url: https://nats-login.example.com
                nats: { user: saml2nats }
                accounts: [DEV, OPS]
                dev_idp: true
                """);
        var config = new ConfigLoader(Map.of("SAML2NATS_ISSUER_SEED", new String(NKey.createAccount(new SecureRandom()).getSeed())))
                .load(dir.resolve("c.yaml"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Saml2Nats.start(config, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("dev_idp") && e.getMessage().contains("nats-login.example.com"), e.getMessage());
    }

    @Test
    void aUserSeedIsRefusedAsTheIssuerWithoutEchoingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("c.yaml"), "nats: { user: x }\naccounts: [DEV]\n");
        String userSeed = new String(NKey.createUser(new SecureRandom()).getSeed());
        // refused at load now, before the service starts (ConfigLoaderTest has every such case)
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of("SAML2NATS_ISSUER_SEED", userSeed)).load(dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("not an account seed") && !e.getMessage().contains(userSeed), e.getMessage());
    }
}
