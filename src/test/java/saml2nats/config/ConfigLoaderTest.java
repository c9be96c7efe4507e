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
        assertEquals(IdpKind.KEYCLOAK, c.idps().get(0).kind());
        assertEquals("http://localhost:8180/realms/saml2nats/protocol/saml/descriptor",
                c.idps().get(0).metadataUrl().orElseThrow().toString());
        assertEquals(Path.of("config/mapping.yaml").toAbsolutePath().normalize(), c.policyFile().normalize());
        assertFalse(c.devIdp(), "a container listens beyond loopback, so no test people there");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeStackPublishesOnLoopbackOnly() throws Exception {
        Map<String, Object> compose = new org.yaml.snakeyaml.Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        int published = 0;
        for (var service : services.entrySet()) {
            for (Object port : (java.util.List<Object>) service.getValue().getOrDefault("ports", java.util.List.of())) {
                assertTrue(String.valueOf(port).startsWith("127.0.0.1:"), service.getKey() + " publishes " + port
                        + " on every interface: the stack's test people and passwords would be reachable from the network");
                published++;
            }
        }
        assertEquals(3, published, "nats, keycloak, and saml2nats's own port on keycloak's namespace");
        assertEquals("service:keycloak", services.get("saml2nats").get("network_mode"));
    }

    @Test
    void theDevIdpListensOnLoopbackOnly(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "nats: { user: s }\ncallout: {}\naccounts: [DEV]\ndev_idp: true\n");
        assertEquals("127.0.0.1", ConfigLoader.withoutSecrets(Map.of()).load(cfg).httpHost());
        Files.writeString(cfg, "nats: { user: s }\ncallout: {}\naccounts: [DEV]\ndev_idp: true\nhttp_host: 0.0.0.0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.withoutSecrets(Map.of()).load(cfg));
        assertTrue(e.getMessage().contains("dev_idp: true lets anybody who reaches the service sign in"), e.getMessage());
        Files.writeString(cfg, "nats: { user: s }\ncallout: {}\naccounts: [DEV]\ndev_idp: true\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.withoutSecrets(Map.of("SAML2NATS_HTTP_HOST", "0.0.0.0")).load(cfg));
        Files.writeString(cfg, "nats: { user: s }\ncallout: {}\naccounts: [DEV]\n");
        assertEquals("0.0.0.0", ConfigLoader.withoutSecrets(Map.of()).load(cfg).httpHost());
    }

    @Test
    void identityProviderSettingsThatWouldWeakenTrustAreRefused(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        String base = "nats: { user: s }\ncallout: {}\naccounts: [DEV]\nidps:\n  - id: okta\n";
        java.util.function.Function<String, String> refused = idp -> {
            try {
                Files.writeString(cfg, base + idp);
                return assertThrows(ConfigException.class, () -> ConfigLoader.withoutSecrets(Map.of()).load(cfg)).getMessage();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        };
        assertTrue(refused.apply("    metadata_url: http://idp.acme.test/metadata\n").contains("is plain http"));
        assertTrue(refused.apply("    metadata_url: http://127.0.0.1.evil.test/metadata\n").contains("is plain http"),
                "a name that starts like a loopback address is not one");
        assertTrue(refused.apply("    metadata_url: ftp://idp.acme.test/metadata\n").contains("must be an https URL"));
        assertTrue(refused.apply("    metadata_url: https://idp.acme.test/m\n    attributes: { groups: [groups, Role] }\n")
                .contains("name the one attribute that carries groups"));
        assertTrue(refused.apply("    metadata_url: https://idp.acme.test/m\n    kind: okta-ish\n").contains("is not one of"));
        Files.writeString(cfg, base + "    metadata_url: http://idp.acme.test/metadata\n    metadata_signing_certificate: MIIB\n");
        ConfigLoader.withoutSecrets(Map.of()).load(cfg); // plain http, but signed: the signature is checked at fetch
        Files.writeString(cfg, base + "    metadata_url: http://127.0.0.1:8180/metadata\n");
        ConfigLoader.withoutSecrets(Map.of()).load(cfg);
        Files.writeString(cfg, "nats: { user: s }\ncallout: {}\naccounts: [DEV]\ntrusted_proxies: [10.0.0.0/8, proxy.internal]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.withoutSecrets(Map.of()).load(cfg));
        assertTrue(e.getMessage().contains("'proxy.internal' is not an IP address"), e.getMessage());
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

    @Test
    void theMetadataCacheLivesBesideTheConfigFileOrWhereItSaysRelativeToIt(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        String idp = "nats: { user: s }\naccounts: [DEV]\nidps:\n  - id: okta\n    metadata_url: https://idp.test/md\n";
        Files.writeString(cfg, idp);
        assertEquals(dir.resolve("metadata-cache"), ConfigLoader.withoutSecrets(Map.of()).load(cfg).idps().get(0).metadataCacheDir());
        Files.writeString(cfg, idp + "metadata_cache_dir: ../var/md\n");
        assertEquals(dir.resolve("../var/md").normalize(),
                ConfigLoader.withoutSecrets(Map.of()).load(cfg).idps().get(0).metadataCacheDir().normalize());
        Files.writeString(cfg, idp + "metadata_cache_dir: /var/cache/saml2nats\n");
        assertEquals(Path.of("/var/cache/saml2nats"), ConfigLoader.withoutSecrets(Map.of()).load(cfg).idps().get(0).metadataCacheDir());
    }

    @Test
    void aBadAcsPathOrSpEntityIdIsRefusedAtLoadNamingTheSetting(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        String base = "nats: { user: s }\naccounts: [DEV]\nidps:\n  - id: okta\n    metadata_url: https://idp.test/md\n";
        java.util.function.Function<String, String> refused = more -> {
            try {
                Files.writeString(cfg, base + more);
                return assertThrows(ConfigException.class, () -> ConfigLoader.withoutSecrets(Map.of()).load(cfg)).getMessage();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        };
        for (String[] bad : new String[][]{
                {"saml/acs", "must start with /"},
                {"/saml/../metrics", "has a . or .. segment"},
                {"/saml/./acs", "has a . or .. segment"},
                {"/saml/acs?idp=okta", "must be a plain path"},
                {"/saml/acs#x", "must be a plain path"},
                {"/saml/{idp}/post", "must be a plain path"},
                {"/saml//acs", "must be a plain path"},
                {"/saml/acs/", "must be a plain path"},
                {"/saml/other/acs", "has the shape of this service's own per-IdP paths"}}) {
            String message = refused.apply("    acs_path: \"" + bad[0] + "\"\n");
            assertTrue(message.contains("idps[okta].acs_path: '" + bad[0] + "' " + bad[1]), bad[0] + ": " + message);
        }
        String twice = refused.apply("    acs_path: /saml/acs\n  - id: entra\n    metadata_url: https://idp.test/e\n"
                + "    acs_path: /saml/acs\n");
        assertTrue(twice.contains("idps[entra].acs_path: /saml/acs is already the ACS of idps[okta]"), twice);
        assertTrue(refused.apply("    sp_entity_id: not a uri\n").contains("idps[okta].sp_entity_id: 'not a uri' is not an absolute URI"));
        assertTrue(refused.apply("    sp_entity_id: nats-login\n").contains("idps[okta].sp_entity_id: 'nats-login' is not an absolute URI"));

        Files.writeString(cfg, base + "    acs_path: /saml/acs\n    sp_entity_id: urn:acme:nats\n");
        Config.Idp okta = ConfigLoader.withoutSecrets(Map.of()).load(cfg).idps().get(0);
        assertEquals(java.util.Optional.of("/saml/acs"), okta.acsPath());
        assertEquals(java.util.Optional.of("urn:acme:nats"), okta.spEntityId());
    }
}
