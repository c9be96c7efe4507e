package saml2nats.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @Test
    void theExampleConfigLoadsWithItsDefaults() throws Exception {
        Config c = ConfigLoader.withoutSecrets(Map.of()).load(Path.of("config/saml2nats.yaml"));
        assertEquals("http://localhost:8080", c.publicUrl().toString());
        assertEquals(java.util.Set.of("DEV", "OPS"), c.accounts());
        assertEquals(Duration.ofHours(8), c.sessions().length());
        assertTrue(c.devIdp());
        assertEquals(Path.of("config/mapping.yaml").toAbsolutePath().normalize(), c.policyFile().normalize());
    }

    @Test
    void theComposeConfigPointsAtTheComposeKeycloakAndNats() throws Exception {
        Config c = ConfigLoader.withoutSecrets(Map.of()).load(Path.of("config/compose.yaml"));
        assertEquals("nats://nats:4222", c.nats().url());
        assertEquals("keycloak", c.idps().get(0).id());
        assertEquals("http://keycloak:8180/realms/saml2nats/protocol/saml/descriptor",
                c.idps().get(0).metadataUrl().orElseThrow().toString());
        assertEquals(Path.of("config/mapping.yaml").toAbsolutePath().normalize(), c.policyFile().normalize());
    }

    @Test
    void operatorModeNamesAccountsAndARoleForAnAccountWithoutKeysIsRefusedWithFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("dev-sk.nk"), new String(io.nats.client.NKey.createAccount(new java.security.SecureRandom()).getSeed()));
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, """
                nats: { creds_file: service.creds }
                callout: { issuer_seed_file: auth.nk }
                operator:
                  sentinel_creds_file: sentinel.creds
                  accounts:
                    DEV: { public_key: ADEVPUBLICKEY, signing_key_files: [dev-sk.nk] }
                """);
        Config c = ConfigLoader.withoutSecrets(Map.of()).load(cfg);
        assertEquals(java.util.Set.of("DEV"), c.accounts(), "the accounts are the operator's");
        assertEquals(dir.resolve("service.creds"), c.nats().credsFile().orElseThrow());
        Path mapping = dir.resolve("mapping.yaml");
        Files.writeString(mapping, """
                roles:
                  - name: developers
                    when: { groups: [eng] }
                    account: DEV
                    publish: { allow: ["dev.>"] }
                  - name: partners
                    when: { groups: [partners] }
                    account: ACME
                    publish: { allow: ["acme.>"] }
                """);
        var e = org.junit.jupiter.api.Assertions.assertThrows(saml2nats.policy.PolicyException.class,
                () -> new saml2nats.policy.PolicyLoader(c.accounts(), new saml2nats.policy.Tenancy(Map.of())).load(mapping));
        assertTrue(e.getMessage().contains("mapping.yaml:8: role 'partners' names account 'ACME'")
                && e.getMessage().contains("[UNKNOWN_ACCOUNT]") && !e.getMessage().contains("developers"), e.getMessage());
    }

    @Test
    void secretsComeFromFilesOrEnvAndAreNeverPrinted(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("issuer.nk"), "SAFILESEED\n");
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, """
                nats: { user: svc }
                callout: { issuer_seed_file: issuer.nk }
                accounts: [DEV]
                """);
        Config fromFile = new ConfigLoader(Map.of()).load(cfg);
        assertEquals("SAFILESEED", fromFile.callout().issuerSeed().value());
        assertFalse(fromFile.toString().contains("SAFILESEED"), "toString hides secrets");

        Config fromEnv = new ConfigLoader(Map.of("SAML2NATS_ISSUER_SEED", "SAENVSEED", "SAML2NATS_NATS_URL", "nats://other:4222",
                "SAML2NATS_HTTP_PORT", "9090")).load(cfg);
        assertEquals("SAENVSEED", fromEnv.callout().issuerSeed().value());
        assertEquals("nats://other:4222", fromEnv.nats().url());
        assertEquals(9090, fromEnv.httpPort());
    }

    @Test
    void everyProblemNamesItsSetting(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, """
                public_url: not a url
                http_port: 99999
                sessions: { length: forever }
                callout: { workers: 0, issuer_seed_file: missing.nk }
                idps:
                  - id: acme
                    accounts: [ACME]
                colour: blue
                admin_token_file: admin-token
                store: redis
                """);
        Files.writeString(dir.resolve("admin-token"), "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(cfg));
        String all = String.join("\n", e.problems());
        for (String setting : new String[]{"public_url", "http_port", "sessions.length", "callout.workers",
                "callout.issuer_seed_file", "nats.user", "accounts:", "idps[acme].accounts", "unknown key 'colour'",
                "admin_token_file: the admin token must be at least 32 characters", "store: 'redis' is not a store"}) {
            assertTrue(all.contains(setting), setting + " in\n" + all);
        }
    }
}
