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
        assertEquals(10, c.sessions().jwtJitterPercent(), "the shipped jwt_expiry_jitter: 10%");
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
    void theAdminPageNamesGroupsAndConfiguredIdpsOrIsRefusedSayingWhat(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        String base = "nats: { user: s }\ncallout: {}\naccounts: [DEV]\ndev_idp: true\n";
        Files.writeString(cfg, base);
        assertFalse(ConfigLoader.withoutSecrets(Map.of()).load(cfg).admins().enabled(), "off unless configured");
        Files.writeString(cfg, base + "admin: { groups: [nats-admins], idps: [dev] }\n");
        Config ok = ConfigLoader.withoutSecrets(Map.of()).load(cfg);
        assertEquals(java.util.List.of("nats-admins"), ok.admins().groups());
        assertEquals(java.util.List.of("dev"), ok.admins().idps());
        Files.writeString(cfg, base + "admin: { groups: [], idps: [okta], extra: 1 }\n");
        String message = assertThrows(ConfigException.class, () -> ConfigLoader.withoutSecrets(Map.of()).load(cfg)).getMessage();
        assertTrue(message.contains("admin.idps: 'okta' is not the id of a configured IdP (dev)"), message);
        assertTrue(message.contains("admin: groups is empty, so nobody could use the admin page"), message);
        assertTrue(message.contains("extra"), "an unknown key is named: " + message);
    }

    @Test
    void scimEntriesNameAnIdpATokenAndAMatchOrAreRefusedSayingWhat(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        String base = "nats: { user: s }\ncallout: {}\naccounts: [DEV]\ndev_idp: true\n";
        String hash = "a".repeat(64);
        Files.writeString(cfg, base + "scim: { idp: dev, token_sha256: " + hash + ", match: nameid }\n");
        Config ok = ConfigLoader.withoutSecrets(Map.of()).load(cfg);
        assertEquals(1, ok.scim().size());
        assertEquals(Config.Scim.Match.NAMEID, ok.scim().get(0).match());
        assertFalse(ok.scim().get(0).toString().contains(hash), "the token's hash is not printed");
        java.util.function.Function<String, String> refused = scim -> {
            try {
                Files.writeString(cfg, base + scim);
                return assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(cfg)).getMessage();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        };
        assertTrue(refused.apply("scim: [ { idp: okta, token_sha256: " + hash + " } ]\n").contains("scim[okta].idp names 'okta', which is not an id under idps"));
        assertTrue(refused.apply("scim: [ { idp: dev } ]\n").contains("give exactly one of token_file"));
        assertTrue(refused.apply("scim: [ { idp: dev, token_sha256: abc } ]\n").contains("64 hex digits"));
        assertTrue(refused.apply("scim: [ { idp: dev, token_sha256: " + hash + ", match: upn } ]\n").contains("'upn' is not one of email, nameid, username"));
        assertTrue(refused.apply("scim: [ { idp: dev, token_sha256: " + hash + ", tokn: x } ]\n").contains("tokn"));
        Files.writeString(dir.resolve("short"), "too-short");
        assertTrue(refused.apply("scim: [ { idp: dev, token_file: short } ]\n").contains("at least 32 characters"));
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
        String fileSeed = accountSeed();
        String envSeed = accountSeed();
        Files.writeString(dir.resolve("issuer.nk"), fileSeed + "\n");
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, """
                nats: { user: svc }
                callout: { issuer_seed_file: issuer.nk }
                accounts: [DEV]
                """);
        Config fromFile = new ConfigLoader(Map.of()).load(cfg);
        assertEquals(fileSeed, fromFile.callout().issuerSeed().value());
        assertFalse(fromFile.toString().contains(fileSeed), "toString hides secrets");

        Config fromEnv = new ConfigLoader(Map.of("SAML2NATS_ISSUER_SEED", envSeed, "SAML2NATS_NATS_URL", "nats://other:4222",
                "SAML2NATS_HTTP_PORT", "9090")).load(cfg);
        assertEquals(envSeed, fromEnv.callout().issuerSeed().value());
        assertEquals("nats://other:4222", fromEnv.nats().url());
        assertEquals(9090, fromEnv.httpPort());
    }

    @Test
    void everyProblemNamesItsSetting(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, """
                public_url: not a url
                http_port: 99999
                sessions: { length: forever, jwt_expiry_jitter: 80% }
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
        for (String setting : new String[]{"public_url", "http_port", "sessions.length", "sessions.jwt_expiry_jitter (percent): must be a whole number from 0 to 50, was '80'", "callout.workers",
                "callout.issuer_seed_file", "nats.user", "accounts:", "idps[acme].accounts", "colour: unknown key",
                "admin_token_file: the admin token must be at least 32 characters", "store: 'redis' is not a store"}) {
            assertTrue(all.contains(setting), setting + " in\n" + all);
        }
    }

    @Test
    void anUnknownKeyInAnyMapIsRefusedWithItsPathLineAndTheKnownKeys(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        String base = "accounts: [DEV]\nnats: { user: s }\n";
        String idp = "idps:\n  - id: okta\n    metadata_url: https://idp.acme.test/m\n";
        // a whole file with one misspelling, and what the message must say (with the misspelling's line)
        Map<String, String> typos = new java.util.LinkedHashMap<>();
        typos.put("accounts: [DEV]\nnats: { user: s, pasword_file: p }\n",
                "line 2: nats.pasword_file: unknown key; known: creds_file, password_file,");
        typos.put(base + "colour: blue\n", "line 3: colour: unknown key; known: accounts, admin, admin_token_file,");
        typos.put(base + "kv: { bucket_prefx: x }\n", "line 3: kv.bucket_prefx: unknown key; known: bucket_prefix, replicas");
        typos.put(base + "callout: { workerz: 2 }\n", "line 3: callout.workerz: unknown key; known: allowed_servers,");
        typos.put(base + "policy: { fille: m.yaml }\n", "line 3: policy.fille: unknown key; known: file, poll");
        typos.put(base + "sessions: { lenght: 8h }\n", "line 3: sessions.lenght: unknown key; known: jwt_expiry_jitter, length, max");
        typos.put(base + "sp: { signing_key: k.pem }\n", "line 3: sp.signing_key: unknown key; known: decryption_certificate_file,");
        typos.put(base + idp + "    domain: [acme.com]\n", "line 6: idps[].domain: unknown key; known: accounts, acs_path, allow_idp_initiated,");
        typos.put(base + idp + "    attributes: { mail: [m] }\n",
                "line 6: idps[].attributes.mail: unknown key; known: display_name, email,");
        typos.put(base + "operator: { sentinel_creds: s.creds, accounts: { DEV: { public_key: A } } }\n",
                "line 3: operator.sentinel_creds: unknown key; known: accounts, operator_seed_file, sentinel_creds_file");
        typos.put(base + "operator:\n  accounts:\n    DEV: { public_key: A, signing_keys: [k.nk] }\n",
                "line 5: operator.accounts.DEV.signing_keys: unknown key; known: public_key, signing_key_files");
        for (var typo : typos.entrySet()) {
            Files.writeString(cfg, typo.getKey());
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.withoutSecrets(Map.of()).load(cfg),
                    typo.getKey());
            assertTrue(e.problems().stream().anyMatch(p -> p.contains(typo.getValue())), typo.getValue() + " in\n" + e.getMessage());
        }
    }

    @Test
    void everyPathIsTakenFromTheConfigFilesFolderNotTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path keys = Files.createDirectories(dir.resolve("keys"));
        assertFalse(etc.startsWith(Path.of("").toAbsolutePath()), "the working directory is elsewhere");
        var idpCert = saml2nats.saml.SigningIdp.Keys.generate("idp").certificate();
        var nextCert = saml2nats.saml.SigningIdp.Keys.generate("idp-next").certificate();
        var signer = saml2nats.saml.SigningIdp.Keys.generate("md-signer").certificate();
        var sp = saml2nats.saml.SigningIdp.Keys.generate("sp");
        Files.writeString(etc.resolve("idp.pem"), pem(idpCert));
        Files.createDirectories(etc.resolve("certs"));
        Files.writeString(etc.resolve("certs/next"), pem(nextCert));
        Files.writeString(etc.resolve("md-signer"), pem(signer));
        Files.writeString(keys.resolve("sp.key"), pem(sp.key()));
        Files.writeString(keys.resolve("sp.pem"), pem(sp.certificate()));
        Files.writeString(keys.resolve("issuer.nk"), accountSeed());
        Files.writeString(keys.resolve("dev-sk.nk"), accountSeed());
        Files.writeString(keys.resolve("xkey.xk"), saml2nats.callout.XKey.generate(new java.security.SecureRandom()).seed());
        Files.writeString(etc.resolve("admin-token"), "a".repeat(40));
        Path cfg = etc.resolve("saml2nats.yaml");
        Files.writeString(cfg, """
                nats: { creds_file: service.creds, system_creds_file: ../keys/sys.creds }
                callout: { issuer_seed_file: ../keys/issuer.nk, xkey_seed_file: ../keys/xkey.xk }
                operator:
                  sentinel_creds_file: sentinel.creds
                  accounts:
                    DEV: { public_key: %s, signing_key_files: [../keys/dev-sk.nk] }
                policy: { file: mapping.yaml }
                audit_log: logs/audit.jsonl
                admin_token_file: admin-token
                sp:
                  signing_key_file: ../keys/sp.key
                  signing_certificate_file: ../keys/sp.pem
                  decryption_key_file: ../keys/sp.key
                  decryption_certificate_file: ../keys/sp.pem
                idps:
                  - id: okta
                    entity_id: http://www.okta.com/exk1
                    sso_url: https://acme.okta.com/sso
                    certificates: [idp.pem, ./certs/next]
                  - id: entra
                    metadata_file: entra-metadata.xml
                    metadata_signing_certificate: ./md-signer
                """.formatted(accountPublicKey()));
        Config c = new ConfigLoader(Map.of()).load(cfg);

        assertEquals(etc.resolve("service.creds"), c.nats().credsFile().orElseThrow());
        assertEquals(keys.resolve("sys.creds"), c.nats().systemCredsFile().orElseThrow().normalize());
        assertEquals(etc.resolve("sentinel.creds"), c.operator().orElseThrow().sentinelCreds().orElseThrow());
        assertEquals(etc.resolve("mapping.yaml"), c.policyFile());
        assertEquals(java.util.Optional.of(etc.resolve("logs/audit.jsonl")), c.auditLog(), "the service opens this file");
        assertEquals(etc.resolve("entra-metadata.xml"), c.idps().get(1).metadataFile().orElseThrow());
        assertEquals(keys.resolve("sp.key"), c.sp().signingKey().orElseThrow().normalize());
        assertEquals(keys.resolve("sp.pem"), c.sp().decryptionCertificate().orElseThrow().normalize());
        // what IdpRegistry does with the entries: each must read the file beside the config
        assertEquals(java.util.List.of(idpCert, nextCert), c.idps().get(0).certificates().stream()
                .map(t -> saml2nats.config.Certificates.parse(t, "test")).toList());
        assertEquals(signer, saml2nats.config.Certificates.parse(c.idps().get(1).metadataSigningCertificate().orElseThrow(), "test"));
        assertEquals(Files.readString(keys.resolve("issuer.nk")), c.callout().issuerSeed().value());
        assertEquals(Files.readString(keys.resolve("dev-sk.nk")),
                c.operator().orElseThrow().accounts().get("DEV").signingKeys().get(0).value());
        assertEquals(40, c.adminToken().orElseThrow().value().length());

        Files.writeString(cfg, "nats: { user: s }\naccounts: [DEV]\naudit_log: \"-\"\n");
        assertEquals(java.util.Optional.empty(), ConfigLoader.withoutSecrets(Map.of()).load(cfg).auditLog(), "- is stdout");
    }

    @Test
    void seedsKeysAndCertificatesAreParsedAtLoadNamingTheSettingAndNeverTheSecret(@TempDir Path dir) throws Exception {
        var sp = saml2nats.saml.SigningIdp.Keys.generate("sp");
        var other = saml2nats.saml.SigningIdp.Keys.generate("other");
        String userSeed = new String(io.nats.client.NKey.createUser(new java.security.SecureRandom()).getSeed());
        String accountSeed = accountSeed();
        String garbage = "SAGARBAGEGARBAGEGARBAGE";
        Files.writeString(dir.resolve("garbage.nk"), garbage);
        Files.writeString(dir.resolve("user.nk"), userSeed);
        Files.writeString(dir.resolve("account.nk"), accountSeed);
        Files.writeString(dir.resolve("not-a-cert.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        Files.writeString(dir.resolve("sp.key"), pem(sp.key()));
        Files.writeString(dir.resolve("sp.pem"), pem(sp.certificate()));
        Files.writeString(dir.resolve("other.pem"), pem(other.certificate()));
        Path cfg = dir.resolve("c.yaml");
        String base = "nats: { creds_file: s.creds }\n";
        String operator = "operator:\n  accounts:\n    DEV: { public_key: %s, signing_key_files: [%s] }\n";
        String idp = "idps:\n  - id: okta\n    entity_id: e\n    sso_url: https://idp.test/sso\n";
        String goodOperator = operator.formatted(accountPublicKey(), "account.nk");
        // a whole config with one mistake, and what the message must say
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(base + "callout: { issuer_seed_file: garbage.nk }\n" + goodOperator,
                "callout.issuer_seed_file (" + dir.resolve("garbage.nk") + "): not an nkey seed (an account seed starts "
                        + "with SA); 'saml2nats keys init DIR' makes one");
        cases.put(base + "callout: { issuer_seed_file: user.nk }\n" + goodOperator,
                "callout.issuer_seed_file (" + dir.resolve("user.nk") + "): not an account seed (it is a user seed, SU...)");
        cases.put(base + "callout: { issuer_seed_file: account.nk, xkey_seed_file: account.nk }\n" + goodOperator,
                "callout.xkey_seed_file (" + dir.resolve("account.nk") + "): not a curve seed (one starts with SX)");
        cases.put(base + "callout: { issuer_seed_file: account.nk }\n" + operator.formatted(accountPublicKey(), "user.nk"),
                "operator.accounts.DEV.signing_key_files (" + dir.resolve("user.nk") + "): not an account seed");
        cases.put(base + "callout: { issuer_seed_file: account.nk }\n" + goodOperator.replace("operator:\n",
                        "operator:\n  operator_seed_file: account.nk\n"),
                "operator.operator_seed_file (" + dir.resolve("account.nk") + "): not an operator seed (it is an account seed");
        cases.put(base + "callout: { issuer_seed_file: account.nk }\n" + operator.formatted("ADEV", "account.nk"),
                "operator.accounts.DEV.public_key: 'ADEV' is not an account public key");
        cases.put(base + "callout: { issuer_seed_file: account.nk }\n" + operator.formatted(accountPublicKey(), "[]")
                        .replace("[[]]", "[]"), "operator.accounts.DEV.signing_key_files: list at least one");
        String ok = base + "callout: { issuer_seed_file: account.nk }\n" + goodOperator;
        cases.put(ok + idp + "    certificates: [not-a-cert.pem]\n",
                "idps[okta].certificates (" + dir.resolve("not-a-cert.pem") + "): not a certificate; give a PEM file path");
        cases.put(ok + idp + "    certificates: [MIIBgarbage]\n", "idps[okta].certificates: not a certificate");
        cases.put(ok + idp.replace("entity_id: e\n    sso_url: https://idp.test/sso", "metadata_url: https://idp.test/md")
                        + "    metadata_signing_certificate: not-a-cert.pem\n",
                "idps[okta].metadata_signing_certificate (" + dir.resolve("not-a-cert.pem") + "): not a certificate");
        cases.put(ok + "sp: { signing_key_file: sp.pem, signing_certificate_file: sp.pem }\n",
                "sp.signing_key_file: " + dir.resolve("sp.pem") + " is not an unencrypted PEM private key");
        cases.put(ok + "sp: { decryption_key_file: sp.key, decryption_certificate_file: sp.key }\n",
                "sp.decryption_certificate_file (" + dir.resolve("sp.key") + "): not a certificate");
        cases.put(ok + "sp: { signing_key_file: sp.key }\n",
                "sp.signing_key_file: given without sp.signing_certificate_file; give both, or neither");
        cases.put(ok + "sp: { decryption_certificate_file: sp.pem }\n",
                "sp.decryption_certificate_file: given without sp.decryption_key_file");
        cases.put(ok + "sp: { signing_key_file: sp.key, signing_certificate_file: other.pem }\n",
                "sp.signing_certificate_file (" + dir.resolve("other.pem") + ") is not the certificate of sp.signing_key_file");
        for (var c : cases.entrySet()) {
            Files.writeString(cfg, c.getKey());
            ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(cfg), c.getKey());
            assertTrue(e.problems().stream().anyMatch(p -> p.contains(c.getValue())), c.getValue() + " in\n" + e.getMessage());
            for (String secret : new String[]{garbage, userSeed, accountSeed}) {
                assertFalse(e.getMessage().contains(secret), "a seed in\n" + e.getMessage());
            }
        }
        String fromEnv = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of("SAML2NATS_ISSUER_SEED", userSeed))
                .load(cfg)).getMessage();
        assertTrue(fromEnv.contains("callout.issuer_seed_file ($SAML2NATS_ISSUER_SEED): not an account seed"), fromEnv);
        assertFalse(fromEnv.contains(userSeed), fromEnv);

        Files.writeString(cfg, ok + "sp: { signing_key_file: sp.key, signing_certificate_file: sp.pem }\n");
        assertEquals(dir.resolve("sp.key"), new ConfigLoader(Map.of()).load(cfg).sp().signingKey().orElseThrow(), "a good pair");
        Files.writeString(cfg, base + "callout: { issuer_seed_file: garbage.nk }\n" + operator.formatted("ADEV", "user.nk")
                + idp + "    certificates: [not-a-cert.pem]\n");
        ConfigLoader.withoutSecrets(Map.of()).load(cfg); // check and explain read no secrets, so they judge none
    }

    @Test
    void everyProblemIsReportedInOneGo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("issuer.nk"), "not a seed");
        Files.writeString(dir.resolve("idp.pem"), "not a certificate");
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, """
                nats: { user: svc }
                callout: { issuer_seed_file: issuer.nk }
                accounts: [DEV]
                kv: { bucket_prefx: x }
                idps:
                  - id: okta
                    entity_id: http://www.okta.com/exk1
                    sso_url: https://acme.okta.com/sso
                    certificates: [idp.pem]
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(cfg));
        String all = String.join("\n", e.problems());
        assertEquals(3, e.problems().size(), all);
        for (String each : new String[]{"line 4: kv.bucket_prefx: unknown key", "callout.issuer_seed_file (",
                "idps[okta].certificates ("}) {
            assertTrue(all.contains(each), each + " in\n" + all);
        }
    }

    @Test
    void nothingInsideALoadedConfigCanBeChanged(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, """
                nats: { creds_file: s.creds }
                callout: { issuer_seed_file: i.nk, allowed_servers: [NSERVER] }
                operator:
                  accounts:
                    DEV: { public_key: ADEV, signing_key_files: [dev-sk.nk] }
                allowed_return_urls: [https://console.example.com/]
                trusted_proxies: [10.0.0.0/8]
                idps:
                  - id: okta
                    entity_id: e
                    sso_url: https://idp.test/sso
                    certificates: [MIIB]
                    accounts: [DEV]
                    domains: [acme.com]
                    attributes: { groups: [groups] }
                """);
        Config c = ConfigLoader.withoutSecrets(Map.of()).load(cfg);
        Config.Idp idp = c.idps().get(0);
        Config.Operator operator = c.operator().orElseThrow();
        java.util.List<org.junit.jupiter.api.function.Executable> changes = java.util.List.of(
                () -> c.accounts().add("OPS"),
                () -> c.idps().clear(),
                () -> c.allowedReturnUrls().add("https://evil.test/"),
                () -> c.trustedProxies().clear(),
                () -> c.callout().allowedServers().add("NOTHER"),
                () -> idp.accounts().add("OPS"),
                () -> idp.certificates().add("MIIC"),
                () -> idp.domains().add("evil.test"),
                () -> idp.attributes().put("email", java.util.List.of("mail")),
                () -> idp.attributes().get("groups").add("Role"),
                () -> operator.accounts().remove("DEV"),
                () -> operator.accounts().get("DEV").signingKeys().clear());
        for (int i = 0; i < changes.size(); i++) {
            assertThrows(UnsupportedOperationException.class, changes.get(i), "change " + i);
        }
        c.trustedProxies().get(0).network()[0] = 11;
        assertTrue(c.trustedProxies().get(0).contains("10.1.2.3"), "a range's bytes are its own");

        // built directly (as tests and tools do), a record keeps its own copy of what it was given
        java.util.List<String> domains = new java.util.ArrayList<>(java.util.List.of("acme.com"));
        Config.Idp built = new Config.Idp("x", "X", java.util.Set.of(), "", "", "", java.util.List.of(), java.util.Optional.empty(),
                java.util.Optional.empty(), Duration.ofHours(1), Map.of(), domains, false, false, Duration.ofSeconds(60),
                IdpKind.GENERIC, java.util.Optional.empty(), Path.of("metadata-cache"), java.util.Optional.empty(), java.util.Optional.empty());
        domains.add("evil.test");
        assertEquals(java.util.List.of("acme.com"), built.domains());
    }

    static String pem(java.security.cert.X509Certificate cert) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder().encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    static String pem(java.security.PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    static String accountSeed() throws Exception {
        return new String(io.nats.client.NKey.createAccount(new java.security.SecureRandom()).getSeed());
    }

    static String accountPublicKey() throws Exception {
        return new String(io.nats.client.NKey.createAccount(new java.security.SecureRandom()).getPublicKey());
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
